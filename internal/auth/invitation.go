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
	var n int
	if err := tx.QueryRowContext(ctx, "select count(*) from role_invitations where account_id = $1 and role = $2 and coalesce(unit_id, 0) = $3 and status = 'pending'",
		acc.ID, string(g.Role), g.UnitID).Scan(&n); err != nil {
		return 0, fmt.Errorf("invitations: %w", err)
	}
	if n > 0 {
		return 0, apperr.New(apperr.CodeConflict, "auth.err.already_invited", acc.Email, g.Role.Label())
	}
	id := s.db.NewID()
	now := s.db.NowMillis()
	if _, err := tx.ExecContext(ctx, `insert into role_invitations (id, account_id, role, unit_id, invited_by, status, created_at)
		values ($1, $2, $3, $4, $5, 'pending', $6)`, id, acc.ID, string(g.Role), nullID(g.UnitID), by.AccountID, now); err != nil {
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
	rows, err := s.db.QueryContext(ctx, `select i.id, i.role, coalesce(i.unit_id, 0), coalesce(b.full_name, ''), i.created_at
		from role_invitations i left join accounts b on b.id = i.invited_by
		where i.account_id = $1 and i.status = 'pending' order by i.id`, a.AccountID)
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var v Invitation
		if err := rows.Scan(&v.ID, &v.Role, &v.UnitID, &v.InvitedBy, &v.CreatedAt); err != nil {
			return nil, err
		}
		if u, ok := t.Unit(v.UnitID); ok {
			v.UnitName = u.Name
		}
		if v.InvitedBy == "" {
			v.InvitedBy = system.Name
		}
		out = append(out, v)
	}
	return out, rows.Err()
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
		var account, by int64
		err := tx.QueryRowContext(ctx, "select account_id, role, coalesce(unit_id, 0), invited_by from role_invitations where id = $1 and status = 'pending'", id).
			Scan(&account, &v.Role, &v.UnitID, &by)
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
		res, err := tx.ExecContext(ctx, "update role_invitations set status = $1, decided_at = $2 where id = $3 and status = 'pending'", status, s.db.NowMillis(), id)
		if err != nil {
			return fmt.Errorf("answer invitation %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
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
