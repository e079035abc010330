package disclosure

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	store "danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Statuses of a disclosure.
const (
	Posted    = "posted"    // on the board
	Archived  = "archived"  // taken down after its minimum window; still readable
	Withdrawn = "withdrawn" // withdrawn with a reason; a public tombstone remains
)

// Disclosure is one item of a board, as stored, with its current version.
type Disclosure struct {
	ID, UnitID, BoardID int64
	StaffOnly           bool
	Category            int
	Status              string
	Version             int
	Title, Body         string
	DecisionDate, Due   legal.Date
	PostingStart        legal.Date
	MinEnd              legal.Date // zero: permanent
	Late                bool
	PublishedAt         int64
	UpdatedAt           int64
	ArchivedAt          int64
	WithdrawnAt         int64
	WithdrawReason      string
	CreatedBy           int64

	Files    []File    // of the current version
	Channels []Channel // filled by Get
	Versions []Version // filled by Get, oldest first
}

// Version is one version of a disclosure.
type Version struct {
	N           int
	Title, Body string
	Reason      string
	CreatedAt   int64
	Files       []File

	script sql.NullString // EditScript from the version before, stored when the version was made
}

// File is an attachment of a version, stored in the shared file store.
type File = store.File

// MaxFiles is how many files one version may carry.
const MaxFiles = 10

// MaxUploadBytes is the largest form of a new or corrected disclosure, its
// files included (each file is also held to the store's MaxFile).
const MaxUploadBytes = 110 << 20

// Upload is a file sent with a form (the kernel's: web.FormFiles reads them).
type Upload = store.Upload

// Service is the disclosure board. The reads come from the embedded Store;
// every write goes through a method here, in one transaction.
type Service struct {
	*Store
	db    *db.DB
	units *org.Service
	guard *auth.Guard
	rec   *audit.Service
	cal   legal.Source
	Blobs *store.Blobs

	boards boardCache
}

// NewService returns the board's service; files go under blobDir.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, rec *audit.Service, cal legal.Source, blobDir string) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, guard: g, rec: rec, cal: cal, Blobs: &store.Blobs{Dir: blobDir, MaxFile: store.DefaultMaxFile}}
}

// boardOf returns the board a unit's disclosures go on: a commune's own, a
// village's commune, an agency's own (staff only).
func (s *Service) boardOf(ctx context.Context, unitID int64) (unit, board org.Unit, staff bool, err error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return unit, board, false, err
	}
	u, ok := t.Unit(unitID)
	if !ok || !u.Current() {
		return unit, board, false, apperr.New(apperr.CodeNotFound, "disclosure.err.unit_not_found")
	}
	if b, staff, ok := t.BoardOf(u); ok {
		return u, b, staff, nil
	}
	return unit, board, false, apperr.New(apperr.CodeInvalid, "disclosure.err.no_board", u.Name)
}

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// Now is the service's clock (the database's, so tests can set it).
func (s *Service) Now() time.Time { return s.db.Now() }

// storeUploads checks and stores every file before anything is written.
func (s *Service) storeUploads(ups []Upload) ([]File, error) {
	if len(ups) > MaxFiles {
		return nil, apperr.New(apperr.CodeInvalid, "disclosure.err.files_many", MaxFiles).Mark("files")
	}
	var out []File
	for _, u := range ups {
		f, err := s.Blobs.Put(u.Name, u.R)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Publish puts a new disclosure on its unit's board: checked against the law,
// late ones marked late, on the public record and in the audit log.
func (s *Service) Publish(ctx context.Context, a *auth.Actor, d Draft, ups []Upload) (Disclosure, error) {
	unit, board, staff, err := s.boardOf(ctx, d.UnitID)
	if err != nil {
		return Disclosure{}, err
	}
	if err := s.guard.Can(ctx, a, auth.Publish, unit.ID); err != nil {
		return Disclosure{}, err
	}
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return Disclosure{}, err
	}
	p, err := Check(d, staff, s.today(), cal)
	if err != nil {
		return Disclosure{}, err
	}
	files, err := s.storeUploads(ups)
	if err != nil {
		return Disclosure{}, err
	}
	now := s.db.NowMillis()
	x := Disclosure{ID: s.db.NewID(), UnitID: unit.ID, BoardID: board.ID, StaffOnly: staff, Category: p.Category.N, Status: Posted,
		Version: 1, Title: p.Title, Body: p.Body, DecisionDate: p.DecisionDate, Due: p.Due, PostingStart: p.PostingStart,
		MinEnd: p.MinEnd, Late: p.Late, PublishedAt: now, UpdatedAt: now, CreatedBy: a.AccountID, Files: files, Channels: p.Channels}
	var repeated bool
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		first, repeated, err = s.db.Once(ctx, tx, d.Idem.In("disclosure.publish", a.AccountID, unit.ID), func() (string, error) {
			if err := insertDisclosure(ctx, tx, x, a.AccountID, now); err != nil {
				return "", err
			}
			if err := insertVersion(ctx, tx, x.ID, 1, x.Title, x.Body, "", sql.NullString{}, a.AccountID, now, files); err != nil {
				return "", err
			}
			if err := replaceChannels(ctx, tx, x.ID, p.Channels); err != nil {
				return "", err
			}
			return fmt.Sprint(x.ID), s.record(ctx, tx, a, x, "disclosure.posted", "Đăng công khai: "+x.Title, nil, "")
		})
		return err
	})
	if err != nil {
		return Disclosure{}, err
	}
	if repeated { // the same form posted again: the disclosure the first post made
		return s.firstOf(ctx, first)
	}
	return x, nil
}

// firstOf is the disclosure a repeated form's first post made or amended.
func (s *Service) firstOf(ctx context.Context, id string) (Disclosure, error) {
	n, err := db.ResultID(id)
	if err != nil {
		return Disclosure{}, err
	}
	return find(ctx, s.db, n)
}

func dateOrEmpty(d legal.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// summary is what the audit log hashes and the public record carries.
func summary(x Disclosure) map[string]any {
	var files []string
	for _, f := range x.Files {
		files = append(files, f.SHA256+" "+f.Name)
	}
	return map[string]any{"id": x.ID, "unit": x.UnitID, "category": x.Category, "version": x.Version, "title": x.Title,
		"body_sha256": audit.Sum(x.Body), "files": files, "status": x.Status, "posting_start": x.PostingStart.String(),
		"decision_date": x.DecisionDate.String(), "late": x.Late, "url": fmt.Sprintf("/cong-khai/%d", x.ID)}
}

// record writes the audit entry and, for public boards, the public record entry.
func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, x Disclosure, kind, what string, before any, reason string) error {
	after := summary(x)
	if err := s.guard.RecordEvent(ctx, tx, a, auth.Publish, kind, x.UnitID, "disclosure", fmt.Sprint(x.ID), before, after); err != nil {
		return err
	}
	if x.StaffOnly {
		return nil // staff disclosures are for the agency's staff, not the public record
	}
	if reason != "" {
		after["reason"] = reason
	}
	return s.rec.AppendData(ctx, tx, audit.Record{UnitID: x.UnitID, Kind: kind, ObjectType: "disclosure", ObjectID: fmt.Sprint(x.ID), Summary: what}, after)
}

// Get returns a disclosure for reading: anyone for public boards; for an agency's
// staff board only officials with a role on that agency (others: not found).
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (Disclosure, error) {
	x, err := find(ctx, s.db.Cached(), id)
	if err != nil {
		return x, err
	}
	if x.StaffOnly {
		if err := s.guard.CanReadStaff(ctx, a, x.BoardID); err != nil {
			return Disclosure{}, err
		}
	}
	return x, nil
}

// mayEdit checks, before any transaction (a refusal is audited on its own
// connection), that the official may change the disclosure: another commune's
// disclosure is "not found".
func (s *Service) mayEdit(ctx context.Context, a *auth.Actor, id int64) error {
	unit, err := s.unitOf(ctx, id)
	if err != nil {
		return err
	}
	return s.guard.Can(ctx, a, auth.Publish, unit)
}

// ForEdit returns a disclosure, as last written, to an official who may change it.
func (s *Service) ForEdit(ctx context.Context, a *auth.Actor, id int64) (Disclosure, error) {
	if err := s.mayEdit(ctx, a, id); err != nil {
		return Disclosure{}, err
	}
	return find(ctx, s.db, id)
}

// editable loads, inside the transaction, a disclosure mayEdit has allowed.
// changedMeanwhile refuses a write that found the disclosure no longer as it
// was read: another official changed it between the read and the write (the
// writes carry the status and version they start from).
func changedMeanwhile(moved bool) error {
	if !moved {
		return apperr.New(apperr.CodeConflict, "disclosure.err.changed_meanwhile")
	}
	return nil
}

func (s *Service) editable(ctx context.Context, tx *sql.Tx, id int64) (Disclosure, error) {
	x, err := find(ctx, tx, id)
	if err != nil {
		return x, err
	}
	if x.Status == Withdrawn {
		return x, apperr.New(apperr.CodeConflict, "disclosure.err.withdrawn")
	}
	return x, nil
}

// Amend corrects a disclosure: a new version with a required reason. keep lists
// the SHA-256 of current files to carry over; ups are added files.
func (s *Service) Amend(ctx context.Context, a *auth.Actor, id int64, d Draft, keep []string, ups []Upload) (Disclosure, error) {
	reason := strings.TrimSpace(d.Reason)
	if reason == "" {
		return Disclosure{}, apperr.New(apperr.CodeInvalid, "disclosure.err.amend_reason").Mark("reason")
	}
	if utf8.RuneCountInString(reason) > MaxReason {
		return Disclosure{}, apperr.New(apperr.CodeInvalid, "disclosure.err.reason_long", MaxReason).Mark("reason")
	}
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return Disclosure{}, err
	}
	if err := s.mayEdit(ctx, a, id); err != nil {
		return Disclosure{}, err
	}
	added, err := s.storeUploads(ups) // before the transaction: reading files must not hold the database
	if err != nil {
		return Disclosure{}, err
	}
	var out Disclosure
	var repeated bool
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, repeated, err = s.db.Once(ctx, tx, d.Idem.In("disclosure.amend", a.AccountID, id), func() (string, error) {
			return fmt.Sprint(id), s.amendIn(ctx, tx, a, id, d, reason, keep, added, cal, &out)
		})
		return err
	})
	if err == nil && repeated { // the same correction posted again: the disclosure as it is
		out, err = find(ctx, s.db, id)
	}
	return out, err
}

// amendIn writes a correction in tx (Amend).
func (s *Service) amendIn(ctx context.Context, tx *sql.Tx, a *auth.Actor, id int64, d Draft, reason string, keep []string, added []File, cal *legal.Calendar, out *Disclosure) error {
	x, err := s.editable(ctx, tx, id)
	if err != nil {
		return err
	}
	before := summary(x)
	d.UnitID = x.UnitID
	if d.DecisionDate == "" {
		d.DecisionDate = x.DecisionDate.String()
	}
	d.PostingStart = x.PostingStart.String()
	p, err := Check(d, x.StaffOnly, s.today(), cal)
	if err != nil {
		return err
	}
	var files []File
	for _, f := range x.Files {
		for _, k := range keep {
			if k == f.SHA256 {
				files = append(files, f)
			}
		}
	}
	files = append(files, added...)
	if len(files) > MaxFiles {
		return apperr.New(apperr.CodeInvalid, "disclosure.err.files_many", MaxFiles).Mark("files")
	}
	// The comparison the public page shows, made once here rather than on
	// every view: linear in memory (under 1.3 MB at 3,000 lines), a few
	// milliseconds, a bounded few tens when every line moved (maxWork).
	script := sql.NullString{String: EditScript(Diff(x.Body, p.Body)), Valid: true}
	was, status := x.Version, x.Status
	x.Version++
	x.Title, x.Body, x.Category, x.Files = p.Title, p.Body, p.Category.N, files
	x.DecisionDate, x.Due = p.DecisionDate, p.Due
	x.UpdatedAt = s.db.NowMillis()
	moved, err := updateVersion(ctx, tx, x, was, status)
	if err != nil {
		return err
	}
	if err := changedMeanwhile(moved); err != nil {
		return err
	}
	if err := insertVersion(ctx, tx, x.ID, x.Version, x.Title, x.Body, reason, script, a.AccountID, x.UpdatedAt, files); err != nil {
		return err
	}
	if err := replaceChannels(ctx, tx, x.ID, p.Channels); err != nil {
		return err
	}
	*out = x
	return s.record(ctx, tx, a, x, "disclosure.amended", fmt.Sprintf("Sửa đổi công khai (bản %d): %s", x.Version, x.Title), before, reason)
}

// Withdraw takes a disclosure off with a reason (e.g. a wrong file): its content
// is no longer shown, a public tombstone says when and why.
func (s *Service) Withdraw(ctx context.Context, a *auth.Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return apperr.New(apperr.CodeInvalid, "disclosure.err.withdraw_reason").Mark("reason")
	}
	if utf8.RuneCountInString(reason) > MaxReason {
		return apperr.New(apperr.CodeInvalid, "disclosure.err.reason_long", MaxReason).Mark("reason")
	}
	if err := s.mayEdit(ctx, a, id); err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		x, err := s.editable(ctx, tx, id)
		if err != nil {
			return err
		}
		before := summary(x)
		from := x.Status
		x.Status, x.WithdrawReason, x.WithdrawnAt = Withdrawn, reason, s.db.NowMillis()
		moved, err := setWithdrawn(ctx, tx, x, from)
		if err != nil {
			return err
		}
		if err := changedMeanwhile(moved); err != nil {
			return err
		}
		return s.record(ctx, tx, a, x, "disclosure.withdrawn", "Rút nội dung công khai: "+x.Title, before, reason)
	})
}

// TakeDown moves a disclosure to the archive once its minimum window has run;
// before that it is refused with the first day it becomes possible.
func (s *Service) TakeDown(ctx context.Context, a *auth.Actor, id int64) error {
	if err := s.mayEdit(ctx, a, id); err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		x, err := s.editable(ctx, tx, id)
		if err != nil {
			return err
		}
		if x.Status != Posted {
			return apperr.New(apperr.CodeConflict, "disclosure.err.not_posted")
		}
		ok, first := CanTakeDown(x.MinEnd, s.today())
		switch {
		case x.MinEnd.IsZero():
			return apperr.New(apperr.CodeConflict, "disclosure.err.standing")
		case !ok:
			return apperr.New(apperr.CodeConflict, "disclosure.err.min_period", first.VN())
		}
		before := summary(x)
		x.Status, x.ArchivedAt = Archived, s.db.NowMillis()
		moved, err := setArchived(ctx, tx, x)
		if err != nil {
			return err
		}
		if err := changedMeanwhile(moved); err != nil {
			return err
		}
		return s.record(ctx, tx, a, x, "disclosure.archived", "Hết thời gian niêm yết, chuyển lưu trữ: "+x.Title, before, "")
	})
}
