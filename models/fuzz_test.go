package models_test

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"ctap/models"
	"ctap/models/dbtest"
)

// The fuzz targets below run their seed corpus (the f.Add calls, and any
// input saved under testdata/fuzz) with every `go test`; `go test -fuzz
// FuzzX ./models/` explores further, and saves what fails there.

// What a person types into the search box never breaks the statement:
// PostgreSQL parses any text websearch_to_tsquery is given, the Chinese
// phrases included, and the search answers without an error.
func FuzzSearchQueryText(f *testing.F) {
	for _, seed := range []string{"border control", `"border control" -africa`, "恐怖主义 融资", `"恐怖主义" -融资`,
		"UNODC恐怖", "a OR", `"`, `""`, "-", "---", "!(", "&|", "'", "\\", "e\u0301", "  ", "恐\"怖", "OR OR -", "*:", "<->"} {
		f.Add(seed)
	}
	db := dbtest.New(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string) {
		phrased := models.SearchTextForTest(text)
		count := func(s string) int { return strings.Count(strings.Map(keepHan, s), "") - 1 }
		if count(phrased) != count(text) {
			t.Fatalf("%q became %q: Chinese characters lost or added", text, phrased)
		}
		if utf8.ValidString(text) && !utf8.ValidString(phrased) {
			t.Fatalf("%q became invalid UTF-8: %q", text, phrased)
		}
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) || len(text) > 200 {
			return // the server answers 400 before searching (refuseMalformedText), and cuts at 200
		}
		for _, lang := range []string{"en", "zh"} {
			if _, err := models.Search(ctx, db, nil, models.SearchQuery{Text: text, Lang: lang}, models.PageRequest{Limit: 5}); err != nil {
				t.Fatalf("searching %q in %s: %v", text, lang, err)
			}
		}
	})
}

func keepHan(r rune) rune {
	if unicode.Is(unicode.Han, r) && r <= 0xFAFF {
		return r
	}
	return -1
}

// joinHan only ever takes out spaces.
func FuzzJoinHanTakesOutOnlySpaces(f *testing.F) {
	for _, seed := range []string{"为 \x02检\x03  \x02察\x03 官", "a b", "恐 怖 a 主", " \x02\x03 "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, excerpt string) {
		joined := models.JoinHanForTest(excerpt)
		// Without spaces, and without the marks between two marked
		// characters, both read the same.
		strip := func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), models.HighlightStop+models.HighlightStart, "")
		}
		if strip(joined) != strip(excerpt) {
			t.Fatalf("%q became %q", excerpt, joined)
		}
	})
}

// An imported file, whatever its bytes, is either read or refused with
// its problems listed by line: never a panic, never another error.
func FuzzImportFiles(f *testing.F) {
	for _, seed := range []string{
		"",
		"\ufeffimport_key,donor,kind,title,amount,currency,value_date,status\nk1,norway,financial,Grant,100.50,USD,2024-01-31,pledged\n",
		"import_key,donor,kind,title,amount,currency,value_date,status,language\nk1,norway,financial,Grant,1e9,EUR,2024-02-30,paid,xx\n",
		"import_key,kind,title,start_date,end_date,states,status\nA1,workshop,Border control,2024-03-01,2024-03-05,KEN;UGA,delivered\n",
		"import_key,kind,title,start_date,end_date,states,status,women,men\nA1,training,T,2024-03-05,2024-03-01,XXX,planned,-1,abc\n",
		"a,b\n\"unclosed\n", "import_key\n" + strings.Repeat("x,\n", 5), "\x00,\xff\n",
	} {
		f.Add([]byte(seed))
	}
	db := dbtest.New(f)
	ctx := context.Background()
	ref := &models.ReferenceCache{DB: db}
	role := models.RoleSecretariat
	secretariat := &models.User{Status: models.StatusActive, Role: &role}
	f.Fuzz(func(t *testing.T, file []byte) {
		if _, err := models.ReadContributionImportForTest(ctx, db, ref, secretariat, strings.NewReader(string(file))); err != nil {
			if _, ok := models.ImportProblemsOf(err); !ok {
				t.Fatalf("a contributions file: %v", err)
			}
		}
		if _, err := models.ReadActivityImportForTest(ctx, db, ref, strings.NewReader(string(file))); err != nil {
			if _, ok := models.ImportProblemsOf(err); !ok {
				t.Fatalf("an activities file: %v", err)
			}
		}
	})
}
