package models

import (
	"context"

	"gorm.io/gorm"
)

// SeedDemo loads the synthetic demo data. Reference data (the resolution,
// States, instruments, currencies) comes with the migrations; the demo adds
// what people record, and is labelled as synthetic wherever it shows.
func SeedDemo(ctx context.Context, db *gorm.DB) (string, error) {
	return "demo data: nothing to add yet beyond the reference data", nil
}
