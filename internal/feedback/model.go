// Package feedback is the capability "phản ánh, kiến nghị": citizens send
// feedback or petitions, officials route, answer and close them within
// working-day deadlines, citizens follow them by tracking code and rate the
// answer; Open311 GeoReport v2 for existing clients. This file holds the rules,
// pure; the store, service and pages come next.
package feedback

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/code"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Kinds of item and the prefix of their tracking codes.
const (
	Feedback = "feedback" // phản ánh: PA-…
	Petition = "petition" // kiến nghị: KN-…
)

// Prefix is the tracking-code prefix of a kind.
func Prefix(kind string) string {
	if kind == Petition {
		return "KN"
	}
	return "PA"
}

// parseCode reads a tracking code as a person typed it (any case, spaces or
// dashes), of either kind. Typed without its prefix ("7k3q 9mxd"), it gives
// both codes it may be, feedback first; Service.resolveCode picks the one that exists.
func parseCode(typed string) ([]string, bool) {
	if c, ok := code.Parse(typed, "PA"); ok {
		return []string{c}, true
	}
	if c, ok := code.Parse(typed, "KN"); ok {
		return []string{c}, true
	}
	c, ok := code.Parse(typed, "")
	if !ok {
		return nil, false
	}
	return []string{"PA-" + c, "KN-" + c}, true
}

// Statuses of an item.
const (
	Received   = "received"
	Accepted   = "accepted"
	Refused    = "refused" // with a reason; final
	InProgress = "in_progress"
	Answered   = "answered"
	Closed     = "closed"
	Reopened   = "reopened"
)

// Actions an official takes on an item.
const (
	DoAccept   = "accept"
	DoRefuse   = "refuse"
	DoStart    = "start"
	DoAnswer   = "answer"
	DoTransfer = "transfer"
	DoMerge    = "merge"
	DoClose    = "close"
)

// StatusRule is a row of the status table.
type StatusRule struct {
	Name  string
	Label string // the name pages show (StatusNames)
	// Open: officials still have to act on it (the queue, the reminders,
	// Open311's "open"); every other status is closed to them.
	Open bool
	// Answered: the handling ended (with the answer, or closed after it), so the
	// reporter may rate it and, within ReopenWindow, reopen it.
	Answered bool
	Final    bool     // no move leaves it
	Next     []string // the statuses it may move to: the status machine
	Steps    []string // the steps an official may take from it, each to one of Next (stepTo)
}

// Statuses is the status table: every status of an item, in the order pages
// and SQL lists give them. The status machine (CheckMove), the item page's
// buttons (AllowedSteps) and the SQL lists (OpenStatuses…) come from it.
var Statuses = []StatusRule{
	{Name: Received, Label: "Đã tiếp nhận", Open: true, Next: []string{Accepted, Refused}, Steps: []string{DoAccept, DoRefuse}},
	{Name: Accepted, Label: "Đã thụ lý", Open: true, Next: []string{InProgress, Answered}, Steps: []string{DoStart, DoAnswer}},
	{Name: InProgress, Label: "Đang xử lý", Open: true, Next: []string{Answered}, Steps: []string{DoAnswer}},
	{Name: Reopened, Label: "Mở lại", Open: true, Next: []string{InProgress, Answered}, Steps: []string{DoStart, DoAnswer}},
	{Name: Answered, Label: "Đã trả lời", Answered: true, Next: []string{Closed, Reopened}, Steps: []string{DoClose}}, // reopening is the reporter's
	{Name: Refused, Label: "Không thụ lý", Final: true},
	{Name: Closed, Label: "Đã đóng", Answered: true, Next: []string{Reopened}}, // by the reporter only
}

// stepTo is the status each status-moving step leads to. Transfer and merge
// are not here: a transfer keeps the status (a new receipt), a merge closes.
var stepTo = map[string]string{DoAccept: Accepted, DoRefuse: Refused, DoStart: InProgress, DoAnswer: Answered, DoClose: Closed}

// StatusList is a list of statuses taken from the table.
type StatusList []string

// statusesWhere lists the statuses of the table that keep holds for, in order.
func statusesWhere(keep func(StatusRule) bool) StatusList {
	var l StatusList
	for _, r := range Statuses {
		if keep(r) {
			l = append(l, r.Name)
		}
	}
	return l
}

// The status lists the store and the rules read.
var (
	OpenStatuses     = statusesWhere(func(r StatusRule) bool { return r.Open })
	ClosedStatuses   = statusesWhere(func(r StatusRule) bool { return !r.Open })
	AnsweredStatuses = statusesWhere(func(r StatusRule) bool { return r.Answered })
)

// Has reports whether status is in the list.
func (l StatusList) Has(status string) bool { return slices.Contains(l, status) }

// SQL is the list as an SQL "in" list: ('received', 'accepted'). The names are
// the table's constants (lower-case letters and _), never user input.
func (l StatusList) SQL() string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = "'" + s + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// statusRules is the table by name.
var statusRules = func() map[string]StatusRule {
	m := make(map[string]StatusRule, len(Statuses))
	for _, r := range Statuses {
		m[r.Name] = r
	}
	return m
}()

// AllowedSteps are the status-moving steps an official may take on an item in
// status (the item page's buttons); transfer and merge are allowed while the
// item is open (OpenStatuses), and no step on an item merged into another.
func AllowedSteps(status string) []string { return statusRules[status].Steps }

// CanMove reports whether an item may go from status from to status to.
func CanMove(from, to string) bool { return slices.Contains(statusRules[from].Next, to) }

// CheckMove refuses a move the status machine does not allow, saying where the
// item can go from here.
func CheckMove(from, to string) error {
	if CanMove(from, to) {
		return nil
	}
	var next []string
	for _, s := range statusRules[from].Next {
		next = append(next, "“"+StatusNames[s]+"”")
	}
	if len(next) == 0 {
		return apperr.New(apperr.CodeConflict, "feedback.err.move_final", StatusNames[from], StatusNames[to])
	}
	return apperr.New(apperr.CodeConflict, "feedback.err.move", StatusNames[from], StatusNames[to], strings.Join(next, ", "))
}

// StatusNames name the statuses (the table's labels).
var StatusNames = func() map[string]string {
	m := make(map[string]string, len(Statuses))
	for _, r := range Statuses {
		m[r.Name] = r.Label
	}
	return m
}()

// Item is an item as the officials handling it see it.
type Item struct {
	ID                          int64
	Code, Kind, Category        string
	Status                      string
	UnitID, HandlerID           int64
	Description, Address        string
	Lat, Lon                    *float64
	AuthorID                    int64
	Contact                     string
	DueOn                       legal.Date
	Answer                      string
	AnsweredAt                  int64
	Rating                      int
	RatingNote                  string
	Reopened                    bool
	MergedInto                  int64
	Photos                      int
	CreatedAt, UpdatedAt, Since int64
}

// Open reports whether officials still have to act on the item.
func (it Item) Open() bool {
	return OpenStatuses.Has(it.Status)
}

// Limits of a submission.
const (
	MaxDescription = 5000
	MaxPhotos      = 5
	MaxPhotoBytes  = 10 << 20
	// MaxUploadBytes is the largest feedback form: its photos and 1 MB of text.
	MaxUploadBytes = MaxPhotos*MaxPhotoBytes + 1<<20
)

// CheckDescription refuses an empty or overlong description.
func CheckDescription(s string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	switch {
	case n == 0:
		return apperr.New(apperr.CodeInvalid, "feedback.err.description_required").Mark("description")
	case n > MaxDescription:
		return apperr.New(apperr.CodeInvalid, "feedback.err.description_long", n, MaxDescription).Mark("description")
	}
	return nil
}

// Limits of the other fields of a submission.
const (
	MaxAddress = 300
	MaxContact = 200
)

// CheckContact refuses a contact that is neither an e-mail address nor a phone
// number (8 to 15 digits, spaces, dots, dashes and a leading + allowed), and an
// overlong address; "" is fine (no answer by contact, or the account's).
func CheckContact(contact, address string) error {
	if n := utf8.RuneCountInString(address); n > MaxAddress {
		return apperr.New(apperr.CodeInvalid, "feedback.err.address_long", n, MaxAddress).Mark("address")
	}
	c := strings.TrimSpace(contact)
	bad := apperr.New(apperr.CodeInvalid, "feedback.err.contact").Mark("contact")
	switch {
	case c == "":
		return nil
	case len(c) > MaxContact:
		return bad
	case strings.Contains(c, "@"):
		if a, err := mail.ParseAddress(c); err != nil || a.Address != c {
			return bad
		}
		return nil
	}
	digits := 0
	for i, r := range c {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '.' || r == '-' || (r == '+' && i == 0):
		default:
			return bad
		}
	}
	if digits < 8 || digits > 15 {
		return bad
	}
	return nil
}

// box is a latitude/longitude rectangle.
type box struct{ latMin, latMax, lonMin, lonMax float64 }

// vietnam covers the mainland and the Hoàng Sa and Trường Sa archipelagos (a
// coarse check: a point outside is refused, one inside is not proven inside).
var vietnam = []box{
	{8.18, 23.40, 102.14, 109.47},  // mainland, coastal islands
	{15.70, 17.20, 111.00, 112.80}, // Hoàng Sa
	{6.50, 12.00, 111.50, 117.90},  // Trường Sa
}

// CheckPlace refuses a point outside Vietnam.
func CheckPlace(lat, lon float64) error {
	for _, b := range vietnam {
		if lat >= b.latMin && lat <= b.latMax && lon >= b.lonMin && lon <= b.lonMax {
			return nil
		}
	}
	return apperr.New(apperr.CodeInvalid, "feedback.err.outside", lat, lon).Mark("location")
}

// ReopenWindow is how long after the answer a dissatisfied citizen may reopen
// an item, once (no statute sets it: the platform's rule; the sweep closes
// answered items once it has passed).
const ReopenWindow = 7 * 24 * time.Hour

// CheckReopen refuses a reopening after the window or a second one.
func CheckReopen(status string, answeredAt, now time.Time, reopenedBefore bool) error {
	switch {
	case !AnsweredStatuses.Has(status):
		return apperr.New(apperr.CodeConflict, "feedback.err.reopen_unanswered")
	case reopenedBefore:
		return apperr.New(apperr.CodeConflict, "feedback.err.reopened")
	case now.Sub(answeredAt) > ReopenWindow:
		return apperr.New(apperr.CodeConflict, "feedback.err.reopen_late")
	}
	return nil
}

// CheckRating refuses a rating outside 1–5, on an item without an answer, or a
// second one (the commune's satisfaction rating, LDC 2022 Art 35(2)(a)).
func CheckRating(stars int, status string, ratedBefore bool) error {
	switch {
	case !AnsweredStatuses.Has(status):
		return apperr.New(apperr.CodeConflict, "feedback.err.rate_unanswered")
	case ratedBefore:
		return apperr.New(apperr.CodeConflict, "feedback.err.rated")
	case stars < 1 || stars > 5:
		return apperr.New(apperr.CodeInvalid, "feedback.err.stars").Mark("stars")
	}
	return nil
}

// SatisfiedFrom is the least number of stars that counts a rating as satisfied.
const SatisfiedFrom = 4

// Satisfied reports whether a rating of stars counts as satisfied.
func Satisfied(stars int) bool { return stars >= SatisfiedFrom }

// CanRate reports whether the reporter is offered the rating form: an answered
// item, not rated yet, not merged into another (its answer is the kept item's).
func (it Item) CanRate() bool {
	return AnsweredStatuses.Has(it.Status) && it.Rating == 0 && it.MergedInto == 0
}

// CheckReopen refuses the reporter's reopening of it at now: CheckReopen's
// rules, and never a duplicate merged into another item (no step may be taken
// on it, so reopened it would stay in the queue for ever).
func (it Item) CheckReopen(now time.Time) error {
	if it.MergedInto != 0 {
		return apperr.New(apperr.CodeConflict, "feedback.err.reopen_merged")
	}
	return CheckReopen(it.Status, time.UnixMilli(it.AnsweredAt), now, it.Reopened)
}

// CanReopen reports whether the reporter is offered the reopening form at now:
// an answered item, not reopened before, not merged, within ReopenWindow of
// the answer (the service refuses the rest: Item.CheckReopen).
func (it Item) CanReopen(now time.Time) bool { return it.CheckReopen(now) == nil }

// SetsSettings reports whether a unit sets the categories and the hot-spot
// rule: a province does, for every unit in it (provinceOf); no other level.
func SetsSettings(u org.Unit) bool { return u.Type.Level() == org.ProvinceLevel }

// HotSpot is when items of one category in one village count as a hot spot:
// at least N of them within D days (configurable per province).
type HotSpot struct {
	N    int
	Days int
}

// DefaultHotSpot is the default rule: 5 items in 7 days.
var DefaultHotSpot = HotSpot{N: 5, Days: 7}

// Category is a node of the category tree with its deadline in working days
// (there is no single statutory figure for feedback, so it is data).
type Category struct {
	Code, Name string
	Parent     string
	Days       int // working days to answer
}

// DefaultCategories are the categories a province starts with.
var DefaultCategories = []Category{
	{"dat-dai", "Đất đai", "", 15},
	{"moi-truong", "Môi trường", "", 10},
	{"giao-thong", "Giao thông, đường sá", "", 10},
	{"an-ninh", "An ninh, trật tự", "", 5},
	{"thu-tuc", "Thủ tục hành chính", "", 10},
	{"can-bo", "Thái độ, trách nhiệm của cán bộ", "", 10},
	{"dien-nuoc", "Điện, nước sinh hoạt", "", 7},
	{"khac", "Khác", "", 10},
}

// MaxCategoryDays bounds a category's deadline; MaxCategories the list.
const (
	MaxCategoryDays = 90
	MaxCategories   = 200
)

// ParseCategories reads a province's category list, one per line:
// "code | name | working days" for a top-level category and
// "code | name | working days | parent code" for one below it (two levels; a
// parent comes before its children). Blank lines and lines starting with #
// are skipped. Every problem is reported with its line number, as a field
// lineField(n) of the error.
func ParseCategories(text string) ([]Category, error) {
	var out []Category
	problems := map[string]apperr.Msg{}
	seen := map[string]Category{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		n := i + 1
		bad := func(m apperr.Msg) { problems[lineField(n)] = m }
		if len(f) < 3 || len(f) > 4 {
			bad(apperr.M("feedback.err.cat_form", n))
			continue
		}
		c := Category{Code: f[0], Name: f[1]}
		if len(f) == 4 {
			c.Parent = f[3]
		}
		days, err := strconv.Atoi(f[2])
		if strings.Trim(f[2], "0123456789") != "" { // "+5" is not read as 5 (found by FuzzParseCategories)
			err = strconv.ErrSyntax
		}
		c.Days = days
		switch {
		case !validCode(c.Code):
			bad(apperr.M("feedback.err.cat_code", n, c.Code))
		case seen[c.Code].Code != "":
			bad(apperr.M("feedback.err.cat_dup", n, c.Code))
		case c.Name == "" || utf8.RuneCountInString(c.Name) > 100 || !utf8.ValidString(c.Name):
			bad(apperr.M("feedback.err.cat_name", n))
		case err != nil || days < 1 || days > MaxCategoryDays:
			bad(apperr.M("feedback.err.cat_days", n, MaxCategoryDays))
		case c.Parent != "" && seen[c.Parent].Code == "":
			bad(apperr.M("feedback.err.cat_parent", n, c.Parent))
		case c.Parent != "" && seen[c.Parent].Parent != "":
			bad(apperr.M("feedback.err.cat_levels", n, c.Parent))
		default:
			seen[c.Code] = c
			out = append(out, c)
		}
	}
	switch {
	case len(problems) > 0:
		return nil, apperr.New(apperr.CodeInvalid, "feedback.err.categories").WithFields(problems).Mark("categories")
	case len(out) == 0:
		return nil, apperr.New(apperr.CodeInvalid, "feedback.err.categories_empty").Mark("categories")
	case len(out) > MaxCategories:
		return nil, apperr.New(apperr.CodeInvalid, "feedback.err.categories_many", MaxCategories).Mark("categories")
	}
	return out, nil
}

// linePrefix begins the names of the bad lines of a category list among an
// error's fields: lineField(n) for line n, in an order that sorts by line.
const linePrefix = "line_"

func lineField(n int) string { return fmt.Sprintf(linePrefix+"%06d", n) }

func validCode(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// FormatCategories writes a list the way ParseCategories reads it.
func FormatCategories(cs []Category) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s | %s | %d", c.Code, c.Name, c.Days)
		if c.Parent != "" {
			b.WriteString(" | " + c.Parent)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Find returns the category with code in cs.
func Find(cs []Category, code string) (Category, bool) {
	for _, c := range cs {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// CheckHotSpot refuses a hot-spot rule that would flag nothing or everything.
func CheckHotSpot(h HotSpot) error {
	if h.N < 2 || h.N > 1000 || h.Days < 1 || h.Days > 90 {
		return apperr.New(apperr.CodeInvalid, "feedback.err.hot_range").Mark("hot")
	}
	return nil
}

// Route is one line of the routing table: items of Category from Unit (and the
// units below it) go to To.
type Route struct {
	Category   string
	UnitID, To int64
}

// RouteFor picks the responsible unit for an item of category from a unit whose
// ancestors (nearest first, the unit itself first) are given: the most specific
// line wins, a line for category "" applies to every category, and without any
// line the item stays with fallback.
func RouteFor(routes []Route, category string, chain []int64, fallback int64) int64 {
	for _, u := range chain {
		for _, want := range []string{category, ""} {
			for _, r := range routes {
				if r.UnitID == u && r.Category == want {
					return r.To
				}
			}
		}
	}
	return fallback
}

// Kinds of event on an item's record. The record is shown to the handling
// officials in full; anyone holding the tracking code sees the steps (kind
// and date) and only the texts EventText allows.
const (
	EvReceive   = "receive"    // the item arrived (or was transferred in: EvTransfer)
	EvAccept    = "accept"     // an official takes the item up
	EvRefuse    = "refuse"     // not taken up, with the reason
	EvStart     = "start"      // handling starts
	EvAnswer    = "answer"     // the answer
	EvTransfer  = "transfer"   // sent to the competent unit, with the reason
	EvMerge     = "merge"      // closed as a duplicate of another item
	EvMergedIn  = "merged_in"  // a duplicate was merged into this item
	EvClose     = "close"      // closed by an official
	EvAutoClose = "auto_close" // closed by the sweep after the reopening window
	EvRate      = "rate"       // the reporter rated the answer
	EvReopen    = "reopen"     // the reporter reopened the item, with a reason
)

// What of an event's text the public sees.
type textRule int

const (
	TextPrivate    textRule = iota // nothing: the steps' name and date only
	TextPublic                     // the whole text
	TextSystemPart                 // only what the system wrote (transfer: the new unit and a late transfer), not the reason typed
)

// EventText says, per kind of event, what of its text is shown on the public
// tracking page and in Open311. Only what the law makes public is: the result
// of handling — the answer, and the reason an item is not taken up — is
// published (ND 20/2008 Art 19); a transfer is told with the unit it went to
// and whether it was late (ND 20/2008 Art 9: within 5 working days); texts the
// system writes itself (exact strings, see EventKind) carry nothing personal.
// Texts people type for a step — an official's note on accepting, starting,
// closing, transferring or merging (internal), a reporter's reason for
// reopening (personal: people write phone numbers into it) — are for the
// handling officials only. A kind not in this table keeps its text private.
var EventText = map[string]textRule{
	EvAnswer:    TextPublic,     // ND 20/2008 Art 19: the result is published
	EvRefuse:    TextPublic,     // the result of handling, with its reason
	EvRate:      TextPublic,     // system text "Người gửi đánh giá n/5" (the stars are public; the comment is not in it)
	EvAutoClose: TextPublic,     // system text
	EvTransfer:  TextSystemPart, // "Chuyển đến <unit>" and "(chuyển muộn: …)"; the official's reason stays private
	EvReceive:   TextPrivate,    // nothing typed
	EvAccept:    TextPrivate,    // official's note
	EvStart:     TextPrivate,    // official's note
	EvClose:     TextPrivate,    // official's note
	EvMerge:     TextPrivate,    // official's note (the item kept is shown anyway)
	EvMergedIn:  TextPrivate,    // names another reporter's tracking code
	EvReopen:    TextPrivate,    // the reporter's own words: personal data
}

// System texts of events, written by the service; EventKind knows them.
const (
	autoCloseNote = "Đóng sau 7 ngày kể từ khi trả lời, không có yêu cầu mở lại"
	rateNote      = "Người gửi đánh giá %d/5"
	reopenPrefix  = "Người gửi chưa hài lòng: "
	transferPref  = "Chuyển đến "
	transferLate  = " (chuyển muộn: hạn chuyển là "
	mergePrefix   = "Gộp vào "
	mergedInPref  = "Gộp thêm "
)

// EventKind tells the kind of a recorded event from its status, text and actor
// (0: the system), as the service writes them. It errs towards private: a
// text is taken for a system text only when it is one exactly, and an
// official's text with a system prefix is taken for the private kind.
func EventKind(status, note string, actor int64) string {
	if strings.HasPrefix(note, mergedInPref) { // written with the kept item's status, whatever it is
		return EvMergedIn
	}
	switch status {
	case Reopened:
		return EvReopen
	case Accepted:
		return EvAccept
	case InProgress:
		return EvStart
	case Refused:
		return EvRefuse
	case Received:
		if strings.HasPrefix(note, transferPref) {
			return EvTransfer
		}
		return EvReceive
	}
	var stars int
	if n, err := fmt.Sscanf(note, rateNote, &stars); err == nil && n == 1 && note == fmt.Sprintf(rateNote, stars) && (status == Answered || status == Closed) {
		return EvRate
	}
	switch {
	case status == Answered:
		return EvAnswer
	case status == Closed && strings.HasPrefix(note, mergePrefix):
		return EvMerge
	case status == Closed && actor == 0 && note == autoCloseNote:
		return EvAutoClose
	case status == Closed:
		return EvClose
	}
	return ""
}

// PublicNote is the text of an event of kind as the public sees it (EventText).
func PublicNote(kind, note string) string {
	switch EventText[kind] {
	case TextPublic:
		return note
	case TextSystemPart: // a transfer: "Chuyển đến <unit>: <reason>[ (chuyển muộn: hạn chuyển là dd/mm/yyyy)]"
		unit, _, _ := strings.Cut(note, ": ")
		out := unit
		if i := strings.LastIndex(note, transferLate); i >= 0 && len(note)-i == len(transferLate)+len("dd/mm/yyyy)") {
			out += note[i:]
		}
		return out
	}
	return ""
}

// ReminderText is the subject and text of a reminder of n items whose earliest
// deadline is first: an item already past its deadline (its reminder was not
// sent in time, e.g. the server was down) is said to be overdue, not "due in
// the next days".
func ReminderText(n int, first, today legal.Date) (subject, text string) {
	if first.Before(today) {
		return fmt.Sprintf("%d phản ánh, kiến nghị quá hạn hoặc sắp đến hạn trả lời", n),
			fmt.Sprintf("%d phản ánh, kiến nghị của đơn vị đã quá hạn hoặc đến hạn trả lời trong %d ngày làm việc tới; hạn sớm nhất %s đã qua.", n, RemindBefore, first.VN())
	}
	return fmt.Sprintf("%d phản ánh, kiến nghị sắp đến hạn trả lời", n),
		fmt.Sprintf("%d phản ánh, kiến nghị của đơn vị đến hạn trả lời trong %d ngày làm việc tới (sớm nhất: %s).", n, RemindBefore, first.VN())
}
