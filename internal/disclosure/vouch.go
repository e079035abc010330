package disclosure

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"danchu/internal/audit"
)

// RecordCheck is the check `danchu verify` runs on the disclosure entries of
// the public record: the version an entry names must still hold the title,
// body (its SHA-256) and files (SHA-256 and name) the entry carries; and for
// an entry of the newest version, what the public page and the board render
// (the disclosures row's version, title, body and category) must be that
// version and the entry's category.
func (s *Service) RecordCheck() audit.Voucher { return recordCheck{s} }

type recordCheck struct{ s *Service }

func (c recordCheck) Check(ctx context.Context, r audit.Record) (string, error) {
	var e struct {
		ID      int64    `json:"id"`
		Version int      `json:"version"`
		Title   string   `json:"title"`
		Cat     *int     `json:"category"`
		BodySum string   `json:"body_sha256"`
		Files   []string `json:"files"`
	}
	if len(r.Data) == 0 {
		return "", nil // nothing vouched for
	}
	if err := json.Unmarshal(r.Data, &e); err != nil || e.ID == 0 || e.Version == 0 {
		return "dữ liệu của mục công khai không đọc được / the disclosure entry's data cannot be read", nil
	}
	title, body, found, err := c.s.versionText(ctx, e.ID, e.Version)
	if err != nil {
		return "", fmt.Errorf("read disclosure %d version %d: %w", e.ID, e.Version, err)
	}
	if !found {
		return fmt.Sprintf("tin công khai %d không còn phiên bản %d / disclosure %d version %d is missing", e.ID, e.Version, e.ID, e.Version), nil
	}
	var why []string
	if audit.Sum(body) != e.BodySum {
		why = append(why, fmt.Sprintf("nội dung tin công khai %d phiên bản %d khác mã băm body_sha256 trong sổ / the body of disclosure %d version %d does not match its body_sha256",
			e.ID, e.Version, e.ID, e.Version))
	}
	if title != e.Title {
		why = append(why, fmt.Sprintf("tiêu đề tin công khai %d phiên bản %d khác trong sổ / the title of disclosure %d version %d differs from the record",
			e.ID, e.Version, e.ID, e.Version))
	}
	rowVersion, newest, cat, rowTitle, rowBody, found, err := c.s.shown(ctx, e.ID)
	if err != nil {
		return "", fmt.Errorf("read disclosure %d: %w", e.ID, err)
	}
	if found && e.Version == newest && (rowVersion != newest || rowTitle != title || rowBody != body || (e.Cat != nil && *e.Cat != cat)) {
		why = append(why, fmt.Sprintf("trang công khai của tin %d khác phiên bản %d trong sổ / the public page of disclosure %d differs from version %d on the record",
			e.ID, e.Version, e.ID, e.Version))
	}
	files, err := c.s.versionFiles(ctx, e.ID, e.Version)
	if err != nil {
		return "", err
	}
	if !slices.Equal(files, e.Files) {
		why = append(why, fmt.Sprintf("tệp của tin công khai %d phiên bản %d khác trong sổ / the files of disclosure %d version %d differ from the record",
			e.ID, e.Version, e.ID, e.Version))
	}
	if len(why) == 0 {
		return "", nil
	}
	return strings.Join(why, "; "), nil
}
