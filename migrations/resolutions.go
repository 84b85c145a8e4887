package migrations

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"ctap/models"
	"ctap/models/resolution"
)

// goMigrations are the migrations written in Go: the resolutions, loaded by
// CTAP's own importer from their official text.
func goMigrations() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(5, &goose.GoFunc{RunTx: importResolution("resolutions/A-RES-70-177.txt")}, &goose.GoFunc{RunTx: deleteResolution("A/RES/70/177")}),
	}
}

// importResolution parses an embedded official text and stores it, unless
// its symbol is already there (so re-running is a no-op).
func importResolution(name string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		text, err := files.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		doc, err := resolution.Parse(bytes.NewReader(text))
		if err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		db, err := gormOnTx(tx)
		if err != nil {
			return err
		}
		var n int64
		if err := db.Model(&models.Resolution{}).Where("symbol = ?", doc.Symbol).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err = models.ImportResolution(ctx, db, doc)
		return err
	}
}

func deleteResolution(symbol string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM resolutions WHERE symbol = $1", symbol)
		return err
	}
}

// gormOnTx lets the models' functions run inside goose's transaction.
func gormOnTx(tx *sql.Tx) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: tx}), &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
		DisableAutomaticPing:   true,
	})
	if err != nil {
		return nil, fmt.Errorf("gorm on migration transaction: %w", err)
	}
	return db, nil
}
