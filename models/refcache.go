package models

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// ReferenceCache holds the reference data that only a migration changes
// (the 193 Member States and the 19 instruments), loaded once per process
// and read-only afterwards: the pages that list or look them up then cost
// no query. A new release restarts the process, and with it the cache; data
// people edit is never cached.
type ReferenceCache struct {
	DB *gorm.DB

	mu          sync.Mutex
	loaded      atomic.Bool // read without the lock on every request
	states      []MemberState
	byISO3      map[string]*MemberState
	byID        map[int]*MemberState
	instruments []Instrument
	currencies  []Currency
	byCurrency  map[string]*Currency
	operative   []OperativeRef
}

// OperativeRef is an operative paragraph of the latest resolution, as
// forms and filters offer it.
type OperativeRef struct {
	Number int
	Theme  string
}

// Warm loads the reference data now rather than at the first request.
func (r *ReferenceCache) Warm(ctx context.Context) error { return r.load(ctx) }

func (r *ReferenceCache) load(ctx context.Context) error {
	if r.loaded.Load() {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loaded.Load() {
		return nil
	}
	states, err := ListMemberStates(ctx, r.DB)
	if err != nil {
		return err
	}
	instruments, err := ListInstruments(ctx, r.DB)
	if err != nil {
		return err
	}
	currencies, err := ListCurrencies(ctx, r.DB)
	if err != nil {
		return err
	}
	var operative []OperativeRef
	if err := r.DB.WithContext(ctx).Raw(`SELECT p.number, coalesce(p.theme, '') AS theme FROM paragraphs p
		WHERE p.kind = 'operative' AND p.resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC, id DESC LIMIT 1)
		ORDER BY p.number`).Scan(&operative).Error; err != nil {
		return fmt.Errorf("load operative paragraphs: %w", err)
	}
	r.states, r.instruments, r.currencies, r.operative = states, instruments, currencies, operative
	r.byCurrency = make(map[string]*Currency, len(currencies))
	for i := range r.currencies {
		r.byCurrency[r.currencies[i].Code] = &r.currencies[i]
	}
	r.byISO3 = make(map[string]*MemberState, len(states))
	r.byID = make(map[int]*MemberState, len(states))
	for i := range r.states {
		r.byISO3[r.states[i].ISO3] = &r.states[i]
		r.byID[r.states[i].ID] = &r.states[i]
	}
	r.loaded.Store(true)
	return nil
}

// MemberStates returns every State by English name. The slice is shared:
// callers must not modify it.
func (r *ReferenceCache) MemberStates(ctx context.Context) ([]MemberState, error) {
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	return r.states, nil
}

// MemberStateByISO3 finds a State by its alpha-3 code, in any case.
func (r *ReferenceCache) MemberStateByISO3(ctx context.Context, iso3 string) (MemberState, error) {
	if err := r.load(ctx); err != nil {
		return MemberState{}, err
	}
	s, ok := r.byISO3[strings.ToUpper(iso3)]
	if !ok {
		return MemberState{}, fmt.Errorf("member state %q: %w", iso3, ErrNotFound)
	}
	return *s, nil
}

// FilterMemberStates returns the States matching f, by English name. The
// query matches part of the State's name in any of the six languages
// whatever its accents and case ("cote" finds Côte d'Ivoire, "Кения"
// Kenya), or exactly the ISO 3166 alpha-3 or alpha-2 code or the M49 code.
func (r *ReferenceCache) FilterMemberStates(ctx context.Context, f StateFilter) ([]MemberState, error) {
	all, err := r.MemberStates(ctx)
	if err != nil {
		return nil, err
	}
	q := foldForSearch(strings.TrimSpace(f.Query))
	if f.Group == "" && q == "" {
		return all, nil
	}
	var out []MemberState
	for _, s := range all {
		if f.Group != "" && s.RegionalGroup != f.Group {
			continue
		}
		if q != "" && !stateMatches(s, q) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// stateMatches tells whether a folded query names the State.
func stateMatches(s MemberState, folded string) bool {
	for _, lang := range []string{"en", "fr", "ar", "zh", "ru", "es"} {
		if strings.Contains(foldForSearch(s.LocalName(lang)), folded) {
			return true
		}
	}
	if strings.EqualFold(s.ISO3, folded) || strings.EqualFold(s.ISO2, folded) {
		return true
	}
	// M49 codes are written with their leading zeros ("004") or without.
	return s.M49 != "" && strings.TrimLeft(s.M49, "0") == strings.TrimLeft(folded, "0") && strings.Trim(folded, "0123456789") == ""
}

// foldForSearch lowers s and strips its accents (é, ô, ç become e, o, c),
// so what a person types matches however the name is written.
func foldForSearch(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s // a malformed string is compared as it is
	}
	return strings.ToLower(folded)
}

// Instruments returns the instruments in chronological order (shared; do
// not modify).
func (r *ReferenceCache) Instruments(ctx context.Context) ([]Instrument, error) {
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	return r.instruments, nil
}

// Currencies returns the ISO 4217 currencies by code (shared; do not
// modify).
func (r *ReferenceCache) Currencies(ctx context.Context) ([]Currency, error) {
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	return r.currencies, nil
}

// Currency finds a currency by its code.
func (r *ReferenceCache) Currency(ctx context.Context, code string) (Currency, bool, error) {
	if err := r.load(ctx); err != nil {
		return Currency{}, false, err
	}
	c, ok := r.byCurrency[code]
	if !ok {
		return Currency{}, false, nil
	}
	return *c, true, nil
}

// OperativeParagraphs returns the latest resolution's operative paragraphs.
// A resolution imported while the server runs shows after a restart.
func (r *ReferenceCache) OperativeParagraphs(ctx context.Context) ([]OperativeRef, error) {
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	return r.operative, nil
}

// MemberStateByID finds a State by its ID.
func (r *ReferenceCache) MemberStateByID(ctx context.Context, id int) (MemberState, bool, error) {
	if err := r.load(ctx); err != nil {
		return MemberState{}, false, err
	}
	s, ok := r.byID[id]
	if !ok {
		return MemberState{}, false, nil
	}
	return *s, true, nil
}
