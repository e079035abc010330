package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/notify"
	"danchu/internal/org"
)

// Invitation is a role offered to an official by an administrator whose scope
// does not cover every role the account already holds (issue 15): taking it is
// the holder's choice, after signing in.
type Invitation struct {
	ID        int64
	Role      Role
	UnitID    int64
	UnitName  string // "": the whole country (the page names it in its language)
	InvitedBy string
	CreatedAt int64
}

// invite stores the offer of g to acc in tx, mails the holder and records it.
func (s *Service) invite(ctx context.Context, tx *sql.Tx, by *Actor, acc Account, g Grant, t *org.Tree) (int64, error) {
	n, err := pendingInvitations(ctx, tx, acc.ID, g)
	if err != nil {
		return 0, fmt.Errorf("invitations: %w", err)
	}
	if n > 0 {
		return 0, apperr.New(apperr.CodeConflict, "auth.err.already_invited", acc.Email, g.Role.Label())
	}
	id := s.db.NewID()
	now := s.db.NowMillis()
	if err := insertInvitation(ctx, tx, id, acc.ID, g, by.AccountID, now); err != nil {
		return 0, fmt.Errorf("store invitation: %w", err)
	}
	where := "toàn quốc"
	if u, ok := t.Unit(g.UnitID); ok {
		where = u.Name
	}
	if err := s.outbox.Add(ctx, tx, notify.Note{Kind: "auth.invitation", AccountID: acc.ID, Channel: notify.Email, Address: acc.Email,
		Subject: "Lời mời nhận vai trò trên danchu",
		Text: fmt.Sprintf("Chào %s,\n\n%s mời bạn nhận vai trò “%s” ở %s trên danchu. Vai trò chỉ được giao khi chính bạn chấp nhận: "+
			"hãy đăng nhập rồi mở trang quản trị để chấp nhận hoặc từ chối.\n\nNếu bạn không biết lời mời này, hãy từ chối và báo quản trị viên của đơn vị mình.\n",
			acc.FullName, by.Name, g.Role.Label(), where), Link: "/quan-tri"}); err != nil {
		return 0, err
	}
	return id, s.guard.Record(ctx, tx, by, ManageUsers, g.UnitID, "role_invitation", fmt.Sprint(id), nil,
		map[string]any{"account": acc.ID, "role": g.Role, "unit": g.UnitID})
}

// Invitations lists the role offers waiting for the actor's answer.
func (s *Service) Invitations(ctx context.Context, a *Actor) ([]Invitation, error) {
	if a == nil || a.Kind != Official {
		return nil, nil
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out, err := s.invitationsOf(ctx, a.AccountID)
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	for i := range out {
		v := &out[i]
		if u, ok := t.Unit(v.UnitID); ok {
			v.UnitName = u.Name
		}
		if v.InvitedBy == "" {
			v.InvitedBy = system.Name
		}
	}
	return out, nil
}

var errNoInvitation = apperr.New(apperr.CodeNotFound, "auth.err.no_invitation")

// AnswerInvitation accepts (the role is granted at once: the session change log
// carries it to every process) or declines an invitation of the actor's own.
// Someone else's invitation is "not found".
func (s *Service) AnswerInvitation(ctx context.Context, a *Actor, id int64, accept bool) (Invitation, error) {
	if a == nil || a.Kind != Official {
		return Invitation{}, apperr.New(apperr.CodeForbidden, "auth.err.officials_sign_in")
	}
	var v Invitation
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		account, role, unit, by, err := pendingInvitation(ctx, tx, id)
		v.Role, v.UnitID = role, unit
		if errors.Is(err, sql.ErrNoRows) || (err == nil && account != a.AccountID) {
			return errNoInvitation
		}
		if err != nil {
			return fmt.Errorf("invitation %d: %w", id, err)
		}
		v.ID = id
		status, action := "declined", "auth.invitation_declined"
		if accept {
			status, action = "accepted", "auth.invitation_accepted"
		}
		ok, err := decideInvitation(ctx, tx, id, status, s.db.NowMillis())
		if err != nil {
			return fmt.Errorf("answer invitation %d: %w", id, err)
		}
		if !ok {
			return errNoInvitation
		}
		if accept {
			have, err := grantsOf(ctx, tx, account)
			if err != nil {
				return err
			}
			held := false
			for _, h := range have {
				held = held || (h.Role == v.Role && h.UnitID == v.UnitID)
			}
			if !held {
				if err := insertGrant(ctx, tx, s.db.NewID(), account, Grant{Role: v.Role, UnitID: v.UnitID}, by, s.db.NowMillis()); err != nil {
					return err
				}
			}
			if err := s.changedSessions(ctx, tx, account); err != nil {
				return err
			}
		}
		return s.audit.Log(ctx, tx, s.guard.entry(ctx, a, "", Action(action), v.UnitID, "role_invitation", fmt.Sprint(id), nil,
			map[string]any{"role": v.Role, "unit": v.UnitID, "status": status}, audit.OK, ""))
	})
	if err != nil {
		return Invitation{}, err
	}
	s.forgetLocal(a.AccountID)
	return v, nil
}
