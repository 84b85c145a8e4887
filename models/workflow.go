package models

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
