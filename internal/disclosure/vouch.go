package disclosure

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"danchu/internal/audit"
)

// RecordCheck is the check `danchu verify` runs on the disclosure entries of
// the public record: the version an entry names must still hold the title,
// body (its SHA-256) and files (SHA-256 and name) the entry carries.
func (s *Service) RecordCheck() audit.Voucher { return recordCheck{s} }

type recordCheck struct{ s *Service }

func (c recordCheck) Check(ctx context.Context, r audit.Record) (string, error) {
	var e struct {
		ID      int64    `json:"id"`
		Version int      `json:"version"`
		Title   string   `json:"title"`
		BodySum string   `json:"body_sha256"`
		Files   []string `json:"files"`
	}
	if len(r.Data) == 0 {
		return "", nil // nothing vouched for
	}
	if err := json.Unmarshal(r.Data, &e); err != nil || e.ID == 0 || e.Version == 0 {
		return "dữ liệu của mục công khai không đọc được / the disclosure entry's data cannot be read", nil
	}
	var title, body string
	err := c.s.db.QueryRowContext(ctx, "select title, body from disclosure_versions where disclosure_id = $1 and version = $2",
		e.ID, e.Version).Scan(&title, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Sprintf("tin công khai %d không còn phiên bản %d / disclosure %d version %d is missing", e.ID, e.Version, e.ID, e.Version), nil
	}
	if err != nil {
		return "", fmt.Errorf("read disclosure %d version %d: %w", e.ID, e.Version, err)
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
	rows, err := c.s.db.QueryContext(ctx, "select sha256, name from disclosure_files where disclosure_id = $1 and version = $2 order by position",
		e.ID, e.Version)
	if err != nil {
		return "", fmt.Errorf("read disclosure %d files: %w", e.ID, err)
	}
	defer rows.Close()
	var files []string
	for rows.Next() {
		var sum, name string
		if err := rows.Scan(&sum, &name); err != nil {
			return "", err
		}
		files = append(files, sum+" "+name)
	}
	if err := rows.Err(); err != nil {
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
