package charts

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// testMap is a map of a few States: Kenya first, Uganda and Tanzania tied,
// one State without activity, and Tuvalu (798), too small to be drawn at
// 1:110m.
func testMap() WorldMap {
	return WorldMap{
		ID: "map", Title: "Activities per Member State", Desc: "The darker, the more activities.",
		Caption: "Activities per Member State", NameHeader: "Member State", ValueHeader: "Activities",
		Legend: MapLegend{Title: "Activities", None: "No activity"},
		Entries: []MapEntry{
			{Code: "800", ISO3: "UGA", Name: "Uganda", Href: "/states/UGA", Value: 4},
			{Code: "404", ISO3: "KEN", Name: "Kenya", Href: "/states/KEN", Value: 1200},
			{Code: "250", ISO3: "FRA", Name: "France", Href: "/states/FRA", Value: 0},
			{Code: "834", ISO3: "TZA", Name: "United Republic of Tanzania", Href: "/states/TZA", Value: 4},
			{Code: "798", ISO3: "TUV", Name: "Tuvalu", Href: "/states/TUV", Value: 2},
		},
		Format: func(v int) string { // digit grouping, as a page would
			s := strconv.Itoa(v)
			for i := len(s) - 3; i > 0; i -= 3 {
				s = s[:i] + "," + s[i:]
			}
			return s
		},
	}
}

func renderMap(t *testing.T, m WorldMap) string {
	t.Helper()
	var b strings.Builder
	if err := Map(m).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTheMapsTableHasExactlyItsFiguresLargestFirst(t *testing.T) {
	m := testMap()
	tb := m.Table()
	if got, want := tb.Headers, []string{"Member State", "Activities"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("headers %q, want %q", got, want)
	}
	want := []struct{ name, figure string }{
		{"Kenya", "1,200"}, {"Uganda", "4"}, {"United Republic of Tanzania", "4"}, {"Tuvalu", "2"},
	}
	if len(tb.Rows) != len(want) {
		t.Fatalf("%d rows, want %d (the entries above 0): %+v", len(tb.Rows), len(want), tb.Rows)
	}
	for i, w := range want {
		r := tb.Rows[i]
		if r.Header != w.name || len(r.Cells) != 1 || r.Cells[0].Text != w.figure || !r.Cells[0].Num {
			t.Errorf("row %d is %+v, want %s with %s", i, r, w.name, w.figure)
		}
	}

	// Each entry's figure is the one its row gives and the one its shape's
	// title gives on the map; the rendered table has the same rows.
	html := renderMap(t, m)
	byName := map[string]string{}
	for _, r := range tb.Rows {
		byName[r.Header] = r.Cells[0].Text
	}
	for _, e := range m.Entries {
		figure, listed := byName[e.Name]
		if e.Value <= 0 {
			if listed {
				t.Errorf("%s, without a figure, is in the table", e.Name)
			}
			continue
		}
		if figure != m.format(e.Value) {
			t.Errorf("%s: the table says %q, the entry %d", e.Name, figure, e.Value)
		}
		row := `<th scope="row"><a href="` + e.Href + `">` + e.Name + `</a></th><td class="num">` + figure + `</td>`
		if !strings.Contains(html, row) {
			t.Errorf("the rendered table lacks %s", row)
		}
		_, drawn := worldCountryPaths()[e.Code]
		if title := "<title>" + e.Name + ": " + figure + "</title>"; drawn != strings.Contains(html, title) {
			t.Errorf("%s: drawn at 1:110m %v, but its title %q on the map %v", e.Name, drawn, title, !drawn)
		}
	}
	if got := strings.Count(html, "<tr>"); got != len(tb.Rows)+1 {
		t.Errorf("%d table rows rendered, want %d and the header", got-1, len(tb.Rows))
	}
}

func TestAStateWithAFigureIsAShadedLinkAndOneWithoutIsNot(t *testing.T) {
	m := testMap()
	html := renderMap(t, m)
	paths := worldCountryPaths()

	// Kenya has the largest figure: the darkest step; Uganda's 4 of 1,200
	// is in the lightest.
	for _, c := range []struct{ code, href, class string }{
		{"404", "/states/KEN", "map-step-5"}, {"800", "/states/UGA", "map-step-1"}, {"834", "/states/TZA", "map-step-1"},
	} {
		link := `<a href="` + c.href + `">`
		at := strings.Index(html, link)
		if at < 0 {
			t.Errorf("%s is not a link to %s", c.code, c.href)
			continue
		}
		shape := `<path class="` + c.class + `" d="` + paths[c.code] + `"></path></a>`
		if !strings.HasPrefix(html[at+len(link):], "<title>") || !strings.Contains(html[at:], shape) ||
			strings.Index(html[at:], shape) > strings.Index(html[at:], "</a>") {
			t.Errorf("the link to %s does not hold its title and shape of class %s", c.href, c.class)
		}
	}

	// France has an entry of 0, Brazil none: grey and unlinked.
	for _, code := range []string{"250", "076"} {
		shape := `<path class="map-none" d="` + paths[code] + `"></path>`
		at := strings.Index(html, shape)
		if at < 0 {
			t.Errorf("%s is not drawn grey", code)
			continue
		}
		if strings.HasSuffix(html[:at], "</title>") { // a link's shape follows its title
			t.Errorf("%s is drawn inside a link", code)
		}
	}
	if strings.Contains(html, "/states/FRA") {
		t.Error("France, without activity, is linked")
	}
	if n := strings.Count(html, `<a href="/states/`); n != 2*3+1 {
		t.Errorf("%d links to States, want 3 on the map and 4 in the table", n)
	}
}

func TestTheLegendsStepsCoverEveryFigureOnce(t *testing.T) {
	for _, top := range []int{1, 2, 3, 5, 7, 10, 99, 1200} {
		m := WorldMap{Entries: []MapEntry{{Code: "404", Value: top}}}
		steps := m.Steps()
		next := 1
		for _, s := range steps {
			if s.Low != next || s.High < s.Low {
				t.Errorf("top %d: step %+v after %d", top, s, next-1)
			}
			for v := s.Low; v <= s.High; v++ {
				if got := stepClass(mapStep(v, top)); got != s.Class {
					t.Errorf("top %d: %d is shaded %s, the legend says %s", top, v, got, s.Class)
				}
			}
			next = s.High + 1
		}
		if next != top+1 || steps[len(steps)-1].Class != "map-step-5" {
			t.Errorf("top %d: the steps %+v do not end at the top in the darkest", top, steps)
		}
	}
	if got := (WorldMap{}).Steps(); len(got) != 0 {
		t.Errorf("a map without figures has steps %+v", got)
	}
	html := renderMap(t, testMap())
	for _, want := range []string{`<span class="map-swatch map-step-1" aria-hidden="true"></span>1–240</li>`,
		`<span class="map-swatch map-step-5" aria-hidden="true"></span>961–1,200</li>`,
		`<span class="map-swatch map-none" aria-hidden="true"></span>No activity</li>`} {
		if !strings.Contains(html, want) {
			t.Errorf("the legend lacks %s", want)
		}
	}
}

func TestTheGeneratedShapesCoverTheWorld(t *testing.T) {
	paths := worldCountryPaths()
	if len(paths) < 170 {
		t.Errorf("%d shapes, want at least 170", len(paths))
	}
	code := regexp.MustCompile(`^[0-9]{3}$`)
	shape := regexp.MustCompile(`^M[0-9.,LMZ-]+Z$`)
	for c, d := range paths {
		if !code.MatchString(c) || !shape.MatchString(d) {
			t.Errorf("code %q has the shape %.40q", c, d)
		}
	}
	for _, c := range []string{"404", "800", "834"} { // Kenya, Uganda, Tanzania
		if paths[c] == "" {
			t.Errorf("%s has no shape", c)
		}
	}
	paths["404"] = "changed"
	if worldCountryPaths()["404"] == "changed" {
		t.Error("worldCountryPaths shares its map between calls")
	}
	if !shape.MatchString(worldSpherePath) {
		t.Errorf("the sphere is %.40q", worldSpherePath)
	}
}

func TestTheMapScalesAndHasNoStyleOrScript(t *testing.T) {
	html := renderMap(t, testMap())
	for _, want := range []string{
		`viewBox="0 0 960 470"`, `width="100%"`, `aria-labelledby="map-title"`, `aria-describedby="map-desc"`,
		`<title id="map-title">Activities per Member State</title>`, `<path class="map-sphere" d="M`,
		`<figcaption>Activities per Member State</figcaption>`, `<caption id="map-table-caption">Activities per Member State</caption>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the map lacks %q", want)
		}
	}
	if strings.Contains(html, "style=") || strings.Contains(html, "<script") || regexp.MustCompile(`\son[a-z]+=`).MatchString(html) {
		t.Error("the map has a style attribute, a script or an event handler, which the Content-Security-Policy forbids")
	}
	if strings.Index(html, "</figure>") > strings.Index(html, "<table") {
		t.Error("the table does not follow the map")
	}
}
