package models

import (
	"context"
	"io"

	"gorm.io/gorm"
)

// SearchTextForTest is searchText, for models_test.
func SearchTextForTest(typed string) string { return searchText(typed) }

// JoinHanForTest is joinHan, for models_test.
func JoinHanForTest(excerpt string) string { return joinHan(excerpt) }

// ReadContributionImportForTest reads a contributions file as an import
// does before it writes anything: how many rows it accepts, or why not.
func ReadContributionImportForTest(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, r io.Reader) (int, error) {
	rows, err := readContributionImport(ctx, db, ref, NewFormChecker(), u, r)
	return len(rows), err
}

// ReadActivityImportForTest is the same for an activities file.
func ReadActivityImportForTest(ctx context.Context, db *gorm.DB, ref *ReferenceCache, r io.Reader) (int, error) {
	rows, err := readActivityImport(ctx, db, ref, NewFormChecker(), r)
	return len(rows), err
}
