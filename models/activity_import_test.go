package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"ctap/models"
)

const activityFile = `import_key,kind,title,start_date,end_date,states,status,city,place_state,paragraphs,partners,public,women,men,prosecutors,judges
ACT-1,regional_workshop,Regional workshop in Nairobi,2026-02-02,2026-02-05,KEN UGA TZA,delivered,Nairobi,KEN,4;5,cted interpol,yes,10,14,12,12
ACT-2,legislative_assistance,Review of Kenya's draft law,2027-01-10,2027-01-20,KEN,planned,Nairobi,KEN,4,,no,,,,
`

func importActivities(t *testing.T, f activityFixture, u *models.User, file string) (models.ActivityImportResult, error) {
	t.Helper()
	return models.ImportActivities(context.Background(), f.db, f.ref, models.NewFormChecker(), u, strings.NewReader(file),
		models.AuditContext{Actor: u})
}

func TestAnActivityFileIsImportedOnceAndAgainChangesNothing(t *testing.T) {
	f := newActivityFixture(t)
	res, err := importActivities(t, f, f.secretariat, activityFile)
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.ActivityImportResult{Rows: 2, Created: 2}) {
		t.Errorf("first import: %+v", res)
	}
	s, err := models.SummarizeActivities(context.Background(), f.db, f.secretariat, models.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Count != 2 || s.Delivered != 1 || s.StatesCount != 3 || s.Participants.Total() != 24 || s.Participants.Prosecutors != 12 {
		t.Errorf("after the import: %+v", s)
	}
	res, err = importActivities(t, f, f.secretariat, activityFile)
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.ActivityImportResult{Rows: 2, Unchanged: 2}) {
		t.Errorf("the same file again: %+v, want all unchanged", res)
	}
	res, err = importActivities(t, f, f.secretariat, strings.Replace(activityFile, "Review of Kenya's draft law", "Review of Kenya's draft bill", 1))
	if err != nil {
		t.Fatal(err)
	}
	if res != (models.ActivityImportResult{Rows: 2, Changed: 1, Unchanged: 1}) {
		t.Errorf("one title changed: %+v", res)
	}
	if _, err := importActivities(t, f, f.donorNOR, activityFile); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a donor imports: %v, want forbidden", err)
	}
}

func TestABadActivityFileIsRefusedWholeWithEveryProblem(t *testing.T) {
	f := newActivityFixture(t)
	file := `import_key,kind,title,start_date,end_date,states,status,city,women,men,prosecutors
A1,national_workshop,Good row,2026-02-02,2026-02-03,KEN,delivered,Nairobi,5,5,10
A2,party,Bad kind,2026-02-02,2026-02-03,KEN,planned,Nairobi,,,
A3,national_workshop,Ends first,2026-02-05,2026-02-03,KEN,planned,Nairobi,,,
A4,national_workshop,Nowhere,2026-02-02,2026-02-03,XXX,planned,Nairobi,,,
A1,national_workshop,Key twice,2026-02-02,2026-02-03,KEN,planned,Nairobi,,,
A6,national_workshop,Counts disagree,2026-02-02,2026-02-03,KEN,delivered,Nairobi,5,5,3
A7,national_workshop,Planned with people,2026-02-02,2026-02-03,KEN,planned,Nairobi,5,5,10
`
	_, err := importActivities(t, f, f.secretariat, file)
	problems, refused := models.ImportProblemsOf(err)
	if !refused {
		t.Fatalf("a bad file: %v, want it refused", err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%d %s %s", p.Line, p.Column, p.ID))
	}
	want := []string{
		"3 kind validation.choose",
		"4 end_date activity.end_before_start",
		"5 states validation.unknown_state",
		"6 import_key activity.import_duplicate",
		"7 prosecutors activity.professions_sum",
		"8 women activity.results_when_delivered",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var n int64
	f.db.Table("activities").Count(&n)
	if n != 0 {
		t.Errorf("%d activities stored from a refused file", n)
	}
}
