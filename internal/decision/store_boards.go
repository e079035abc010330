package decision

import (
	"context"
	"fmt"

	"danchu/internal/legal"
)

// BoardElected is one person a village of the commune elected to a board at
// its community meeting (Art 15 item 5): the People's Inspection Board takes
// its members from these (LDC Art 36).
type BoardElected struct {
	MatterID, VillageID int64
	Matter              string
	Name                string
	HeldOn              legal.Date
	Recognised          bool // the Front recognised the result (Art 21(2))
}

// BoardElections are the people elected to boards in the commune's
// villages, newest election first: the passed, not annulled matters on
// subject 5 and, in each village whose vote passed, those elected.
func (s *Store) BoardElections(ctx context.Context, communeID int64) ([]BoardElected, error) {
	rows, err := s.db.QueryContext(ctx, "select "+matterCols+` from matters where commune_id = $1 and subject = $2 and status = 'passed'
		and annulled_on = '' order by decided_on desc, id desc limit 200`, communeID, Boards)
	if err != nil {
		return nil, fmt.Errorf("board elections of %d: %w", communeID, err)
	}
	ms, err := scanMatters(rows)
	if err != nil {
		return nil, err
	}
	var out []BoardElected
	for _, m := range ms {
		if len(m.Candidates) == 0 {
			continue // a dismissal, not an election
		}
		vs, err := s.Votes(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.Status != StatusClosed || !v.Passed {
				continue
			}
			rs, err := results(ctx, s.db, m, v)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				if r.Elected {
					out = append(out, BoardElected{MatterID: m.ID, VillageID: v.VillageID, Matter: m.Title, Name: r.Name, HeldOn: v.HeldOn,
						Recognised: m.Recognition == "recognized"})
				}
			}
		}
	}
	return out, nil
}
