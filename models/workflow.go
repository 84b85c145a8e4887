package models

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Actor is the capacity in which a person acts on a State's record.
type Actor string

const (
	// ActorState is a focal point of the record's State (and an
	// administrator, who may do everything).
	ActorState Actor = "state"
	// ActorSecretariat is the Office's staff (and an administrator).
	ActorSecretariat Actor = "secretariat"
)

// ActorsFor returns the capacities u has on a record of the State stateID.
func ActorsFor(u *User, stateID int) []Actor {
	switch {
	case u.HasRole(RoleAdmin):
		return []Actor{ActorState, ActorSecretariat}
	case u.HasRole(RoleSecretariat):
		return []Actor{ActorSecretariat}
	case u.HasRole(RoleFocalPoint) && u.MemberStateID != nil && *u.MemberStateID == stateID:
		return []Actor{ActorState}
	}
	return nil
}

func hasActor(actors []Actor, a Actor) bool {
	for _, x := range actors {
		if x == a {
			return true
		}
	}
	return false
}

// Transition is one allowed step of a workflow: from a status to another,
// by whom, and whether a note must explain it.
type Transition[S ~string] struct {
	From         S
	To           S
	Who          Actor
	NoteRequired bool
}

// Workflow is a record kind's transition table. Handlers never decide a
// transition: they ask the table.
type Workflow[S ~string] []Transition[S]

// Find returns the transition from → to that u may make on a record of the
// State stateID; ok is false when the table has none.
func (w Workflow[S]) Find(u *User, stateID int, from, to S) (Transition[S], bool) {
	return w.FindFor(ActorsFor(u, stateID), from, to)
}

// FindFor returns the transition from → to that one of actors may make.
func (w Workflow[S]) FindFor(actors []Actor, from, to S) (Transition[S], bool) {
	for _, t := range w {
		if t.From == from && t.To == to && hasActor(actors, t.Who) {
			return t, true
		}
	}
	return Transition[S]{}, false
}

// Available lists the transitions u may make from the status from, in the
// table's order (the order the page offers them).
func (w Workflow[S]) Available(u *User, stateID int, from S) []Transition[S] {
	return w.AvailableFor(ActorsFor(u, stateID), from)
}

// AvailableFor lists the transitions one of actors may make from from.
func (w Workflow[S]) AvailableFor(actors []Actor, from S) []Transition[S] {
	var out []Transition[S]
	for _, t := range w {
		if t.From == from && hasActor(actors, t.Who) {
			out = append(out, t)
		}
	}
	return out
}

// check validates a requested transition with its note, as field problems
// of the transition form ("to" and "note").
func (w Workflow[S]) check(u *User, stateID int, from, to S, note string) (Transition[S], error) {
	return w.checkFor(ActorsFor(u, stateID), from, to, note)
}

func (w Workflow[S]) checkFor(actors []Actor, from, to S, note string) (Transition[S], error) {
	t, ok := w.FindFor(actors, from, to)
	if !ok {
		return t, Invalid("to", "workflow.not_allowed")
	}
	p := Problems{}
	checkText(p, "note", note, t.NoteRequired, 2000)
	return t, p.Err()
}

// datedStep is one dated step of a workflow on a versioned row (a
// contribution's receipt, an activity's delivery): the row, locked by the
// caller, moves from its status to To as the table allows one of Actors,
// dated no later than tomorrow (the step's column set to that date), and
// the step is audited, in the caller's transaction.
type datedStep[S ~string] struct {
	Table    string
	Target   string // the audit trail's name of the record ("activity")
	ID       int64
	Version  int // the row's, as locked
	Seen     int // the version the person acted on
	From, To S
	Workflow Workflow[S]
	Actors   []Actor
	On       time.Time
	Note     string
	Columns  map[S]string // the date column of each status stepped to
	DateMsg  string       // the message for a date in the future
	Action   AuditAction
}

func (s datedStep[S]) apply(tx *gorm.DB, ev AuditContext) error {
	if s.Version != s.Seen {
		return fmt.Errorf("%s %d at version %d, step made on %d: %w", s.Table, s.ID, s.Version, s.Seen, ErrStaleVersion)
	}
	note := strings.TrimSpace(s.Note)
	if _, err := s.Workflow.checkFor(s.Actors, s.From, s.To, note); err != nil {
		return err
	}
	if s.On.IsZero() || s.On.After(time.Now().AddDate(0, 0, 1)) {
		return Invalid("on", s.DateMsg)
	}
	if err := updateVersioned(tx, s.Table, s.ID, s.Seen, map[string]any{"status": s.To, s.Columns[s.To]: s.On}); err != nil {
		return err
	}
	before := map[string]any{"status": s.From}
	after := map[string]any{"status": s.To, "on": s.On.Format("2006-01-02"), "note": note}
	return recordChange(tx, ev, s.Action, Target(s.Target, s.ID), before, after)
}
