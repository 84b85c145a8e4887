package models

import (
	"context"
	"fmt"
	"sync/atomic"

	"gorm.io/gorm"
)

// StatementCounter counts the SQL statements issued on behalf of one
// request. The server exposes the figure as a metric; tests assert it, so a
// page whose query count grows with the data fails its test.
type StatementCounter struct{ n atomic.Int64 }

// Count returns the statements counted so far.
func (c *StatementCounter) Count() int { return int(c.n.Load()) }

type counterKey struct{}

// WithStatementCounter returns a context whose database work is counted.
func WithStatementCounter(ctx context.Context) (context.Context, *StatementCounter) {
	c := &StatementCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// StatementCounterFrom returns the context's counter, or nil.
func StatementCounterFrom(ctx context.Context) *StatementCounter {
	c, _ := ctx.Value(counterKey{}).(*StatementCounter)
	return c
}

// CountStatement adds one statement to ctx's counter (GORM's callbacks
// call it for every statement).
func CountStatement(ctx context.Context) {
	if c := StatementCounterFrom(ctx); c != nil {
		c.n.Add(1)
	}
}

// RegisterStatementCounting hooks a counter into every kind of GORM
// statement; statements run with a context carrying a counter are counted.
func RegisterStatementCounting(db *gorm.DB) error {
	count := func(tx *gorm.DB) {
		if tx.Statement != nil && tx.Statement.Context != nil && tx.Statement.SQL.Len() > 0 {
			CountStatement(tx.Statement.Context)
		}
	}
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("ctap:count_query", count),
		"create": cb.Create().After("gorm:create").Register("ctap:count_create", count),
		"update": cb.Update().After("gorm:update").Register("ctap:count_update", count),
		"delete": cb.Delete().After("gorm:delete").Register("ctap:count_delete", count),
		"row":    cb.Row().After("gorm:row").Register("ctap:count_row", count),
		"raw":    cb.Raw().After("gorm:raw").Register("ctap:count_raw", count),
	} {
		if err != nil {
			return fmt.Errorf("register statement counting for %s: %w", name, err)
		}
	}
	return nil
}
