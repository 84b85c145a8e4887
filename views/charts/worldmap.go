package charts

import (
	"cmp"
	"slices"
	"strconv"
)

// The world map is a choropleth of the United Nations Member States: each
// State with a figure is shaded in one of mapSteps steps of the portal's
// blue (the darker, the larger), the steps computed from the largest
// figure, and is a link to the State's page; every other land is light
// grey. The shapes are Natural Earth's at 1:110m (worldmap_paths.go), in
// which some small States, many of them islands, have no shape: they are
// in the table all the same, which follows the map and holds exactly the
// map's figures.
//
// Colours are the stylesheet's classes (map-step-1 to map-step-5,
// map-none, map-sphere), never style attributes, for the
// Content-Security-Policy.

// mapSteps is the number of shades of the map.
const mapSteps = 5

// MapEntry is one State's figure.
type MapEntry struct {
	Code  string // UN M49 code: ISO 3166-1 numeric, three digits ("404")
	ISO3  string // ISO 3166-1 alpha-3 ("KEN"); not drawn, for the caller
	Name  string // the State's name, as the page writes it
	Href  string // the State's page; "" draws the State unlinked
	Value int    // the figure; 0 or less draws the State as without one
}

// MapLegend names the map's legend, which lists the steps' ranges of
// figures and then the land without one.
type MapLegend struct {
	Title string // the legend's heading, e.g. "Activities per State"
	None  string // the land without a figure, e.g. "No activity"
}

// WorldMap is a world map of States shaded by a figure, with its legend
// and the table of its figures.
type WorldMap struct {
	ID          string // unique on the page; prefixes the map's element IDs
	Title       string // the map's name: its caption and accessible name
	Desc        string // what the map shows, for assistive technology; optional
	Caption     string // the table's caption
	NameHeader  string // the table's first column, e.g. "Member State"
	ValueHeader string // the table's column of figures, e.g. "Activities"
	Entries     []MapEntry
	Legend      MapLegend
	// Format writes a figure as the page writes it (digit grouping); nil
	// writes plain digits.
	Format func(int) string
}

// MapStep is one step of the map's legend: the figures from Low to High
// (both included) shaded with Class.
type MapStep struct {
	Class     string
	Low, High int
	Text      string // "Low–High", or "Low" when they are equal
}

// mapShape is one shape of the map, and what it is drawn as.
type mapShape struct {
	D     string // the SVG path
	Class string // map-none or a step's class
	Href  string // "" when not linked
	Title string // "Name: figure"; "" when the shape has no figure
}

// format writes a figure.
func (m WorldMap) format(v int) string {
	if m.Format != nil {
		return m.Format(v)
	}
	return strconv.Itoa(v)
}

// Shown is the entries the map shades and the table lists, in the table's
// order: those with a figure above 0, the largest first, then by name.
func (m WorldMap) Shown() []MapEntry {
	var shown []MapEntry
	for _, e := range m.Entries {
		if e.Value > 0 {
			shown = append(shown, e)
		}
	}
	slices.SortStableFunc(shown, func(a, b MapEntry) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.Name, b.Name))
	})
	return shown
}

// Table is the map's figures as a table: a row for each entry with a
// figure above 0, the largest first, its header the State's name. It is
// the table rendered after the map (with each name linked to its Href).
func (m WorldMap) Table() Table {
	tb := Table{Caption: m.Caption, Headers: []string{m.NameHeader, m.ValueHeader}}
	for _, e := range m.Shown() {
		tb.Rows = append(tb.Rows, Row{Header: e.Name, Cells: []Cell{{Text: m.format(e.Value), Num: true}}})
	}
	return tb
}

// top is the largest figure, 0 when none is above 0.
func (m WorldMap) top() int {
	top := 0
	for _, e := range m.Entries {
		top = max(top, e.Value)
	}
	return top
}

// mapStep is the step (1 to mapSteps) of figure v when the largest is top:
// the steps split 1 to top in mapSteps equal parts, a figure in the part
// it falls in. 0 is a figure of 0 or less: not shaded.
func mapStep(v, top int) int {
	if v <= 0 || top <= 0 {
		return 0
	}
	return min(max((mapSteps*v+top-1)/top, 1), mapSteps)
}

// stepClass is the class of step k, "map-none" for 0.
func stepClass(k int) string {
	if k <= 0 {
		return "map-none"
	}
	return "map-step-" + strconv.Itoa(k)
}

// Steps is the legend's steps with their ranges of figures, the lightest
// first, leaving out a step no whole figure falls in (when the largest is
// less than mapSteps).
func (m WorldMap) Steps() []MapStep {
	top := m.top()
	var steps []MapStep
	for k := 1; k <= mapSteps && top > 0; k++ {
		// mapStep(v) == k exactly when (k-1)·top/5 < v ≤ k·top/5.
		lo, hi := (k-1)*top/mapSteps+1, k*top/mapSteps
		if lo > hi {
			continue
		}
		s := MapStep{Class: stepClass(k), Low: lo, High: hi, Text: m.format(lo)}
		if hi != lo {
			s.Text += "–" + m.format(hi)
		}
		steps = append(steps, s)
	}
	return steps
}

// shapes is what the map draws over the sphere: first the land without a
// figure, grey, by code, then the States with one, in the table's order
// (which is the order of their links for the keyboard). A State whose code
// has no shape at 1:110m is left out; it is in the table.
func (m WorldMap) shapes() []mapShape {
	paths := worldCountryPaths()
	top := m.top()
	var shaded []mapShape
	done := map[string]bool{}
	for _, e := range m.Shown() {
		d, ok := paths[e.Code]
		if !ok || done[e.Code] {
			continue
		}
		done[e.Code] = true
		shaded = append(shaded, mapShape{
			D: d, Class: stepClass(mapStep(e.Value, top)), Href: e.Href,
			Title: e.Name + ": " + m.format(e.Value),
		})
	}
	codes := make([]string, 0, len(paths))
	for c := range paths {
		if !done[c] {
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	shapes := make([]mapShape, 0, len(paths)+1)
	for _, c := range codes {
		shapes = append(shapes, mapShape{D: paths[c], Class: stepClass(0)})
	}
	if worldOtherPath != "" {
		shapes = append(shapes, mapShape{D: worldOtherPath, Class: stepClass(0)})
	}
	return append(shapes, shaded...)
}

// mapViewBox is the map's viewBox.
func mapViewBox() string {
	return "0 0 " + strconv.Itoa(worldMapWidth) + " " + strconv.Itoa(worldMapHeight)
}

// linkedTable is the map's table with the page of each row's State.
type linkedTable struct {
	Table
	Hrefs []string // one per row; "" for no link
}

// linkedTable is the map's Table with each row's link.
func (m WorldMap) linkedTable() linkedTable {
	lt := linkedTable{Table: m.Table()}
	for _, e := range m.Shown() {
		lt.Hrefs = append(lt.Hrefs, e.Href)
	}
	return lt
}
