package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"ctap/views"
)

// Exports write a list exactly as its page declares it (views.Column): the
// same columns, the same filters, every matching row rather than one page.

// exportFormat reads ?format= (csv or xlsx); "" when the page is wanted.
func exportFormat(c echo.Context) string {
	switch f := c.QueryParam("format"); f {
	case "csv", "xlsx":
		return f
	}
	return ""
}

// writeExport sends a table as CSV (UTF-8 with a byte-order mark, so
// spreadsheet programs read accents right) or XLSX, named name-DATE.ext.
func writeExport(c echo.Context, format, name string, t views.Table) error {
	file := fmt.Sprintf("%s-%s.%s", name, time.Now().UTC().Format("2006-01-02"), format)
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", file))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	switch format {
	case "csv":
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		for _, rec := range t.Records() {
			for i, v := range rec {
				rec[i] = neutralizeFormula(v)
			}
			if err := w.Write(rec); err != nil {
				return fmt.Errorf("export %s: %w", name, err)
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	case "xlsx":
		b, err := xlsxOf(t)
		if err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
	}
	return echo.ErrNotFound
}

// neutralizeFormula keeps a cell that starts like a formula from running as
// one when the CSV is opened in a spreadsheet (CSV injection).
func neutralizeFormula(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// xlsxOf writes the table into one sheet with a bold, frozen header row,
// streaming rows so a large export stays within memory.
func xlsxOf(t views.Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for r, rec := range t.Records() {
		row := make([]any, len(rec))
		for i, v := range rec {
			if r == 0 {
				row[i] = excelize.Cell{StyleID: bold, Value: v}
			} else {
				row[i] = v // text cells: excelize never evaluates them
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+1)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
