package consultation

// The SQL of the open data and the JSON API (api.go).

import (
	"context"
	"fmt"

	"danchu/internal/db"
)

// resultCounts counts the comments of consultations by stance and by the kind
// of their answer (hidden ones included, as the page's tally does).
func (s *Store) resultCounts(ctx context.Context, ids []int64) (map[int64]ResultRow, error) {
	var args []any
	in := db.IDList(&args, ids)
	rows, err := s.db.QueryContext(ctx, `select c.consultation_id, c.stance, coalesce(a.kind, ''), count(*) from consultation_comments c
		left join consultation_answers a on a.id = c.answer_id where c.consultation_id in (`+in+`) group by c.consultation_id, c.stance, a.kind`, args...)
	if err != nil {
		return nil, fmt.Errorf("result counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]ResultRow{}
	for rows.Next() {
		var id int64
		var stance, kind string
		var n int
		if err := rows.Scan(&id, &stance, &kind, &n); err != nil {
			return nil, err
		}
		r := out[id]
		switch stance {
		case Agree:
			r.Agree += n
		case Disagree:
			r.Disagree += n
		default:
			r.Suggest += n
		}
		switch kind {
		case Accepted:
			r.Accepted += n
		case Explained:
			r.Explained += n
		case Rejected:
			r.Rejected += n
		default:
			r.Unanswered += n
		}
		out[id] = r
	}
	return out, rows.Err()
}

// publicUpdatedAt is the last change (epoch ms) of a commune's public
// consultations: one opened, changed or synthesized, or a comment written or
// edited (0: none yet).
func (s *Store) publicUpdatedAt(ctx context.Context, boardID int64) (int64, error) {
	var a, b int64
	err := s.db.QueryRowContext(ctx, "select coalesce(max(updated_at), 0) from consultations where board_id = $1 and not staff_only", boardID).Scan(&a)
	if err == nil {
		err = s.db.QueryRowContext(ctx, `select coalesce(max(c.edited_at), 0) from consultation_comments c join consultations k on k.id = c.consultation_id
			where k.board_id = $1 and not k.staff_only`, boardID).Scan(&b)
	}
	return max(a, b), err
}
