package steering

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/document"
	store "danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Service is the steering committees. The reads come from the embedded Store;
// every write goes through a method here, in one transaction with its guard
// check and its audit record.
type Service struct {
	*Store
	db    *db.DB
	units *org.Service
	guard *auth.Guard
	Blobs *store.Blobs
}

// NewService returns the service; files (regulations, signed minutes) go
// under blobDir, checked as disclosure attachments are (files.Blobs.Put).
func NewService(d *db.DB, units *org.Service, g *auth.Guard, blobDir string) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, guard: g, Blobs: &store.Blobs{Dir: blobDir, MaxFile: store.DefaultMaxFile}}
}

// Now is the service's clock (the database's, so tests can set it).
func (s *Service) Now() time.Time { return s.db.Now() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// BlobStore is where the committees' files are stored.
func (s *Service) BlobStore() *store.Blobs { return s.Blobs }

// BlobRefs is every stored file a committee or a meeting references, with
// its recorded size (the orphan collector and `danchu verify`).
func (s *Service) BlobRefs(ctx context.Context) (store.Refs, error) {
	return s.Store.blobRefs(ctx)
}

// unit returns the unit in force with id, after the guard let a in.
func (s *Service) unit(ctx context.Context, a *auth.Actor, unitID int64) (org.Unit, *org.Tree, error) {
	if err := s.guard.Can(ctx, a, auth.ManageSteering, unitID); err != nil {
		return org.Unit{}, nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, nil, err
	}
	u, ok := t.Unit(unitID)
	if !ok || !u.Current() {
		return org.Unit{}, nil, apperr.New(apperr.CodeNotFound, "steering.err.unit_not_found")
	}
	return u, t, nil
}

// names fills the names of the units members follow.
func names(t *org.Tree, ms []Member) {
	for i := range ms {
		ms[i].UnitNames, ms[i].UnitKeys = nil, nil
		for _, id := range ms[i].Units {
			if u, ok := t.Unit(id); ok {
				ms[i].UnitNames = append(ms[i].UnitNames, u.Name)
				ms[i].UnitKeys = append(ms[i].UnitKeys, u.OfficeKey())
			}
		}
	}
}

// Committee returns a unit's committee, its members in force in order with
// the names of the units they follow, to an official who manages it.
func (s *Service) Committee(ctx context.Context, a *auth.Actor, unitID int64) (Committee, error) {
	_, t, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Committee{}, err
	}
	c, err := s.CommitteeOf(ctx, unitID)
	if err != nil {
		return Committee{}, err
	}
	names(t, c.Members)
	return c, nil
}

// checkUnits refuses a followed unit that is not in force inside the
// committee's unit (itself or below it): another commune's, or unknown.
func checkUnits(t *org.Tree, u org.Unit, ids []int64) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		x, ok := t.Unit(id)
		if !ok || !x.Current() || !t.Within(id, u.ID) {
			name := fmt.Sprint(id) // an ID that is no unit in force: said as sent
			if ok {
				name = x.OfficeKey() + " (" + x.Name + ")"
			}
			return nil, apperr.New(apperr.CodeInvalid, "steering.err.unit_outside", name, u.Name).
				WithFields(map[string]apperr.Msg{"units": apperr.M("steering.err.f.unit_outside", name, u.Name)})
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// record writes the audit entry of an act on a committee.
func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, event string, unitID int64, objType string, objID int64, before, after any) error {
	return s.guard.RecordEvent(ctx, tx, a, auth.ManageSteering, event, unitID, objType, fmt.Sprint(objID), before, after)
}

func changed(ok bool) error {
	if !ok {
		return apperr.New(apperr.CodeConflict, "steering.err.changed")
	}
	return nil
}

// Establish sets up a unit's committee (named DefaultName unless name says
// otherwise); a unit has one.
func (s *Service) Establish(ctx context.Context, a *auth.Actor, unitID int64, name string, idem db.Idem) (Committee, error) {
	u, _, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Committee{}, err
	}
	if name, err = CheckCommitteeName(name); err != nil {
		return Committee{}, err
	}
	c := Committee{ID: s.db.NewID(), UnitID: u.ID, Name: name, CreatedAt: s.db.NowMillis(), Version: 1}
	c.UpdatedAt = c.CreatedAt
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.db.Once(ctx, tx, idem.In("steering.establish", a.AccountID, u.ID), func() (string, error) {
			if _, err := committeeOf(ctx, tx, u.ID); err == nil {
				return "", apperr.New(apperr.CodeConflict, "steering.err.exists")
			} else if apperr.CodeOf(err) != apperr.CodeNotFound {
				return "", err
			}
			if err := insertCommittee(ctx, tx, c); err != nil {
				if db.IsUniqueViolation(err) {
					return "", apperr.New(apperr.CodeConflict, "steering.err.exists")
				}
				return "", err
			}
			return fmt.Sprint(c.ID), s.record(ctx, tx, a, "steering.established", u.ID, "steering_committee", c.ID, nil, map[string]any{"name": c.Name})
		})
		return err
	})
	if err != nil {
		return Committee{}, fmt.Errorf("establish steering committee of %d: %w", unitID, err)
	}
	return s.CommitteeOf(ctx, u.ID)
}

func memberSummary(m Member) map[string]any {
	return map[string]any{"name": m.Name, "position": string(m.Position), "office": m.Office, "area": m.Area, "units": m.Units, "account": m.AccountID}
}

// AddMember puts a person on a unit's committee by a decision (recorded in
// the history as "joined").
func (s *Service) AddMember(ctx context.Context, a *auth.Actor, unitID int64, d MemberDraft) (Member, error) {
	u, t, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Member{}, err
	}
	if d, err = d.Check(s.today()); err != nil {
		return Member{}, err
	}
	if d.Units, err = checkUnits(t, u, d.Units); err != nil {
		return Member{}, err
	}
	now := s.db.NowMillis()
	m := Member{ID: s.db.NewID(), Position: d.Position, Name: d.Name, Office: d.Office, AccountID: d.AccountID, Area: d.Area,
		Units: d.Units, JoinedOn: d.Decision.Date, Version: 1}
	id, repeated, err := s.addOnce(ctx, d.Idem.In("steering.member_add", a.AccountID, u.ID), u.ID, func(tx *sql.Tx, c Committee) (int64, error) {
		m.CommitteeID = c.ID
		if err := oneHead(ctx, tx, c.ID, m.Position, 0); err != nil {
			return 0, err
		}
		var err error
		if m.Order, err = nextOrder(ctx, tx, c.ID, m.Position); err != nil {
			return 0, err
		}
		if err := insertMember(ctx, tx, m, now); err != nil {
			return 0, err
		}
		if err := insertChange(ctx, tx, Change{ID: s.db.NewID(), CommitteeID: c.ID, MemberID: m.ID, Name: m.Name, Kind: Joined,
			To: m.Position, Decision: d.Decision, ByAccount: a.AccountID, ByName: a.Name, At: now}); err != nil {
			return 0, err
		}
		if err := touchCommittee(ctx, tx, c.ID, now); err != nil {
			return 0, err
		}
		after := memberSummary(m)
		after["decision"] = d.Decision.String()
		return m.ID, s.record(ctx, tx, a, "steering.member_joined", u.ID, "steering_member", m.ID, nil, after)
	})
	if err != nil {
		return Member{}, fmt.Errorf("add steering member: %w", err)
	}
	if repeated {
		return s.Member(ctx, id)
	}
	ms := []Member{m}
	names(t, ms)
	return ms[0], nil
}

// addOnce runs add once per form key, in one transaction with the unit's
// committee read inside it: the ID it stored, or, for a key seen before, the
// ID the first run stored and repeated.
func (s *Service) addOnce(ctx context.Context, key db.Idem, unitID int64, add func(tx *sql.Tx, c Committee) (int64, error)) (id int64, repeated bool, err error) {
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		first, repeated, err = s.db.Once(ctx, tx, key, func() (string, error) {
			c, err := committeeOf(ctx, tx, unitID)
			if err != nil {
				return "", err
			}
			id, err := add(tx, c)
			return fmt.Sprint(id), err
		})
		return err
	})
	if err != nil {
		return 0, false, err
	}
	id, err = db.ResultID(first)
	return id, repeated, err
}

// oneHead refuses a second head: a committee has one Trưởng ban (Chỉ thị
// 09-CT/TU item 2), who leaves or moves before another takes the place.
func oneHead(ctx context.Context, tx *sql.Tx, committeeID int64, p Position, except int64) error {
	if p != Head {
		return nil
	}
	n, err := countPosition(ctx, tx, committeeID, Head, except)
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.New(apperr.CodeConflict, "steering.err.one_head").Mark("position")
	}
	return nil
}

// memberOf reads a member in force of the unit's committee inside tx: a
// member of another unit's committee is "not found".
func memberOf(ctx context.Context, tx *sql.Tx, unitID, memberID int64) (Committee, Member, error) {
	c, err := committeeOf(ctx, tx, unitID)
	if err != nil {
		return Committee{}, Member{}, err
	}
	m, err := memberByID(ctx, tx, memberID)
	if err != nil || m.CommitteeID != c.ID {
		return Committee{}, Member{}, apperr.New(apperr.CodeNotFound, "steering.err.no_member")
	}
	if !m.LeftOn.IsZero() {
		return Committee{}, Member{}, apperr.New(apperr.CodeConflict, "steering.err.member_left", m.Name)
	}
	return c, m, nil
}

// ChangeMember changes a member read at version — position (recorded as
// "moved", from → to), office, area, followed units (recorded as
// "updated") — by a decision.
func (s *Service) ChangeMember(ctx context.Context, a *auth.Actor, unitID, memberID int64, version int, d MemberDraft) (Member, error) {
	u, t, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Member{}, err
	}
	if d, err = d.Check(s.today()); err != nil {
		return Member{}, err
	}
	if d.Units, err = checkUnits(t, u, d.Units); err != nil {
		return Member{}, err
	}
	var out Member
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := s.db.NowMillis()
		c, m, err := memberOf(ctx, tx, u.ID, memberID)
		if err != nil {
			return err
		}
		before := memberSummary(m)
		next := m
		next.Name, next.Office, next.AccountID, next.Area, next.Units = d.Name, d.Office, d.AccountID, d.Area, d.Units
		kind := Updated
		if d.Position != m.Position {
			if err := oneHead(ctx, tx, c.ID, d.Position, m.ID); err != nil {
				return err
			}
			kind, next.Position = Moved, d.Position
			if next.Order, err = nextOrder(ctx, tx, c.ID, d.Position); err != nil {
				return err
			}
		}
		ok, err := updateMember(ctx, tx, next, version, now)
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		if err := insertChange(ctx, tx, Change{ID: s.db.NewID(), CommitteeID: c.ID, MemberID: m.ID, Name: next.Name, Kind: kind,
			From: m.Position, To: next.Position, Decision: d.Decision, ByAccount: a.AccountID, ByName: a.Name, At: now}); err != nil {
			return err
		}
		if err := touchCommittee(ctx, tx, c.ID, now); err != nil {
			return err
		}
		after := memberSummary(next)
		after["decision"] = d.Decision.String()
		next.Version = version + 1
		out = next
		return s.record(ctx, tx, a, "steering.member_"+kind, u.ID, "steering_member", m.ID, before, after)
	})
	if err != nil {
		return Member{}, fmt.Errorf("change steering member %d: %w", memberID, err)
	}
	ms := []Member{out}
	names(t, ms)
	return ms[0], nil
}

// RemoveMember ends a membership read at version by a decision (the
// history's "left", from the position held; the member's line stays).
func (s *Service) RemoveMember(ctx context.Context, a *auth.Actor, unitID, memberID int64, version int, dec Decision) error {
	u, _, err := s.unit(ctx, a, unitID)
	if err != nil {
		return err
	}
	if dec, err = CheckLeave(dec, s.today()); err != nil {
		return err
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := s.db.NowMillis()
		c, m, err := memberOf(ctx, tx, u.ID, memberID)
		if err != nil {
			return err
		}
		ok, err := leaveMember(ctx, tx, m.ID, version, dec.Date, now)
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		if err := insertChange(ctx, tx, Change{ID: s.db.NewID(), CommitteeID: c.ID, MemberID: m.ID, Name: m.Name, Kind: Left,
			From: m.Position, Decision: dec, ByAccount: a.AccountID, ByName: a.Name, At: now}); err != nil {
			return err
		}
		if err := touchCommittee(ctx, tx, c.ID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "steering.member_left", u.ID, "steering_member", m.ID, memberSummary(m), map[string]any{"decision": dec.String()})
	})
	if err != nil {
		return fmt.Errorf("remove steering member %d: %w", memberID, err)
	}
	return nil
}

// putFile checks and stores an uploaded file (nil: none sent) before any
// transaction, as disclosure attachments are.
func (s *Service) putFile(up *Upload) (*store.File, error) {
	if up == nil {
		return nil, nil
	}
	f, err := s.Blobs.Put(up.Name, up.R)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// SetRegulation writes the committee's working regulation, read at version:
// its text, a new file (up, nil to keep the stored one unless RemoveFile),
// and the decision that issued it.
func (s *Service) SetRegulation(ctx context.Context, a *auth.Actor, unitID int64, version int, d RegulationDraft, up *Upload) (Committee, error) {
	u, _, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Committee{}, err
	}
	if d, err = d.Check(s.today()); err != nil {
		return Committee{}, err
	}
	f, err := s.putFile(up)
	if err != nil {
		return Committee{}, err
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		c, err := committeeOf(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		before := map[string]any{"text_sha256": sum(c.Regulation), "file": fileSum(c.RegulationFile), "decision": c.RegulationRef.String()}
		c.Regulation, c.RegulationRef = d.Text, d.Decision
		switch {
		case f != nil:
			c.RegulationFile = f
		case d.RemoveFile:
			c.RegulationFile = nil
		}
		ok, err := setRegulation(ctx, tx, c, version, s.db.NowMillis())
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		after := map[string]any{"text_sha256": sum(c.Regulation), "file": fileSum(c.RegulationFile), "decision": c.RegulationRef.String()}
		return s.record(ctx, tx, a, "steering.regulation", u.ID, "steering_committee", c.ID, before, after)
	})
	if err != nil {
		return Committee{}, fmt.Errorf("set regulation of %d: %w", unitID, err)
	}
	return s.CommitteeOf(ctx, u.ID)
}

// sum is the hash the audit log keeps of a long text.
func sum(s string) string { return audit.Sum(s) }

func fileSum(f *store.File) string {
	if f == nil {
		return ""
	}
	return f.SHA256 + " " + f.Name
}

func meetingSummary(m Meeting) map[string]any {
	return map[string]any{"held_on": m.HeldOn.String(), "place": m.Place, "chair": m.Chair, "attendees": len(m.Attendees),
		"content_sha256": sum(m.Content), "conclusions_sha256": sum(m.Conclusions), "proceedings_sha256": sum(m.Proceedings), "file": fileSum(m.MinutesFile)}
}

// AddMeeting records a meeting the committee held, with its minutes' file if any.
func (s *Service) AddMeeting(ctx context.Context, a *auth.Actor, unitID int64, d MeetingDraft, up *Upload) (Meeting, error) {
	u, _, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Meeting{}, err
	}
	if d, err = d.Check(s.today()); err != nil {
		return Meeting{}, err
	}
	f, err := s.putFile(up)
	if err != nil {
		return Meeting{}, err
	}
	now := s.db.NowMillis()
	m := Meeting{ID: s.db.NewID(), HeldOn: d.HeldOn, StartsAt: d.StartsAt, Place: d.Place, Chair: d.Chair, Attendees: d.Attendees,
		Content: d.Content, Conclusions: d.Conclusions, Proceedings: d.Proceedings, MinutesFile: f, CreatedBy: a.AccountID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	id, repeated, err := s.addOnce(ctx, d.Idem.In("steering.meeting_add", a.AccountID, u.ID), u.ID, func(tx *sql.Tx, c Committee) (int64, error) {
		m.CommitteeID = c.ID
		if err := insertMeeting(ctx, tx, m); err != nil {
			return 0, err
		}
		return m.ID, s.record(ctx, tx, a, "steering.meeting", u.ID, "steering_meeting", m.ID, nil, meetingSummary(m))
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("add steering meeting: %w", err)
	}
	if repeated {
		return meetingByID(ctx, s.db, id)
	}
	return m, nil
}

// Meeting returns a meeting of the unit's committee; another unit's is "not found".
func (s *Service) Meeting(ctx context.Context, a *auth.Actor, unitID, id int64) (Meeting, error) {
	if _, _, err := s.unit(ctx, a, unitID); err != nil {
		return Meeting{}, err
	}
	c, err := committeeOf(ctx, s.db, unitID)
	if err != nil {
		return Meeting{}, err
	}
	m, err := meetingByID(ctx, s.db, id)
	if err != nil || m.CommitteeID != c.ID {
		return Meeting{}, apperr.New(apperr.CodeNotFound, "steering.err.no_meeting")
	}
	return m, nil
}

// UpdateMeeting corrects a meeting read at version and completes its
// minutes: a new file (up) replaces the stored one, removeFile drops it.
func (s *Service) UpdateMeeting(ctx context.Context, a *auth.Actor, unitID, id int64, version int, d MeetingDraft, up *Upload, removeFile bool) (Meeting, error) {
	u, _, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Meeting{}, err
	}
	if d, err = d.Check(s.today()); err != nil {
		return Meeting{}, err
	}
	f, err := s.putFile(up)
	if err != nil {
		return Meeting{}, err
	}
	var out Meeting
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		c, err := committeeOf(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		m, err := meetingByID(ctx, tx, id)
		if err != nil || m.CommitteeID != c.ID {
			return apperr.New(apperr.CodeNotFound, "steering.err.no_meeting")
		}
		before := meetingSummary(m)
		m.HeldOn, m.StartsAt, m.Place, m.Chair, m.Attendees = d.HeldOn, d.StartsAt, d.Place, d.Chair, d.Attendees
		m.Content, m.Conclusions, m.Proceedings = d.Content, d.Conclusions, d.Proceedings
		switch {
		case f != nil:
			m.MinutesFile = f
		case removeFile:
			m.MinutesFile = nil
		}
		now := s.db.NowMillis()
		ok, err := updateMeeting(ctx, tx, m, version, now)
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		m.Version, m.UpdatedAt = version+1, now
		out = m
		return s.record(ctx, tx, a, "steering.meeting_updated", u.ID, "steering_meeting", m.ID, before, meetingSummary(m))
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("update steering meeting %d: %w", id, err)
	}
	return out, nil
}

// UnitsByKeys reads the units a form names by their codes (or internal IDs,
// org.Unit.OfficeKey), separated by commas, semicolons or spaces; a key that
// names no unit in force is refused with its text. Whether they lie inside
// the committee's unit is AddMember's and ChangeMember's check.
func (s *Service) UnitsByKeys(ctx context.Context, text string) ([]int64, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, k := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		u, ok := t.ByCode(k)
		if !ok {
			if id, err := strconv.ParseInt(k, 10, 64); err == nil {
				u, ok = t.Unit(id)
				ok = ok && u.Current()
			}
		}
		if !ok {
			if utf8.RuneCountInString(k) > 40 {
				k = string([]rune(k)[:40]) + "…"
			}
			return nil, apperr.New(apperr.CodeInvalid, "steering.err.unit_unknown", k).
				WithFields(map[string]apperr.Msg{"units": apperr.M("steering.err.f.unit_unknown", k)})
		}
		if len(ids) > MaxUnits {
			return nil, apperr.New(apperr.CodeInvalid, "steering.err.member_invalid").
				WithFields(map[string]apperr.Msg{"units": apperr.M("steering.err.f.units_many", MaxUnits)})
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// issuer is who issues the decisions of the committee of unit u.
func (s *Service) issuer(t *org.Tree, u org.Unit, c Committee) Issuer {
	var party *org.Unit
	for _, k := range t.Descendants(u.ID) {
		if k.ParentID == u.ID && k.Type == org.PartyBody && (party == nil || k.Name < party.Name) {
			k := k
			party = &k
		}
	}
	head := ""
	for _, m := range c.Members {
		if m.Position == Head {
			head = m.Name
		}
	}
	return IssuerOf(u, party, head)
}

// DecisionDoc is the decision naming the committee's members in force, with
// the number and date of the latest decision that changed them.
func (s *Service) DecisionDoc(ctx context.Context, a *auth.Actor, unitID int64) (document.Doc, error) {
	u, t, err := s.unit(ctx, a, unitID)
	if err != nil {
		return document.Doc{}, err
	}
	c, err := s.CommitteeOf(ctx, u.ID)
	if err != nil {
		return document.Doc{}, err
	}
	names(t, c.Members)
	hist, err := s.History(ctx, c.ID)
	if err != nil {
		return document.Doc{}, err
	}
	var d Decision
	if len(hist) > 0 {
		d = hist[0].Decision
	}
	return c.Decision(s.issuer(t, u, c), d, lowerFirst(u.Name)), nil
}

// MinutesDoc is the minutes of a meeting of the unit's committee.
func (s *Service) MinutesDoc(ctx context.Context, a *auth.Actor, unitID, meetingID int64) (document.Doc, error) {
	m, err := s.Meeting(ctx, a, unitID, meetingID)
	if err != nil {
		return document.Doc{}, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return document.Doc{}, err
	}
	u, _ := t.Unit(unitID)
	c, err := s.CommitteeOf(ctx, unitID)
	if err != nil {
		return document.Doc{}, err
	}
	return m.Minutes(s.issuer(t, u, c), c.Name), nil
}

// lowerFirst writes a unit's name inside a sentence ("Thành phố Huế" →
// "thành phố Huế").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// example is a unit code inside u to show in the followed units' help: its
// first child with a code.
func (s *Service) example(ctx context.Context, u org.Unit) string {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return ""
	}
	for _, k := range t.Descendants(u.ID) {
		if k.ParentID == u.ID && k.Code != "" {
			return k.Code
		}
	}
	return u.OfficeKey()
}
