package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Kind tells officials from citizens.
type Kind string

// Kinds of account.
const (
	Official Kind = "official"
	Citizen  Kind = "citizen"
)

// Actor is the person behind a request: who, and the roles they hold.
type Actor struct {
	AccountID int64
	Name      string
	Kind      Kind
	Grants    []Grant
	// Email and Phone are where the account is reached (read with the session).
	Email, Phone string
}

// Contact is where to notify the actor: the e-mail when there is one,
// otherwise the phone by SMS (the same rule as Contacts).
func (a *Actor) Contact() notify.Note {
	switch {
	case a == nil:
		return notify.Note{}
	case a.Email != "":
		return notify.Note{AccountID: a.AccountID, Channel: notify.Email, Address: a.Email}
	case a.Phone != "":
		return notify.Note{AccountID: a.AccountID, Channel: notify.Phone, Address: a.Phone}
	}
	return notify.Note{}
}

// Decision is the outcome of a permission check.
type Decision int

// Decisions: allowed; the unit is outside every one of the actor's scopes (answered
// as "not found", so that its existence is not revealed); inside a scope but no role
// there allows the action.
const (
	Allowed Decision = iota
	OutOfScope
	NotAllowed
)

// Units is what the guard needs of the unit tree.
type Units interface {
	Tree(ctx context.Context) (*org.Tree, error)
}

// Decide is the whole permission rule, pure: a grant covers its unit and every unit
// below it (a grant on unit 0 covers the country), and allows what its role allows.
// It also returns the grant that allowed the action.
func Decide(t *org.Tree, grants []Grant, action Action, unitID int64) (Decision, Grant) {
	d := OutOfScope
	for _, g := range grants {
		if g.UnitID != 0 && !t.Within(unitID, g.UnitID) {
			continue
		}
		if g.UnitID == 0 {
			if _, ok := t.Unit(unitID); !ok && unitID != 0 {
				continue
			}
		}
		if g.Role.Allows(action) {
			return Allowed, g
		}
		d = NotAllowed
	}
	return d, Grant{}
}

// Guard answers every permission question and records the refusals. Services
// call Can before they act, and Record in the transaction of the action.
type Guard struct {
	units Units
	audit *audit.Service
}

// NewGuard returns the guard over the unit tree and the audit log.
func NewGuard(units Units, a *audit.Service) *Guard { return &Guard{units: units, audit: a} }

// Can returns nil when actor may do action on the unit (0: a national matter).
// Otherwise it writes a denied record to the audit log and returns a not-found
// error when the unit is outside the actor's scopes (do not reveal that it exists)
// or a forbidden error when it is inside but no role there allows the action.
func (g *Guard) Can(ctx context.Context, actor *Actor, action Action, unitID int64) error {
	if actor == nil || actor.Kind != Official {
		return apperr.New(apperr.CodeForbidden, "auth.err.officials_only")
	}
	t, err := g.units.Tree(ctx)
	if err != nil {
		return fmt.Errorf("check %s: %w", action, err)
	}
	d, _ := Decide(t, actor.Grants, action, unitID)
	if d == Allowed {
		return nil
	}
	outcome := "out_of_scope"
	if d == NotAllowed {
		outcome = "role_lacks_action"
	}
	if err := g.audit.Log(ctx, nil, g.entry(ctx, actor, "", action, unitID, "unit", fmt.Sprint(unitID), nil, nil, audit.Denied, outcome)); err != nil {
		return err
	}
	if d == OutOfScope {
		return apperr.New(apperr.CodeNotFound, "auth.err.not_found")
	}
	return apperr.New(apperr.CodeForbidden, "auth.err.role_forbids")
}

// Deny writes the denied record of a refusal the service makes itself once
// Can let actor in (a case's vault read without its named grant): who, what,
// on which object, and why (detail: words of the code, never personal data).
func (g *Guard) Deny(ctx context.Context, actor *Actor, action Action, unitID int64, objType, objID, detail string) error {
	return g.audit.Log(ctx, nil, g.entry(ctx, actor, "", action, unitID, objType, objID, nil, nil, audit.Denied, detail))
}

// Allows is Can's decision without its audit record, for a page deciding which
// actions to offer (a form is shown only to whom its handler would serve): the
// same Decide, so the page and the handler never disagree.
func (g *Guard) Allows(ctx context.Context, actor *Actor, action Action, unitID int64) bool {
	if actor == nil || actor.Kind != Official {
		return false
	}
	t, err := g.units.Tree(ctx)
	if err != nil {
		return false
	}
	d, _ := Decide(t, actor.Grants, action, unitID)
	return d == Allowed
}

// AllowedAmong is the units of ids on which actor may do action: Allows for
// each, the tree read once (a plan's thousands of assignees).
func (g *Guard) AllowedAmong(ctx context.Context, actor *Actor, action Action, ids []int64) []int64 {
	if actor == nil || actor.Kind != Official {
		return nil
	}
	t, err := g.units.Tree(ctx)
	if err != nil {
		return nil
	}
	var out []int64
	for _, id := range ids {
		if d, _ := Decide(t, actor.Grants, action, id); d == Allowed {
			out = append(out, id)
		}
	}
	return out
}

// CanReadStaff decides who reads what an agency shows its staff only (LDC Arts
// 46, 53): officials holding a role on the agency (or above it). Anyone else is
// told it does not exist.
func (g *Guard) CanReadStaff(ctx context.Context, actor *Actor, agencyID int64) error {
	if actor == nil || actor.Kind != Official {
		return apperr.New(apperr.CodeNotFound, "auth.err.not_found")
	}
	return g.Can(ctx, actor, ViewBackOffice, agencyID)
}

// Record writes an official's action to the audit log in the action's transaction
// tx (nil: on its own), with hashes of the object before and after.
func (g *Guard) Record(ctx context.Context, tx *sql.Tx, actor *Actor, action Action, unitID int64, objType, objID string, before, after any) error {
	return g.RecordEvent(ctx, tx, actor, action, string(action), unitID, objType, objID, before, after)
}

// RecordEvent is Record of an action done under permission action but logged
// as event, what happened ("disclosure.withdrawn", not the "disclosure.publish"
// that allowed it); the role is the one that grants action.
func (g *Guard) RecordEvent(ctx context.Context, tx *sql.Tx, actor *Actor, action Action, event string, unitID int64, objType, objID string, before, after any) error {
	role := ""
	if t, err := g.units.Tree(ctx); err == nil {
		_, gr := Decide(t, actor.Grants, action, unitID)
		role = string(gr.Role)
	}
	return g.audit.Log(ctx, tx, g.entry(ctx, actor, role, Action(event), unitID, objType, objID, before, after, audit.OK, ""))
}

func (g *Guard) entry(ctx context.Context, actor *Actor, role string, action Action, unitID int64, objType, objID string, before, after any, outcome, detail string) audit.Entry {
	e := audit.Entry{UnitID: unitID, Action: string(action), ObjectType: objType, ObjectID: objID,
		BeforeHash: audit.HashOf(before), AfterHash: audit.HashOf(after), Outcome: outcome,
		IP: web.ClientIP(ctx), RequestID: web.RequestID(ctx), Detail: detail, Role: role}
	if actor != nil {
		e.ActorID, e.ActorName = actor.AccountID, actor.Name
		if role == "" {
			var rs []string
			for _, gr := range actor.Grants {
				rs = append(rs, string(gr.Role))
			}
			e.Role = strings.Join(rs, ",")
		}
	}
	return e
}
