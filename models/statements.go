package models

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// StatementCounter counts the SQL statements issued on behalf of one
// request. The server exposes the figure as a metric; tests assert it, so a
// page whose query count grows with the data fails its test.
//
// A counter made by WithStatementRecorder also keeps each statement's SQL
// with its arguments written in, so the bench can replay a page's exact
// statements against PostgreSQL alone. Ordinary counters keep nothing, so
// ordinary requests pay only the atomic add.
type StatementCounter struct {
	n atomic.Int64

	recording bool // fixed at creation, so reading it needs no lock
	mu        sync.Mutex
	sql       []string // guarded by mu: a request may query from several goroutines
}

// Count returns the statements counted so far.
func (c *StatementCounter) Count() int { return int(c.n.Load()) }

// Recorded returns the statements recorded so far, in the order they
// completed, each with its arguments interpolated; nil unless the counter
// was made by WithStatementRecorder.
func (c *StatementCounter) Recorded() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sql == nil {
		return nil
	}
	return append([]string(nil), c.sql...)
}

func (c *StatementCounter) record(sql string) {
	c.mu.Lock()
	c.sql = append(c.sql, sql)
	c.mu.Unlock()
}

type counterKey struct{}

// WithStatementCounter returns a context whose database work is counted.
func WithStatementCounter(ctx context.Context) (context.Context, *StatementCounter) {
	c := &StatementCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// WithStatementRecorder returns a context whose database work is counted
// and recorded (see StatementCounter.Recorded). The SQL is GORM's
// explanation of each statement, with times and bytes written so that
// PostgreSQL reads them back unchanged (see replayable): fit for replaying
// in a benchmark, never for running what a visitor sent.
func WithStatementRecorder(ctx context.Context) (context.Context, *StatementCounter) {
	c := &StatementCounter{recording: true, sql: []string{}}
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
// statement; statements run with a context carrying a counter are counted,
// and recorded when the counter records.
func RegisterStatementCounting(db *gorm.DB) error {
	count := func(tx *gorm.DB) {
		if tx.Statement == nil || tx.Statement.Context == nil || tx.Statement.SQL.Len() == 0 {
			return
		}
		c := StatementCounterFrom(tx.Statement.Context)
		if c == nil {
			return
		}
		c.n.Add(1)
		if c.recording {
			c.record(tx.Dialector.Explain(tx.Statement.SQL.String(), replayable(tx.Statement.Vars)...))
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

// sqlLiteral is an argument already written as PostgreSQL reads it; GORM's
// Explain quotes a fmt.Stringer of string kind as it is.
type sqlLiteral string

func (l sqlLiteral) String() string { return string(l) }

// replayable rewrites the arguments GORM's Explain would not write back
// faithfully. Explain turns bytes that are not printable into '<binary>'
// (a replayed session commit would then store garbage, and the next
// request on that session fail) and times into milliseconds with no zone
// (and the zero time into a date PostgreSQL refuses). Bytes become a hex
// bytea literal, times keep their microseconds and zone. vars itself is
// left as it is: GORM still owns it.
func replayable(vars []any) []any {
	out, cloned := vars, false
	for i, v := range vars {
		var lit sqlLiteral
		switch v := v.(type) {
		case []byte:
			lit = sqlLiteral(`\x` + hex.EncodeToString(v))
		case time.Time:
			lit = sqlLiteral(v.Format(pgTimestamp))
		case *time.Time:
			if v == nil {
				continue
			}
			lit = sqlLiteral(v.Format(pgTimestamp))
		default:
			continue
		}
		if !cloned {
			out, cloned = slices.Clone(vars), true
		}
		out[i] = lit
	}
	return out
}

// pgTimestamp is how PostgreSQL writes a timestamptz, to the microsecond.
const pgTimestamp = "2006-01-02 15:04:05.999999Z07:00"
