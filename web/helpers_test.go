package web_test

import (
	"os"
	"strings"
	"testing"

	"ctap/models/resolution"
	"ctap/web"
	"ctap/web/i18n"
)

type webtestConfig = web.Config

func mustCatalogue(t *testing.T) *i18n.Catalogue {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// laterResolution is A/RES/70/177's text made into a fictitious later
// resolution, as the General Assembly adopts one every two years.
func laterResolution(t *testing.T) *resolution.Document {
	t.Helper()
	b, err := os.ReadFile("../migrations/resolutions/A-RES-70-177.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(
		"70/177.", "72/194.",
		"A/RES/70/177", "A/RES/72/194",
		"17 December 2015", "19 December 2017",
	).Replace(string(b))
	doc, err := resolution.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
