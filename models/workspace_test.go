package models_test

import (
	"testing"
	"time"

	"ctap/models"
)

func attentionCounts(as []models.Attention) map[models.AttentionKind]int {
	out := map[models.AttentionKind]int{}
	for _, a := range as {
		out[a.Kind] = a.Count
		if a.Kind == models.AttentionDue || a.Kind == models.AttentionOverdue {
			out[a.Kind] = a.Days
		}
	}
	return out
}

// TestTheStatePageSaysWhatWaitsForWhom builds Kenya's records (a draft
// need, a submitted need, a returned and a submitted report, a
// ratification) and reads the State's page as each role.
func TestTheStatePageSaysWhatWaitsForWhom(t *testing.T) {
	f := newProgressFixture(t)
	ref := &models.ReferenceCache{DB: f.db}
	focal := f.people["focal_point_ken"]
	sec := f.people["secretariat"]

	// Two needs: one left in draft, one submitted.
	for i, submit := range []bool{false, true} {
		in := validNeed("KEN")
		in.Title = []string{"Draft need of Kenya", "Submitted need of Kenya"}[i]
		in.Visibility = "public"
		n, err := models.CreateNeed(f.ctx, f.db, ref, focal, in, f.ev(focal))
		if err != nil {
			t.Fatal(err)
		}
		if submit {
			if _, err := models.TransitionNeed(f.ctx, f.db, focal, n.ID, n.Version, models.NeedSubmitted, "", nil, f.ev(focal)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Paragraph 2 returned, paragraph 3 submitted, paragraph 4 a draft.
	for _, n := range []int{2, 3, 4} {
		r := f.save(t, n, 0, "What Kenya did on paragraph.")
		if n == 4 {
			continue
		}
		r, err := models.TransitionProgress(f.ctx, f.db, focal, f.ken, f.period, n, r.Version, models.ProgressSubmitted, "", f.ev(focal))
		if err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			if _, err := models.TransitionProgress(f.ctx, f.db, sec, f.ken, f.period, n, r.Version, models.ProgressReturned, "Say which law.", f.ev(sec)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Kenya acceded to the Tokyo Convention.
	tokyo, err := ref.InstrumentByCode(f.ctx, "tokyo-1963")
	if err != nil {
		t.Fatal(err)
	}
	if err := models.SaveTreatyRecord(f.ctx, f.db, focal, f.ken, tokyo,
		models.TreatyInput{ConsentKind: "accession", ConsentDate: "2005-03-01", Level: "none"}, f.ev(focal)); err != nil {
		t.Fatal(err)
	}

	kenya, err := models.MemberStateByISO3(f.ctx, f.db, "KEN")
	if err != nil {
		t.Fatal(err)
	}
	today := f.period.DueOn.AddDate(0, 0, -10) // ten days before the due date
	paragraphs, err := ref.OperativeParagraphs(f.ctx)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		who          string
		needs        int
		seesProgress bool
		attention    map[models.AttentionKind]int
	}{
		{"focal_point_ken", 2, true, map[models.AttentionKind]int{
			models.AttentionProgressReturned: 1, models.AttentionProgressDraft: 1,
			models.AttentionProgressMissing: len(paragraphs) - 3, models.AttentionNeedsDraft: 1, models.AttentionDue: 10,
		}},
		{"secretariat", 2, true, map[models.AttentionKind]int{
			models.AttentionProgressSubmitted: 1, models.AttentionNeedsSubmitted: 1,
		}},
		{"focal_point_fra", 1, false, map[models.AttentionKind]int{}},
		{"donor", 1, false, map[models.AttentionKind]int{}},
		{"anonymous", 1, false, map[models.AttentionKind]int{}},
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			o, err := models.LoadStateOverview(f.ctx, f.db, ref, f.people[c.who], kenya, today)
			if err != nil {
				t.Fatal(err)
			}
			if o.NeedsTotal != c.needs {
				t.Errorf("sees %d of Kenya's needs, want %d (the draft is Kenya's and the Secretariat's only)", o.NeedsTotal, c.needs)
			}
			if (o.Progress != nil) != c.seesProgress {
				t.Fatalf("sees progress: %v, want %v", o.Progress != nil, c.seesProgress)
			}
			if o.Progress != nil {
				if len(o.Progress.Paragraphs) != len(paragraphs) || o.Progress.Missing != len(paragraphs)-3 {
					t.Errorf("progress lists %d paragraphs with %d missing, want %d with %d missing",
						len(o.Progress.Paragraphs), o.Progress.Missing, len(paragraphs), len(paragraphs)-3)
				}
				if o.Progress.Period.ID != f.period.ID {
					t.Errorf("progress of period %d, want the open period %d", o.Progress.Period.ID, f.period.ID)
				}
			}
			got := attentionCounts(o.Attention)
			if len(got) != len(c.attention) {
				t.Errorf("attention %v, want %v", got, c.attention)
			}
			for k, want := range c.attention {
				if got[k] != want {
					t.Errorf("attention %s = %d, want %d (all: %v)", k, got[k], want, got)
				}
			}
			if party := o.TreatyCount(models.TreatyParty); party != 1 || len(o.Treaties) < 19 {
				t.Errorf("party to %d of %d instruments, want 1 of at least 19", party, len(o.Treaties))
			}
		})
	}

	// Past the due date, the focal point is told it is overdue.
	o, err := models.LoadStateOverview(f.ctx, f.db, ref, focal, kenya, f.period.DueOn.AddDate(0, 0, 3))
	if err != nil {
		t.Fatal(err)
	}
	if got := attentionCounts(o.Attention); got[models.AttentionOverdue] != 3 || got[models.AttentionDue] != 0 {
		t.Errorf("three days after the due date: attention %v, want overdue by 3 days", got)
	}
}

// TestTheReviewQueueListsWhatWaitsOldestFirst checks the Secretariat's
// queue: submitted and under-review needs and submitted reports, oldest
// first, and nothing else.
func TestTheReviewQueueListsWhatWaitsOldestFirst(t *testing.T) {
	f := newProgressFixture(t)
	ref := &models.ReferenceCache{DB: f.db}
	focal := f.people["focal_point_ken"]
	sec := f.people["secretariat"]

	var submitted []int64
	for i, to := range []models.NeedStatus{models.NeedSubmitted, models.NeedUnderReview, models.NeedDraft, models.NeedSubmitted} {
		in := validNeed("KEN")
		in.Title = []string{"First", "Second", "Draft", "Fourth"}[i]
		n, err := models.CreateNeed(f.ctx, f.db, ref, focal, in, f.ev(focal))
		if err != nil {
			t.Fatal(err)
		}
		if to == models.NeedDraft {
			continue
		}
		n, err = models.TransitionNeed(f.ctx, f.db, focal, n.ID, n.Version, models.NeedSubmitted, "", nil, f.ev(focal))
		if err != nil {
			t.Fatal(err)
		}
		if to == models.NeedUnderReview {
			if _, err = models.TransitionNeed(f.ctx, f.db, sec, n.ID, n.Version, models.NeedUnderReview, "Looking", nil, f.ev(sec)); err != nil {
				t.Fatal(err)
			}
		}
		// Space the ages out, oldest first.
		if err := f.db.Exec("UPDATE needs SET status_changed_at = ? WHERE id = ?", time.Now().Add(-time.Duration(10-i)*24*time.Hour), n.ID).Error; err != nil {
			t.Fatal(err)
		}
		submitted = append(submitted, n.ID)
	}
	r := f.save(t, 5, 0, "Paragraph five.")
	if _, err := models.TransitionProgress(f.ctx, f.db, focal, f.ken, f.period, 5, r.Version, models.ProgressSubmitted, "", f.ev(focal)); err != nil {
		t.Fatal(err)
	}
	f.save(t, 6, 0, "A draft.")

	q, err := models.LoadReviewQueue(f.ctx, f.db, sec)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, n := range q.Needs {
		got = append(got, n.ID)
	}
	if len(got) != len(submitted) {
		t.Fatalf("queue needs %v, want %v", got, submitted)
	}
	for i := range got {
		if got[i] != submitted[i] {
			t.Fatalf("queue needs %v, want oldest first %v", got, submitted)
		}
	}
	if q.Needs[0].Waiting(time.Now()) != 10 {
		t.Errorf("the oldest need waited %d days, want 10", q.Needs[0].Waiting(time.Now()))
	}
	if len(q.Progress) != 1 || q.Progress[0].ParagraphNumber != 5 || q.Progress[0].MemberStateID != f.ken {
		t.Errorf("queue reports %+v, want Kenya's paragraph 5 only", q.Progress)
	}

	// A focal point's view of the same queries sees no other State's items.
	fra, err := models.LoadReviewQueue(f.ctx, f.db, f.people["focal_point_fra"])
	if err != nil {
		t.Fatal(err)
	}
	if len(fra.Progress) != 0 {
		t.Errorf("France's focal point reads Kenya's submitted report through the queue: %+v", fra.Progress)
	}
}
