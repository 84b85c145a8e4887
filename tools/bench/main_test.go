package main

import (
	"regexp"
	"strings"
	"testing"
)

// The server records only under a name matching this (web/metrics.go).
var recordName = regexp.MustCompile(`^[a-z0-9-]{1,100}$`)

func TestEveryPageHasADistinctRecordingName(t *testing.T) {
	seen := map[string]string{}
	for _, p := range pages {
		s := slug(p.Name)
		if !recordName.MatchString(s) {
			t.Errorf("%q: the server would refuse %q", p.Name, s)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("%q and %q share the recording %q", p.Name, other, s)
		}
		seen[s] = p.Name
	}
	if got := slug("needs CSV, 1,000 rows (Secretariat)"); got != "needs-csv-1-000-rows-secretariat" {
		t.Errorf("slug: %q", got)
	}
}

func TestTheBarIsAboutSignedInFiftyRowLists(t *testing.T) {
	n := 0
	for _, p := range pages {
		if isSignedInList(p) {
			n++
		}
	}
	if n == 0 {
		t.Error("no page is a signed-in 50-row list")
	}
	if isSignedInList(page{Name: "users, 50 rows (anonymous)"}) {
		t.Error("an anonymous page counts as signed in")
	}

	met := Result{RequestsPerS: 400, PGAloneRequestsPerS: 1000, RatioVsPG: 40, P99Ms: 49.9, PeakRSSMB: 59.9}
	if misses := checkBar(met); len(misses) != 0 {
		t.Errorf("figures just within the bar miss it: %q", misses)
	}
	missed := Result{PGAloneRequestsPerS: 1000, RatioVsPG: 39.9, P99Ms: 50, PeakRSSMB: 60}
	if misses := checkBar(missed); len(misses) != 3 {
		t.Errorf("figures just outside the bar: %q, want three misses", misses)
	}
	if misses := checkBar(Result{P99Ms: 1, PeakRSSMB: 1}); len(misses) != 1 || !strings.Contains(misses[0], "not measured") {
		t.Errorf("no PostgreSQL figure: %q", misses)
	}
}
