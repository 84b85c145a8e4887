package handlers

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"ctap/models"
	"ctap/views"
	"ctap/web/i18n"
	"ctap/web/reqctx"
)

// An export is written in the language of the person exporting: its
// headers and its translated values (a status, a theme) come from their
// catalogue, in each of the six languages, in CSV and in XLSX. The row is
// a need written in Arabic: its title stays as written whatever the
// export's language.
func TestExportsAreWrittenInTheExportersLanguage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, _ := cat.In("en")
	rows := []views.NeedRow{{
		Need:  models.Need{ID: 7, Title: "تدريب القضاة", Language: "ar", Status: models.NeedSubmitted, Theme: "criminal_justice", Priority: "high", Modality: "training", Visibility: models.VisibilityDonors},
		State: models.MemberState{ISO3: "KEN", Name: "Kenya"},
	}}
	for _, lang := range i18n.Catalogued() {
		l, ok := cat.In(lang.Tag)
		if !ok {
			t.Fatalf("no localizer for %s", lang.Tag)
		}
		want := []string{l.T("needs.col_title"), l.T("needs.col_status"), l.T("need_status.submitted"), l.T("theme.criminal_justice"), "تدريب القضاة"}
		if lang.Tag != "en" && (want[0] == en.T("needs.col_title") || want[2] == en.T("need_status.submitted")) {
			t.Fatalf("the %s catalogue says the header or the status in English", lang.Tag)
		}
		for _, format := range []string{"csv", "xlsx"} {
			req := httptest.NewRequest(http.MethodGet, "/needs?format="+format, nil)
			req = req.WithContext(reqctx.WithLocalizer(req.Context(), l))
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(req, rec)
			tb := views.BuildTable(ctx(c), views.T_(ctx(c), "needs.caption"), views.NeedExportColumns(false), rows)
			if err := writeExport(c, format, "needs", tb); err != nil {
				t.Fatalf("%s %s: %v", lang.Tag, format, err)
			}
			records := readExport(t, format, rec.Body.Bytes())
			if len(records) != 2 {
				t.Fatalf("%s %s: %d lines, want the header and one row", lang.Tag, format, len(records))
			}
			got := append(slices.Clone(records[0]), records[1]...)
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("the %s export in %s lacks %q: %q", format, lang.Tag, w, got)
				}
			}
		}
	}
}

// readExport reads a CSV or XLSX export back into lines of cells.
func readExport(t *testing.T, format string, body []byte) [][]string {
	t.Helper()
	if format == "csv" {
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		return records
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer f.Close()
	records, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	for i, r := range records {
		for j, v := range r {
			records[i][j] = strings.TrimSpace(v)
		}
	}
	return records
}
