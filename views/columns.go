package views

import (
	"context"

	"github.com/a-h/templ"
)

// Column is one column of a list, declared once: its header, its text
// (what the CSV and XLSX exports write, and the HTML cell unless Cell is
// set) and optionally a richer HTML cell (a link, a badge).
type Column[T any] struct {
	Header    string // message ID
	Text      func(ctx context.Context, row T) string
	Cell      func(ctx context.Context, row T) templ.Component
	RowHeader bool // the cell names the row (<th scope="row">)
}

// Table is a list built from its columns, ready for HTML or an export.
type Table struct {
	Caption string
	Headers []string
	Rows    [][]TableCell
}

// TableCell is one cell: its text, and its HTML when richer than the text.
type TableCell struct {
	Text      string
	HTML      templ.Component
	RowHeader bool
}

// BuildTable applies the columns to the rows in the page's language.
func BuildTable[T any](ctx context.Context, caption string, cols []Column[T], rows []T) Table {
	t := Table{Caption: caption, Headers: make([]string, len(cols)), Rows: make([][]TableCell, len(rows))}
	for i, c := range cols {
		t.Headers[i] = T_(ctx, c.Header)
	}
	for r, row := range rows {
		cells := make([]TableCell, len(cols))
		for i, c := range cols {
			cells[i] = TableCell{Text: c.Text(ctx, row), RowHeader: c.RowHeader}
			if c.Cell != nil {
				cells[i].HTML = c.Cell(ctx, row)
			}
		}
		t.Rows[r] = cells
	}
	return t
}

// Records is the table as text: the header line, then one line per row,
// as the CSV and XLSX exports write it.
func (t Table) Records() [][]string {
	out := make([][]string, 0, len(t.Rows)+1)
	out = append(out, t.Headers)
	for _, row := range t.Rows {
		line := make([]string, len(row))
		for i, c := range row {
			line[i] = c.Text
		}
		out = append(out, line)
	}
	return out
}

// T_ translates a message ID for code outside templates (handlers' exports).
func T_(ctx context.Context, id string) string { return t(ctx, id) }
