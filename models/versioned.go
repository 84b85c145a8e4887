package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// updateVersioned writes values to the row of table with this id, but only
// if it is still at the version the person saw, and moves it to the next
// version; ErrStaleVersion when someone else saved first. It runs in the
// caller's transaction, beside the audit row.
func updateVersioned(tx *gorm.DB, table string, id int64, seenVersion int, values map[string]any) error {
	values["version"] = seenVersion + 1
	if _, ok := values["updated_at"]; !ok {
		values["updated_at"] = time.Now().UTC()
	}
	res := tx.Table(table).Where("id = ? AND version = ?", id, seenVersion).Updates(values)
	if res.Error != nil {
		return fmt.Errorf("update %s %d: %w", table, id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("%s %d is no longer at version %d: %w", table, id, seenVersion, ErrStaleVersion)
	}
	return nil
}
