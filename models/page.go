package models

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// PageRequest asks for one page of a keyset-paginated list: the first page,
// the page after a cursor (next), or the page before one (previous).
type PageRequest struct {
	After  string // cursor of the last row of the page the reader saw
	Before string // cursor of the first row of the page the reader saw
	Limit  int
	// Strict refuses a mangled cursor with ErrBadCursor instead of showing
	// the first page: a program (the API) should learn its cursor is wrong,
	// a person following an old link should still see a list.
	Strict bool
}

// ErrBadCursor is a cursor that no page of the list gave.
var ErrBadCursor = errors.New("malformed cursor")

// Page is one page of a list with the cursors that lead to its neighbours;
// an empty cursor means there is no page that way.
type Page[T any] struct {
	Items []T
	Next  string // pass as After
	Prev  string // pass as Before
}

// SortKey is one column of a list's order. Every key of an order runs in
// the same direction, and the last is unique (the ID), so the order is
// total and a cursor is a point in it. Expr must never be NULL (coalesce).
type SortKey struct {
	Expr string // SQL expression, e.g. "needs.updated_at"
	Type string // SQL type the cursor value is cast to, e.g. "timestamptz"
}

// Order is a list's order: its keys and direction.
type Order struct {
	Keys []SortKey
	Desc bool
}

// paginate reads one page of q in order o. key returns a row's values for
// the order's keys, which become its cursor. One statement: the limit is
// one more than the page, to learn whether the list goes on.
func paginate[T any](q *gorm.DB, o Order, req PageRequest, key func(T) []any) (Page[T], error) {
	limit := req.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	backwards := req.Before != "" && req.After == ""
	cursor := req.After
	if backwards {
		cursor = req.Before
	}
	if cursor != "" {
		vals, err := decodeCursor(cursor, len(o.Keys))
		if err != nil {
			if req.Strict {
				return Page[T]{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
			}
			// A mangled cursor shows the first page rather than an error.
			cursor, backwards = "", false
		} else {
			desc := o.Desc != backwards
			op := ">"
			if desc {
				op = "<"
			}
			exprs := make([]string, len(o.Keys))
			params := make([]string, len(o.Keys))
			for i, k := range o.Keys {
				exprs[i] = k.Expr
				params[i] = "CAST(? AS " + k.Type + ")"
			}
			q = q.Where("("+strings.Join(exprs, ", ")+") "+op+" ("+strings.Join(params, ", ")+")", vals...)
		}
	}
	desc := o.Desc != backwards
	order := make([]string, len(o.Keys))
	for i, k := range o.Keys {
		order[i] = k.Expr
		if desc {
			order[i] += " DESC"
		}
	}
	var rows []T
	if err := q.Order(strings.Join(order, ", ")).Limit(limit + 1).Find(&rows).Error; err != nil {
		return Page[T]{}, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if backwards {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	p := Page[T]{Items: rows}
	if len(rows) == 0 {
		return p, nil
	}
	first, last := encodeCursor(key(rows[0])), encodeCursor(key(rows[len(rows)-1]))
	if backwards {
		// We came back from the page after this one; there is one before
		// only if the reversed read found more.
		p.Next = last
		if more {
			p.Prev = first
		}
	} else {
		if more {
			p.Next = last
		}
		if cursor != "" {
			p.Prev = first
		}
	}
	return p, nil
}

func encodeCursor(vals []any) string {
	b, _ := json.Marshal(vals)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, n int) ([]any, error) {
	if len(s) > 512 {
		return nil, fmt.Errorf("cursor too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("cursor: %w", err)
	}
	var vals []any
	if err := json.Unmarshal(b, &vals); err != nil {
		return nil, fmt.Errorf("cursor: %w", err)
	}
	if len(vals) != n {
		return nil, fmt.Errorf("cursor has %d values, want %d", len(vals), n)
	}
	for i, v := range vals {
		switch x := v.(type) {
		case string:
		case float64:
			vals[i] = strconv.FormatFloat(x, 'f', -1, 64) // cast in SQL
		default:
			return nil, fmt.Errorf("cursor value %d has type %T", i, v)
		}
	}
	return vals, nil
}
