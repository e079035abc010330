package decision

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"danchu/internal/audit"
)

// RecordCheck is the check `danchu verify` runs on the decision entries of the
// public record: a submission's minutes must still match the minutes_sha256 it
// carries, and a closed online vote's receipt codes the digest published at
// the close. Every entry of a matter carries its title and a count its
// tally and result: the matters and votes rows the public page renders must
// still hold them.
func (s *Service) RecordCheck() audit.Voucher { return recordCheck{s} }

type recordCheck struct{ s *Service }

func (c recordCheck) Check(ctx context.Context, r audit.Record) (string, error) {
	if len(r.Data) == 0 {
		return "", nil // nothing vouched for
	}
	var m struct {
		Matter int64   `json:"matter"`
		Title  *string `json:"title"`
	}
	if json.Unmarshal(r.Data, &m) == nil && m.Matter != 0 && m.Title != nil {
		title, found, err := c.s.titleOf(ctx, m.Matter)
		if err != nil {
			return "", fmt.Errorf("read matter %d: %w", m.Matter, err)
		}
		if found && title != *m.Title {
			return fmt.Sprintf("tiêu đề của vấn đề %d khác trong sổ / the title of matter %d differs from the record", m.Matter, m.Matter), nil
		}
	}
	switch r.Kind {
	case "decision.counted":
		var e struct {
			Vote                                        int64
			Households, Present, Agree, Disagree, Other int
			Passed                                      bool
		}
		if err := json.Unmarshal(r.Data, &e); err != nil || e.Vote == 0 {
			return "dữ liệu của mục không đọc được / the entry's data cannot be read", nil
		}
		counts, passed, found, err := c.s.tallyOf(ctx, e.Vote)
		if err != nil {
			return "", fmt.Errorf("read vote %d: %w", e.Vote, err)
		}
		// A count corrected later: this entry holds what the first correction found.
		cs, err := correctionsOf(ctx, c.s.db, e.Vote)
		if err != nil {
			return "", err
		}
		if len(cs) > 0 {
			b := cs[0].Before
			counts, passed = [5]int{counts[0], b.Present, b.Agree, b.Disagree, b.Other}, b.Passed
		}
		if found && (counts != [5]int{e.Households, e.Present, e.Agree, e.Disagree, e.Other} || passed != e.Passed) {
			return fmt.Sprintf("kết quả của cuộc biểu quyết %d khác trong sổ / the tally or result of vote %d differs from the record", e.Vote, e.Vote), nil
		}
	case "decision.corrected":
		var e struct {
			Correction, Vote int64
			Before, After    Counted
		}
		if err := json.Unmarshal(r.Data, &e); err != nil || e.Vote == 0 {
			return "dữ liệu của mục không đọc được / the entry's data cannot be read", nil
		}
		cs, err := correctionsOf(ctx, c.s.db, e.Vote)
		if err != nil {
			return "", err
		}
		i := slices.IndexFunc(cs, func(x Correction) bool { return x.ID == e.Correction })
		if i < 0 || !sameCounted(cs[i].Before, e.Before) || !sameCounted(cs[i].After, e.After) {
			return fmt.Sprintf("lần sửa kết quả của cuộc biểu quyết %d khác trong sổ / the correction of vote %d differs from the record", e.Vote, e.Vote), nil
		}
		if i == len(cs)-1 { // the latest correction is what the page shows
			counts, passed, found, err := c.s.tallyOf(ctx, e.Vote)
			if err != nil {
				return "", fmt.Errorf("read vote %d: %w", e.Vote, err)
			}
			a := e.After
			if found && ([4]int(counts[1:]) != [4]int{a.Present, a.Agree, a.Disagree, a.Other} || passed != a.Passed) {
				return fmt.Sprintf("kết quả của cuộc biểu quyết %d khác trong sổ / the tally or result of vote %d differs from the record", e.Vote, e.Vote), nil
			}
		}
	case "decision.submitted":
		var e struct {
			Matter  int64  `json:"matter"`
			Minutes string `json:"minutes_sha256"`
		}
		if err := json.Unmarshal(r.Data, &e); err != nil || e.Matter == 0 {
			return "dữ liệu của mục không đọc được / the entry's data cannot be read", nil
		}
		minutes, found, err := c.s.minutesOf(ctx, e.Matter)
		if err != nil {
			return "", fmt.Errorf("read matter %d: %w", e.Matter, err)
		}
		if !found {
			return fmt.Sprintf("không còn vấn đề %d / matter %d is missing", e.Matter, e.Matter), nil
		}
		if audit.Sum(minutes) != e.Minutes {
			return fmt.Sprintf("biên bản của vấn đề %d khác mã băm minutes_sha256 trong sổ / the minutes of matter %d do not match their minutes_sha256", e.Matter, e.Matter), nil
		}
	case "decision.receipts":
		var e struct {
			Vote     int64  `json:"vote"`
			Receipts int    `json:"receipts"`
			Digest   string `json:"sha256"`
		}
		if err := json.Unmarshal(r.Data, &e); err != nil || e.Vote == 0 {
			return "dữ liệu của mục không đọc được / the entry's data cannot be read", nil
		}
		receipts, err := receiptsOf(ctx, c.s.db, e.Vote)
		if err != nil {
			return "", fmt.Errorf("read the receipts of vote %d: %w", e.Vote, err)
		}
		if len(receipts) != e.Receipts || audit.Sum(strings.Join(receipts, "\n")) != e.Digest {
			return fmt.Sprintf("mã phiếu của cuộc biểu quyết %d (%d) khác danh sách đã công bố (%d, mã băm) / the receipts of vote %d (%d) differ from the published list (%d, digest)",
				e.Vote, len(receipts), e.Receipts, e.Vote, len(receipts), e.Receipts), nil
		}
	}
	return "", nil
}

func sameCounted(a, b Counted) bool {
	return a.Present == b.Present && a.Agree == b.Agree && a.Disagree == b.Disagree && a.Other == b.Other && a.Passed == b.Passed &&
		a.LackedNumbers == b.LackedNumbers && slices.Equal(a.PerCandidate, b.PerCandidate)
}
