package charts

import "math"

// GroupedBar is one category of a grouped bar chart: one bar per series,
// side by side (one under the other), never added together.
type GroupedBar struct {
	Label    string
	Values   []float64 // one per series, for drawing only
	Displays []string  // each figure as the page writes it
}

// GroupedChart is a horizontal grouped bar chart: for each category, a
// bar per series on one scale, for figures that compare rather than add up
// (what was committed, what was paid, what was asked for).
type GroupedChart struct {
	ID     string
	Title  string
	Desc   string
	Series []Series
	Bars   []GroupedBar
	Table  Table
}

// groupedHeight is the height of one bar of a group: thinner than a lone
// bar, so a group of three stays compact on a phone.
const groupedHeight = 14.0

// layoutGrouped lays out a grouped chart: the legend, then each category's
// label and its bars, each with its figure.
func layoutGrouped(c GroupedChart) drawn {
	var d drawn
	y := d.legend(c.Series, 0)
	top, widest := 0.0, 0.0
	for _, b := range c.Bars {
		for _, v := range b.Values {
			top = math.Max(top, v)
		}
		for _, s := range b.Displays {
			widest = math.Max(widest, textWidth(s))
		}
	}
	area := barArea(widest)
	for _, b := range c.Bars {
		y = d.label(b.Label, y)
		for i, v := range b.Values {
			if i >= len(c.Series) {
				break
			}
			w := scale(v, top, area)
			if w > 0 {
				d.Rects = append(d.Rects, rect{X: 0, Y: y, W: w, H: groupedHeight, Fill: c.Series[i].Fill})
			}
			if i < len(b.Displays) {
				d.Texts = append(d.Texts, text{X: w + valueGap, Y: baseline(y, groupedHeight), S: b.Displays[i]})
			}
			y += groupedHeight + 2
		}
		y += rowGap
	}
	d.Height = math.Max(y-rowGap+2, lineHeight)
	return d
}

// legend writes the series' swatches and names from y, and returns where
// the chart goes below them.
func (d *drawn) legend(series []Series, y float64) float64 {
	for _, s := range series {
		for i, line := range wrap(s.Label, width-swatch-6) {
			if i == 0 {
				d.Keys = append(d.Keys, rect{X: 0, Y: y + 1, W: swatch, H: swatch, Fill: s.Fill})
			}
			d.Texts = append(d.Texts, text{X: swatch + 6, Y: y + lineHeight - 4, S: line})
			y += lineHeight
		}
		y += 4
	}
	return y + rowGap
}
