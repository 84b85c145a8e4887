package views_test

import (
	"context"
	"strings"
	"testing"

	"ctap/models"
	"ctap/views"
)

// A kind whose count reached models.SearchCap says so: the search stopped
// counting there.
func TestSearchCountsSayWhenTheyWereCapped(t *testing.T) {
	var b strings.Builder
	data := views.SearchData{Form: views.SearchForm{Text: "synthetic"}, Results: models.SearchResults{
		Counts: map[models.SearchKind]int{models.SearchNeeds: models.SearchCap, models.SearchStates: 3}}}
	if err := views.SearchPage(data).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1,000+ needs", "3 Member States", "All (1,003+)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
