package models_test

import (
	"context"
	"testing"

	"ctap/models"
	"ctap/models/dbtest"
)

func TestThe193MemberStatesHaveUniqueCodesAndAGroupEach(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()

	states, err := models.ListMemberStates(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 193 {
		t.Fatalf("got %d States, want 193", len(states))
	}
	seen := map[string]string{}
	for _, s := range states {
		for _, code := range []string{"iso3:" + s.ISO3, "iso2:" + s.ISO2, "m49:" + s.M49, "name:" + s.Name} {
			if other, dup := seen[code]; dup {
				t.Errorf("%s shared by %s and %s", code, other, s.Name)
			}
			seen[code] = s.Name
		}
		if !s.RegionalGroup.Valid() {
			t.Errorf("%s has regional group %q", s.Name, s.RegionalGroup)
		}
		if len(s.ISO3) != 3 || len(s.ISO2) != 2 || len(s.M49) != 3 || s.NameFr == "" {
			t.Errorf("%s: malformed codes or missing French name: %+v", s.Name, s)
		}
	}

	counts := map[models.RegionalGroup]int{}
	for _, s := range states {
		counts[s.RegionalGroup]++
	}
	if counts[models.GroupAfrican] != 54 || counts[models.GroupEastern] != 23 || counts[models.GroupLatinAmerica] != 33 {
		t.Errorf("group sizes: %v", counts)
	}
}

func TestKnownMemberStatesCarryTheirOfficialCodes(t *testing.T) {
	db := dbtest.New(t)
	for _, want := range []models.MemberState{
		{ISO3: "KEN", ISO2: "KE", M49: "404", Name: "Kenya", RegionalGroup: models.GroupAfrican},
		{ISO3: "FRA", ISO2: "FR", M49: "250", Name: "France", RegionalGroup: models.GroupWestern},
		{ISO3: "IDN", ISO2: "ID", M49: "360", Name: "Indonesia", RegionalGroup: models.GroupAsiaPacific},
		{ISO3: "AFG", ISO2: "AF", M49: "004", Name: "Afghanistan", RegionalGroup: models.GroupAsiaPacific},
		{ISO3: "BRA", ISO2: "BR", M49: "076", Name: "Brazil", RegionalGroup: models.GroupLatinAmerica},
		{ISO3: "POL", ISO2: "PL", M49: "616", Name: "Poland", RegionalGroup: models.GroupEastern},
	} {
		got, err := models.MemberStateByISO3(context.Background(), db, want.ISO3)
		if err != nil {
			t.Fatalf("%s: %v", want.ISO3, err)
		}
		if got.ISO2 != want.ISO2 || got.M49 != want.M49 || got.Name != want.Name || got.RegionalGroup != want.RegionalGroup {
			t.Errorf("%s: got %+v", want.ISO3, got)
		}
	}
}

func TestStateFilterByGroupAndByNameOrCode(t *testing.T) {
	ref := &models.ReferenceCache{DB: dbtest.New(t)}
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		filter models.StateFilter
		want   string // a State that must be in the result
		max    int
	}{
		{"by group", models.StateFilter{Group: models.GroupEastern}, "Poland", 23},
		{"by English name", models.StateFilter{Query: "keny"}, "Kenya", 1},
		{"by French name", models.StateFilter{Query: "allemagne"}, "Germany", 1},
		{"by alpha-3 code", models.StateFilter{Query: "idn"}, "Indonesia", 1},
		{"by alpha-2 code", models.StateFilter{Query: "FR"}, "France", 10},
		{"without accents", models.StateFilter{Query: "cote"}, "Côte d'Ivoire", 1},
		{"in capitals with accents", models.StateFilter{Query: "CÔTE"}, "Côte d'Ivoire", 1},
		{"French name without accents", models.StateFilter{Query: "etats-unis"}, "United States of America", 1},
		{"by alpha-3 code, Côte d'Ivoire", models.StateFilter{Query: "CIV"}, "Côte d'Ivoire", 1},
		{"by M49 code", models.StateFilter{Query: "384"}, "Côte d'Ivoire", 1},
		{"by M49 code with its zeros", models.StateFilter{Query: "004"}, "Afghanistan", 1},
		{"by Russian name, another case", models.StateFilter{Query: "кени"}, "Kenya", 1},
		{"by Chinese name", models.StateFilter{Query: "肯尼亚"}, "Kenya", 1},
		{"by Arabic name", models.StateFilter{Query: "كينيا"}, "Kenya", 1},
		{"by Spanish name without accents", models.StateFilter{Query: "japon"}, "Japan", 1},
		{"wildcards are literal", models.StateFilter{Query: "%"}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ref.FilterMemberStates(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > tc.max {
				t.Errorf("%d results, want at most %d", len(got), tc.max)
			}
			found := tc.want == ""
			for _, s := range got {
				if s.Name == tc.want {
					found = true
				}
			}
			if !found {
				t.Errorf("%s not in %v", tc.want, got)
			}
		})
	}
}

func TestNineteenInstrumentsInChronologicalOrder(t *testing.T) {
	db := dbtest.New(t)
	list, err := models.ListInstruments(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 19 {
		t.Fatalf("%d instruments, want 19", len(list))
	}
	if list[0].Code != "tokyo-1963" || list[18].Code != "montreal-protocol-2014" {
		t.Errorf("first %s, last %s", list[0].Code, list[18].Code)
	}
	for i := 1; i < len(list); i++ {
		if list[i].AdoptedOn.Before(list[i-1].AdoptedOn) {
			t.Errorf("%s adopted before %s but listed after it", list[i].Code, list[i-1].Code)
		}
		if list[i].EntryIntoForceOn != nil && list[i].EntryIntoForceOn.Before(list[i].AdoptedOn) {
			t.Errorf("%s in force before its adoption", list[i].Code)
		}
	}
}

func TestCurrenciesFollowISO4217(t *testing.T) {
	db := dbtest.New(t)
	list, err := models.ListCurrencies(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]models.Currency{}
	for _, c := range list {
		byCode[c.Code] = c
	}
	for code, minor := range map[string]int{"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3, "KES": 2, "NOK": 2} {
		c, ok := byCode[code]
		if !ok {
			t.Errorf("%s missing", code)
			continue
		}
		if c.MinorUnits == nil || *c.MinorUnits != minor {
			t.Errorf("%s minor units = %v, want %d", code, c.MinorUnits, minor)
		}
	}
	if byCode["USD"].NumericCode != "840" {
		t.Errorf("USD numeric code %q", byCode["USD"].NumericCode)
	}
}
