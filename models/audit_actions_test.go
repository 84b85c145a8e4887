package models_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"ctap/models"
)

// Every action constant is listed by AuditActions, so the trail can name
// each one in the reader's language.
func TestAuditActionsListsEveryAction(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "audit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[models.AuditAction]bool{}
	for _, a := range models.AuditActions() {
		listed[a] = true
	}
	declared := 0
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || spec.Type == nil {
			return true
		}
		if id, ok := spec.Type.(*ast.Ident); !ok || id.Name != "AuditAction" {
			return true
		}
		for _, v := range spec.Values {
			lit, ok := v.(*ast.BasicLit)
			if !ok {
				continue
			}
			declared++
			if a := models.AuditAction(lit.Value[1 : len(lit.Value)-1]); !listed[a] {
				t.Errorf("AuditActions does not list %q", a)
			}
		}
		return true
	})
	if declared != len(models.AuditActions()) {
		t.Errorf("%d actions declared, %d listed", declared, len(models.AuditActions()))
	}
}
