package models

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Every CSV import (treaty actions, exchange rates, contributions) reads
// its file the same way: a header naming the columns in any order (UTF-8,
// with or without a byte-order mark, any case), then rows; each row is
// checked on its own and with the file's other rows, every problem is
// reported by line and column, and nothing is stored when there is one.

// ImportProblem is what is wrong with one cell (or line) of an import file.
type ImportProblem struct {
	Line   int
	Column string // "" for the whole line
	ID     string
	Data   map[string]any
}

// ImportError is an import refused: nothing was stored.
type ImportError struct{ Problems []ImportProblem }

func (e *ImportError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("line %d, column %s: %s", p.Line, p.Column, p.ID))
	}
	return "import refused (" + strings.Join(parts, "; ") + ")"
}

// ImportProblemsOf returns the problems an error carries, if it is (or
// wraps) an ImportError.
func ImportProblemsOf(err error) ([]ImportProblem, bool) {
	var ie *ImportError
	if errors.As(err, &ie) {
		return ie.Problems, true
	}
	return nil, false
}

// ImportCounts is what an import of records did: how many rows it read,
// and how many records it created, changed and left unchanged.
type ImportCounts struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// maxImportProblems stops listing problems after this many: a wrong file
// is usually wrong on every line.
const maxImportProblems = 200

// importProblems collects an import's problems.
type importProblems struct{ list []ImportProblem }

// add records a problem of one cell (column "" for the whole line).
func (ps *importProblems) add(line int, column, id string, kv ...any) {
	p := Problems{}
	p.Add(column, id, kv...)
	ps.list = append(ps.list, ImportProblem{Line: line, Column: column, ID: id, Data: p[column].Data})
}

// addChecked records the problems a row's check found, one per column in
// the order given; column maps a checked field to the file's column.
func (ps *importProblems) addChecked(line int, p Problems, order []string, column func(field string) string) {
	seen := map[string]bool{}
	for _, field := range order {
		if pr, bad := p[field]; bad {
			ps.list = append(ps.list, ImportProblem{Line: line, Column: column(field), ID: pr.ID, Data: pr.Data})
			seen[field] = true
		}
	}
	// A problem with no column of its own (a schedule, a rule across
	// fields) belongs to the whole line.
	rest := make([]string, 0, len(p))
	for field := range p {
		if !seen[field] {
			rest = append(rest, field)
		}
	}
	sort.Strings(rest)
	for _, field := range rest {
		ps.list = append(ps.list, ImportProblem{Line: line, Column: column(field), ID: p[field].ID, Data: p[field].Data})
	}
}

// any tells whether a problem was found.
func (ps *importProblems) any() bool { return len(ps.list) > 0 }

// err is the problems found as an *ImportError, by line, bounded; nil
// when there are none.
func (ps *importProblems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	out := slices.Clone(ps.list)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	if len(out) > maxImportProblems {
		out = out[:maxImportProblems]
	}
	return &ImportError{Problems: out}
}

// importFile describes an import's CSV file.
type importFile struct {
	Required []string // columns the header must name
	Optional []string // columns it may name
	MaxRows  int
}

// importRecord is one row of the file: its line and its cells by column.
type importRecord struct {
	Line  int
	cells []string
	col   map[string]int
}

// Cell is the row's value in column name, trimmed; "" when the header does
// not name that (optional) column.
func (r importRecord) Cell(name string) string {
	i, ok := r.col[name]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// read parses the file, calling row for each line that has the header's
// number of cells. A file that cannot be read on (no header, a wrong one,
// a line that is not CSV, too many rows) adds its problem and stops the
// reading; row's error stops it too and is returned.
func (f importFile) read(r io.Reader, ps *importProblems, row func(importRecord) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		ps.add(1, "", "import.empty")
		return nil
	}
	if err != nil {
		ps.add(csvLine(err, 1), "", "import.unreadable")
		return nil
	}
	col := map[string]int{}
	badHeader := func() error {
		if len(f.Optional) == 0 {
			ps.add(1, "", "import.header", "Columns", strings.Join(f.Required, ","))
		} else {
			ps.add(1, "", "import.header_optional", "Columns", strings.Join(f.Required, ","), "Optional", strings.Join(f.Optional, ","))
		}
		return nil
	}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		_, dup := col[h]
		if dup || !(slices.Contains(f.Required, h) || slices.Contains(f.Optional, h)) {
			return badHeader()
		}
		col[h] = i
	}
	for _, c := range f.Required {
		if _, ok := col[c]; !ok {
			return badHeader()
		}
	}
	count := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ps.add(csvLine(err, 0), "", "import.unreadable")
			return nil
		}
		line, _ := cr.FieldPos(0)
		if count++; count > f.MaxRows {
			// The file must be split first; its other problems can wait.
			ps.list = nil
			ps.add(line, "", "import.too_many", "Max", f.MaxRows)
			return nil
		}
		if len(rec) != len(header) {
			ps.add(line, "", "import.columns", "Count", len(header))
			continue
		}
		if err := row(importRecord{Line: line, cells: rec, col: col}); err != nil {
			return err
		}
	}
	if count == 0 {
		ps.add(1, "", "import.empty")
	}
	return nil
}

func csvLine(err error, fallback int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.StartLine
	}
	return fallback
}
