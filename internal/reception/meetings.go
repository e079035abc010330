package reception

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/document"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Dialogues and conferences with the people (legal-rules.md §1d): the
// commune people's committee's dialogue with the people, organised with the
// Fatherland Front at least once a year (LDC Art 32), and each village's
// community conference at the end of the year (Art 33; ND 59 Arts 10–11):
// households told at least 5 days before (legal: conference.notice), the plan
// sent to the commune, the Front and the inspection board, the village
// head's, the front committee's and the board member's reports, and a written
// result sent afterwards. Questions raised get who answers and by when;
// commitments are followed up to done.

// Kinds of meeting.
const (
	Dialogue   = "dialogue"   // UBND cấp xã đối thoại với Nhân dân (Art 32)
	Conference = "conference" // hội nghị định kỳ của cộng đồng dân cư (Art 33)
)

// Kinds of follow-up.
const (
	Question   = "question"   // a question raised: answered by Owner by Due
	Commitment = "commitment" // a commitment made: done by Owner by Due
)

// PlanRecipients are whom a conference's plan goes to (ND 59 Art 10).
var PlanRecipients = []string{"commune", "front", "board"}

// Meeting is a dialogue or a conference.
type Meeting struct {
	ID, UnitID          int64
	Kind                string
	Year                int
	Day                 legal.Date
	Starts, Place       string
	Topics              string
	NoticedOn           legal.Date
	Channels            string
	PlanSent            []string
	Status              string // Planned or Held
	Convened, Attended  int
	HeadReport          string
	FrontReport         string
	BoardReport         string
	Result              string
	ResultSent          legal.Date
	Chair               string
	CreatedBy           int64
	CreatedAt, UpdateAt int64
	Version             int
	Items               []Item
	UnitName            string
}

// Item is a question raised or a commitment made at a meeting.
type Item struct {
	ID, MeetingID int64
	Kind          string
	Text, Owner   string
	Due, DoneOn   legal.Date
	Outcome       string
	CreatedAt     int64
}

// Late reports whether the item is past its day and not done.
func (i Item) Late(today legal.Date) bool { return i.DoneOn.IsZero() && i.Due.Before(today) }

// MeetingDraft is a meeting's plan.
type MeetingDraft struct {
	Kind          string
	UnitID        int64 // the commune (dialogue) or the village (conference)
	Day           legal.Date
	Starts, Place string
	Topics, Chair string
	NoticedOn     legal.Date
	Channels      string
	PlanSent      []string
	IdemKey       string
}

// Check checks a plan against today and the calendar: a conference's
// households are told at least 5 days before (ND 59 Art 10); its day is in
// the year it reports on.
func (d MeetingDraft) Check(today legal.Date, cat *legal.Catalogue, cal *legal.Calendar) (MeetingDraft, error) {
	p := web.Problems{}
	if d.Kind != Dialogue && d.Kind != Conference {
		p.Add("kind", apperr.M("reception.err.f.meeting_kind"))
	}
	switch {
	case d.Day.IsZero():
		p.Add("day", apperr.M("reception.err.f.date"))
	case d.Day.Before(today.AddDays(-366)) || today.AddDays(400).Before(d.Day):
		p.Add("day", apperr.M("reception.err.f.far"))
	}
	if d.Starts = strings.TrimSpace(d.Starts); d.Starts != "" {
		if _, err := time.Parse("15:04", d.Starts); err != nil {
			p.Add("starts", apperr.M("reception.err.f.time"))
		}
	}
	d.Place = p.Text("place", d.Place, maxLine, true)
	d.Topics = p.Text("topics", d.Topics, maxText, true)
	d.Chair = p.Text("chair", d.Chair, maxLine, true)
	d.Channels = p.Text("channels", d.Channels, 500, !d.NoticedOn.IsZero())
	var sent []string
	for _, r := range d.PlanSent {
		switch {
		case !slices.Contains(PlanRecipients, r):
			p.Add("plan_sent", apperr.M("reception.err.f.plan_sent"))
		case !slices.Contains(sent, r):
			sent = append(sent, r)
		}
	}
	d.PlanSent = sent
	if d.Kind == Dialogue {
		d.PlanSent = nil
	}
	if !d.NoticedOn.IsZero() && !d.Day.IsZero() {
		switch {
		case today.Before(d.NoticedOn):
			p.Add("noticed_on", apperr.M("reception.err.f.future"))
		case d.Day.Before(d.NoticedOn):
			p.Add("noticed_on", apperr.M("reception.err.f.notice_after"))
		case d.Kind == Conference:
			res, err := cat.Compute(cal, "conference.notice", d.Day, legal.Options{})
			if err != nil || res.Due.Before(d.NoticedOn) {
				p.Add("noticed_on", apperr.M("reception.err.f.notice_late", res.Due.VN()))
			}
		}
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.meeting_invalid"))
}

// HeldDraft is what a meeting held records.
type HeldDraft struct {
	Convened, Attended                   int
	HeadReport, FrontReport, BoardReport string
	Result                               string
	ResultSent                           legal.Date
	Version                              int
}

// Check checks it for a meeting of kind on day, recorded on today: a
// conference hears the village head's report (Art 33).
func (d HeldDraft) Check(kind string, day, today legal.Date) (HeldDraft, error) {
	p := web.Problems{}
	if today.Before(day) {
		p.Add("attended", apperr.M("reception.err.f.not_yet", day.VN()))
	}
	if d.Convened < 1 || d.Convened > 100000 {
		p.Add("convened", apperr.M("reception.err.f.count"))
	}
	if d.Attended < 0 || d.Attended > d.Convened {
		p.Add("attended", apperr.M("reception.err.f.attended"))
	}
	d.HeadReport = p.Text("head_report", d.HeadReport, maxText, kind == Conference)
	d.FrontReport = p.Text("front_report", d.FrontReport, maxText, false)
	d.BoardReport = p.Text("board_report", d.BoardReport, maxText, false)
	d.Result = p.Text("result", d.Result, 20000, true)
	if !d.ResultSent.IsZero() && (today.Before(d.ResultSent) || d.ResultSent.Before(day)) {
		p.Add("result_sent", apperr.M("reception.err.f.result_sent"))
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.held_invalid"))
}

// ItemDraft is a question or a commitment.
type ItemDraft struct {
	Kind, Text, Owner string
	Due               legal.Date
	IdemKey           string
}

// Check checks it.
func (d ItemDraft) Check(day legal.Date) (ItemDraft, error) {
	p := web.Problems{}
	if d.Kind != Question && d.Kind != Commitment {
		p.Add("item_kind", apperr.M("reception.err.f.item_kind"))
	}
	d.Text = p.Text("text", d.Text, maxText, true)
	d.Owner = p.Text("owner", d.Owner, maxLine, true)
	if d.Due.IsZero() || d.Due.Before(day) {
		p.Add("due", apperr.M("reception.err.f.due"))
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.item_invalid"))
}

// meetingAction is the action a meeting of kind needs on its unit: the
// commune's people's committee holds the dialogue; the village head (or the
// commune's officials, who hold it over their villages) the conference.
func meetingAction(kind string) auth.Action {
	if kind == Conference {
		return auth.DecideMatters
	}
	return auth.ReceiveCitizens
}

// meetingUnit is the unit of a meeting of kind, once the guard let a in.
func (s *Service) meetingUnit(ctx context.Context, a *auth.Actor, kind string, unitID int64) (org.Unit, error) {
	if err := s.guard.Can(ctx, a, meetingAction(kind), unitID); err != nil {
		return org.Unit{}, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, err
	}
	u, ok := t.Unit(unitID)
	level := org.CommuneLevel
	if kind == Conference {
		level = org.VillageLevel
	}
	if !ok || !u.Current() || u.Type.Level() != level {
		return org.Unit{}, apperr.New(apperr.CodeInvalid, "reception.err.meeting_invalid").
			WithFields(map[string]apperr.Msg{"unit": apperr.M("reception.err.f.meeting_unit")})
	}
	return u, nil
}

// PlanMeeting plans a dialogue or a conference of the commune communeID
// (the commune itself, or one of its villages).
func (s *Service) PlanMeeting(ctx context.Context, a *auth.Actor, communeID int64, d MeetingDraft) (Meeting, error) {
	if _, err := s.unit(ctx, a, communeID); err != nil {
		return Meeting{}, err
	}
	switch d.Kind {
	case Dialogue:
		d.UnitID = communeID
	case Conference:
	default:
		return Meeting{}, apperr.New(apperr.CodeInvalid, "reception.err.meeting_invalid").
			WithFields(map[string]apperr.Msg{"kind": apperr.M("reception.err.f.meeting_kind")})
	}
	u, err := s.meetingUnit(ctx, a, d.Kind, d.UnitID)
	if err == nil && u.ID != communeID && u.ParentID != communeID {
		err = apperr.New(apperr.CodeInvalid, "reception.err.meeting_invalid").WithFields(map[string]apperr.Msg{"unit": apperr.M("reception.err.f.meeting_unit")})
	}
	if err != nil {
		return Meeting{}, err
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Meeting{}, err
	}
	if d, err = d.Check(s.today(), s.cat, cal); err != nil {
		return Meeting{}, err
	}
	now := s.db.NowMillis()
	m := Meeting{ID: s.db.NewID(), UnitID: u.ID, Kind: d.Kind, Year: d.Day.Year, Day: d.Day, Starts: d.Starts, Place: d.Place, Topics: d.Topics,
		NoticedOn: d.NoticedOn, Channels: d.Channels, PlanSent: d.PlanSent, Status: Planned, Chair: d.Chair, CreatedBy: a.AccountID,
		CreatedAt: now, UpdateAt: now, Version: 1}
	key := db.Idem{Key: d.IdemKey, Fingerprint: db.Fingerprint(d.Kind, strconv.FormatInt(d.UnitID, 10), d.Day.String(), d.Starts, d.Place,
		d.Topics, d.Chair, dayText(d.NoticedOn), d.Channels, strings.Join(d.PlanSent, ","))}.In("reception.meeting", a.AccountID, u.ID)
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		first, _, err = s.db.Once(ctx, tx, key, func() (string, error) {
			if err := insertMeeting(ctx, tx, m); err != nil {
				return "", err
			}
			return strconv.FormatInt(m.ID, 10), s.guard.RecordEvent(ctx, tx, a, meetingAction(m.Kind), "reception.meeting", u.ID, "reception_meeting",
				strconv.FormatInt(m.ID, 10), nil, map[string]any{"kind": m.Kind, "day": m.Day.String(), "noticed_on": dayText(m.NoticedOn)})
		})
		return err
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("plan meeting: %w", err)
	}
	id, err := db.ResultID(first)
	if err != nil {
		return Meeting{}, err
	}
	return meetingByID(ctx, s.db, id)
}

// Meeting is a meeting of the unit (or of a village under it) and its
// items, for an official who may hold it; any other is "not found".
func (s *Service) Meeting(ctx context.Context, a *auth.Actor, unitID, id int64) (Meeting, error) {
	m, err := meetingByID(ctx, s.db, id)
	if err != nil {
		return Meeting{}, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return Meeting{}, err
	}
	if m.UnitID != unitID && !t.Within(m.UnitID, unitID) {
		return Meeting{}, apperr.New(apperr.CodeNotFound, "reception.err.no_meeting")
	}
	if err := s.guard.Can(ctx, a, meetingAction(m.Kind), m.UnitID); err != nil {
		return Meeting{}, apperr.New(apperr.CodeNotFound, "reception.err.no_meeting")
	}
	if m.Items, err = itemsOf(ctx, s.db, m.ID); err != nil {
		return Meeting{}, err
	}
	if u, ok := t.Unit(m.UnitID); ok {
		m.UnitName = u.Name
	}
	return m, nil
}

// Held records a meeting held: who came, the reports, the result.
func (s *Service) Held(ctx context.Context, a *auth.Actor, unitID, id int64, d HeldDraft) (Meeting, error) {
	m, err := s.Meeting(ctx, a, unitID, id)
	if err != nil {
		return Meeting{}, err
	}
	if d, err = d.Check(m.Kind, m.Day, s.today()); err != nil {
		return Meeting{}, err
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok, err := heldMeeting(ctx, tx, m.ID, d, s.db.NowMillis())
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		return s.guard.RecordEvent(ctx, tx, a, meetingAction(m.Kind), "reception.meeting_held", m.UnitID, "reception_meeting",
			strconv.FormatInt(m.ID, 10), nil, map[string]any{"convened": d.Convened, "attended": d.Attended, "result_sent": dayText(d.ResultSent)})
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("meeting held: %w", err)
	}
	return s.Meeting(ctx, a, unitID, id)
}

// AddItem records a question raised or a commitment made at a meeting held.
func (s *Service) AddItem(ctx context.Context, a *auth.Actor, unitID, meetingID int64, d ItemDraft) (Item, error) {
	m, err := s.Meeting(ctx, a, unitID, meetingID)
	if err != nil {
		return Item{}, err
	}
	if m.Status != Held {
		return Item{}, apperr.New(apperr.CodeConflict, "reception.err.not_held")
	}
	if d, err = d.Check(m.Day); err != nil {
		return Item{}, err
	}
	it := Item{ID: s.db.NewID(), MeetingID: m.ID, Kind: d.Kind, Text: d.Text, Owner: d.Owner, Due: d.Due, CreatedAt: s.db.NowMillis()}
	key := db.Idem{Key: d.IdemKey, Fingerprint: db.Fingerprint(d.Kind, d.Text, d.Owner, d.Due.String())}.In("reception.item", a.AccountID, m.ID)
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.db.Once(ctx, tx, key, func() (string, error) {
			if err := insertItem(ctx, tx, it); err != nil {
				return "", err
			}
			return strconv.FormatInt(it.ID, 10), s.guard.RecordEvent(ctx, tx, a, meetingAction(m.Kind), "reception.item", m.UnitID, "reception_meeting",
				strconv.FormatInt(m.ID, 10), nil, map[string]any{"item": it.ID, "kind": it.Kind, "due": it.Due.String()})
		})
		return err
	})
	return it, err
}

// DoneItem marks an item answered or carried out, with its outcome.
func (s *Service) DoneItem(ctx context.Context, a *auth.Actor, unitID, meetingID, itemID int64, outcome string) error {
	m, err := s.Meeting(ctx, a, unitID, meetingID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(m.Items, func(it Item) bool { return it.ID == itemID })
	if i < 0 {
		return apperr.New(apperr.CodeNotFound, "reception.err.no_item")
	}
	p := web.Problems{}
	outcome = p.Text("outcome", outcome, maxText, true)
	if err := p.Err(apperr.New(apperr.CodeInvalid, "reception.err.item_invalid")); err != nil {
		return err
	}
	today := s.today()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok, err := doneItem(ctx, tx, itemID, today, outcome)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "reception.err.item_done")
		}
		return s.guard.RecordEvent(ctx, tx, a, meetingAction(m.Kind), "reception.item_done", m.UnitID, "reception_meeting",
			strconv.FormatInt(m.ID, 10), nil, map[string]any{"item": itemID, "late": m.Items[i].Late(today)})
	})
}

// Meetings are the commune's dialogues and its villages' conferences of a
// year, by day; and the villages that have held no conference that year.
func (s *Service) Meetings(ctx context.Context, a *auth.Actor, communeID int64, year int) ([]Meeting, []org.Unit, error) {
	u, err := s.unit(ctx, a, communeID)
	if err != nil {
		return nil, nil, err
	}
	return s.meetingsOf(ctx, u, year)
}

func (s *Service) meetingsOf(ctx context.Context, u org.Unit, year int) ([]Meeting, []org.Unit, error) {
	if u.Type.Level() != org.CommuneLevel {
		return nil, nil, nil
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, nil, err
	}
	ms, err := meetingsIn(ctx, s.db, u.Path, year)
	if err != nil {
		return nil, nil, err
	}
	held := map[int64]bool{}
	for i := range ms {
		if x, ok := t.Unit(ms[i].UnitID); ok {
			ms[i].UnitName = x.Name
		}
		if ms[i].Kind == Conference && ms[i].Status == Held {
			held[ms[i].UnitID] = true
		}
	}
	var missing []org.Unit
	for _, v := range villagesOf(t, u) {
		if !held[v.ID] {
			missing = append(missing, v)
		}
	}
	return ms, missing, nil
}

// villagesOf are the villages in force of a commune.
func villagesOf(t *org.Tree, u org.Unit) []org.Unit {
	var out []org.Unit
	for _, v := range t.Descendants(u.ID) {
		if v.Current() && v.Type.Level() == org.VillageLevel {
			out = append(out, v)
		}
	}
	return out
}

// MinutesDoc is a meeting's minutes (biên bản) in the official layout, once held.
func (s *Service) MinutesDoc(ctx context.Context, a *auth.Actor, unitID, id int64) (document.Doc, error) {
	m, err := s.Meeting(ctx, a, unitID, id)
	if err != nil {
		return document.Doc{}, err
	}
	if m.Status != Held {
		return document.Doc{}, apperr.New(apperr.CodeNotFound, "reception.err.not_held")
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return document.Doc{}, err
	}
	u, _ := t.Unit(m.UnitID)
	commune := u
	if m.Kind == Conference {
		for _, x := range t.Ancestors(u.ID) {
			if x.Type.Level() == org.CommuneLevel {
				commune = x
			}
		}
	}
	return minutes(m, u, commune), nil
}

// minutes lays out a meeting's minutes.
func minutes(m Meeting, u, commune org.Unit) document.Doc {
	title := "Hội nghị đối thoại giữa Ủy ban nhân dân " + u.Name + " với Nhân dân năm " + strconv.Itoa(m.Year)
	issuer := "ỦY BAN NHÂN DÂN " + strings.ToUpper(u.Name)
	parent := ""
	if m.Kind == Conference {
		title = "Hội nghị định kỳ của cộng đồng dân cư " + u.Name + " năm " + strconv.Itoa(m.Year)
		issuer, parent = strings.ToUpper(u.Name), strings.ToUpper(commune.Name)
	}
	at := m.Day.VN()
	if m.Starts != "" {
		at = m.Starts + " ngày " + m.Day.VN()
	}
	body := []document.Block{
		{Kind: document.Paragraph, Text: "Vào lúc " + at + ", tại " + m.Place + "."},
		{Kind: document.Heading, Level: 1, Number: "I.", Text: "THÀNH PHẦN"},
		{Kind: document.Paragraph, Text: "Chủ trì: " + m.Chair + "."},
		{Kind: document.Paragraph, Text: fmt.Sprintf("Có mặt %d/%d người được mời.", m.Attended, m.Convened)},
		{Kind: document.Heading, Level: 1, Number: "II.", Text: "NỘI DUNG"},
	}
	body = append(body, document.Paragraphs(m.Topics)...)
	n := 2
	head := func(text string) {
		n++
		body = append(body, document.Block{Kind: document.Heading, Level: 1, Number: roman(n) + ".", Text: text})
	}
	for _, r := range []struct{ title, text string }{{"BÁO CÁO CỦA TRƯỞNG THÔN, TỔ TRƯỞNG TỔ DÂN PHỐ", m.HeadReport},
		{"BÁO CÁO CỦA BAN CÔNG TÁC MẶT TRẬN", m.FrontReport}, {"BÁO CÁO CỦA THÀNH VIÊN BAN THANH TRA NHÂN DÂN", m.BoardReport}} {
		if r.text != "" {
			head(r.title)
			body = append(body, document.Paragraphs(r.text)...)
		}
	}
	var qs, cs []Item
	for _, it := range m.Items {
		if it.Kind == Question {
			qs = append(qs, it)
		} else {
			cs = append(cs, it)
		}
	}
	for _, g := range []struct {
		title string
		items []Item
	}{{"Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN VÀ NGƯỜI TRẢ LỜI", qs}, {"CÁC VIỆC ĐÃ CAM KẾT", cs}} {
		if len(g.items) == 0 {
			continue
		}
		head(g.title)
		for _, it := range g.items {
			body = append(body, document.Block{Kind: document.Item, Level: 1, Text: it.Text + " — " + it.Owner + ", hạn " + it.Due.VN() + "."})
		}
	}
	head("KẾT LUẬN")
	body = append(body, document.Paragraphs(m.Result)...)
	return document.Doc{Style: document.State, Parent: parent, Issuer: issuer, Symbol: "BB", Place: commune.PlaceName(), Date: m.Day,
		Kind: "BIÊN BẢN", Summary: title, Body: body, Signature: document.Signature{Lines: []string{"CHỦ TRÌ"}, Name: m.Chair}}
}

func roman(n int) string {
	return [...]string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}[min(n, 10)]
}

// Villages are the villages in force of a commune (the conference form's list).
func (s *Service) Villages(ctx context.Context, u org.Unit) ([]org.Unit, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	return villagesOf(t, u), nil
}

// noticeDays is how many days before a conference its households are told
// at the latest (legal: conference.notice).
func (s *Service) noticeDays() int {
	r, _ := s.cat.Rule("conference.notice")
	return r.Length(legal.Options{})
}
