package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Treaty status under operative paragraph 1 of A/RES/70/177: a State's
// actions on each universal instrument (its signature and its act of
// consent to be bound, each with its date) and how far the instrument is
// incorporated in its national law. The status shown is derived from the
// actions by DeriveTreatyStatus, never typed or stored.

// TreatyActionKind is what a State did about an instrument.
type TreatyActionKind string

const (
	TreatySignature    TreatyActionKind = "signature"
	TreatyRatification TreatyActionKind = "ratification"
	TreatyAcceptance   TreatyActionKind = "acceptance"
	TreatyApproval     TreatyActionKind = "approval"
	TreatyAccession    TreatyActionKind = "accession"
	TreatySuccession   TreatyActionKind = "succession"
)

// TreatyActionKinds lists every kind, the signature first.
func TreatyActionKinds() []TreatyActionKind {
	return []TreatyActionKind{TreatySignature, TreatyRatification, TreatyAcceptance, TreatyApproval, TreatyAccession, TreatySuccession}
}

// TreatyConsentKinds lists the acts of consent to be bound: every kind but
// the signature. A State has at most one per instrument.
func TreatyConsentKinds() []TreatyActionKind { return TreatyActionKinds()[1:] }

// Valid reports whether k is a known kind.
func (k TreatyActionKind) Valid() bool {
	for _, v := range TreatyActionKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// IsConsent reports whether k makes the State a party.
func (k TreatyActionKind) IsConsent() bool { return k.Valid() && k != TreatySignature }

// NeedsSignature reports whether k confirms an earlier signature
// (ratification, acceptance, approval) rather than standing alone
// (accession, succession).
func (k TreatyActionKind) NeedsSignature() bool {
	return k == TreatyRatification || k == TreatyAcceptance || k == TreatyApproval
}

// TreatyStatus is where a State stands on an instrument at a date.
type TreatyStatus string

const (
	TreatyNotParty  TreatyStatus = "not_party"
	TreatySignatory TreatyStatus = "signatory"
	TreatyParty     TreatyStatus = "party"
)

// TreatyStatuses lists the statuses from the least to the most engaged.
func TreatyStatuses() []TreatyStatus {
	return []TreatyStatus{TreatyNotParty, TreatySignatory, TreatyParty}
}

// IncorporationLevel is how far an instrument is part of national law.
type IncorporationLevel string

const (
	IncorporationNone     IncorporationLevel = "none"
	IncorporationDrafting IncorporationLevel = "drafting"
	IncorporationPartial  IncorporationLevel = "partial"
	IncorporationComplete IncorporationLevel = "complete"
)

// IncorporationLevels lists the levels in order.
func IncorporationLevels() []IncorporationLevel {
	return []IncorporationLevel{IncorporationNone, IncorporationDrafting, IncorporationPartial, IncorporationComplete}
}

// Valid reports whether l is a known level.
func (l IncorporationLevel) Valid() bool {
	for _, v := range IncorporationLevels() {
		if l == v {
			return true
		}
	}
	return false
}

// TreatyEvent is an action with its date, all the status depends on.
type TreatyEvent struct {
	Kind TreatyActionKind
	Date time.Time
}

// civilDay is the calendar day of t, as a UTC midnight.
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TreatyToday is today's date in UTC, the date the portal checks against
// and the matrix shows.
func TreatyToday() time.Time { return civilDay(time.Now().UTC()) }

// DeriveTreatyStatus is the one rule of the treaty status: as of a date, a
// State that has expressed its consent to be bound (ratification,
// acceptance, approval, accession or succession dated on or before it) is a
// party; one that has only signed is a signatory; otherwise it is not a
// party. Actions dated after asOf do not count yet.
func DeriveTreatyStatus(events []TreatyEvent, asOf time.Time) TreatyStatus {
	day := civilDay(asOf)
	status := TreatyNotParty
	for _, e := range events {
		if civilDay(e.Date).After(day) {
			continue
		}
		switch {
		case e.Kind.IsConsent():
			return TreatyParty
		case e.Kind == TreatySignature:
			status = TreatySignatory
		}
	}
	return status
}

// TreatyAction is one action of a State on an instrument.
type TreatyAction struct {
	ID            int64
	MemberStateID int
	InstrumentID  int
	Kind          TreatyActionKind
	ActionDate    time.Time `gorm:"type:date"`
	Version       int
	CreatedBy     *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TreatyIncorporation is how far a State has incorporated an instrument in
// its national law, with a reference to the legislation.
type TreatyIncorporation struct {
	ID            int64
	MemberStateID int
	InstrumentID  int
	Level         IncorporationLevel
	Note          string
	Version       int
	CreatedBy     *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (a TreatyAction) auditView(instrumentCode string) map[string]any {
	return map[string]any{
		"member_state_id": a.MemberStateID, "instrument": instrumentCode,
		"kind": a.Kind, "date": a.ActionDate.Format("2006-01-02"),
	}
}

func (i TreatyIncorporation) auditView(instrumentCode string) map[string]any {
	return map[string]any{
		"member_state_id": i.MemberStateID, "instrument": instrumentCode,
		"level": i.Level, "note": i.Note,
	}
}

// TreatyRecord is everything a State has recorded about one instrument.
type TreatyRecord struct {
	MemberStateID int
	InstrumentID  int
	Signature     *TreatyAction
	Consent       *TreatyAction
	Incorporation *TreatyIncorporation
}

// Events lists the record's actions for DeriveTreatyStatus.
func (r TreatyRecord) Events() []TreatyEvent {
	var out []TreatyEvent
	for _, a := range []*TreatyAction{r.Signature, r.Consent} {
		if a != nil {
			out = append(out, TreatyEvent{Kind: a.Kind, Date: a.ActionDate})
		}
	}
	return out
}

// Status is the record's status as of a date.
func (r TreatyRecord) Status(asOf time.Time) TreatyStatus {
	return DeriveTreatyStatus(r.Events(), asOf)
}

// Versions are the versions of the record's three rows (0: no row), which
// the edit form carries so that a stale save is refused.
func (r TreatyRecord) Versions() TreatyVersions {
	var v TreatyVersions
	if r.Signature != nil {
		v.Signature = r.Signature.Version
	}
	if r.Consent != nil {
		v.Consent = r.Consent.Version
	}
	if r.Incorporation != nil {
		v.Level = r.Incorporation.Version
	}
	return v
}

// TreatyVersions are the versions a person saw.
type TreatyVersions struct{ Signature, Consent, Level int }

func (r *TreatyRecord) add(a TreatyAction) {
	a2 := a
	if a.Kind == TreatySignature {
		r.Signature = &a2
	} else {
		r.Consent = &a2
	}
}

// TreatyInput is the edit form of one State's record on one instrument.
type TreatyInput struct {
	SignatureDate    string `form:"signature_date" validate:"omitempty,datetime=2006-01-02"`
	ConsentKind      string `form:"consent_kind" validate:"omitempty,oneof=ratification acceptance approval accession succession"`
	ConsentDate      string `form:"consent_date" validate:"omitempty,datetime=2006-01-02"`
	Level            string `form:"level" validate:"omitempty,oneof=none drafting partial complete"`
	Note             string `form:"note" validate:"max=1000"`
	SignatureVersion int    `form:"signature_version" validate:"gte=0"`
	ConsentVersion   int    `form:"consent_version" validate:"gte=0"`
	LevelVersion     int    `form:"level_version" validate:"gte=0"`
}

// InputOf restates a stored record as its edit form shows it.
func (r TreatyRecord) InputOf() TreatyInput {
	in := TreatyInput{}
	if r.Signature != nil {
		in.SignatureDate = r.Signature.ActionDate.Format("2006-01-02")
	}
	if r.Consent != nil {
		in.ConsentKind = string(r.Consent.Kind)
		in.ConsentDate = r.Consent.ActionDate.Format("2006-01-02")
	}
	if r.Incorporation != nil {
		in.Level = string(r.Incorporation.Level)
		in.Note = r.Incorporation.Note
	}
	v := r.Versions()
	in.SignatureVersion, in.ConsentVersion, in.LevelVersion = v.Signature, v.Consent, v.Level
	return in
}

// treatyFields names the fields a pair's problems are reported against.
type treatyFields struct{ SignatureDate, ConsentKind, ConsentDate string }

var formTreatyFields = treatyFields{"signature_date", "consent_kind", "consent_date"}

// checkActionDate: not in the future, not before the instrument's adoption.
func checkActionDate(p Problems, field string, d time.Time, inst Instrument, today time.Time) {
	switch {
	case civilDay(d).After(today):
		p.Add(field, "treaty.date_future")
	case civilDay(d).Before(civilDay(inst.AdoptedOn)):
		p.Add(field, "treaty.date_before_adoption", "Date", inst.AdoptedOn.Format("2006-01-02"))
	}
}

// checkTreatyPair checks a State's signature and act of consent on one
// instrument as they would stand: each date possible, and a ratification,
// acceptance or approval confirming a signature dated on or before it.
func checkTreatyPair(p Problems, inst Instrument, sig *time.Time, kind TreatyActionKind, consent *time.Time, today time.Time, f treatyFields) {
	if sig != nil {
		if !inst.OpenForSignature {
			p.Add(f.SignatureDate, "treaty.no_signature")
		}
		checkActionDate(p, f.SignatureDate, *sig, inst, today)
	}
	if consent != nil {
		checkActionDate(p, f.ConsentDate, *consent, inst, today)
	}
	if consent == nil || !inst.requiresSignature(kind) {
		return
	}
	switch {
	case sig == nil:
		p.Add(f.ConsentKind, "treaty.needs_signature", "Kind", string(kind))
	case civilDay(*consent).Before(civilDay(*sig)):
		p.Add(f.ConsentDate, "treaty.consent_before_signature")
	}
}

// treatyDate reads an ISO date; ok is false (with a problem) when it is
// not one.
func treatyDate(p Problems, field, raw string) (*time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, true
	}
	d, err := time.Parse("2006-01-02", raw)
	if err != nil || d.Year() < 1945 || d.Year() > 2100 {
		p.Add(field, "validation.date")
		return nil, false
	}
	return &d, true
}

// treatyWanted is a record as the form asks for it.
type treatyWanted struct {
	Signature   *time.Time
	ConsentKind TreatyActionKind
	Consent     *time.Time
	Level       IncorporationLevel // "" when not stated
	Note        string
}

// ValidateTreatyInput checks an edit of a State's record on inst and
// returns what it asks for (nothing is stored).
func ValidateTreatyInput(inst Instrument, in TreatyInput, today time.Time) (treatyWanted, error) {
	p := Problems{}
	var w treatyWanted
	w.Signature, _ = treatyDate(p, "signature_date", in.SignatureDate)
	consent, _ := treatyDate(p, "consent_date", in.ConsentDate)
	kind := TreatyActionKind(strings.TrimSpace(in.ConsentKind))
	switch {
	case kind == "" && strings.TrimSpace(in.ConsentDate) != "":
		p.Add("consent_kind", "treaty.consent_kind_required")
	case kind != "" && !kind.IsConsent():
		p.Add("consent_kind", "validation.choose")
	case kind != "" && strings.TrimSpace(in.ConsentDate) == "":
		p.Add("consent_date", "treaty.consent_date_required")
	case kind != "" && consent != nil:
		w.ConsentKind, w.Consent = kind, consent
	}
	checkTreatyPair(p, inst, w.Signature, w.ConsentKind, w.Consent, today, formTreatyFields)

	w.Level = IncorporationLevel(strings.TrimSpace(in.Level))
	if w.Level != "" && !w.Level.Valid() {
		p.Add("level", "validation.choose")
	}
	checkText(p, "note", in.Note, false, 1000)
	w.Note = strings.TrimSpace(in.Note)
	if w.Level == "" && w.Note != "" {
		p.Add("level", "treaty.level_required")
	}
	return w, p.Err()
}

// InstrumentByCode finds an instrument in the cache.
func (r *ReferenceCache) InstrumentByCode(ctx context.Context, code string) (Instrument, error) {
	list, err := r.Instruments(ctx)
	if err != nil {
		return Instrument{}, err
	}
	for _, in := range list {
		if in.Code == code {
			return in, nil
		}
	}
	return Instrument{}, fmt.Errorf("instrument %q: %w", code, ErrNotFound)
}

func instrumentByID(list []Instrument, id int) (Instrument, bool) {
	for _, in := range list {
		if in.ID == id {
			return in, true
		}
	}
	return Instrument{}, false
}

// CanActOnTreaties tells whether u records treaty actions for the State:
// its focal points and administrators.
func CanActOnTreaties(u *User, stateID int) bool {
	return hasActor(ActorsFor(u, stateID), ActorState)
}

// CanImportTreaties tells whether u imports treaty actions: the
// Secretariat and administrators.
func CanImportTreaties(u *User) bool { return hasActor(ActorsFor(u, 0), ActorSecretariat) }

// LoadTreatyRecords returns a State's records by instrument ID: two
// statements, whatever the number of instruments.
func LoadTreatyRecords(ctx context.Context, db *gorm.DB, stateID int) (map[int]*TreatyRecord, error) {
	return loadTreatyRecords(db.WithContext(ctx), stateID, 0, false)
}

// LoadTreatyRecord returns a State's record on one instrument (empty when
// nothing is recorded): two statements.
func LoadTreatyRecord(ctx context.Context, db *gorm.DB, stateID, instrumentID int) (TreatyRecord, error) {
	recs, err := loadTreatyRecords(db.WithContext(ctx), stateID, instrumentID, false)
	if err != nil {
		return TreatyRecord{}, err
	}
	if r, ok := recs[instrumentID]; ok {
		return *r, nil
	}
	return TreatyRecord{MemberStateID: stateID, InstrumentID: instrumentID}, nil
}

func loadTreatyRecords(tx *gorm.DB, stateID, instrumentID int, lock bool) (map[int]*TreatyRecord, error) {
	scope := func(q *gorm.DB) *gorm.DB {
		q = q.Where("member_state_id = ?", stateID)
		if instrumentID != 0 {
			q = q.Where("instrument_id = ?", instrumentID)
		}
		if lock {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		return q
	}
	var actions []TreatyAction
	if err := tx.Scopes(scope).Order("instrument_id, kind").Find(&actions).Error; err != nil {
		return nil, fmt.Errorf("treaty actions of state %d: %w", stateID, err)
	}
	var incs []TreatyIncorporation
	if err := tx.Scopes(scope).Find(&incs).Error; err != nil {
		return nil, fmt.Errorf("treaty incorporation of state %d: %w", stateID, err)
	}
	out := map[int]*TreatyRecord{}
	get := func(id int) *TreatyRecord {
		r, ok := out[id]
		if !ok {
			r = &TreatyRecord{MemberStateID: stateID, InstrumentID: id}
			out[id] = r
		}
		return r
	}
	for _, a := range actions {
		get(a.InstrumentID).add(a)
	}
	for i := range incs {
		get(incs[i].InstrumentID).Incorporation = &incs[i]
	}
	return out, nil
}

// SaveTreatyRecord applies an edit of a State's record on one instrument,
// made on the versions seen: every changed row moves to its next version
// with its audit row, in one transaction; a row someone else created,
// changed or removed meanwhile makes the save stale (ErrStaleVersion).
func SaveTreatyRecord(ctx context.Context, db *gorm.DB, u *User, stateID int, inst Instrument, in TreatyInput, ev AuditContext) error {
	if !CanActOnTreaties(u, stateID) {
		return fmt.Errorf("treaty record of state %d: %w", stateID, ErrForbidden)
	}
	w, err := ValidateTreatyInput(inst, in, TreatyToday())
	if err != nil {
		return err
	}
	seen := TreatyVersions{Signature: in.SignatureVersion, Consent: in.ConsentVersion, Level: in.LevelVersion}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		recs, err := loadTreatyRecords(tx, stateID, inst.ID, true)
		if err != nil {
			return err
		}
		cur := TreatyRecord{MemberStateID: stateID, InstrumentID: inst.ID}
		if r, ok := recs[inst.ID]; ok {
			cur = *r
		}
		if cur.Versions() != seen {
			return fmt.Errorf("treaty record %d/%s at versions %+v, edit made on %+v: %w", stateID, inst.Code, cur.Versions(), seen, ErrStaleVersion)
		}
		if err := saveAction(tx, ev, inst, stateID, cur.Signature, TreatySignature, w.Signature); err != nil {
			return err
		}
		if err := saveAction(tx, ev, inst, stateID, cur.Consent, w.ConsentKind, w.Consent); err != nil {
			return err
		}
		return saveIncorporation(tx, ev, inst, stateID, cur.Incorporation, w.Level, w.Note)
	})
	if err != nil {
		return fmt.Errorf("save treaty record: %w", err)
	}
	return nil
}

// saveAction brings one action row from cur to kind/date (nil date: no
// action), writing and auditing only a change.
func saveAction(tx *gorm.DB, ev AuditContext, inst Instrument, stateID int, cur *TreatyAction, kind TreatyActionKind, date *time.Time) error {
	switch {
	case cur == nil && date == nil:
		return nil
	case cur != nil && date == nil:
		if err := tx.Where("id = ? AND version = ?", cur.ID, cur.Version).Delete(&TreatyAction{}).Error; err != nil {
			return fmt.Errorf("delete treaty action %d: %w", cur.ID, err)
		}
		return recordChange(tx, ev, ActionTreatyActionDeleted, Target("treaty_action", cur.ID), cur.auditView(inst.Code), nil)
	case cur == nil:
		a := TreatyAction{MemberStateID: stateID, InstrumentID: inst.ID, Kind: kind, ActionDate: *date, Version: 1, CreatedBy: auditActorID(ev)}
		created, err := insertTreatyAction(tx, &a)
		if err != nil {
			return err
		}
		if !created {
			return fmt.Errorf("treaty action %s of state %d on %s recorded meanwhile: %w", kind, stateID, inst.Code, ErrStaleVersion)
		}
		return recordChange(tx, ev, ActionTreatyActionSaved, Target("treaty_action", a.ID), nil, a.auditView(inst.Code))
	}
	if cur.Kind == kind && civilDay(cur.ActionDate).Equal(civilDay(*date)) {
		return nil
	}
	next := *cur
	next.Kind, next.ActionDate = kind, *date
	if err := updateVersioned(tx, "treaty_actions", cur.ID, cur.Version, map[string]any{"kind": kind, "action_date": *date}); err != nil {
		return err
	}
	return recordChange(tx, ev, ActionTreatyActionSaved, Target("treaty_action", cur.ID), cur.auditView(inst.Code), next.auditView(inst.Code))
}

// insertTreatyAction adds an action unless its State already has one of
// this kind (or another act of consent) on the instrument; created is false
// then.
func insertTreatyAction(tx *gorm.DB, a *TreatyAction) (bool, error) {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("CreatedAt", "UpdatedAt").Create(a)
	if res.Error != nil {
		return false, fmt.Errorf("insert treaty action: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

func saveIncorporation(tx *gorm.DB, ev AuditContext, inst Instrument, stateID int, cur *TreatyIncorporation, level IncorporationLevel, note string) error {
	switch {
	case cur == nil && level == "":
		return nil
	case cur != nil && level == "":
		if err := tx.Where("id = ? AND version = ?", cur.ID, cur.Version).Delete(&TreatyIncorporation{}).Error; err != nil {
			return fmt.Errorf("delete treaty incorporation %d: %w", cur.ID, err)
		}
		return recordChange(tx, ev, ActionTreatyIncorporation, Target("treaty_incorporation", cur.ID), cur.auditView(inst.Code), nil)
	case cur == nil:
		i := TreatyIncorporation{MemberStateID: stateID, InstrumentID: inst.ID, Level: level, Note: note, Version: 1, CreatedBy: auditActorID(ev)}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("CreatedAt", "UpdatedAt").Create(&i)
		if res.Error != nil {
			return fmt.Errorf("insert treaty incorporation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("treaty incorporation of state %d on %s recorded meanwhile: %w", stateID, inst.Code, ErrStaleVersion)
		}
		return recordChange(tx, ev, ActionTreatyIncorporation, Target("treaty_incorporation", i.ID), nil, i.auditView(inst.Code))
	}
	if cur.Level == level && cur.Note == note {
		return nil
	}
	next := *cur
	next.Level, next.Note = level, note
	if err := updateVersioned(tx, "treaty_incorporations", cur.ID, cur.Version, map[string]any{"level": level, "note": note}); err != nil {
		return err
	}
	return recordChange(tx, ev, ActionTreatyIncorporation, Target("treaty_incorporation", cur.ID), cur.auditView(inst.Code), next.auditView(inst.Code))
}

func auditActorID(ev AuditContext) *int64 {
	if ev.Actor != nil && ev.Actor.ID != 0 {
		id := ev.Actor.ID
		return &id
	}
	return nil
}

// TreatyMatrix is the States × instruments status table at a date.
type TreatyMatrix struct {
	AsOf        time.Time
	States      []MemberState
	Instruments []Instrument
	// Cells[s][i] is the status of States[s] on Instruments[i].
	Cells [][]TreatyStatus
	// PartiesPerInstrument and SignatoriesPerInstrument count, for each
	// instrument, the shown States in that status.
	PartiesPerInstrument     []int
	SignatoriesPerInstrument []int
	// InstrumentsPerState counts, for each State, the instruments it is a
	// party to.
	InstrumentsPerState []int
}

// LoadTreatyMatrix builds the matrix of the States of a regional group
// (every State when group is empty) as of a date: one statement reading the
// sparse actions, the statuses derived in Go by DeriveTreatyStatus.
func LoadTreatyMatrix(ctx context.Context, db *gorm.DB, ref *ReferenceCache, group RegionalGroup, asOf time.Time) (TreatyMatrix, error) {
	m := TreatyMatrix{AsOf: civilDay(asOf)}
	states, err := ref.FilterMemberStates(ctx, StateFilter{Group: group})
	if err != nil {
		return m, err
	}
	insts, err := ref.Instruments(ctx)
	if err != nil {
		return m, err
	}
	m.States, m.Instruments = states, insts
	q := db.WithContext(ctx).Table("treaty_actions AS ta").
		Select("ta.member_state_id, ta.instrument_id, ta.kind, ta.action_date").
		Where("ta.action_date <= ?", m.AsOf.Format("2006-01-02"))
	if group != "" {
		q = q.Joins("JOIN member_states ms ON ms.id = ta.member_state_id").Where("ms.regional_group = ?", group)
	}
	var rows []struct {
		MemberStateID int
		InstrumentID  int
		Kind          TreatyActionKind
		ActionDate    time.Time
	}
	if err := q.Scan(&rows).Error; err != nil {
		return m, fmt.Errorf("treaty matrix: %w", err)
	}
	stateIdx := make(map[int]int, len(states))
	for i, s := range states {
		stateIdx[s.ID] = i
	}
	instIdx := make(map[int]int, len(insts))
	for i, in := range insts {
		instIdx[in.ID] = i
	}
	events := make(map[[2]int][]TreatyEvent)
	for _, r := range rows {
		si, ok1 := stateIdx[r.MemberStateID]
		ii, ok2 := instIdx[r.InstrumentID]
		if ok1 && ok2 {
			k := [2]int{si, ii}
			events[k] = append(events[k], TreatyEvent{Kind: r.Kind, Date: r.ActionDate})
		}
	}
	m.Cells = make([][]TreatyStatus, len(states))
	m.PartiesPerInstrument = make([]int, len(insts))
	m.SignatoriesPerInstrument = make([]int, len(insts))
	m.InstrumentsPerState = make([]int, len(states))
	for si := range states {
		m.Cells[si] = make([]TreatyStatus, len(insts))
		for ii := range insts {
			st := DeriveTreatyStatus(events[[2]int{si, ii}], m.AsOf)
			m.Cells[si][ii] = st
			switch st {
			case TreatyParty:
				m.PartiesPerInstrument[ii]++
				m.InstrumentsPerState[si]++
			case TreatySignatory:
				m.SignatoriesPerInstrument[ii]++
			}
		}
	}
	return m, nil
}

// Treaty import ----------------------------------------------------------

// TreatyImportColumns are the columns of an import file, in the order the
// page documents them (the header may list them in any order).
var TreatyImportColumns = []string{"iso3", "instrument", "action", "date"}

// MaxTreatyImportRows bounds one import (193 States × 19 instruments × 2
// actions fit with room to spare).
const MaxTreatyImportRows = 20000

// TreatyImportResult counts what an import did.
type TreatyImportResult struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// importRow is one line of the file, read and checked on its own.
type importRow struct {
	line       int
	state      MemberState
	instrument Instrument
	kind       TreatyActionKind
	date       time.Time
}

// ImportTreatyActions reads a CSV file of treaty actions (columns iso3,
// instrument, action, date) and records them: every row is checked, alone
// and with the State's other actions; when any is wrong nothing is stored
// and every problem is returned by line and column (an *ImportError).
// Otherwise each action is created or moved to the file's date, an
// unchanged one is left alone (the same file imported twice changes
// nothing), each change is audited, and the import itself once.
func ImportTreatyActions(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, r io.Reader, ev AuditContext) (TreatyImportResult, error) {
	var res TreatyImportResult
	if !CanImportTreaties(u) {
		return res, fmt.Errorf("import treaty actions: %w", ErrForbidden)
	}
	rows, problems, err := readTreatyImport(ctx, ref, r, TreatyToday())
	if err != nil {
		return res, err
	}
	if len(rows) == 0 && len(problems) > 0 {
		return res, &ImportError{Problems: problems}
	}
	res.Rows = len(rows)
	stateIDs := map[int]bool{}
	for _, row := range rows {
		stateIDs[row.state.ID] = true
	}
	ids := make(pq.Int64Array, 0, len(stateIDs))
	for id := range stateIDs {
		ids = append(ids, int64(id))
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing []TreatyAction
		if err := tx.Where("member_state_id = ANY(?)", ids).Clauses(clause.Locking{Strength: "UPDATE"}).Find(&existing).Error; err != nil {
			return fmt.Errorf("existing treaty actions: %w", err)
		}
		// Every problem at once: the rows' own, then theirs with the
		// actions already recorded.
		problems = append(problems, checkImportAgainst(rows, existing, TreatyToday())...)
		if len(problems) > 0 {
			sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
			if len(problems) > maxImportProblems {
				problems = problems[:maxImportProblems]
			}
			return &ImportError{Problems: problems}
		}
		byKey := map[[3]string]TreatyAction{}
		for _, a := range existing {
			byKey[actionKey(a.MemberStateID, a.InstrumentID, a.Kind)] = a
		}
		for _, row := range rows {
			cur, ok := byKey[actionKey(row.state.ID, row.instrument.ID, row.kind)]
			switch {
			case !ok:
				a := TreatyAction{MemberStateID: row.state.ID, InstrumentID: row.instrument.ID, Kind: row.kind, ActionDate: row.date, Version: 1, CreatedBy: auditActorID(ev)}
				created, err := insertTreatyAction(tx, &a)
				if err != nil {
					return err
				}
				if !created {
					return fmt.Errorf("treaty action on line %d recorded meanwhile: %w", row.line, ErrStaleVersion)
				}
				if err := recordChange(tx, ev, ActionTreatyActionSaved, Target("treaty_action", a.ID), nil, a.auditView(row.instrument.Code)); err != nil {
					return err
				}
				res.Created++
			case civilDay(cur.ActionDate).Equal(civilDay(row.date)):
				res.Unchanged++
			default:
				next := cur
				next.ActionDate = row.date
				if err := updateVersioned(tx, "treaty_actions", cur.ID, cur.Version, map[string]any{"action_date": row.date}); err != nil {
					return err
				}
				if err := recordChange(tx, ev, ActionTreatyActionSaved, Target("treaty_action", cur.ID), cur.auditView(row.instrument.Code), next.auditView(row.instrument.Code)); err != nil {
					return err
				}
				res.Updated++
			}
		}
		return recordChange(tx, ev, ActionTreatyImported, AuditTarget{Type: "treaty_import"}, nil, res)
	})
	if err != nil {
		if _, ok := ImportProblemsOf(err); ok {
			return TreatyImportResult{}, err
		}
		return TreatyImportResult{}, fmt.Errorf("import treaty actions: %w", err)
	}
	return res, nil
}

func actionKey(stateID, instrumentID int, kind TreatyActionKind) [3]string {
	k := string(kind)
	if kind.IsConsent() {
		k = "consent"
	}
	return [3]string{fmt.Sprint(stateID), fmt.Sprint(instrumentID), k}
}

// treatyImportFile is the treaty actions' CSV file.
var treatyImportFile = importFile{Required: TreatyImportColumns, MaxRows: MaxTreatyImportRows}

// readTreatyImport parses the file and checks each row on its own and
// against the file's other rows.
func readTreatyImport(ctx context.Context, ref *ReferenceCache, r io.Reader, today time.Time) ([]importRow, []ImportProblem, error) {
	insts, err := ref.Instruments(ctx)
	if err != nil {
		return nil, nil, err
	}
	byCode := map[string]Instrument{}
	for _, in := range insts {
		byCode[in.Code] = in
	}
	var ps importProblems
	var rows []importRow
	err = treatyImportFile.read(r, &ps, func(rec importRecord) error {
		line := rec.Line
		row := importRow{line: line}
		ok := true
		for _, name := range TreatyImportColumns {
			if v := rec.Cell(name); !utf8.ValidString(v) || hasControl(v) {
				ps.add(line, name, "validation.invalid_text")
				ok = false
			} else if v == "" {
				ps.add(line, name, "validation.required")
				ok = false
			}
		}
		if !ok {
			return nil
		}
		s, err := ref.MemberStateByISO3(ctx, rec.Cell("iso3"))
		switch {
		case errors.Is(err, ErrNotFound):
			ps.add(line, "iso3", "validation.unknown_state")
			ok = false
		case err != nil:
			return err
		}
		row.state = s
		in, found := byCode[strings.ToLower(rec.Cell("instrument"))]
		if !found {
			ps.add(line, "instrument", "treaty.unknown_instrument")
			ok = false
		}
		row.instrument = in
		row.kind = TreatyActionKind(strings.ToLower(rec.Cell("action")))
		if !row.kind.Valid() {
			ps.add(line, "action", "treaty.unknown_action")
			ok = false
		}
		d, err := time.Parse("2006-01-02", rec.Cell("date"))
		if err != nil || d.Year() < 1945 || d.Year() > 2100 {
			ps.add(line, "date", "validation.date")
			ok = false
		} else if found {
			p := Problems{}
			checkActionDate(p, "date", d, in, today)
			if len(p) > 0 {
				ps.addChecked(line, p, []string{"date"}, func(f string) string { return f })
				ok = false
			}
		}
		row.date = d
		if ok {
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	// Within the file: one row per action, one act of consent per State
	// and instrument.
	first := map[[3]string]importRow{}
	for _, row := range rows {
		k := actionKey(row.state.ID, row.instrument.ID, row.kind)
		if prev, dup := first[k]; dup {
			if prev.kind == row.kind {
				ps.add(row.line, "action", "treaty.import_duplicate", "Line", prev.line)
			} else {
				ps.add(row.line, "action", "treaty.two_consents", "Line", prev.line)
			}
			continue
		}
		first[k] = row
	}
	return rows, ps.list, nil
}

// checkImportAgainst checks the file's rows with the actions already
// recorded: the act of consent the file names must be the one recorded (if
// any), and each State's signature and consent must stand together.
func checkImportAgainst(rows []importRow, existing []TreatyAction, today time.Time) []ImportProblem {
	var problems []ImportProblem
	type pair struct {
		sig, consent         *time.Time
		kind                 TreatyActionKind
		sigLine, consentLine int
		inst                 Instrument
	}
	pairs := map[[2]int]*pair{}
	var order [][2]int
	get := func(s, i int) *pair {
		k := [2]int{s, i}
		p, ok := pairs[k]
		if !ok {
			p = &pair{}
			pairs[k] = p
			order = append(order, k)
		}
		return p
	}
	touched := map[[2]int]bool{}
	for _, row := range rows {
		touched[[2]int{row.state.ID, row.instrument.ID}] = true
	}
	for _, a := range existing {
		if !touched[[2]int{a.MemberStateID, a.InstrumentID}] {
			continue // only the pairs the file touches are checked
		}
		p := get(a.MemberStateID, a.InstrumentID)
		d := a.ActionDate
		if a.Kind == TreatySignature {
			p.sig = &d
		} else {
			p.consent, p.kind = &d, a.Kind
		}
	}
	for _, row := range rows {
		p := get(row.state.ID, row.instrument.ID)
		p.inst = row.instrument
		d := row.date
		if row.kind == TreatySignature {
			p.sig, p.sigLine = &d, row.line
			continue
		}
		if p.consent != nil && p.consentLine == 0 && p.kind != row.kind {
			problems = append(problems, ImportProblem{Line: row.line, Column: "action", ID: "treaty.consent_exists",
				Data: map[string]any{"Kind": string(p.kind)}})
			continue
		}
		p.consent, p.kind, p.consentLine = &d, row.kind, row.line
	}
	for _, k := range order {
		p := pairs[k]
		if p.sigLine == 0 && p.consentLine == 0 {
			continue
		}
		if p.sigLine != 0 && !p.inst.OpenForSignature {
			problems = append(problems, ImportProblem{Line: p.sigLine, Column: "action", ID: "treaty.no_signature"})
			continue
		}
		if p.consent == nil || !p.inst.requiresSignature(p.kind) {
			continue
		}
		switch {
		case p.sig == nil:
			problems = append(problems, ImportProblem{Line: p.consentLine, Column: "action", ID: "treaty.needs_signature",
				Data: map[string]any{"Kind": string(p.kind)}})
		case civilDay(*p.consent).Before(civilDay(*p.sig)):
			line := p.consentLine
			if line == 0 {
				line = p.sigLine
			}
			problems = append(problems, ImportProblem{Line: line, Column: "date", ID: "treaty.consent_before_signature"})
		}
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	if len(problems) > maxImportProblems {
		problems = problems[:maxImportProblems]
	}
	return problems
}
