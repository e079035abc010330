package consultation

import (
	"context"
	"fmt"

	"danchu/internal/db"
	"danchu/internal/org"
)

// unansweredCount is the unanswered, shown comments of the open consultations
// of one board: how many, how many of them in consultations whose window has
// closed on the day given, and the earliest close.
type unansweredCount struct {
	boardID    int64
	n, overdue int
	earliest   string
}

// unansweredCounts counts them for every board of ids in one query.
func (s *Store) unansweredCounts(ctx context.Context, ids []int64, today string) ([]unansweredCount, error) {
	args := []any{today, Open}
	in := db.IDList(&args, ids)
	rows, err := s.db.QueryContext(ctx, `select c.board_id, count(*), sum(case when c.closes_on < $1 then 1 else 0 end), min(c.closes_on)
		from consultations c join consultation_comments m on m.consultation_id = c.id
		where c.board_id in (`+in+`) and c.status = $2 and m.answer_id is null and m.hidden_reason = ''
		group by c.board_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("unanswered comments: %w", err)
	}
	defer rows.Close()
	var out []unansweredCount
	for rows.Next() {
		var c unansweredCount
		if err := rows.Scan(&c.boardID, &c.n, &c.overdue, &c.earliest); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// boardFigures are one commune board's consultations of a period.
type boardFigures struct {
	boardID                  int64
	open, answered, comments int
}

// figuresUnder reads, for every commune board of the province in one query,
// the public consultations taking comments on day today and the answered and
// shown comments of those whose window met [from, to).
func (s *Store) figuresUnder(ctx context.Context, province org.Unit, today, from, to string) ([]boardFigures, error) {
	rows, err := s.db.QueryContext(ctx, `select c.board_id,
		sum(case when c.status = $2 and c.opens_on <= $3 and c.closes_on >= $3 then 1 else 0 end),
		sum(c.answered), sum(c.comments - c.hidden)
		from consultations c join units u on u.id = c.board_id
		where u.parent_id = $1 and not c.staff_only and c.closes_on >= $4 and c.opens_on < $5
		group by c.board_id`, province.ID, Open, today, from, to)
	if err != nil {
		return nil, fmt.Errorf("consultation figures of %d: %w", province.ID, err)
	}
	defer rows.Close()
	var out []boardFigures
	for rows.Next() {
		var f boardFigures
		if err := rows.Scan(&f.boardID, &f.open, &f.answered, &f.comments); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
