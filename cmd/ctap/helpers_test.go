package main

import (
	"testing"

	"github.com/peterldowns/pgtestdb"

	"ctap/models/dbtest"
)

// emptyDatabaseURL is a fresh database with no schema.
func emptyDatabaseURL(t *testing.T) string {
	t.Helper()
	return pgtestdb.Custom(t, dbtest.Config(t), pgtestdb.NoopMigrator{}).URL()
}
