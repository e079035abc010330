package reception

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/code"
	"danchu/internal/ical"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/sheet"
	"danchu/internal/web"
)

// The public side of reception: each commune's and province's schedule (page
// and .ics), the reception office's address and hours, booking, the look-up
// by code, and the statistics (page, XLSX, open data). No citizen's name,
// phone or topic is public.

const icsType = ical.ContentType

// PublicSession is a session as the public sees it, with its unit.
func (s *Service) PublicSession(ctx context.Context, id int64) (Session, org.Unit, error) {
	x, err := sessionByID(ctx, s.db, id)
	if err != nil {
		return Session{}, org.Unit{}, err
	}
	u, err := s.receiving(ctx, x.UnitID)
	if err != nil || !u.Territory() {
		return Session{}, org.Unit{}, apperr.New(apperr.CodeNotFound, "reception.err.no_session")
	}
	x.VideoURL = "" // given to those who book
	return x, u, nil
}

// bookingFor is a booking of the unit still to be received, for the entry
// form's prefill.
func (s *Service) bookingFor(ctx context.Context, unitID int64, typed string) (Booking, bool) {
	c, ok := code.Parse(typed, BookingPrefix)
	if !ok {
		return Booking{}, false
	}
	b, err := bookingByCode(ctx, s.db, c)
	if err != nil || b.UnitID != unitID || b.Status != Booked {
		return Booking{}, false
	}
	return b, true
}

// Events are the unit's sessions from from to to as calendar events
// (calendar.Source: a commune's calendar carries its sessions).
func (s *Service) Events(ctx context.Context, u org.Unit, from, to legal.Date) ([]ical.Event, error) {
	ss, err := sessionsOf(ctx, s.db, u.ID, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]ical.Event, 0, len(ss))
	for _, x := range ss {
		d := []string{fmt.Sprintf("%s (%s) tiếp công dân định kỳ; %d chỗ đặt lịch, còn %d.", x.LeaderName, x.LeaderTitle, x.Slots, x.Free())}
		switch x.Status {
		case Moved:
			d = append(d, "Đã dời lịch: "+x.Notice)
		case Missed:
			d = append(d, "Không tổ chức: "+x.Notice)
		}
		out = append(out, ical.Event{Key: "reception-" + strconv.FormatInt(x.ID, 10), Summary: "Tiếp công dân: " + x.LeaderName,
			Description: strings.Join(d, "\n"), Location: x.Place, URL: ScheduleURL(u), Categories: []string{"Tiếp công dân"},
			Start: x.Start(), End: x.End(), Created: time.UnixMilli(x.CreatedAt), Modified: time.UnixMilli(x.UpdatedAt),
			Sequence: x.Version - 1, Cancelled: x.Status == Moved || x.Status == Missed, Busy: true})
		if len(out) == 1000 {
			break
		}
	}
	return out, nil
}

// Calendar is the unit's reception schedule as iCalendar: the last month and
// the next three.
func (s *Service) Calendar(ctx context.Context, u org.Unit, base string) ([]byte, error) {
	today := s.today()
	evs, err := s.Events(ctx, u, today.AddDays(-PublicBack), today.AddDays(PublicAhead))
	if err != nil {
		return nil, err
	}
	host := base
	if p, err := url.Parse(base); err == nil && p.Host != "" {
		host = p.Host
	}
	for i := range evs {
		if strings.HasPrefix(evs[i].URL, "/") {
			evs[i].URL = base + evs[i].URL
		}
	}
	c := ical.Calendar{Name: "Lịch tiếp công dân " + u.Name, URL: base + ScheduleURL(u), Host: host, Refresh: 6 * time.Hour,
		Description: "Lịch tiếp công dân định kỳ của lãnh đạo " + u.Name + " (Luật Tiếp công dân 2013).", Events: evs}
	return c.Bytes(), nil
}

// PublicLink is the link a province's or commune's page gives to its
// reception schedule (org.Room, wired by app).
func (s *Service) PublicLink(u org.Unit) (web.Link, bool) {
	if !u.Territory() {
		return web.Link{}, false
	}
	return web.Link{Text: apperr.M("reception.public.link"), URL: ScheduleURL(u)}, true
}

// --- statistics ---

// StatRow is a unit's reception in a year: the sessions its leaders had to
// hold by the minimum (months up to the current one), held, moved and
// missed; citizens received; the book's entries by outcome; answers on time.
type StatRow struct {
	UnitID        int64  `json:"-"`
	Code          string `json:"unit_code"`
	Name          string `json:"unit_name"`
	Leaders       int    `json:"leaders"`
	Required      int    `json:"sessions_required"`
	Held          int    `json:"sessions_held"`
	Moved         int    `json:"sessions_moved"`
	Missed        int    `json:"sessions_missed"`
	Visits        int    `json:"visits"`
	People        int    `json:"people"`
	Mass          int    `json:"mass_visits"`
	Complaints    int    `json:"complaints"`
	Denunciations int    `json:"denunciations"`
	Proposals     int    `json:"petitions"`
	Accepted      int    `json:"accepted"`
	Verify        int    `json:"to_verify"`
	Refused       int    `json:"refused"`
	Transferred   int    `json:"transferred"`
	Unanswered    int    `json:"unanswered"`
	OnTime        int    `json:"answered_on_time"`
	Late          int    `json:"answered_late_or_overdue"`
	Year          int    `json:"year"`
}

func (r *StatRow) add(o StatRow) {
	r.Leaders += o.Leaders
	r.Required += o.Required
	r.Held += o.Held
	r.Moved += o.Moved
	r.Missed += o.Missed
	r.Visits += o.Visits
	r.People += o.People
	r.Mass += o.Mass
	r.Complaints += o.Complaints
	r.Denunciations += o.Denunciations
	r.Proposals += o.Proposals
	r.Accepted += o.Accepted
	r.Verify += o.Verify
	r.Refused += o.Refused
	r.Transferred += o.Transferred
	r.Unanswered += o.Unanswered
	r.OnTime += o.OnTime
	r.Late += o.Late
}

// LeaderRow is a leader's sessions in a year: required by their minimum
// (months up to the current one), held, moved and missed.
type LeaderRow struct {
	UnitName, Name, Title         string
	Required, Held, Moved, Missed int
}

// Stats are a territory's reception in year: a row per unit under it that
// receives citizens (its communes and agencies, itself), each leader's months
// counted up to the current one, and the total; and a row per leader. Three
// queries whatever the number of units.
func (s *Service) Stats(ctx context.Context, territory org.Unit, year int) ([]StatRow, StatRow, []LeaderRow, error) {
	today := s.today()
	from, to := legal.DateOf(year, time.January, 1), legal.DateOf(year, time.December, 31)
	lastMonth := time.December
	if year == today.Year {
		lastMonth = today.Month
	} else if today.Year < year {
		lastMonth = 0
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, StatRow{}, nil, err
	}
	leaders, err := leadersIn(ctx, s.db, territory.Path)
	if err != nil {
		return nil, StatRow{}, nil, err
	}
	sessions, err := sessionsIn(ctx, s.db, territory.Path, from, to.AddDays(6))
	if err != nil {
		return nil, StatRow{}, nil, err
	}
	counts, err := visitCounts(ctx, s.db, territory.Path, from, to, today.String())
	if err != nil {
		return nil, StatRow{}, nil, err
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return nil, StatRow{}, nil, err
	}
	rows := map[int64]*StatRow{}
	row := func(id int64) *StatRow {
		if r, ok := rows[id]; ok {
			return r
		}
		u, _ := t.Unit(id)
		r := &StatRow{UnitID: id, Code: u.OfficeKey(), Name: u.Name, Year: year}
		rows[id] = r
		return r
	}
	byLeader := map[int64][]Session{}
	for _, x := range sessions {
		byLeader[x.LeaderID] = append(byLeader[x.LeaderID], x)
		if x.Day.Year != year {
			continue
		}
		r := row(x.UnitID)
		switch x.Status {
		case Held:
			r.Held++
		case Moved:
			r.Moved++
		case Missed:
			r.Missed++
		}
	}
	var byLeaderRows []LeaderRow
	for _, l := range leaders {
		r := row(l.UnitID)
		r.Leaders++
		lr := LeaderRow{UnitName: r.Name, Name: l.Name, Title: l.Title}
		for _, x := range byLeader[l.ID] {
			if x.Day.Year != year {
				continue
			}
			switch x.Status {
			case Held:
				lr.Held++
			case Moved:
				lr.Moved++
			case Missed:
				lr.Missed++
			}
		}
		since := legal.Today(time.UnixMilli(l.CreatedAt))
		var days []legal.Date
		for _, x := range byLeader[l.ID] {
			if x.Counts() {
				days = append(days, x.Day)
			}
		}
		for m := time.January; m <= lastMonth; m++ {
			if legal.DateOf(year, m, 1).AddMonths(1).AddDays(-1).Before(since) {
				continue // the leader was not on the schedule yet
			}
			n := legal.CheckReception(l.Minimum(), cal, year, m, days).Needs
			r.Required += n
			lr.Required += n
		}
		byLeaderRows = append(byLeaderRows, lr)
	}
	for _, c := range counts {
		r := row(c.UnitID)
		r.Visits += c.Visits
		r.People += c.People
		r.Mass += c.Mass
		switch c.Kind {
		case Complaint:
			r.Complaints += c.Entries
		case Denunciation:
			r.Denunciations += c.Entries
		case Proposal:
			r.Proposals += c.Entries
		}
		switch c.Outcome {
		case Accepted:
			r.Accepted += c.Entries
		case Verify:
			r.Verify += c.Entries
		case Refused:
			r.Refused += c.Entries
		case Transferred:
			r.Transferred += c.Entries
		default:
			r.Unanswered += c.Entries
		}
		r.OnTime += c.Answered - c.AnsweredLate
		r.Late += c.AnsweredLate + c.OpenLate
	}
	out := make([]StatRow, 0, len(rows))
	total := StatRow{Name: "Tổng cộng", Year: year}
	for _, r := range rows {
		out = append(out, *r)
		total.add(*r)
	}
	slices.SortFunc(out, func(a, b StatRow) int {
		if a.UnitID == territory.ID || b.UnitID == territory.ID {
			return cmp.Compare(boolInt(b.UnitID == territory.ID), boolInt(a.UnitID == territory.ID))
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, total, byLeaderRows, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

type statsPage struct {
	Unit    org.Unit
	Crumbs  []org.Crumb
	Year    int
	Rows    []StatRow
	Total   StatRow
	Leaders []LeaderRow
	Mass    int
	Data    string
}

func yearParam(r *http.Request, today legal.Date) (int, error) {
	s := r.URL.Query().Get("nam")
	if s == "" {
		return today.Year, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2014 || y > today.Year+1 {
		return 0, apperr.New(apperr.CodeInvalid, "reception.err.year", today.Year).Mark("nam")
	}
	return y, nil
}

func (h *handlers) statsOf(w http.ResponseWriter, r *http.Request, level org.Level) (statsPage, bool) {
	u, t, ok := org.PathTerritory(h.web, h.units, w, r, level)
	if !ok {
		return statsPage{}, false
	}
	year, err := yearParam(r, legal.Today(h.svc.Now()))
	var p statsPage
	if err == nil {
		p = statsPage{Unit: u, Crumbs: t.Trail(u.ID), Year: year, Mass: h.svc.MassFrom, Data: "/api/v1/units/" + u.Code + "/reception-stats"}
		p.Rows, p.Total, p.Leaders, err = h.svc.Stats(r.Context(), u, year)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return p, false
	}
	return p, true
}

func (h *handlers) publicStats(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p, ok := h.statsOf(w, r, level); ok {
			h.web.Render(w, r, h.pages["stats"], h.web.T(r, "reception.stats.title", p.Unit.Name, p.Year), p)
		}
	}
}

func (h *handlers) publicStatsSheet(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.statsOf(w, r, level)
		if !ok {
			return
		}
		var out [][]any
		for _, s := range append(p.Rows, p.Total) {
			out = append(out, []any{s.Name, s.Leaders, s.Required, s.Held, s.Moved, s.Missed, s.Visits, s.People, s.Mass, s.Complaints,
				s.Denunciations, s.Proposals, s.Accepted, s.Verify, s.Refused, s.Transferred, s.Unanswered, s.OnTime, s.Late})
		}
		b, err := sheet.XLSX(sheet.Table{Name: "Tiếp công dân", Title: fmt.Sprintf("THỐNG KÊ TIẾP CÔNG DÂN NĂM %d — %s", p.Year, strings.ToUpper(p.Unit.Name)),
			Note: fmt.Sprintf("Buổi phải tiếp: theo mức tối thiểu của từng lãnh đạo (Luật Tiếp công dân 2013 Điều 12, 15, 18), các tháng đến nay. Lượt đông người: từ %d người. Trả lời đúng hạn: trong 10 ngày làm việc (Điều 28).", p.Mass),
			Head: []string{"Đơn vị", "Lãnh đạo tiếp dân", "Buổi phải tiếp", "Đã tiếp", "Dời lịch", "Không tổ chức", "Lượt tiếp", "Số người",
				"Lượt đông người", "Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh", "Đã thụ lý", "Cần xác minh", "Không thụ lý", "Đã chuyển",
				"Chưa trả lời", "Trả lời đúng hạn", "Trả lời trễ hoặc quá hạn"},
			Widths: []float64{32, 10, 10, 9, 9, 10, 9, 9, 10, 10, 9, 11, 10, 10, 10, 9, 10, 11, 12}, Rows: out},
			sheet.Table{Name: "Theo lãnh đạo", Title: fmt.Sprintf("BUỔI TIẾP CÔNG DÂN CỦA TỪNG LÃNH ĐẠO NĂM %d — %s", p.Year, strings.ToUpper(p.Unit.Name)),
				Note:   "Buổi phải tiếp: theo mức tối thiểu của chức danh, các tháng đến nay, từ khi lãnh đạo có trong lịch tiếp.",
				Head:   []string{"Lãnh đạo", "Chức vụ", "Đơn vị", "Buổi phải tiếp", "Đã tiếp", "Dời lịch", "Không tổ chức"},
				Widths: []float64{28, 30, 28, 10, 9, 9, 10}, Rows: leaderCells(p.Leaders)})
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		sheet.Send(w, fmt.Sprintf("thong-ke-tiep-cong-dan-%s-%d.xlsx", p.Unit.OfficeKey(), p.Year), b)
	}
}

func leaderCells(ls []LeaderRow) [][]any {
	out := make([][]any, 0, len(ls))
	for _, l := range ls {
		out = append(out, []any{l.Name, l.Title, l.UnitName, l.Required, l.Held, l.Moved, l.Missed})
	}
	return out
}

// SessionRow is a session as the open data gives it (schema ReceptionSessionRow).
type SessionRow struct {
	ID          string `json:"id"`
	UnitCode    string `json:"unit_code"`
	UnitName    string `json:"unit_name"`
	Leader      string `json:"leader"`
	LeaderTitle string `json:"leader_title"`
	Day         string `json:"day"`
	Starts      string `json:"starts"`
	Ends        string `json:"ends"`
	Place       string `json:"place"`
	Status      string `json:"status"`
	Slots       int    `json:"slots"`
	Free        int    `json:"free"`
	Notice      string `json:"notice"`
}

// apiSessions answers GET /api/v1/units/{code}/reception-sessions: the public
// schedule's span, one page.
func (h *handlers) apiSessions(w http.ResponseWriter, r *http.Request) {
	u, _, ok := org.APITerritory(h.web, h.units, w, r)
	if !ok {
		return
	}
	today := legal.Today(h.svc.Now())
	ss, err := h.svc.Sessions(r.Context(), u.ID, today.AddDays(-PublicBack), today.AddDays(PublicAhead))
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	rows := make([]SessionRow, 0, len(ss))
	for _, x := range ss {
		rows = append(rows, SessionRow{ID: strconv.FormatInt(x.ID, 10), UnitCode: u.Code, UnitName: u.Name, Leader: x.LeaderName,
			LeaderTitle: x.LeaderTitle, Day: x.Day.String(), Starts: x.Starts, Ends: x.Ends, Place: x.Place, Status: x.Status,
			Slots: x.Slots, Free: x.Free(), Notice: x.Notice})
	}
	web.SendRows(h.web, w, r, "lich-tiep-cong-dan-"+u.Code, rows, nil)
}

// apiStats answers GET /api/v1/units/{code}/reception-stats?nam=YYYY.
func (h *handlers) apiStats(w http.ResponseWriter, r *http.Request) {
	u, _, ok := org.APITerritory(h.web, h.units, w, r)
	if !ok {
		return
	}
	year, err := yearParam(r, legal.Today(h.svc.Now()))
	var rows []StatRow
	if err == nil {
		rows, _, _, err = h.svc.Stats(r.Context(), u, year)
	}
	web.SendRows(h.web, w, r, "thong-ke-tiep-cong-dan-"+u.Code, rows, err)
}

// Datasets are the open data of reception for a province or commune.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if !u.Territory() {
		return nil, nil
	}
	at, err := lastChange(ctx, s.db, u.Path)
	if err != nil {
		return nil, err
	}
	base := "/api/v1/units/" + u.Code
	return []web.Dataset{
		{Key: "reception-sessions", Title: apperr.M("reception.data.sessions"), About: apperr.M("reception.data.sessions_about"),
			URL: base + "/reception-sessions", Columns: web.Columns[SessionRow](), UpdatedAt: at},
		{Key: "reception-stats", Title: apperr.M("reception.data.stats"), About: apperr.M("reception.data.stats_about"),
			URL: base + "/reception-stats", Columns: web.Columns[StatRow](), UpdatedAt: at},
	}, nil
}

// --- the back office ---

// Due is the officials' home's work to do: per unit, the book's entries not
// yet answered, those past their 10 working days and the earliest last day.
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	if len(units) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(units))
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	counts, err := openVisits(ctx, s.db, ids, s.today().String())
	if err != nil {
		return nil, err
	}
	var out []office.Item
	for _, u := range units {
		if c, ok := counts[u.ID]; ok && c.n > 0 {
			out = append(out, office.Item{Kind: "reception.work.open", UnitID: u.ID, Action: auth.ReceiveCitizens, Page: Page + "/so",
				Count: c.n, Overdue: c.late, Earliest: day(c.earliest)})
		}
		more, err := s.meetingWork(ctx, u)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// meetingWork is what a commune or a province lacks of the year's dialogues
// and conferences (LDC Arts 32–33: by the year's end), and the questions and
// commitments still open in its area.
func (s *Service) meetingWork(ctx context.Context, u org.Unit) ([]office.Item, error) {
	level := u.Type.Level()
	if level != org.CommuneLevel && level != org.ProvinceLevel {
		return nil, nil
	}
	today := s.today()
	yearEnd := legal.DateOf(today.Year, time.December, 31)
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := meetingsIn(ctx, s.db, u.Path, today.Year)
	if err != nil {
		return nil, err
	}
	dialogue, conference := map[int64]bool{}, map[int64]bool{}
	for _, m := range ms {
		if m.Status != Held {
			continue
		}
		if m.Kind == Dialogue {
			dialogue[m.UnitID] = true
		} else {
			conference[m.UnitID] = true
		}
	}
	communes := []org.Unit{u}
	if level == org.ProvinceLevel {
		communes = communes[:0]
		for _, c := range t.Descendants(u.ID) {
			if c.Current() && c.Type.Level() == org.CommuneLevel {
				communes = append(communes, c)
			}
		}
	}
	noDialogue, noConference := 0, 0
	for _, c := range communes {
		if !dialogue[c.ID] {
			noDialogue++
		}
		for _, v := range villagesOf(t, c) {
			if !conference[v.ID] {
				noConference++
			}
		}
	}
	var out []office.Item
	page := Page + "/doi-thoai"
	if noDialogue > 0 {
		out = append(out, office.Item{Kind: "reception.work.dialogue", UnitID: u.ID, Action: auth.ReceiveCitizens, Page: page, Count: noDialogue, Earliest: yearEnd})
	}
	if noConference > 0 {
		out = append(out, office.Item{Kind: "reception.work.conference", UnitID: u.ID, Action: auth.ReceiveCitizens, Page: page, Count: noConference, Earliest: yearEnd})
	}
	items, err := openItems(ctx, s.db, u.Path, today.String())
	if err != nil {
		return nil, err
	}
	n, late, earliest := 0, 0, ""
	for _, c := range items {
		n, late = n+c.n, late+c.late
		if earliest == "" || c.earliest < earliest {
			earliest = c.earliest
		}
	}
	if n > 0 {
		out = append(out, office.Item{Kind: "reception.work.items", UnitID: u.ID, Action: auth.ReceiveCitizens, Page: page, Count: n, Overdue: late, Earliest: day(earliest)})
	}
	return out, nil
}

// Columns are reception's figure in the province table: of the sessions the
// commune's leaders had to hold this quarter so far, how many were held.
func (s *Service) Columns() []office.Column {
	return []office.Column{{Key: "tiep-dan", Label: "reception.figures.held", Percent: true},
		{Key: "doi-thoai", Label: "reception.figures.dialogue"}, {Key: "hoi-nghi-thon", Label: "reception.figures.conferences", Percent: true}}
}

// Figures are, per commune, the sessions held of those required in the
// quarter's months up to today.
func (s *Service) Figures(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, p office.Period) (map[int64][]office.Figure, error) {
	out := map[int64][]office.Figure{}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	leaders, err := leadersIn(ctx, s.db, province.Path)
	if err != nil {
		return nil, err
	}
	sessions, err := sessionsIn(ctx, s.db, province.Path, p.From, p.To.AddDays(6))
	if err != nil {
		return nil, err
	}
	of := map[int64]*office.Figure{}
	for _, c := range communes {
		of[c.ID] = &office.Figure{}
	}
	byLeader := map[int64][]legal.Date{}
	for _, x := range sessions {
		if x.Counts() {
			byLeader[x.LeaderID] = append(byLeader[x.LeaderID], x.Day)
		}
		if f := of[x.UnitID]; f != nil && x.Status == Held && x.Day.Before(p.To) {
			f.N++
		}
	}
	for _, l := range leaders {
		f := of[l.UnitID]
		if f == nil {
			continue
		}
		for m := p.From; m.Before(p.To) && !p.Today.Before(m); m = m.AddMonths(1) {
			f.Of += legal.CheckReception(l.Minimum(), cal, m.Year, m.Month, byLeader[l.ID]).Needs
		}
	}
	// The year's dialogue held (a count) and the villages' conferences held.
	ms, err := meetingsIn(ctx, s.db, province.Path, p.From.Year)
	if err != nil {
		return nil, err
	}
	dialogues, held := map[int64]int{}, map[int64]bool{} // held: the villages that held their conference
	for _, m := range ms {
		if m.Status != Held {
			continue
		}
		if m.Kind == Dialogue {
			dialogues[m.UnitID]++
		} else {
			held[m.UnitID] = true
		}
	}
	for _, c := range communes {
		f := *of[c.ID]
		villages := villagesOf(t, c)
		n := 0
		for _, v := range villages {
			if held[v.ID] {
				n++
			}
		}
		out[c.ID] = []office.Figure{f, {N: dialogues[c.ID], Of: 1}, {N: n, Of: len(villages)}}
	}
	return out, nil
}
