package casework

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
	"unicode"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/code"
	"danchu/internal/db"
	"danchu/internal/document"
	"danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
)

// Sealer keeps the vault: values sealed under keys outside the database, and
// a keyed tag (blind index) of the lodging account (vault.Keyring).
type Sealer interface {
	Seal(plain, aad []byte) []byte
	Open(sealed, aad []byte) ([]byte, error)
	// Rotate seals a value again under the current key (unchanged when it is).
	Rotate(sealed, aad []byte) ([]byte, error)
	Tag(data []byte) string
	Tags(data []byte) []string
}

// Calendars is the process's calendar of working days (calendar.Service).
type Calendars interface {
	Calendar(ctx context.Context) (*legal.Calendar, error)
}

// Redactor burns opaque boxes into a file's copy (internal/redact): boxes is
// the form's text, one box a line.
type Redactor interface {
	Redact(ctx context.Context, contentType string, data []byte, boxes string) (out []byte, n int, err error)
}

// Publisher puts an act on the public record (audit.Service).
type Publisher interface {
	AppendData(ctx context.Context, tx *sql.Tx, r audit.Record, data any) error
}

// Feedback is the feedback room as a conversion uses it (feedback.Service,
// wired by app): a feedback item that is really a complaint or a
// denunciation becomes a case, keeping its history.
type Feedback interface {
	// Convertible is an open item the official handles; for anyone else it
	// does not exist.
	Convertible(ctx context.Context, a *auth.Actor, id int64) (FeedbackItem, error)
	// Convert closes the item in the case's transaction; secret (not a
	// complaint) removes from it what may name its reporter.
	Convert(ctx context.Context, tx *sql.Tx, a *auth.Actor, it FeedbackItem, secret bool) error
	// History is an item and its events (the caller checked the access).
	History(ctx context.Context, id int64) (FeedbackItem, error)
}

// FeedbackItem is a feedback item as casework sees it.
type FeedbackItem struct {
	ID, HandlerID, AuthorID            int64
	Code, Status, Description, Contact string
	Received                           legal.Date
	URL                                string // its page in the back office
	Events                             []FeedbackEvent
	Photos                             []FeedbackPhoto // Convertible only: they become the case's attachments
}

// FeedbackPhoto is a photo sent with a feedback item.
type FeedbackPhoto struct {
	Name string
	Data []byte
}

// FeedbackEvent is a step of a feedback item's history.
type FeedbackEvent struct {
	At           int64
	Status, Note string
}

// Service is casework. The reads come from the embedded Store; every write
// goes through a method here, in one transaction with its guard check and its
// audit record. Without the vault's keys (SetVault) nothing is lodged, entered
// or read: every use case answers casework.err.no_vault_key.
type Service struct {
	*Store
	db     *db.DB
	units  *org.Service
	guard  *auth.Guard
	cals   Calendars
	cat    *legal.Catalogue
	outbox *notify.Outbox
	vault  Sealer
	// Feedback converts feedback items into cases (nil: no conversion).
	Feedback Feedback
	// Record is the public record a publication goes on.
	Record Publisher
	// Blobs holds the working copies of attachments; Sealed the sealed
	// originals (opaque bytes, in a folder of their own).
	Blobs, Sealed *files.Blobs
	Redactor      Redactor
	// MassFrom is how many people make a case "đông người" (configuration).
	MassFrom int
	// DialogueFrom is the first day a second-instance complaint must hold a
	// dialogue before its decision (Nghị định 155/2026, from 01/07/2026).
	DialogueFrom legal.Date
}

// NewService returns the service; working copies go under blobDir (as
// disclosure attachments), sealed originals under sealedDir.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, cals Calendars, outbox *notify.Outbox, blobDir, sealedDir string) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, guard: g, cals: cals, cat: legal.DefaultCatalogue(), outbox: outbox,
		Blobs: &files.Blobs{Dir: blobDir, MaxFile: files.DefaultMaxFile}, Sealed: &files.Blobs{Dir: sealedDir, MaxFile: 2 * files.DefaultMaxFile},
		MassFrom: MassFrom, DialogueFrom: legal.DateOf(2026, time.July, 1)}
}

// SetVault gives the service the vault's keys: casework works only with them.
func (s *Service) SetVault(v Sealer) { s.vault = v }

// Enabled reports whether the vault's keys were given.
func (s *Service) Enabled() bool { return s.vault != nil }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.db.Now() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// Catalogue is the rules the clocks follow.
func (s *Service) Catalogue() *legal.Catalogue { return s.cat }

func (s *Service) ready() error {
	if s.vault == nil {
		return apperr.New(apperr.CodeUnavailable, "casework.err.no_vault_key")
	}
	return nil
}

// aad is the place a sealed value of a case belongs to.
func aad(caseID int64, field string) []byte {
	return []byte("case/" + strconv.FormatInt(caseID, 10) + "/" + field)
}

func (s *Service) seal(caseID int64, field string, plain []byte) string {
	return base64.StdEncoding.EncodeToString(s.vault.Seal(plain, aad(caseID, field)))
}

func (s *Service) open(caseID int64, field, sealed string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, fmt.Errorf("vault %d %s: %w", caseID, field, err)
	}
	return s.vault.Open(raw, aad(caseID, field))
}

func lodger(accountID int64) []byte { return []byte("lodger:" + strconv.FormatInt(accountID, 10)) }

func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, event string, c Case, after map[string]any) error {
	if after == nil {
		after = map[string]any{}
	}
	after["code"], after["status"] = c.Code, c.Status
	if a == nil || a.Kind != auth.Official {
		return nil // a citizen's lodging is on the case's history, not the officials' log
	}
	return s.guard.RecordEvent(ctx, tx, a, auth.HandleCases, event, c.UnitID, "case", strconv.FormatInt(c.ID, 10), nil, after)
}

// competent returns the unit in force that may resolve cases: a province, a
// commune or an agency (not a village).
func (s *Service) competent(ctx context.Context, id int64) (org.Unit, *org.Tree, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, nil, err
	}
	u, ok := t.Unit(id)
	if !ok || !u.Current() || u.Type.Level() == org.VillageLevel {
		return org.Unit{}, nil, apperr.New(apperr.CodeInvalid, "casework.err.unit").Mark("unit")
	}
	return u, t, nil
}

// Lodge is a signed-in citizen lodging a complaint or a denunciation on the
// web (their identity is required: LKN Art 8, LTC Art 23).
func (s *Service) Lodge(ctx context.Context, a *auth.Actor, d Draft, ups []files.Upload, idem db.Idem) (Case, error) {
	if a == nil || a.Kind != auth.Citizen {
		return Case{}, apperr.New(apperr.CodeForbidden, "casework.err.citizens_only")
	}
	if d.Kind == Information || d.Anonymous {
		return Case{}, apperr.New(apperr.CodeInvalid, "casework.err.kind").Mark("kind")
	}
	d.Channel, d.Source, d.Received, d.Anonymous = ByWeb, "", s.today(), false
	d.Identity.AccountID = a.AccountID
	return s.create(ctx, a, d, ups, idem.In("case.lodge", a.AccountID), s.vaultTag(a.AccountID), nil)
}

func (s *Service) vaultTag(accountID int64) string {
	if s.vault == nil {
		return ""
	}
	return s.vault.Tag(lodger(accountID))
}

// Enter is an official entering a case received by post, at the reception
// desk or forwarded by another body, at the unit competent to resolve it; or
// converting a feedback item they handle (Draft.FeedbackID): the case is
// received on the item's day, the item is closed in the same transaction
// with its history kept, and a reporter who sent it signed in follows the
// case on their own page.
func (s *Service) Enter(ctx context.Context, a *auth.Actor, d Draft, ups []files.Upload, idem db.Idem) (Case, error) {
	if err := s.guard.Can(ctx, a, auth.HandleCases, d.UnitID); err != nil {
		return Case{}, err
	}
	d.Identity.AccountID = 0
	if d.FeedbackID != 0 {
		it, err := s.Convertible(ctx, a, d.FeedbackID)
		if err != nil {
			return Case{}, err
		}
		d.Channel, d.Source, d.Received = ByFeedback, "Phản ánh, kiến nghị "+it.Code, it.Received
		tag := ""
		if it.AuthorID != 0 && !d.Anonymous {
			d.Identity.AccountID, tag = it.AuthorID, s.vaultTag(it.AuthorID)
		}
		// The item's photos are the case's first attachments, sealed like any
		// original (for a denunciation they leave the feedback item).
		withPhotos := make([]files.Upload, 0, len(it.Photos)+len(ups))
		for _, p := range it.Photos {
			withPhotos = append(withPhotos, files.Upload{Name: p.Name, R: bytes.NewReader(p.Data)})
		}
		return s.create(ctx, a, d, append(withPhotos, ups...), idem.In("case.convert", a.AccountID, it.ID), tag, &it)
	}
	if !slices.Contains(Channels, d.Channel) {
		return Case{}, apperr.New(apperr.CodeInvalid, "casework.err.channel").Mark("channel")
	}
	key := idem.In("case.enter", a.AccountID, d.UnitID)
	if d.Origin != "" {
		key = idem.In("case.origin", d.Origin)
	}
	return s.create(ctx, a, d, ups, key, "", nil)
}

// Convertible is the feedback item an official may convert into a case.
func (s *Service) Convertible(ctx context.Context, a *auth.Actor, id int64) (FeedbackItem, error) {
	if s.Feedback == nil {
		return FeedbackItem{}, apperr.New(apperr.CodeNotFound, "casework.err.no_feedback")
	}
	it, err := s.Feedback.Convertible(ctx, a, id)
	if err != nil {
		return it, fmt.Errorf("feedback item %d: %w", id, err)
	}
	return it, nil
}

// attachment is an upload read, checked and sealed, ready to be stored.
type attachment struct {
	file   files.File
	sealed []byte
}

func (s *Service) create(ctx context.Context, a *auth.Actor, d Draft, ups []files.Upload, idem db.Idem, tag string, fb *FeedbackItem) (Case, error) {
	if err := s.ready(); err != nil {
		return Case{}, err
	}
	today := s.today()
	var err error
	if d, err = d.Check(today); err != nil {
		return Case{}, err
	}
	u, t, err := s.competent(ctx, d.UnitID)
	if err != nil {
		return Case{}, err
	}
	if len(ups) > MaxFiles {
		return Case{}, apperr.New(apperr.CodeInvalid, "casework.err.files_many", MaxFiles).Mark("files")
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Case{}, err
	}
	c := Case{ID: s.db.NewID(), Kind: d.Kind, UnitID: u.ID, Channel: d.Channel, Source: d.Source, Field: d.Field, People: d.People,
		Status: Received, Received: d.Received, KnownOn: d.KnownOn, ObstacleDays: d.ObstacleDays, ObstacleReason: d.ObstacleReason,
		Version: 1, CreatedAt: s.db.NowMillis(), UnitName: u.Name}
	c.UpdatedAt = c.CreatedAt
	c.Code = code.New(Prefix(c.Kind))
	if fb != nil {
		c.FeedbackID = fb.ID
	}
	if c.Kind == Complaint {
		c.Instance = 1
	}
	var first Case
	if d.Kind == Complaint && d.FirstCode != "" {
		if first, err = s.firstInstance(ctx, d, u, t, tag); err != nil {
			return Case{}, err
		}
		c.Instance, c.FirstID = 2, first.ID
	}
	// What the working copy shows: the identity's words hidden (the receiving
	// official marks the rest before anyone verifies it).
	hide := d.Identity.Strings()
	c.Subject, c.Body = Redact(d.Subject, hide), Redact(d.Body, hide)
	var refusal string
	if c.Kind == Complaint {
		limit := "complaint.file"
		var due legal.Date
		if c.Instance == 2 {
			limit = "complaint.second.file"
			k, err := ComputeClock(s.cat, cal, first, limit, first.DecidedOn, today)
			if err != nil {
				return Case{}, err
			}
			due = k.Due.AddDays(d.ObstacleDays)
		} else {
			res, err := FilingLimit(s.cat, cal, d.KnownOn, d.ObstacleDays)
			if err != nil {
				return Case{}, err
			}
			due = res.Due
		}
		if due.Before(c.Received) {
			r, _ := s.cat.Rule(limit)
			c.OutOfTime, c.Status = true, Refused
			refusal = fmt.Sprintf("Quá thời hạn khiếu nại (%s, %s: hết ngày %s).", r.Name, r.Article, due.VN())
		}
	}
	if c.Status == Received {
		if err := s.setClock(&c, cal, today); err != nil {
			return Case{}, err
		}
	}
	atts := make([]attachment, 0, len(ups))
	fileIDs := make([]int64, 0, len(ups))
	for _, up := range ups {
		data, err := files.ReadUpload(up.Name, up.R, s.Blobs.MaxFile)
		if err != nil {
			return Case{}, err
		}
		f, err := files.Inspect(up.Name, data)
		if err != nil {
			return Case{}, err
		}
		id := s.db.NewID()
		fileIDs = append(fileIDs, id)
		atts = append(atts, attachment{file: f, sealed: s.vault.Seal(data, aad(c.ID, "file/"+strconv.FormatInt(id, 10)))})
	}
	ident, err := json.Marshal(d.Identity)
	if err != nil {
		return Case{}, err
	}
	first1, _, err := s.once(ctx, idem, func(tx *sql.Tx) (int64, error) {
		if err := insertCase(ctx, tx, c, tag); err != nil {
			return 0, err
		}
		if fb != nil {
			if err := s.Feedback.Convert(ctx, tx, a, *fb, c.Kind != Complaint); err != nil {
				return 0, err
			}
		}
		for field, v := range map[string][]byte{"identity": ident, "subject": []byte(d.Subject), "body": []byte(d.Body)} {
			if err := insertSealed(ctx, tx, c.ID, field, s.seal(c.ID, field, v)); err != nil {
				return 0, err
			}
		}
		for i, at := range atts {
			sum, err := s.Sealed.PutSealed(at.sealed)
			if err != nil {
				return 0, err
			}
			f := File{ID: fileIDs[i], CaseID: c.ID, Position: i + 1, Name: fmt.Sprintf("Tệp %d%s", i+1, extOf(at.file.ContentType)),
				ContentType: at.file.ContentType, Size: at.file.Size, SealedSum: sum, SealedSize: int64(len(at.sealed))}
			if err := insertFile(ctx, tx, f); err != nil {
				return 0, err
			}
			field := "file/" + strconv.FormatInt(f.ID, 10) + "/name"
			if err := insertSealed(ctx, tx, c.ID, field, s.seal(c.ID, field, []byte(at.file.Name))); err != nil {
				return 0, err
			}
		}
		by, byName := int64(0), ""
		if a != nil && a.Kind == auth.Official {
			by, byName = a.AccountID, a.Name
		}
		if err := insertStep(ctx, tx, Step{ID: s.db.NewID(), CaseID: c.ID, Step: "received", On: c.Received, Due: c.Due, ByAccount: by, ByName: byName, At: c.CreatedAt}); err != nil {
			return 0, err
		}
		if refusal != "" {
			if err := insertStep(ctx, tx, Step{ID: s.db.NewID(), CaseID: c.ID, Step: DoRefuse, On: c.Received, Reason: refusal, ByAccount: by, ByName: byName, At: c.CreatedAt}); err != nil {
				return 0, err
			}
			if err := s.tell(ctx, tx, c, d.Identity, DoRefuse, c.Received, ""); err != nil {
				return 0, err
			}
		}
		return c.ID, s.record(ctx, tx, a, "case.received", c, map[string]any{"kind": c.Kind, "channel": c.Channel})
	})
	if err != nil {
		return Case{}, fmt.Errorf("lodge case: %w", err)
	}
	if refusal != "" || fb != nil {
		s.wake() // the refusal's note, the converted item's reporter's
	}
	return s.caseByID(ctx, first1)
}

func extOf(contentType string) string {
	switch contentType {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case files.ContentTypeDOCX:
		return ".docx"
	}
	return ".xlsx"
}

// firstInstance is the first case a second complaint follows: a complaint of
// the same person (their account, for one lodged on the web), decided or past
// its deadline, at a unit below the one asked now (LKN Art 33).
func (s *Service) firstInstance(ctx context.Context, d Draft, u org.Unit, t *org.Tree, tag string) (Case, error) {
	c, ok := ParseCode(d.FirstCode)
	bad := apperr.New(apperr.CodeInvalid, "casework.err.first_unknown").Mark("first_code")
	if !ok {
		return Case{}, bad
	}
	first, err := s.caseByCode(ctx, c)
	if err != nil {
		return Case{}, bad
	}
	if tag != "" {
		own, err := lodgerTagOf(ctx, s.db, first.ID)
		if err != nil || !slices.Contains(s.vault.Tags(lodger(d.Identity.AccountID)), own) {
			return Case{}, bad // someone else's case: said as unknown
		}
	}
	if first.Kind != Complaint || first.Instance != 1 {
		return Case{}, bad
	}
	if first.Status != Sent && first.Status != Decided {
		return Case{}, apperr.New(apperr.CodeConflict, "casework.err.first_not_decided").Mark("first_code")
	}
	if first.UnitID == u.ID || !t.Within(first.UnitID, u.ID) {
		return Case{}, apperr.New(apperr.CodeInvalid, "casework.err.second_unit").Mark("unit")
	}
	return first, nil
}

// once runs create once per form key in one transaction.
func (s *Service) once(ctx context.Context, key db.Idem, create func(tx *sql.Tx) (int64, error)) (int64, bool, error) {
	var result string
	var repeated bool
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		result, repeated, err = s.db.Once(ctx, tx, key, func() (string, error) {
			id, err := create(tx)
			return strconv.FormatInt(id, 10), err
		})
		return err
	})
	if err != nil {
		return 0, false, err
	}
	id, err := db.ResultID(result)
	return id, repeated, err
}

// setClock sets the running clock's rule and last day (none: cleared).
func (s *Service) setClock(c *Case, cal *legal.Calendar, today legal.Date) error {
	rule, from, ok := c.RunningClock()
	if !ok {
		c.Clock, c.Due = "", legal.Date{}
		return nil
	}
	k, err := ComputeClock(s.cat, cal, *c, rule, from, today)
	if err != nil {
		return err
	}
	c.Clock, c.Due = rule, k.Due
	return nil
}

// Role is how an official reaches a case.
type Role string

// Roles.
const (
	AsHandler  Role = "handler"  // holds case.handle on its unit
	AsVerifier Role = "verifier" // named verifier: the working copy only
)

// View is a case as its page shows it.
type View struct {
	Case      Case
	Role      Role
	Clocks    []Clock
	Steps     []Step
	Files     []File
	Verifiers []Verifier
	Grants    []Grant
	Reads     []Read
	CanRead   bool     // the actor has a grant on this case's vault
	Allowed   []string // the steps the page offers
	First     *Case    // a second complaint's first case
	Mass      bool
	Feedback  *FeedbackItem // the feedback item it was converted from, with its history
	Published *Publication  // what it made public
}

// reach checks that a may see case c: a handler of its unit (or above), or a
// named verifier; anyone else gets not found (and a denied record).
func (s *Service) reach(ctx context.Context, a *auth.Actor, c Case) (Role, error) {
	if a != nil && a.Kind == auth.Official && !s.guard.Allows(ctx, a, auth.HandleCases, c.UnitID) {
		if ok, err := s.isVerifier(ctx, c.ID, a.AccountID); err != nil {
			return "", err
		} else if ok && s.guard.Allows(ctx, a, auth.ViewBackOffice, c.UnitID) {
			return AsVerifier, nil
		}
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, c.UnitID); err != nil {
		if apperr.CodeOf(err) == apperr.CodeForbidden {
			return "", apperr.New(apperr.CodeNotFound, "casework.err.no_case")
		}
		return "", err
	}
	return AsHandler, nil
}

// Get is a case's page for an official who may see it.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (View, error) {
	if err := s.ready(); err != nil {
		return View{}, err
	}
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return View{}, err
	}
	role, err := s.reach(ctx, a, c)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, a, c, role)
}

func (s *Service) view(ctx context.Context, a *auth.Actor, c Case, role Role) (View, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return View{}, err
	}
	if u, ok := t.Unit(c.UnitID); ok {
		c.UnitName = u.Name
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return View{}, err
	}
	v := View{Case: c, Role: role, Mass: c.Mass(s.MassFrom)}
	if v.Clocks, err = Clocks(s.cat, cal, c, s.today()); err != nil {
		return View{}, err
	}
	if v.Files, err = s.files(ctx, c.ID); err != nil {
		return View{}, err
	}
	if role == AsVerifier {
		// The working copy only: no file not yet confirmed, no history of who did what with the vault.
		v.Files = slices.DeleteFunc(v.Files, func(f File) bool { return f.SHA256 == "" })
		return v, nil
	}
	if v.Steps, err = s.steps(ctx, c.ID); err != nil {
		return View{}, err
	}
	if v.Verifiers, err = s.verifiers(ctx, c.ID); err != nil {
		return View{}, err
	}
	if v.Grants, err = s.grants(ctx, c.ID); err != nil {
		return View{}, err
	}
	if v.Reads, err = s.reads(ctx, c.ID); err != nil {
		return View{}, err
	}
	if v.CanRead, err = hasGrant(ctx, s.db, c.ID, a.AccountID); err != nil {
		return View{}, err
	}
	v.Allowed = Steps(c.Kind, c.Instance, c.Status, c.Extensions)
	if v.Published, err = s.publicationOf(ctx, c.ID); err != nil {
		return View{}, err
	}
	if v.Published != nil {
		v.Allowed = slices.DeleteFunc(v.Allowed, func(st string) bool { return st == DoPublish })
	}
	if c.FeedbackID != 0 && s.Feedback != nil {
		it, err := s.Feedback.History(ctx, c.FeedbackID)
		switch {
		case err == nil:
			v.Feedback = &it
		case apperr.CodeOf(err) != apperr.CodeNotFound:
			return View{}, err
		}
	}
	if c.FirstID != 0 {
		if f, err := s.caseByID(ctx, c.FirstID); err == nil {
			v.First = &f
		}
	}
	return v, nil
}

// List is the cases of a unit's subtree an official handles, newest first
// (Filter.Before pages on), or the open ones by due day (Filter.DueBy).
func (s *Service) List(ctx context.Context, a *auth.Actor, unit org.Unit, f Filter) ([]Case, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, unit.ID); err != nil {
		return nil, err
	}
	f.Path = unit.Path
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return s.list(ctx, f)
}

// Mine are the cases a citizen lodged on the web, newest first.
func (s *Service) Mine(ctx context.Context, a *auth.Actor, limit int) ([]Case, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if a == nil || a.Kind != auth.Citizen {
		return nil, apperr.New(apperr.CodeForbidden, "casework.err.citizens_only")
	}
	return s.byTags(ctx, s.vault.Tags(lodger(a.AccountID)), limit)
}

// MyCase is one of a citizen's own cases, with what they are told of it: its
// status, the steps the law lets them know (Art 9(1)(c)) and its clock.
func (s *Service) MyCase(ctx context.Context, a *auth.Actor, caseCode string) (Case, []Step, error) {
	if err := s.ready(); err != nil {
		return Case{}, nil, err
	}
	if a == nil || a.Kind != auth.Citizen {
		return Case{}, nil, apperr.New(apperr.CodeForbidden, "casework.err.citizens_only")
	}
	cc, ok := ParseCode(caseCode)
	if !ok {
		return Case{}, nil, apperr.New(apperr.CodeNotFound, "casework.err.no_case")
	}
	c, err := s.caseByCode(ctx, cc)
	if err != nil {
		return Case{}, nil, err
	}
	tag, err := lodgerTagOf(ctx, s.db, c.ID)
	if err != nil || tag == "" || !slices.Contains(s.vault.Tags(lodger(a.AccountID)), tag) {
		return Case{}, nil, apperr.New(apperr.CodeNotFound, "casework.err.no_case")
	}
	all, err := s.steps(ctx, c.ID)
	if err != nil {
		return Case{}, nil, err
	}
	var told []Step
	for _, st := range all {
		if slices.Contains(toldSteps, st.Step) {
			told = append(told, Step{Step: st.Step, On: st.On, To: st.To, Reason: reasonTold(st)})
		}
	}
	return c, told, nil
}

// toldSteps are the steps a lodger is told of (Luật Tố cáo Art 9(1)(c);
// Luật Khiếu nại Arts 27, 32).
var toldSteps = []string{"received", DoNotice, DoAccept, DoRefuse, DoTransfer, DoExtend, DoSuspend, DoResume, DoWithdraw, DoDecide, DoSend, DoConclude, DoPublish}

// reasonTold is what of a step's reason the lodger reads: the refusal's
// (they are owed it), nothing of the others (internal grounds).
func reasonTold(st Step) string {
	if st.Step == DoRefuse {
		return st.Reason
	}
	return ""
}

// noteText is what a lodger is told of a step: the code, the step and its
// day, and for a transfer where to; nothing of the case's content.
func noteText(c Case, step string, on legal.Date, to string) (subject, text string) {
	subject = fmt.Sprintf("Đơn %s: %s", c.Code, StepLabel(step))
	switch step {
	case DoTransfer:
		text = fmt.Sprintf("Đơn %s của ông/bà đã được chuyển đến %s ngày %s.", c.Code, to, on.VN())
	case DoRefuse:
		text = fmt.Sprintf("Đơn %s của ông/bà không được thụ lý (ngày %s). Lý do xem tại trang theo dõi đơn.", c.Code, on.VN())
	case DoNotice: // to: the dialogue's day
		text = fmt.Sprintf("Đơn %s của ông/bà: mời ông/bà đến đối thoại ngày %s (thông báo ngày %s).", c.Code, to, on.VN())
	default:
		text = fmt.Sprintf("Đơn %s của ông/bà: %s ngày %s.", c.Code, lowerFirst(StepLabel(step)), on.VN())
	}
	return subject, text
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// tell queues the lodger's sealed note of a step: by the e-mail or phone
// their identity gives, never readable in the outbox.
func (s *Service) tell(ctx context.Context, tx *sql.Tx, c Case, id Identity, step string, on legal.Date, to string) error {
	if c.Kind == Information || s.outbox == nil || !slices.Contains(toldSteps, step) {
		return nil
	}
	subject, text := noteText(c, step, on, to)
	n := notify.Note{Kind: "case." + step, Subject: subject, Text: text, Sealed: true}
	if id.AccountID != 0 {
		n.Link = "/cong-dan/don-thu/" + c.Code
	}
	switch {
	case id.Email != "":
		n.Channel, n.Address = notify.Email, id.Email
	case id.Phone != "":
		n.Channel, n.Address = notify.Phone, id.Phone
	default:
		return nil // by post: the letter is the body's own
	}
	return s.outbox.Add(ctx, tx, n)
}

func (s *Service) identity(ctx context.Context, c Case) (Identity, error) {
	var id Identity
	if c.Kind == Information {
		return id, nil
	}
	sealed, err := s.sealed(ctx, c.ID, "identity")
	if err != nil {
		return id, err
	}
	plain, err := s.open(c.ID, "identity", sealed)
	if err != nil {
		return id, err
	}
	return id, json.Unmarshal(plain, &id)
}

// Act takes a step on a case: the status machine, the reason and decision the
// law asks for, the clocks, the history, the audit record and the lodger's
// note, in one transaction.
func (s *Service) Act(ctx context.Context, a *auth.Actor, id int64, d StepDraft) (Case, error) {
	if err := s.ready(); err != nil {
		return Case{}, err
	}
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, c.UnitID); err != nil {
		return Case{}, err
	}
	if d.Version != 0 && d.Version != c.Version {
		return Case{}, apperr.New(apperr.CodeConflict, "casework.err.changed")
	}
	if err := CheckStep(c.Kind, c.Instance, c.Status, d.Step, c.Extensions); err != nil {
		return Case{}, err
	}
	today := s.today()
	if d, err = CheckStepDraft(d, c, today); err != nil {
		return Case{}, err
	}
	if !c.Redacted && (d.Step == DoAccept || d.Step == DoCheck) {
		return Case{}, apperr.New(apperr.CodeConflict, "casework.err.not_redacted")
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Case{}, err
	}
	before := c
	late := !c.Due.IsZero() && c.Due.Before(d.On)
	switch d.Step {
	case DoAccept:
		c.AcceptedOn, c.Complex, c.Remote, c.MultiSite = d.On, d.Complex, d.Remote, d.MultiSite
	case DoTransfer:
		if c.Kind == Denunciation {
			k, err := ComputeClock(s.cat, cal, c, "denunciation.transfer", c.Received, today)
			if err != nil {
				return Case{}, err
			}
			late = k.Due.Before(d.On)
		}
	case DoExtend:
		c.Extensions++
		late = false
	case DoSuspend:
		c.PausedOn = d.On
		late = false
	case DoResume:
		c.PausedDays += c.PausedOn.DaysUntil(d.On)
		c.PausedOn = legal.Date{}
		late = false
	case DoDecide:
		if c.Instance == 2 && !c.AcceptedOn.Before(s.DialogueFrom) {
			held, err := s.hasStep(ctx, c.ID, DoDialogue)
			if err != nil {
				return Case{}, err
			}
			if !held {
				return Case{}, apperr.New(apperr.CodeConflict, "casework.err.dialogue_required")
			}
		}
		c.DecidedOn = d.On
	case DoConclude:
		c.DecidedOn = d.On
	case DoNotice:
		// The notice at least 5 days before the dialogue (rule complaint.dialogue.notice).
		res, err := s.cat.Compute(cal, "complaint.dialogue.notice", d.Planned, legal.Options{})
		if err != nil {
			return Case{}, err
		}
		if res.Due.Before(d.On) {
			r, _ := s.cat.Rule("complaint.dialogue.notice")
			return Case{}, apperr.New(apperr.CodeInvalid, "casework.err.step_invalid").Field("planned",
				apperr.M("casework.err.notice_late", r.Article, res.Due.VN()))
		}
	case DoDialogue:
		// Held after its notice, not before the day it gave.
		notice, err := s.lastStep(ctx, c.ID, DoNotice)
		if err != nil {
			return Case{}, err
		}
		if notice == nil {
			return Case{}, apperr.New(apperr.CodeConflict, "casework.err.notice_required")
		}
		if d.On.Before(notice.Planned) {
			return Case{}, apperr.New(apperr.CodeInvalid, "casework.err.step_invalid").Field("on", apperr.M("casework.err.dialogue_early", notice.Planned.VN()))
		}
	case DoWithdraw, DoCheck, DoArchive, DoRefuse, DoSend:
	}
	var pub *Publication
	if d.Step == DoPublish {
		if pub, err = s.publication(ctx, c, d, cal); err != nil {
			return Case{}, err
		}
	}
	if to := stepTo[d.Step]; to != "" && !(d.Step == DoPublish && c.Kind == Complaint) { // a complaint stays sent
		c.Status = to
	}
	c.Late = c.Late || late
	if err := s.setClock(&c, cal, today); err != nil {
		return Case{}, err
	}
	c.Version, c.UpdatedAt = before.Version+1, s.db.NowMillis()
	ident, err := s.identity(ctx, c)
	if err != nil {
		return Case{}, err
	}
	if pub != nil && (Reveals(pub.Summary, ident, c) || Reveals(pub.Number, ident, c)) {
		return Case{}, apperr.New(apperr.CodeInvalid, "casework.err.publish_identity").Mark("reason")
	}
	var planned legal.Date
	if d.Step == DoNotice {
		planned = d.Planned
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok, err := updateCase(ctx, tx, c, before.Version)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "casework.err.changed")
		}
		if err := insertStep(ctx, tx, Step{ID: s.db.NewID(), CaseID: c.ID, Step: d.Step, On: d.On, Number: d.Number, Reason: d.Reason, To: d.To,
			Due: before.Due, Planned: planned, Late: late, ByAccount: a.AccountID, ByName: a.Name, At: c.UpdatedAt}); err != nil {
			return err
		}
		to := d.To
		if d.Step == DoNotice {
			to = d.Planned.VN()
		}
		if err := s.tell(ctx, tx, c, ident, d.Step, d.On, to); err != nil {
			return err
		}
		if pub != nil {
			if err := s.publish(ctx, tx, *pub); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "case."+d.Step, c, map[string]any{"on": d.On.String(), "number": d.Number, "late": late})
	})
	if err != nil {
		return Case{}, fmt.Errorf("case %d %s: %w", id, d.Step, err)
	}
	s.wake()
	return c, nil
}

// wake asks the outbox to send the lodger's note of a step now, not at its
// next round (after the transaction that queued it committed).
func (s *Service) wake() {
	if s.outbox != nil {
		s.outbox.Wake()
	}
}

// lastStep is the last step of case caseID that is step, or nil.
func (s *Service) lastStep(ctx context.Context, caseID int64, step string) (*Step, error) {
	steps, err := s.steps(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Step == step {
			return &steps[i], nil
		}
	}
	return nil, nil
}

func (s *Service) hasStep(ctx context.Context, caseID int64, step string) (bool, error) {
	steps, err := s.steps(ctx, caseID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(steps, func(st Step) bool { return st.Step == step }), nil
}

// Candidates are the officials who may be named on a case: as verifiers,
// those with back-office roles on its unit or a unit above it; as readers
// of its vault (vault true), only those who handle cases there — roles that
// sign in with a second factor, not a supervisor or a viewer.
func (s *Service) Candidates(ctx context.Context, a *auth.Actor, id int64, vault bool) ([]Verifier, error) {
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, c.UnitID); err != nil {
		return nil, err
	}
	return s.candidates(ctx, c, vault)
}

func (s *Service) candidates(ctx context.Context, c Case, vault bool) ([]Verifier, error) {
	action := auth.ViewBackOffice
	if vault {
		action = auth.HandleCases
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, u := range append([]org.Unit{{ID: c.UnitID}}, t.Ancestors(c.UnitID)...) {
		hs, err := auth.Holders(ctx, s.db, action, u.ID)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if !slices.Contains(ids, h) {
				ids = append(ids, h)
			}
		}
	}
	names, err := auth.Names(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Verifier, 0, len(ids))
	for _, id := range ids {
		out = append(out, Verifier{AccountID: id, Name: names[id]})
	}
	slices.SortFunc(out, func(a, b Verifier) int { return cmpString(a.Name, b.Name) })
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// named checks that account is one of the case's candidates (for its vault:
// vault) and returns its name.
func (s *Service) named(ctx context.Context, c Case, account int64, vault bool) (string, error) {
	cs, err := s.candidates(ctx, c, vault)
	if err != nil {
		return "", err
	}
	for _, v := range cs {
		if v.AccountID == account {
			return v.Name, nil
		}
	}
	if vault {
		return "", apperr.New(apperr.CodeInvalid, "casework.err.not_holder").Mark("account")
	}
	return "", apperr.New(apperr.CodeInvalid, "casework.err.not_candidate").Mark("account")
}

// AddVerifier names a verifier of a case, once its working copy is confirmed.
func (s *Service) AddVerifier(ctx context.Context, a *auth.Actor, id, account int64) error {
	return s.name(ctx, a, id, account, "verifier")
}

// GrantVault names a person who may read the case's vault (Luật Tố cáo Art 47).
func (s *Service) GrantVault(ctx context.Context, a *auth.Actor, id, account int64) error {
	return s.name(ctx, a, id, account, "vault_grant")
}

func (s *Service) name(ctx context.Context, a *auth.Actor, id, account int64, what string) error {
	if err := s.ready(); err != nil {
		return err
	}
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, c.UnitID); err != nil {
		return err
	}
	if what == "verifier" && !c.Redacted {
		return apperr.New(apperr.CodeConflict, "casework.err.not_redacted")
	}
	name, err := s.named(ctx, c, account, what == "vault_grant")
	if err != nil {
		return err
	}
	now := s.db.NowMillis()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		if what == "verifier" {
			err = insertVerifier(ctx, tx, c.ID, Verifier{AccountID: account, Name: name, At: now})
		} else {
			err = insertGrant(ctx, tx, c.ID, Grant{AccountID: account, Name: name, GrantedBy: a.AccountID, ByName: a.Name, At: now})
		}
		if db.IsUniqueViolation(err) {
			return apperr.New(apperr.CodeConflict, "casework.err.named_twice", name)
		}
		if err != nil {
			return err
		}
		if err := insertStep(ctx, tx, Step{ID: s.db.NewID(), CaseID: c.ID, Step: what, On: s.today(), To: name, ByAccount: a.AccountID, ByName: a.Name, At: now}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "case."+what, c, map[string]any{"account": account})
	})
}

// Sealed is what the vault holds of a case, opened for a named reader.
type Opened struct {
	Identity Identity
	Subject  string
	Body     string
	Files    []OpenedFile
}

// OpenedFile is an original attachment's name.
type OpenedFile struct {
	ID   int64
	Name string
}

// ReadVault opens a case's vault for a person named on it, with the reason
// they give; the read is logged (who, when, why) in the transaction that
// returns it. Anyone else — in scope or not — gets not found, and the attempt
// is logged too (the case's vault log and a denied audit record).
func (s *Service) ReadVault(ctx context.Context, a *auth.Actor, id int64, reason string) (Opened, error) {
	if err := s.ready(); err != nil {
		return Opened{}, err
	}
	c, err := s.vaultCase(ctx, a, id, reason, "identity")
	if err != nil {
		return Opened{}, err
	}
	var o Opened
	if o.Identity, err = s.identity(ctx, c); err != nil {
		return Opened{}, err
	}
	for _, f := range []struct {
		name string
		to   *string
	}{{"subject", &o.Subject}, {"body", &o.Body}} {
		sealed, err := s.sealed(ctx, c.ID, f.name)
		if err != nil {
			return Opened{}, err
		}
		plain, err := s.open(c.ID, f.name, sealed)
		if err != nil {
			return Opened{}, err
		}
		*f.to = string(plain)
	}
	fs, err := s.files(ctx, c.ID)
	if err != nil {
		return Opened{}, err
	}
	for _, f := range fs {
		field := "file/" + strconv.FormatInt(f.ID, 10) + "/name"
		sealed, err := s.sealed(ctx, c.ID, field)
		if err != nil {
			return Opened{}, err
		}
		name, err := s.open(c.ID, field, sealed)
		if err != nil {
			return Opened{}, err
		}
		o.Files = append(o.Files, OpenedFile{ID: f.ID, Name: string(name)})
	}
	return o, nil
}

// vaultCase checks a vault read of what and logs it, allowed or not.
func (s *Service) vaultCase(ctx context.Context, a *auth.Actor, id int64, reason, what string) (Case, error) {
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return Case{}, err
	}
	role, err := s.reach(ctx, a, c)
	if err != nil {
		return Case{}, err
	}
	reason, rerr := checkReason(reason)
	granted, err := hasGrant(ctx, s.db, c.ID, a.AccountID)
	if err != nil {
		return Case{}, err
	}
	// A grant opens the vault to a handler of the case only: held by someone
	// who no longer handles cases there (a verifier now), it opens nothing.
	granted = granted && role == AsHandler
	if granted && rerr != nil {
		return Case{}, rerr
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		return insertRead(ctx, tx, c.ID, Read{ID: s.db.NewID(), AccountID: a.AccountID, Name: a.Name, What: what, Reason: reason, Allowed: granted, At: s.db.NowMillis()})
	})
	if err != nil {
		return Case{}, err
	}
	if !granted {
		if err := s.guard.Deny(ctx, a, auth.HandleCases, c.UnitID, "case", strconv.FormatInt(c.ID, 10), "vault read without a grant"); err != nil {
			return Case{}, err
		}
		return Case{}, apperr.New(apperr.CodeNotFound, "casework.err.no_vault")
	}
	return c, nil
}

func checkReason(reason string) (string, error) {
	p := problems{}
	p.required("reason", reason)
	p.tooLong("reason", reason, MaxReason)
	if err := p.err(apperr.New(apperr.CodeInvalid, "casework.err.vault_reason")); err != nil {
		return trimTo(reason, MaxReason), err
	}
	return reason, nil
}

func trimTo(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// Original returns an original attachment from the vault, for a named reader
// (logged as a read of that file).
func (s *Service) Original(ctx context.Context, a *auth.Actor, id, fileID int64, reason string) (File, []byte, error) {
	if err := s.ready(); err != nil {
		return File{}, nil, err
	}
	c, err := s.vaultCase(ctx, a, id, reason, "file")
	if err != nil {
		return File{}, nil, err
	}
	return s.original(ctx, c, fileID)
}

func (s *Service) original(ctx context.Context, c Case, fileID int64) (File, []byte, error) {
	fs, err := s.files(ctx, c.ID)
	if err != nil {
		return File{}, nil, err
	}
	i := slices.IndexFunc(fs, func(f File) bool { return f.ID == fileID })
	if i < 0 {
		return File{}, nil, apperr.New(apperr.CodeNotFound, "casework.err.no_file")
	}
	f := fs[i]
	r, err := s.Sealed.Open(f.SealedSum)
	if err != nil {
		return File{}, nil, err
	}
	defer r.Close()
	sealed, err := io.ReadAll(r)
	if err != nil {
		return File{}, nil, err
	}
	plain, err := s.vault.Open(sealed, aad(c.ID, "file/"+strconv.FormatInt(f.ID, 10)))
	if err != nil {
		return File{}, nil, fmt.Errorf("case %d file %d: %w", c.ID, f.ID, err)
	}
	return f, plain, nil
}

// WorkingFile returns a confirmed working copy of an attachment to whoever
// may see the case.
func (s *Service) WorkingFile(ctx context.Context, a *auth.Actor, id, fileID int64) (File, error) {
	if err := s.ready(); err != nil {
		return File{}, err
	}
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return File{}, err
	}
	if _, err := s.reach(ctx, a, c); err != nil {
		return File{}, err
	}
	fs, err := s.files(ctx, c.ID)
	if err != nil {
		return File{}, err
	}
	for _, f := range fs {
		if f.ID == fileID && f.SHA256 != "" {
			return f, nil
		}
	}
	return File{}, apperr.New(apperr.CodeNotFound, "casework.err.no_file")
}

// Redaction is what the receiving official marks to hide: phrases of the text
// (one a line) and, per attachment, the boxes to black out.
type Redaction struct {
	Marks   string
	Boxes   map[int64]string
	Version int
}

// ConfirmWorkingCopy makes the working copy everyone else works on: the
// original text with the identity and every marked phrase hidden, each
// attachment copied with its boxes burned in (the original stays sealed).
// Only a person named on the vault does it: they read the original.
func (s *Service) ConfirmWorkingCopy(ctx context.Context, a *auth.Actor, id int64, r Redaction) (Case, error) {
	if err := s.ready(); err != nil {
		return Case{}, err
	}
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, c.UnitID); err != nil {
		return Case{}, err
	}
	if r.Version != 0 && r.Version != c.Version {
		return Case{}, apperr.New(apperr.CodeConflict, "casework.err.changed")
	}
	marks, err := ParseMarks(r.Marks)
	if err != nil {
		return Case{}, err
	}
	if c, err = s.vaultCase(ctx, a, id, "Che thông tin, xác nhận bản làm việc", "redact"); err != nil {
		return Case{}, err
	}
	o, err := s.openTexts(ctx, c)
	if err != nil {
		return Case{}, err
	}
	ident, err := s.identity(ctx, c)
	if err != nil {
		return Case{}, err
	}
	hide := append(ident.Strings(), marks...)
	before := c
	c.Subject, c.Body = Redact(o.Subject, hide), Redact(o.Body, hide)
	c.Redacted, c.Version, c.UpdatedAt = true, c.Version+1, s.db.NowMillis()
	fs, err := s.files(ctx, c.ID)
	if err != nil {
		return Case{}, err
	}
	var working []File
	var blobs [][]byte
	for _, f := range fs {
		_, plain, err := s.original(ctx, c, f.ID)
		if err != nil {
			return Case{}, err
		}
		out, n := plain, 0
		if boxes := r.Boxes[f.ID]; boxes != "" {
			if s.Redactor == nil {
				return Case{}, apperr.New(apperr.CodeUnavailable, "casework.err.no_redactor")
			}
			if out, n, err = s.Redactor.Redact(ctx, f.ContentType, plain, boxes); err != nil {
				return Case{}, err
			}
		}
		fi, err := files.Inspect(f.Name, out)
		if err != nil {
			return Case{}, err
		}
		f.SHA256, f.Size, f.ContentType, f.Boxes = fi.SHA256, fi.Size, fi.ContentType, n
		working, blobs = append(working, f), append(blobs, out)
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		for i, f := range working {
			if err := s.Blobs.PutChecked(files.File{SHA256: f.SHA256, Size: f.Size}, blobs[i]); err != nil {
				return err
			}
			if err := setWorkingFile(ctx, tx, f); err != nil {
				return err
			}
		}
		ok, err := updateCase(ctx, tx, c, before.Version)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "casework.err.changed")
		}
		if err := insertStep(ctx, tx, Step{ID: s.db.NewID(), CaseID: c.ID, Step: "redacted", On: s.today(), ByAccount: a.AccountID, ByName: a.Name, At: c.UpdatedAt}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "case.redacted", c, map[string]any{"marks": len(marks), "files": len(working)})
	})
	if err != nil {
		return Case{}, fmt.Errorf("confirm working copy of case %d: %w", id, err)
	}
	return c, nil
}

func (s *Service) openTexts(ctx context.Context, c Case) (Opened, error) {
	var o Opened
	for _, f := range []struct {
		name string
		to   *string
	}{{"subject", &o.Subject}, {"body", &o.Body}} {
		sealed, err := s.sealed(ctx, c.ID, f.name)
		if err != nil {
			return o, err
		}
		plain, err := s.open(c.ID, f.name, sealed)
		if err != nil {
			return o, err
		}
		*f.to = string(plain)
	}
	return o, nil
}

// Counts are a unit subtree's statistics for cases received from..until.
func (s *Service) Counts(ctx context.Context, a *auth.Actor, unit org.Unit, from, until legal.Date) ([]Count, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, unit.ID); err != nil {
		return nil, err
	}
	return s.counts(ctx, unit.Path, from, until, s.MassFrom)
}

// BlobRefs are the working copies the cases reference (the orphan collector).
func (s *Service) BlobRefs(ctx context.Context) (files.Refs, error) { return s.workingRefs(ctx) }

// BlobStore is where the working copies are.
func (s *Service) BlobStore() *files.Blobs { return s.Blobs }

// SealedRefs are the sealed originals (the vault's folder).
func (s *Service) SealedRefs(ctx context.Context) (files.Refs, error) { return s.sealedRefs(ctx) }

// publication is what publishing case c with d makes public: the decision
// or conclusion it follows, the official's text, and for a complaint the 15
// days it stays posted at least (rule complaint.posting).
func (s *Service) publication(ctx context.Context, c Case, d StepDraft, cal *legal.Calendar) (*Publication, error) {
	if s.Record == nil {
		return nil, apperr.New(apperr.CodeConflict, "casework.err.no_record")
	}
	if p, err := s.publicationOf(ctx, c.ID); err != nil {
		return nil, err
	} else if p != nil {
		return nil, apperr.New(apperr.CodeConflict, "casework.err.published")
	}
	steps, err := s.steps(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	p := &Publication{ID: s.db.NewID(), CaseID: c.ID, UnitID: c.UnitID, Kind: c.Kind, PublishedOn: d.On, Field: c.Field, Summary: d.Reason,
		CreatedAt: s.db.NowMillis()}
	for _, st := range steps {
		if st.Step == DoDecide || st.Step == DoConclude {
			p.Number, p.DecidedOn = st.Number, st.On
		}
	}
	if c.Kind == Complaint {
		res, err := s.cat.Compute(cal, "complaint.posting", d.On, legal.Options{})
		if err != nil {
			return nil, err
		}
		p.Until = res.Due
	}
	return p, nil
}

// publish stores a publication and puts it on the public record, in the
// step's transaction: what was decided, by which body, and its public text,
// which names no party.
func (s *Service) publish(ctx context.Context, tx *sql.Tx, p Publication) error {
	if err := insertPublication(ctx, tx, p); err != nil {
		return err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return err
	}
	u, _ := t.Unit(p.UnitID)
	return s.Record.AppendData(ctx, tx, audit.Record{UnitID: p.UnitID, Kind: "case.published", ObjectType: "case_publication",
		ObjectID: strconv.FormatInt(p.ID, 10), Summary: p.Title()},
		map[string]any{"id": strconv.FormatInt(p.ID, 10), "kind": p.Kind, "number": p.Number, "decided_on": dayText(p.DecidedOn),
			"published_on": p.PublishedOn.String(), "until": dayText(p.Until), "issuer": u.Name, "field": p.Field,
			"summary_sha256": audit.Sum(p.Summary), "url": PublicationsURL(t, p.UnitID)})
}

// Document is the document of a step of a case for one of its handlers, once
// its working copy is confirmed: laid out from the working copy, and every
// text the officials wrote (reasons) with the lodger's identity hidden, for
// a document is an export (Luật Tố cáo 2018 Art 47).
func (s *Service) Document(ctx context.Context, a *auth.Actor, id, stepID int64) (document.Doc, Case, error) {
	v, err := s.Get(ctx, a, id)
	if err != nil {
		return document.Doc{}, Case{}, err
	}
	if v.Role != AsHandler {
		return document.Doc{}, v.Case, apperr.New(apperr.CodeNotFound, "casework.err.no_case")
	}
	if !v.Case.Redacted {
		return document.Doc{}, v.Case, apperr.New(apperr.CodeConflict, "casework.err.not_redacted")
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return document.Doc{}, v.Case, err
	}
	issuer, _ := t.Unit(v.Case.UnitID)
	for _, st := range v.Steps {
		if st.ID != stepID {
			continue
		}
		d, ok := StepDocument(v.Case, st, issuer)
		if !ok {
			break
		}
		ident, err := s.identity(ctx, v.Case)
		if err != nil {
			return document.Doc{}, v.Case, err
		}
		for i := range d.Body {
			d.Body[i].Text = Redact(d.Body[i].Text, ident.Strings())
		}
		return d, v.Case, nil
	}
	return document.Doc{}, v.Case, apperr.New(apperr.CodeNotFound, "casework.err.no_document")
}

// Resealed counts what Reseal changed.
type Resealed struct {
	Values, Files, Tags int
}

// Reseal seals the vault again under its current key after `danchu
// vault-key` added one: every sealed value, every sealed original file (a
// new blob; the old one is left to the orphan collector) and every lodging
// account's tag, so that the old key can then leave the key file. Each
// change is its own transaction: an interrupted run is run again.
func (s *Service) Reseal(ctx context.Context) (Resealed, error) {
	var n Resealed
	if err := s.ready(); err != nil {
		return n, err
	}
	values, err := s.sealedValues(ctx)
	if err != nil {
		return n, err
	}
	for _, v := range values {
		raw, err := base64.StdEncoding.DecodeString(v.sealed)
		if err != nil {
			return n, fmt.Errorf("case %d %s: not base64", v.caseID, v.field)
		}
		again, err := s.vault.Rotate(raw, aad(v.caseID, v.field))
		if err != nil {
			return n, fmt.Errorf("case %d %s: %w", v.caseID, v.field, err)
		}
		if string(again) == string(raw) {
			continue
		}
		enc := base64.StdEncoding.EncodeToString(again)
		if err := s.db.RunInTx(ctx, func(tx *sql.Tx) error { return setSealed(ctx, tx, v.caseID, v.field, v.sealed, enc) }); err != nil {
			return n, err
		}
		n.Values++
	}
	fs, err := s.sealedFiles(ctx)
	if err != nil {
		return n, err
	}
	for _, f := range fs {
		r, err := s.Sealed.Open(f.SealedSum)
		if err != nil {
			return n, fmt.Errorf("case %d file %d: %w", f.CaseID, f.ID, err)
		}
		raw, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return n, err
		}
		again, err := s.vault.Rotate(raw, aad(f.CaseID, "file/"+strconv.FormatInt(f.ID, 10)))
		if err != nil {
			return n, fmt.Errorf("case %d file %d: %w", f.CaseID, f.ID, err)
		}
		if string(again) == string(raw) {
			continue
		}
		sum, err := s.Sealed.PutSealed(again)
		if err != nil {
			return n, err
		}
		if err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
			return setSealedFile(ctx, tx, f.ID, f.SealedSum, sum, int64(len(again)))
		}); err != nil {
			return n, err
		}
		n.Files++
	}
	tagged, err := s.taggedCases(ctx)
	if err != nil {
		return n, err
	}
	for _, c := range tagged {
		id, err := s.identity(ctx, c.Case)
		if err != nil {
			return n, fmt.Errorf("case %d identity: %w", c.ID, err)
		}
		if id.AccountID == 0 {
			continue
		}
		if tag := s.vault.Tag(lodger(id.AccountID)); tag != c.tag {
			if err := s.db.RunInTx(ctx, func(tx *sql.Tx) error { return setLodgerTag(ctx, tx, c.ID, c.tag, tag) }); err != nil {
				return n, err
			}
			n.Tags++
		}
	}
	return n, nil
}
