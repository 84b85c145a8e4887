// Package charts draws bar and step charts as inline SVG on the server: no script,
// no request elsewhere, nothing for the Content-Security-Policy to allow
// (presentation attributes, no style attributes). Each chart is an image
// with a title and description for assistive technology, a caption, and
// always the table of its figures after it, which screen readers, print
// and anyone who wants the exact figures read.
//
// The package draws what it is given: labels and figures already written
// in the page's language by the caller, and float64 values used only to
// size the bars. It knows nothing of money, languages or the database; of
// the page it reads only its direction, to mirror a chart on a
// right-to-left page (inDirection).
package charts

import (
	"context"
	"math"
	"strconv"
	"strings"
	"unicode"

	"ctap/web/reqctx"
)

// Geometry, in viewBox units. The viewBox is width units wide and the SVG
// takes the width of its column: on a 360 px phone the column is about
// 328 px, so text of fontSize units is drawn at 13.5 px or more; the
// stylesheet caps the chart's width so it does not grow without end.
const (
	width      = 340.0
	fontSize   = 14.0
	lineHeight = 18.0
	barHeight  = 20.0
	// besideHeight is the thinner bar of a figure shown beside a stack,
	// never added to it (outstanding pledges).
	besideHeight = 12.0
	rowGap       = 14.0
	valueGap     = 6.0
	swatch       = 16.0
	minBar       = 2.0 // a non-zero figure always shows
	maxLines     = 4   // a label's lines; the table has the full label
)

// Fill is how a series is painted: a colour with enough contrast against
// white (3:1 at least, WCAG 1.4.11), and a pattern so that no series is
// told from another by colour alone.
type Fill string

const (
	// Solid: the portal's primary blue, #0b4f8a (8.4:1).
	Solid Fill = "solid"
	// Striped: diagonal stripes of #2f7bbf (4.5:1) outlined in #0b4f8a.
	Striped Fill = "striped"
	// Dotted: dots of #a35200 (5.6:1) outlined in the same.
	Dotted Fill = "dotted"
	// Orange: solid #a35200 (5.6:1).
	Orange Fill = "orange"
	// Lined: horizontal lines of #0b4f8a outlined in the same.
	Lined Fill = "lined"
	// Checked: a checkerboard of #5a5f66 (6.4:1) outlined in the same.
	Checked Fill = "checked"
)

// Fills lists every fill, for a chart with many series; a seventh series
// would repeat the first.
func Fills() []Fill { return []Fill{Solid, Striped, Dotted, Orange, Lined, Checked} }

// Bar is one category of a bar chart.
type Bar struct {
	Label   string  // the category, as the page writes it
	Value   float64 // the bar's length, for drawing only
	Display string  // the exact figure, as the page writes it
}

// Cell is one cell of a chart's table.
type Cell struct {
	Text string
	Num  bool   // a figure: aligned to the end, digits in columns
	Href string // the list the figure was counted from; "" for no link
}

// Row is one row of a chart's table, named by its header cell.
type Row struct {
	Header string
	Cells  []Cell
}

// Table is a chart's figures as a table: the caption, the column headers
// (the first heads the row headers' column) and the rows.
type Table struct {
	Caption string
	Headers []string
	Rows    []Row
}

// numColumn tells whether column i (0 heads the row headers) holds
// figures, as its cells in the first row say.
func (tb Table) numColumn(i int) bool {
	if i == 0 || len(tb.Rows) == 0 || i > len(tb.Rows[0].Cells) {
		return false
	}
	return tb.Rows[0].Cells[i-1].Num
}

// BarChart is a horizontal bar chart of one series.
type BarChart struct {
	ID    string // unique on the page; prefixes the chart's element IDs
	Title string // the chart's name: its caption and accessible name
	Desc  string // what the chart shows, for assistive technology
	Bars  []Bar
	Table Table
}

// Series is one layer of a stacked bar, or the figure shown beside it.
type Series struct {
	Label string
	Fill  Fill
}

// StackedBar is one category of a stacked bar chart.
type StackedBar struct {
	Label    string
	Values   []float64 // one per series, for drawing only
	Display  string    // the stack's total, as the page writes it
	Beside   float64   // the figure drawn beside, not stacked (drawing only)
	BesideAt string    // that figure as the page writes it; "" draws none
}

// StackedChart is a horizontal stacked bar chart, each bar optionally with
// a thinner bar beside it for a figure that must not be added to the
// stack.
type StackedChart struct {
	ID     string
	Title  string
	Desc   string
	Series []Series
	Beside *Series // nil: nothing beside
	Bars   []StackedBar
	Table  Table
}

// text is one line of text at its baseline.
type text struct {
	X, Y float64
	S    string
}

// rect is a painted rectangle.
type rect struct {
	X, Y, W, H float64
	Fill       Fill
}

// drawn is a chart laid out: its height, and what to paint.
type drawn struct {
	Height float64
	Texts  []text // labels and figures
	Rects  []rect
	Keys   []rect // legend swatches, with their text in Texts
	Lines  []line // a step chart's axes and series
	RTL    bool   // mirrored for a right-to-left page (inDirection)
}

// layoutBars lays out one series.
func layoutBars(bars []Bar) drawn {
	var d drawn
	top, widest := 0.0, 0.0
	for _, b := range bars {
		top = math.Max(top, b.Value)
		widest = math.Max(widest, textWidth(b.Display))
	}
	area := barArea(widest)
	y := 0.0
	for _, b := range bars {
		y = d.label(b.Label, y)
		w := scale(b.Value, top, area)
		if w > 0 {
			d.Rects = append(d.Rects, rect{X: 0, Y: y, W: w, H: barHeight, Fill: Solid})
		}
		d.Texts = append(d.Texts, text{X: w + valueGap, Y: baseline(y, barHeight), S: b.Display})
		y += barHeight + rowGap
	}
	d.Height = math.Max(y-rowGap+2, lineHeight)
	return d
}

// layoutStacked lays out a stacked chart: the legend, then each category's
// label, stack and total, and the figure beside it.
func layoutStacked(c StackedChart) drawn {
	var d drawn
	legend := c.Series
	if c.Beside != nil {
		legend = append(append([]Series(nil), c.Series...), *c.Beside)
	}
	y := d.legend(legend, 0)

	top, widest := 0.0, 0.0
	for _, b := range c.Bars {
		sum := 0.0
		for _, v := range b.Values {
			sum += v
		}
		top = math.Max(top, math.Max(sum, b.Beside))
		widest = max(widest, textWidth(b.Display), textWidth(b.BesideAt))
	}
	area := barArea(widest)
	for _, b := range c.Bars {
		y = d.label(b.Label, y)
		x := 0.0
		for i, v := range b.Values {
			w := scale(v, top, area)
			if w == 0 || i >= len(c.Series) {
				continue
			}
			d.Rects = append(d.Rects, rect{X: x, Y: y, W: w, H: barHeight, Fill: c.Series[i].Fill})
			x += w
		}
		d.Texts = append(d.Texts, text{X: x + valueGap, Y: baseline(y, barHeight), S: b.Display})
		y += barHeight
		if c.Beside != nil && b.BesideAt != "" {
			y += 3
			w := scale(b.Beside, top, area)
			if w > 0 {
				d.Rects = append(d.Rects, rect{X: 0, Y: y, W: w, H: besideHeight, Fill: c.Beside.Fill})
			}
			d.Texts = append(d.Texts, text{X: w + valueGap, Y: baseline(y, besideHeight), S: b.BesideAt})
			y += besideHeight
		}
		y += rowGap
	}
	d.Height = math.Max(y-rowGap+2, lineHeight)
	return d
}

// label writes a category's label above its bar, wrapped, and returns
// where the bar goes.
func (d *drawn) label(s string, y float64) float64 {
	for _, line := range wrap(s, width) {
		d.Texts = append(d.Texts, text{X: 0, Y: y + lineHeight - 4, S: line})
		y += lineHeight
	}
	return y + 3
}

// barArea is the length of the longest bar: the width less room for the
// widest figure after it (and for the minimum lengths of a stack's
// segments).
func barArea(widestFigure float64) float64 {
	return math.Max(width-valueGap-widestFigure-2*minBar, width/3)
}

// scale is a value's bar length.
func scale(v, top, area float64) float64 {
	if v <= 0 || top <= 0 {
		return 0
	}
	return math.Max(v/top*area, minBar)
}

// baseline centres a line of text on a bar.
func baseline(y, h float64) float64 { return y + h/2 + fontSize*0.35 }

// wrap breaks s into lines at most w units wide at spaces (a longer word
// is cut), at most maxLines of them, the last ending in "…" when some is
// left out.
func wrap(s string, w float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		for textWidth(word) > w {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			head, rest := cut(word, w)
			lines, word = append(lines, head), rest
		}
		switch {
		case line == "":
			line = word
		case textWidth(line+" "+word) <= w:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	if len(lines) > maxLines {
		last, _ := cut(lines[maxLines-1], w-textWidth("…"))
		lines = append(lines[:maxLines-1], last+"…")
	}
	return lines
}

// cut splits s where its first part is as wide as fits in w (one
// character at least).
func cut(s string, w float64) (string, string) {
	r := []rune(s)
	n := 1
	for n < len(r) && textWidth(string(r[:n+1])) <= w {
		n++
	}
	return string(r[:n]), string(r[n:])
}

// textWidth estimates, generously, how wide s is drawn at fontSize in the
// widest of the portal's sans-serif fonts (DejaVu Sans, where a digit is
// 8.9 units and an m 13.6), so that labels wrap and figures fit inside
// the chart whichever font the reader has.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			w += 9
		case strings.ContainsRune(".,:;!'’()[]| \u00a0\u202f", r):
			w += 5
		case strings.ContainsRune("mwMW", r):
			w += 14
		case unicode.IsUpper(r):
			w += 11
		default:
			w += 8.5
		}
	}
	return w
}

// strokeOf outlines a patterned rectangle so its extent shows.
func strokeOf(f Fill) string {
	switch f {
	case Striped:
		return "#0b4f8a"
	case Dotted, Orange:
		return "#a35200"
	case Lined:
		return "#0b4f8a"
	case Checked:
		return "#5a5f66"
	}
	return "none"
}

// num writes a coordinate.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// viewBox is the chart's viewBox for its height.
func viewBox(h float64) string { return "0 0 " + num(width) + " " + num(h) }

// fillOf is the paint of a rectangle: a colour or the chart's pattern.
func fillOf(id string, f Fill) string {
	switch f {
	case Striped:
		return "url(#" + id + "-striped)"
	case Dotted:
		return "url(#" + id + "-dotted)"
	case Lined:
		return "url(#" + id + "-lined)"
	case Checked:
		return "url(#" + id + "-checked)"
	case Orange:
		return "#a35200"
	}
	return "#0b4f8a"
}

// rightToLeft tells whether the page runs right to left (Arabic), as the
// layout's dir attribute does: the charts then mirror.
func rightToLeft(ctx context.Context) bool {
	l := reqctx.Localizer(ctx)
	return l != nil && l.RTL
}

// inDirection is a laid-out chart as the page's direction shows it: left
// to right as laid out, or mirrored for a right-to-left page, where the
// labels, the legend's swatches and the bars start at the right edge, bars
// grow to the left, figures follow them on the left and a step chart's
// years run from right to left. Only positions mirror: each text is drawn
// upright, its right end at the mirrored start (the SVG's text runs right
// to left, text-anchor start), so it reads as the page's text does.
func inDirection(ctx context.Context, d drawn) drawn {
	if !rightToLeft(ctx) {
		return d
	}
	m := drawn{Height: d.Height, RTL: true}
	flip := func(rs []rect) []rect {
		out := make([]rect, len(rs))
		for i, r := range rs {
			r.X = width - r.X - r.W
			out[i] = r
		}
		return out
	}
	m.Rects, m.Keys = flip(d.Rects), flip(d.Keys)
	for _, t := range d.Texts {
		t.X = width - t.X
		m.Texts = append(m.Texts, t)
	}
	for _, l := range d.Lines {
		l.D = mirrorPath(l.D)
		m.Lines = append(m.Lines, l)
	}
	return m
}

// mirrorPath mirrors the x coordinates of a path made of the commands the
// step chart writes, absolute and one number each but M's two: "M x y",
// "H x" and "V y". Anything else comes back unchanged.
func mirrorPath(p string) string {
	var b strings.Builder
	for p != "" {
		cmd := p[0]
		rest := p[1:]
		end := strings.IndexAny(rest, "MHV")
		if end < 0 {
			end = len(rest)
		}
		args := strings.Fields(rest[:end])
		p = rest[end:]
		want := map[byte]int{'M': 2, 'H': 1, 'V': 1}[cmd]
		if want == 0 || len(args) != want {
			return b.String() + string(cmd) + rest
		}
		if cmd != 'V' {
			x, err := strconv.ParseFloat(args[0], 64)
			if err != nil {
				return b.String() + string(cmd) + rest
			}
			args[0] = num(width - x)
		}
		b.WriteByte(cmd)
		b.WriteString(strings.Join(args, " "))
	}
	return b.String()
}
