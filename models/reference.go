package models

import (
	"context"
	"fmt"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"strings"
	"time"

	"gorm.io/gorm"
)

// RegionalGroup is one of the five United Nations regional groups.
type RegionalGroup string

const (
	GroupAfrican      RegionalGroup = "african"
	GroupAsiaPacific  RegionalGroup = "asia_pacific"
	GroupEastern      RegionalGroup = "eastern_european"
	GroupLatinAmerica RegionalGroup = "latin_american_caribbean"
	GroupWestern      RegionalGroup = "western_european_other"
)

// RegionalGroups lists the groups in the order the UN lists them.
func RegionalGroups() []RegionalGroup {
	return []RegionalGroup{GroupAfrican, GroupAsiaPacific, GroupEastern, GroupLatinAmerica, GroupWestern}
}

// Valid reports whether g is one of the five groups.
func (g RegionalGroup) Valid() bool {
	for _, v := range RegionalGroups() {
		if g == v {
			return true
		}
	}
	return false
}

// MemberState is one of the 193 Member States of the United Nations.
type MemberState struct {
	ID            int
	ISO3          string `gorm:"column:iso3"`
	ISO2          string `gorm:"column:iso2"`
	M49           string `gorm:"column:m49"`
	Name          string
	NameFr        string `gorm:"column:name_fr"`
	RegionalGroup RegionalGroup
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// LocalName is the State's short name in the given language: the UN's
// official short name in English and French (reference data), CLDR's name
// of the country in Arabic, Chinese, Russian and Spanish
// (golang.org/x/text/language/display), English when neither has one.
func (s MemberState) LocalName(lang string) string {
	switch lang {
	case "en":
		return s.Name
	case "fr":
		if s.NameFr != "" {
			return s.NameFr
		}
		return s.Name
	}
	if n := cldrCountryName(lang, s.ISO3); n != "" {
		return n
	}
	return s.Name
}

// cldrCountryName is CLDR's name of the country with the ISO 3166-1
// alpha-3 code iso3 in lang, "" when CLDR has none.
func cldrCountryName(lang, iso3 string) string {
	region, err := language.ParseRegion(iso3)
	if err != nil {
		return ""
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return ""
	}
	return display.Regions(tag).Name(region)
}

// StateFilter narrows the list of Member States.
type StateFilter struct {
	Group RegionalGroup // empty: every group
	Query string        // part of the English or French name, or an exact code
}

// ListMemberStates returns every State by English name.
func ListMemberStates(ctx context.Context, db *gorm.DB) ([]MemberState, error) {
	var out []MemberState
	if err := db.WithContext(ctx).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list member states: %w", err)
	}
	return out, nil
}

// Overview counts what the home page shows, in one query.
type Overview struct {
	OperativeParagraphs int
	MemberStates        int
	Instruments         int
}

// LoadOverview returns the overview figures for a resolution.
func LoadOverview(ctx context.Context, db *gorm.DB, res Resolution) (Overview, error) {
	var o Overview
	err := db.WithContext(ctx).Raw(`SELECT
		(SELECT count(*) FROM paragraphs WHERE resolution_id = ? AND kind = 'operative') AS operative_paragraphs,
		(SELECT count(*) FROM member_states) AS member_states,
		(SELECT count(*) FROM instruments) AS instruments`, res.ID).Scan(&o).Error
	if err != nil {
		return o, fmt.Errorf("load overview: %w", err)
	}
	return o, nil
}

// MemberStateByISO3 finds a State by its alpha-3 code, in any case.
func MemberStateByISO3(ctx context.Context, db *gorm.DB, iso3 string) (MemberState, error) {
	var s MemberState
	err := db.WithContext(ctx).Where("iso3 = ?", strings.ToUpper(iso3)).Take(&s).Error
	if err != nil {
		return s, notFound(err, "member state "+iso3)
	}
	return s, nil
}

// Instrument is one of the universal legal instruments against terrorism.
type Instrument struct {
	ID               int
	Code             string
	SortOrder        int
	ShortName        string
	Title            string
	AdoptedOn        time.Time
	AdoptedAt        string
	Depositary       string
	EntryIntoForceOn *time.Time
	// OpenForSignature is false for an instrument States join without
	// signing (the 2005 Amendment to the CPPNM is ratified, accepted or
	// approved directly).
	OpenForSignature bool
}

// requiresSignature tells whether an act of consent of kind k must
// confirm an earlier signature of this instrument.
func (in Instrument) requiresSignature(k TreatyActionKind) bool {
	return in.OpenForSignature && k.NeedsSignature()
}

// ListInstruments returns the instruments in chronological order.
func ListInstruments(ctx context.Context, db *gorm.DB) ([]Instrument, error) {
	var out []Instrument
	if err := db.WithContext(ctx).Order("sort_order").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list instruments: %w", err)
	}
	return out, nil
}

// Currency is an ISO 4217 currency.
type Currency struct {
	Code        string `gorm:"primaryKey"`
	NumericCode string
	Name        string
	MinorUnits  *int
}

// ListCurrencies returns the ISO 4217 currencies ordered by code.
func ListCurrencies(ctx context.Context, db *gorm.DB) ([]Currency, error) {
	var out []Currency
	if err := db.WithContext(ctx).Order("code").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list currencies: %w", err)
	}
	return out, nil
}

// escapeLike keeps user input from acting as LIKE wildcards.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
