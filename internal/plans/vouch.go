package plans

import (
	"context"
	"encoding/json"
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/audit"
)

// RecordCheck is what `danchu verify` checks of the plans' public-record
// entries (app registers it for "plan."): the plan a "plan.published" entry
// names is still there, public, with the number, title and document content
// the entry holds (what its public page and files show), issued by the unit
// the entry names, of its kind and date, with as many tasks.
func (s *Service) RecordCheck() audit.Voucher { return recordCheck{s} }

type recordCheck struct{ s *Service }

func (c recordCheck) Check(ctx context.Context, r audit.Record) (string, error) {
	if r.Kind != "plan.published" {
		return "", nil
	}
	var e struct {
		ID     string `json:"id"`
		Number string `json:"number"`
		Title  string `json:"title"`
		Kind   string `json:"kind"`
		Date   string `json:"date"`
		Tasks  int    `json:"tasks"`
		Doc    string `json:"doc_sha256"`
	}
	var id int64
	if err := json.Unmarshal(r.Data, &e); err != nil || e.Doc == "" {
		return "dữ liệu của mục không đọc được / the entry's data cannot be read", nil
	}
	if _, err := fmt.Sscan(e.ID, &id); err != nil {
		return "dữ liệu của mục không đọc được / the entry's data cannot be read", nil
	}
	p, err := findPlan(ctx, c.s.db, id)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return fmt.Sprintf("kế hoạch %d không còn / plan %d is gone", id, id), nil
	}
	if err != nil {
		return "", fmt.Errorf("read plan %d: %w", id, err)
	}
	sum, err := docSum(p)
	if err != nil {
		return "", err
	}
	switch {
	case !p.Public():
		return fmt.Sprintf("kế hoạch %d không còn công khai / plan %d is no longer public", id, id), nil
	case p.Number != e.Number || p.Summary != e.Title:
		return fmt.Sprintf("số hoặc trích yếu của kế hoạch %d khác trong sổ / the number or title of plan %d differs from the record", id, id), nil
	case p.UnitID != r.UnitID || p.Kind != e.Kind || dateText(p.Date) != e.Date || len(p.Tasks) != e.Tasks:
		// Its issuer, kind, date and tasks, as the public page shows them.
		return fmt.Sprintf("nơi ban hành, loại, ngày hoặc số nhiệm vụ của kế hoạch %d khác trong sổ / the issuer, kind, date or tasks of plan %d differ from the record", id, id), nil
	case sum != e.Doc:
		return fmt.Sprintf("nội dung kế hoạch %d khác trong sổ / the content of plan %d differs from the record", id, id), nil
	}
	return "", nil
}
