package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/code"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/indicator"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
)

// Service is the feedback capability. The reads anyone may make come from the
// embedded Store; every write goes through a method here, in one transaction.
type Service struct {
	*Store
	db       *db.DB
	units    *org.Service
	guard    *auth.Guard
	cal      legal.Source
	out      *notify.Outbox
	intake   *db.GroupCommit[item]
	routes   *db.Memo[int, []Route]
	keys     *db.Memo[string, keyed]
	settings *db.Memo[int64, settings]
	// Photos holds the photos sent with items.
	Photos *files.Blobs
	// Open311Repeat is how long an Open311 POST without an Idempotency-Key is
	// recognised when its API key sends the same content again (config
	// --open311-repeat; 0: never).
	Open311Repeat time.Duration
	// ConvertURL is where an open item's handler converts it into a complaint
	// or a denunciation (casework's entry form, set by app; nil: no link).
	ConvertURL func(handler org.Unit, id int64) string
	// RateOfficialsURL is where the sender of an answered item rates the
	// officials who handled it (LDC 2022 Art 35(2)(a); set by app; nil or "":
	// no link — not theirs, rated, or too late).
	RateOfficialsURL func(ctx context.Context, a *auth.Actor, code string) string

	afterSweepRead func() // tests: runs between the sweep's read of answered items and its write
}

// NewService starts the service and its intake writer (stop it with Close);
// photos are stored under photoDir.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, cal legal.Source, out *notify.Outbox, photoDir string) *Service {
	s := &Service{Store: NewStore(d), db: d, units: units, guard: g, cal: cal, out: out, Photos: &files.Blobs{Dir: photoDir, MaxFile: MaxPhotoBytes},
		routes: db.NewMemo[int, []Route](30*time.Second, 1), keys: db.NewMemo[string, keyed](time.Minute, 10000),
		settings: db.NewMemo[int64, settings](30*time.Second, 100), Open311Repeat: 10 * time.Minute}
	s.intake = db.NewGroupCommit(d, 500, 2*time.Millisecond, s.writeItems)
	return s
}

// Close writes the items still queued and stops the writer.
func (s *Service) Close() { s.intake.Close() }

// Now is the service's clock (the database's, fake in tests).
func (s *Service) Now() time.Time { return s.db.Now() }

// NowMillis is Now in epoch milliseconds.
func (s *Service) NowMillis() int64 { return s.db.NowMillis() }

// Calendar is the working-day calendar deadlines are counted in.
func (s *Service) Calendar(ctx context.Context) (*legal.Calendar, error) { return s.cal.Calendar(ctx) }

// Submission is what a citizen sends.
type Submission struct {
	Kind, Category string
	UnitID         int64 // the village or commune where it happened
	Description    string
	Address        string
	Lat, Lon       *float64 // a point, only if the citizen chose to share it
	Contact        string   // e-mail or phone; ignored when anonymous
	IdemKey        string   // the form's key: a resubmitted form is stored once
	Photos         []Upload // up to MaxPhotos images
	ViaKey         int64    // the Open311 key of the app that sent it (its contact is kept though it has no account)
	// Desk marks an item an official enters for a citizen received at the
	// reception desk (reception, wired by app): the citizen's contact is
	// kept, and its key lives apart from the public form's.
	Desk bool
	// Once is the Open311 request's idempotency (with ViaKey only): its
	// client's key, or its content within Open311Repeat; scoped here to the
	// API key, so that one app's key never reaches another's request.
	Once db.Idem
}

// Upload is a file sent with a form (the kernel's: web.FormFiles reads them).
type Upload = files.Upload

// item is one submission on its way to the database.
type item struct {
	ID                      int64
	Code, Kind, Category    string
	UnitID, HandlerID       int64
	Description, Address    string
	Lat, Lon                *float64
	AuthorID                int64
	Contact, DueOn, IdemKey string
	At, ViaKey              int64
	Photos                  []files.File
	once                    db.Idem     // an Open311 request's key (Submission.Once), scoped to its API key
	account                 notify.Note // the account's contact, when no contact was given
	stored                  *string     // the code under which it is stored (an earlier one for a repeated key)
}

// Submit stores a feedback or petition and returns its tracking code. a may be
// nil: an anonymous sender gets no answer by contact (the page says so).
func (s *Service) Submit(ctx context.Context, a *auth.Actor, sub Submission) (string, error) {
	if sub.Kind != Feedback && sub.Kind != Petition {
		return "", apperr.New(apperr.CodeInvalid, "feedback.err.kind").Mark("kind")
	}
	if err := CheckDescription(sub.Description); err != nil {
		return "", err
	}
	if (sub.Lat == nil) != (sub.Lon == nil) {
		return "", apperr.New(apperr.CodeInvalid, "feedback.err.location_partial").Mark("location")
	}
	if sub.Lat != nil {
		if err := CheckPlace(*sub.Lat, *sub.Lon); err != nil {
			return "", err
		}
	}
	for _, f := range []string{sub.Description, sub.Address, sub.Contact, sub.IdemKey} {
		if !utf8.ValidString(f) {
			return "", apperr.New(apperr.CodeInvalid, "feedback.err.encoding").Mark("description")
		}
	}
	if err := CheckContact(sub.Contact, strings.TrimSpace(sub.Address)); err != nil {
		return "", err
	}
	key := strings.TrimSpace(sub.IdemKey)
	if key == "" || len(key) > 64 {
		return "", apperr.New(apperr.CodeInvalid, "feedback.err.key").Mark("key")
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return "", err
	}
	u, ok := t.Unit(sub.UnitID)
	if !ok || !u.Current() || (u.Type.Level() != org.VillageLevel && u.Type.Level() != org.CommuneLevel) {
		return "", apperr.New(apperr.CodeInvalid, "feedback.err.place").Mark("unit")
	}
	commune := u.ID
	if u.Type.Level() == org.VillageLevel {
		commune = u.ParentID
	}
	cat, ok, err := s.categoryOf(ctx, t, u.ID, sub.Category)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", apperr.New(apperr.CodeInvalid, "feedback.err.category").Mark("category")
	}
	routes, err := s.Routes(ctx)
	if err != nil {
		return "", err
	}
	handler := RouteFor(routes, cat.Code, chain(t, u.ID), commune)
	if len(sub.Photos) > MaxPhotos {
		return "", apperr.New(apperr.CodeInvalid, "feedback.err.photos_many", MaxPhotos).Mark("photos")
	}
	ups := make([]files.Photo, len(sub.Photos))
	for i, p := range sub.Photos {
		ups[i] = files.Photo{Name: p.Name, R: p.R}
	}
	photos, err := s.Photos.PutPhotos(ctx, ups, MaxPhotoBytes)
	if err != nil {
		return "", err
	}
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return "", err
	}
	today := legal.Today(s.db.Now())
	it := item{ID: s.db.NewID(), Code: code.New(Prefix(sub.Kind)), Kind: sub.Kind, Category: cat.Code, UnitID: u.ID, HandlerID: handler, Photos: photos,
		Description: strings.TrimSpace(sub.Description), Address: strings.TrimSpace(sub.Address), Lat: sub.Lat, Lon: sub.Lon,
		DueOn: cal.AddWorkingDays(today, cat.Days).String(), IdemKey: key, At: s.db.NowMillis(), stored: new(string)}
	switch {
	case a != nil && a.Kind == auth.Citizen:
		it.AuthorID, it.Contact = a.AccountID, strings.TrimSpace(sub.Contact)
	case sub.Desk && a != nil && a.Kind == auth.Official:
		// The desk's key is the caller's own (unguessable, one per entry): any
		// official's retry finds the item it opened.
		it.Contact, it.IdemKey = strings.TrimSpace(sub.Contact), "desk:"+key
	case sub.ViaKey != 0:
		it.ViaKey, it.Contact, it.IdemKey = sub.ViaKey, strings.TrimSpace(sub.Contact), fmt.Sprintf("app%d:%s", sub.ViaKey, key)
		if sub.Once.Key != "" {
			it.once = sub.Once.In("open311", sub.ViaKey)
		}
	default:
		it.IdemKey = "anon:" + key
	}
	if it.AuthorID != 0 {
		it.account = a.Contact() // read with the session: the single writer only writes
	}
	if err := s.intake.Submit(ctx, it); err != nil {
		return "", err
	}
	s.out.Wake() // the receipt goes out now, not at the next round
	return *it.stored, nil
}

// writeItems stores a batch: a repeated form is stored once (its first code is
// returned), each new item raises its unit's counter and its place's daily
// count, and its sender is sent the code. Its first step ("received") is its
// creation time, not a row of its own.
func (s *Service) writeItems(ctx context.Context, tx *sql.Tx, items []item) []error {
	errs := make([]error, len(items))
	fail := func(err error) []error {
		for i := range errs {
			errs[i] = fmt.Errorf("store feedback: %w", err)
		}
		return errs
	}
	ins, err := prepareInsertItem(ctx, s.db, tx)
	if err != nil {
		return fail(err)
	}
	defer ins.Close()
	added := map[int64]int{}
	type dayKey struct {
		unit          int64
		category, day string
	}
	daily := map[dayKey]int{}
	var fresh []item
	for i, it := range items {
		stored, claimed, err := s.db.Claim(ctx, tx, it.once)
		switch {
		case db.IsKeyRefused(err):
			errs[i] = err // the key was used with other content, or is not one: this item only
			continue
		case err != nil:
			return fail(err)
		case !claimed: // an Open311 request sent again: the first one's code
			*it.stored = stored
			continue
		}
		isNew, err := insertItem(ctx, ins, it)
		if err != nil {
			return fail(err)
		}
		if err := s.db.Settle(ctx, tx, it.once, it.Code); err != nil {
			return fail(err)
		}
		if !isNew {
			if *it.stored, err = storedCode(ctx, tx, it.AuthorID, it.IdemKey); err != nil {
				return fail(err)
			}
			continue
		}
		*it.stored = it.Code
		fresh = append(fresh, it)
		if err := insertPhotos(ctx, tx, it.ID, it.Photos); err != nil {
			return fail(err)
		}
		added[it.HandlerID]++
		daily[dayKey{it.UnitID, it.Category, legal.Today(time.UnixMilli(it.At)).String()}]++
	}
	for k, n := range daily {
		if err := addDaily(ctx, tx, k.unit, k.category, k.day, n); err != nil {
			return fail(err)
		}
	}
	if err := s.receipts(ctx, tx, fresh); err != nil {
		return fail(err)
	}
	for unit, n := range added {
		if err := addReceived(ctx, tx, unit, n); err != nil {
			return fail(err)
		}
		if err := indicator.Count(ctx, tx, indicator.Fact{Code: ReceivedIndicator, UnitID: unit, Day: legal.Today(s.db.Now()), Num: int64(n)}); err != nil {
			return fail(err)
		}
	}
	return errs
}

// receipts queues the tracking code of each new item to its sender: to the
// contact given with it, else to the account's (read with the session).
func (s *Service) receipts(ctx context.Context, tx *sql.Tx, items []item) error {
	var notes []notify.Note
	for _, it := range items {
		n := noteTo(it.Contact, it.account)
		if n.Address == "" {
			continue
		}
		n.Kind, n.AccountID, n.Subject, n.Link = "feedback.received", it.AuthorID, "Đã nhận phản ánh, kiến nghị "+it.Code, TrackURL(it.Code)
		n.Text = fmt.Sprintf("Đã nhận %s của bạn. Mã theo dõi: %s. Hạn trả lời: %s.", kindName(it.Kind), it.Code, dueVN(it.DueOn))
		notes = append(notes, n)
	}
	if len(notes) == 0 {
		return nil
	}
	return s.out.Add(ctx, tx, notes...)
}

// noteTo addresses a note to a typed contact (an e-mail address, else a phone
// number) or, without one, to the account's contact.
func noteTo(contact string, account notify.Note) notify.Note {
	switch c := strings.TrimSpace(contact); {
	case strings.Contains(c, "@"):
		return notify.Note{Channel: notify.Email, Address: c}
	case c != "":
		return notify.Note{Channel: notify.Phone, Address: c}
	}
	return notify.Note{Channel: account.Channel, Address: account.Address}
}

func kindName(kind string) string {
	if kind == Petition {
		return "kiến nghị"
	}
	return "phản ánh"
}

func dueVN(s string) string {
	d, _ := legal.ParseDate(s)
	return d.VN()
}

// Event is a step of an item as its public page shows it.
type Event struct {
	At     int64
	Kind   string // Ev…; "" for the receipt and for records older than kinds
	Status string
	Note   string
}

// Public is an item as anyone holding its code sees it: no description, no
// contact, no author (they may carry personal data).
type Public struct {
	Code, Kind, Category, Status string
	UnitID, HandlerID            int64
	DueOn                        legal.Date
	Answer                       string // the answer, or the reason it was not taken up
	AnsweredAt                   int64
	Rating                       int
	Reopened                     bool
	Anonymous                    bool
	MergedInto                   string // the code of the item it was merged into
	Events                       []Event
}

// resolveCode reads a tracking code as typed (parseCode): the one code it
// is, or, typed without its prefix, the item's code of either kind that exists.
func (s *Service) resolveCode(ctx context.Context, typed string) (string, bool) {
	cs, ok := parseCode(typed)
	if !ok {
		return "", false
	}
	if len(cs) > 1 {
		for _, c := range cs {
			if _, err := s.itemByCode(ctx, c); err == nil {
				return c, true
			}
		}
	}
	return cs[0], true
}

// Track returns the public view of the item with a tracking code (as typed).
func (s *Service) Track(ctx context.Context, typed string) (Public, error) {
	var p Public
	c, ok := s.resolveCode(ctx, typed)
	if !ok {
		return p, apperr.New(apperr.CodeNotFound, "feedback.err.code_format")
	}
	p, id, created, err := s.public(ctx, c)
	if err != nil {
		return p, err
	}
	if p.Events, err = s.events(ctx, id, created); err != nil {
		return p, err
	}
	for i, e := range p.Events {
		p.Events[i].Note = PublicNote(e.Kind, e.Note)
	}
	return p, nil
}

// Counters are a unit's kept statistics.
type Counters struct {
	Received, Answered, OnTime, Rated, Satisfied int
}

// chain is a unit and the units above it, nearest first: the order RouteFor reads.
func chain(t *org.Tree, id int64) []int64 {
	up := t.Ancestors(id)
	out := []int64{id}
	for i := len(up) - 1; i >= 0; i-- {
		out = append(out, up[i].ID)
	}
	return out
}
