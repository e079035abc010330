package auth

import (
	"context"
	"database/sql"
)

// The SQL of roles being revoked and of role invitations.

// roleInForce returns the account, role and unit of a role in force
// (sql.ErrNoRows: none, or revoked).
func (s *Store) roleInForce(ctx context.Context, roleID int64) (account int64, role Role, unit int64, err error) {
	err = s.db.QueryRowContext(ctx, "select account_id, role, coalesce(unit_id, 0) from roles where id = $1 and revoked_at is null", roleID).
		Scan(&account, &role, &unit)
	return account, role, unit, err
}

// revokeRole ends a role in force at now; false: it was revoked meanwhile.
func revokeRole(ctx context.Context, tx *sql.Tx, roleID, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update roles set revoked_at = $1 where id = $2 and revoked_at is null", now, roleID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n != 0, nil
}

// pendingInvitations counts the invitations waiting for the account's answer to
// role g.
func pendingInvitations(ctx context.Context, tx *sql.Tx, accountID int64, g Grant) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "select count(*) from role_invitations where account_id = $1 and role = $2 and coalesce(unit_id, 0) = $3 and status = 'pending'",
		accountID, string(g.Role), g.UnitID).Scan(&n)
	return n, err
}

// insertInvitation stores the pending offer of g to accountID, made by by.
func insertInvitation(ctx context.Context, tx *sql.Tx, id, accountID int64, g Grant, by, now int64) error {
	_, err := tx.ExecContext(ctx, `insert into role_invitations (id, account_id, role, unit_id, invited_by, status, created_at)
		values ($1, $2, $3, $4, $5, 'pending', $6)`, id, accountID, string(g.Role), nullID(g.UnitID), by, now)
	return err
}

// invitationsOf lists the invitations waiting for the account's answer, by id,
// with the name of who invited ("" when unknown) and no unit name.
func (s *Store) invitationsOf(ctx context.Context, accountID int64) ([]Invitation, error) {
	rows, err := s.db.QueryContext(ctx, `select i.id, i.role, coalesce(i.unit_id, 0), coalesce(b.full_name, ''), i.created_at
		from role_invitations i left join accounts b on b.id = i.invited_by
		where i.account_id = $1 and i.status = 'pending' order by i.id`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var v Invitation
		if err := rows.Scan(&v.ID, &v.Role, &v.UnitID, &v.InvitedBy, &v.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// pendingInvitation returns the account, role, unit and inviter of a pending
// invitation (sql.ErrNoRows: none).
func pendingInvitation(ctx context.Context, tx *sql.Tx, id int64) (account int64, role Role, unit, by int64, err error) {
	err = tx.QueryRowContext(ctx, "select account_id, role, coalesce(unit_id, 0), invited_by from role_invitations where id = $1 and status = 'pending'", id).
		Scan(&account, &role, &unit, &by)
	return account, role, unit, by, err
}

// decideInvitation records the answer to a pending invitation; false: it was
// answered meanwhile.
func decideInvitation(ctx context.Context, tx *sql.Tx, id int64, status string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update role_invitations set status = $1, decided_at = $2 where id = $3 and status = 'pending'", status, now, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
