package charts

import (
	"math"
	"strconv"
	"strings"
)

// StepPoint is where a series steps to a new value: from X on, Y.
type StepPoint struct {
	X int
	Y float64 // for drawing only
}

// StepSeries is one line of a step chart: zero until its first point,
// then each point's value until the next.
type StepSeries struct {
	Label   string
	Points  []StepPoint // in X order
	Display string      // the last value, as the page writes it
}

// StepChart draws series that only grow by steps (the parties to each
// instrument, year by year) as small multiples: one panel per series, one
// under the other, on the same scales, so each stays readable on a phone
// however many there are, and they compare at a glance.
type StepChart struct {
	ID       string
	Title    string
	Desc     string
	From, To int // the X axis: the first and last years
	Series   []StepSeries
	Table    Table
}

// panelHeight is the height of one series' panel.
const panelHeight = 32.0

// line is a stroked path; an axis is thin and grey, a series thick and
// blue.
type line struct {
	D    string
	Axis bool
}

// layoutSteps lays out a step chart: each series' label, then its panel
// with its baseline, its steps and its last figure; the years at the
// bottom.
func layoutSteps(c StepChart) drawn {
	var d drawn
	top, widest := 0.0, 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			top = math.Max(top, p.Y)
		}
		widest = math.Max(widest, textWidth(s.Display))
	}
	area := math.Max(width-valueGap-widest, width/3)
	span := float64(max(c.To-c.From, 1))
	xOf := func(x int) float64 { return math.Min(math.Max(float64(x-c.From), 0), span) / span * area }
	y := 0.0
	for _, s := range c.Series {
		y = d.label(s.Label, y)
		bottom := y + panelHeight
		yOf := func(v float64) float64 {
			if top <= 0 {
				return bottom
			}
			return bottom - v/top*(panelHeight-2)
		}
		d.Lines = append(d.Lines, line{D: "M0 " + num(bottom) + "H" + num(area), Axis: true})
		var path strings.Builder
		path.WriteString("M0 " + num(bottom))
		last := 0.0
		for _, p := range s.Points {
			path.WriteString("H" + num(xOf(p.X)) + "V" + num(yOf(p.Y)))
			last = p.Y
		}
		path.WriteString("H" + num(area))
		d.Lines = append(d.Lines, line{D: path.String()})
		d.Texts = append(d.Texts, text{X: area + valueGap, Y: yOf(last) + fontSize*0.35, S: s.Display})
		y = bottom + rowGap
	}
	from, to := strconv.Itoa(c.From), strconv.Itoa(c.To)
	d.Texts = append(d.Texts, text{X: 0, Y: y + lineHeight - 4, S: from},
		text{X: math.Max(area-textWidth(to), textWidth(from)+valueGap), Y: y + lineHeight - 4, S: to})
	d.Height = y + lineHeight + 2
	return d
}
