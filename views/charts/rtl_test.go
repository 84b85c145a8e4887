package charts

import (
	"context"
	"math"
	"testing"

	"ctap/web/i18n"
	"ctap/web/reqctx"
)

// inLanguage is a request context in the given language.
func inLanguage(t *testing.T, tag string) context.Context {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return reqctx.WithLocalizer(context.Background(), cat.Localizer(tag))
}

func TestARightToLeftPageMirrorsAChartsPositionsOnly(t *testing.T) {
	bars := []Bar{{Label: "A", Value: 100, Display: "100.00"}, {Label: "B", Value: 50, Display: "50.00"}}
	ltr := inDirection(inLanguage(t, "en"), layoutBars(bars))
	rtl := inDirection(inLanguage(t, "ar"), layoutBars(bars))
	if ltr.RTL || !rtl.RTL {
		t.Fatalf("English mirrored %v, Arabic %v", ltr.RTL, rtl.RTL)
	}
	if len(rtl.Rects) != len(ltr.Rects) || len(rtl.Texts) != len(ltr.Texts) {
		t.Fatal("mirroring changed what is drawn")
	}
	for i, r := range ltr.Rects {
		m := rtl.Rects[i]
		// A bar starting at the left edge starts at the right edge, and is
		// as long and as high as it was.
		if math.Abs(m.X+m.W-(width-r.X)) > 1e-9 || m.W != r.W || m.Y != r.Y {
			t.Errorf("bar %d: %+v mirrored to %+v", i, r, m)
		}
	}
	for i, tx := range ltr.Texts {
		if m := rtl.Texts[i]; m.X != width-tx.X || m.Y != tx.Y || m.S != tx.S {
			t.Errorf("text %q at %v mirrored to %q at %v", tx.S, tx.X, m.S, m.X)
		}
	}
	// The labels start at the right edge, the figures follow their bars on
	// their left.
	if rtl.Texts[0].X != width {
		t.Errorf("the first label ends at %v, want the right edge %v", rtl.Texts[0].X, width)
	}
	if fig, bar := rtl.Texts[1], rtl.Rects[0]; fig.X >= bar.X {
		t.Errorf("the first figure ends at %v, right of its bar's start %v", fig.X, bar.X)
	}
}

func TestAStepChartsYearsRunRightToLeftInArabic(t *testing.T) {
	c := StepChart{From: 2000, To: 2020, Series: []StepSeries{{Label: "S", Points: []StepPoint{{X: 2010, Y: 1}}, Display: "1"}}}
	d := inDirection(inLanguage(t, "ar"), layoutSteps(c))
	var from, to text
	for _, tx := range d.Texts {
		switch tx.S {
		case "2000":
			from = tx
		case "2020":
			to = tx
		}
	}
	if from.X <= to.X {
		t.Errorf("2000 is at %v, 2020 at %v: time should flow right to left", from.X, to.X)
	}
	if got, want := mirrorPath("M0 50H100V20H340"), "M340 50H240V20H0"; got != want {
		t.Errorf("mirrorPath: %q, want %q", got, want)
	}
	if got := mirrorPath("M0 50L3 4"); got != "M0 50L3 4" {
		t.Errorf("a path with other commands changed: %q", got)
	}
}
