package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"time"

	"danchu/internal/auth"
	"danchu/internal/casework"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/plans"
	"danchu/internal/reception"
	"danchu/internal/steering"
	"danchu/internal/supervision"
	"danchu/internal/survey"
)

// SecondCode is a second real commune of Thành phố Huế that gets villages,
// households and part of the story, so that the province's pages compare
// communes.
const SecondCode = "19867" // Xã Quảng Điền

// SecondVillages are the demo villages of SecondCode.
var SecondVillages = []Village{
	{SecondCode + "-01", "Thôn Thanh Hà", 64},
	{SecondCode + "-02", "Thôn An Xuân", 58},
}

// Services are what Seed writes through: every rule, audit entry and public
// record entry of the story is the services' own.
type Services struct {
	DB       *db.DB
	Units    *org.Service
	Auth     *auth.Service
	Disclose *disclosure.Service
	Consult  *consultation.Service
	Decide   *decision.Service
	Feedback *feedback.Service
	Steer    *steering.Service    // nil: no steering committee in the demo
	Plans    *plans.Service       // nil: no plans in the demo
	Cases    *casework.Service    // nil or without its vault: no complaints and denunciations in the demo
	Receive  *reception.Service   // nil: no citizen reception in the demo
	Oversee  *supervision.Service // nil: no supervision boards in the demo
	Surveys  *survey.Service      // nil: no satisfaction survey in the demo
}

// Commune is what the demo gave one commune.
type Commune struct {
	Code, Name string
	Villages   int
	Households int // in the registers
	Active     int // active: what the commune's page counts
}

// Seeded says what Seed wrote.
type Seeded struct {
	Summary
	Communes []Commune
	// Citizens are the e-mails of demo citizens who represent a household (they
	// sign in with a code, which the server's log shows in development).
	Citizens []string
	// What the story left where a visitor can see it.
	Disclosures, Consultations, Matters, Feedback int
	Plans                                         int   // plans issued (the province's bodies, the province, Đan Điền)
	OpenVote                                      int64 // the online vote taking ballots
	OpenConsultation, ClosedConsultation          int64
}

// StoryDays is how far back the story starts.
const StoryDays = 60

// Seed fills an empty database with the demo: Load's units and households, a
// second commune's villages, the demo officials, citizens who represent
// households, and two months of the commune's life written through the
// services in the order it happened, the database's clock moved to each
// event's time (the public record's chain stays in time order and every legal
// period is the services' own check); the clock is given back at the end. A
// database that already has units is left alone (Loaded false).
func Seed(ctx context.Context, s Services) (Seeded, error) { return SeedAt(ctx, s, time.Now()) }

// SeedAt is Seed as if today were the day of now (tests: the story holds
// whatever the date, Tết and the new year included).
func SeedAt(ctx context.Context, s Services, now time.Time) (Seeded, error) {
	vn := time.FixedZone("ICT", 7*3600)
	now = now.In(vn)
	clk := &clock{midnight: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, vn)}
	clk.cur = clk.midnight.AddDate(0, 0, -StoryDays).Add(7 * time.Hour)
	restore := s.DB.Now
	s.DB.Now = clk.Now
	defer func() { s.DB.Now = restore }()

	sum, err := Load(ctx, s.Units)
	if err != nil || !sum.Loaded {
		return Seeded{Summary: sum}, err
	}
	out := Seeded{Summary: sum}
	first, err := s.Units.UnitByCode(ctx, CommuneCode)
	if err != nil {
		return out, err
	}
	out.Communes = append(out.Communes, Commune{Code: first.Code, Name: first.Name, Villages: len(Villages), Households: sum.Households, Active: sum.Active})
	second, err := s.Units.UnitByCode(ctx, SecondCode)
	if err != nil {
		return out, fmt.Errorf("demo second commune: %w", err)
	}
	var two Summary
	if err := loadVillages(ctx, s.Units, second, SecondVillages, rand.New(rand.NewPCG(2025, 8)), &two); err != nil {
		return out, err
	}
	out.Units += two.Units
	out.Households += two.Households
	out.Active += two.Active
	out.Communes = append(out.Communes, Commune{Code: second.Code, Name: second.Name, Villages: len(SecondVillages), Households: two.Households, Active: two.Active})
	officials, err := loadAccounts(ctx, s.Auth)
	if err != nil {
		return out, err
	}
	mail := &inbox{}
	st := &story{Services: s, ctx: ctx, clk: clk, out: &out, who: officials, mail: mail,
		box: notify.NewOutbox(s.DB, mail, mail, "", slog.New(slog.NewTextHandler(io.Discard, nil)))}
	st.cases()
	st.reception()
	st.supervision()
	st.surveys()
	st.run(first, second)
	st.steering()
	st.plans()
	st.runLater(clk.midnight.AddDate(0, 0, 1))
	if st.err != nil {
		return out, fmt.Errorf("demo story: %w", st.err)
	}
	// What the story sent (receipts, answers, codes) is delivered here, so
	// that the server does not send two months of notes when it starts.
	for {
		n, _, err := st.box.Deliver(ctx, 500)
		if err != nil {
			return out, fmt.Errorf("demo notes: %w", err)
		}
		if n == 0 {
			break
		}
	}
	return out, nil
}

// clock is the database's clock during the story.
type clock struct {
	mu       sync.Mutex
	midnight time.Time // today 00:00 in Vietnam
	cur      time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

// inbox takes the notes the story sends; the sign-in codes are read from it.
type inbox struct {
	mu   sync.Mutex
	last map[string]string // address → last text
}

func (b *inbox) put(m notify.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last == nil {
		b.last = map[string]string{}
	}
	b.last[m.To] = m.Subject + "\n" + m.Text
	return nil
}

func (b *inbox) Mail(_ context.Context, m notify.Message) error    { return b.put(m) }
func (b *inbox) SendSMS(_ context.Context, m notify.Message) error { return b.put(m) }

var signInCode = regexp.MustCompile(`Mã đăng nhập danchu: (\d{6})`)

// story is the script; each step does nothing once one has failed, and the
// first failure is kept with the step it happened in.
type story struct {
	Services
	ctx  context.Context
	clk  *clock
	out  *Seeded
	who  map[string]*auth.Actor
	mail *inbox
	box  *notify.Outbox
	err  error
	keys int
	cits []*auth.Actor // the citizens of run, once signed in
	// later are events of their own stories (casework) that at runs, in time
	// order, when the script's clock passes them.
	pending []event
}

func (s *story) fail(what string, err error) {
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("%s (%s): %w", what, s.clk.Now().Format("02/01/2006 15:04"), err)
	}
}

// at moves the clock to hh:mm on the day `day` days from today; the script is
// in time order, and a step written out of order is an error.
func (s *story) at(day, hh, mm int) {
	t := s.clk.midnight.AddDate(0, 0, day).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	s.runLater(t)
	s.clk.mu.Lock()
	defer s.clk.mu.Unlock()
	if t.Before(s.clk.cur) && s.err == nil {
		s.err = fmt.Errorf("story step at %s written after %s", t.Format(time.DateTime), s.clk.cur.Format(time.DateTime))
	}
	if t.After(s.clk.cur) {
		s.clk.cur = t
	}
}

// date is the civil date `day` days from today.
func (s *story) date(day int) string {
	return legal.Today(s.clk.midnight.AddDate(0, 0, day).Add(12 * time.Hour)).String()
}

func (s *story) key() string {
	s.keys++
	return fmt.Sprintf("demo-%d", s.keys)
}

func (s *story) unit(code string) org.Unit {
	u, err := s.Units.UnitByCode(s.ctx, code)
	s.fail("unit "+code, err)
	return u
}

// citizen signs a citizen in with a code, as the sign-in page does, names
// them, and binds them as the representative of household with the claim code
// an official issues.
func (s *story) citizen(email, name string, household org.Household, issuer *auth.Actor) *auth.Actor {
	if s.err != nil {
		return nil
	}
	ip := fmt.Sprintf("192.0.2.%d", len(s.out.Citizens)+1)
	pc, err := s.Auth.SendCode(s.ctx, email, ip)
	if s.fail("send code to "+email, err); s.err != nil {
		return nil
	}
	if _, _, err := s.box.Deliver(s.ctx, 500); err != nil {
		s.fail("deliver code", err)
		return nil
	}
	s.mail.mu.Lock()
	m := signInCode.FindStringSubmatch(s.mail.last[email])
	s.mail.mu.Unlock()
	if m == nil {
		s.fail("code to "+email, fmt.Errorf("no code delivered"))
		return nil
	}
	token, err := s.Auth.SignInWithCode(s.ctx, pc.Token, m[1], ip, "demo")
	if s.fail("sign in "+email, err); s.err != nil {
		return nil
	}
	_, a, err := s.Auth.Session(s.ctx, token)
	if s.fail("session of "+email, err); s.err != nil {
		return nil
	}
	s.fail("name of "+email, s.Auth.SetName(s.ctx, a, name))
	a.Name = name
	claim, err := s.Auth.IssueClaim(s.ctx, issuer, household.ID)
	s.fail("claim code", err)
	if s.err == nil {
		_, err = s.Auth.Claim(s.ctx, a, claim)
		s.fail("claim by "+email, err)
	}
	s.fail("sign out "+email, s.Auth.SignOut(s.ctx, token))
	s.out.Citizens = append(s.out.Citizens, email)
	return a
}

// pdf is a one-page PDF with a line of text, as an attachment.
func pdf(text string) []byte {
	stream := fmt.Sprintf("BT /F1 14 Tf 72 760 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}

func (s *story) attach(name, text string) disclosure.Upload {
	return disclosure.Upload{Name: s.t(name), R: strings.NewReader(string(pdf(s.t(text))))}
}

// t writes the years into a text of the story: {Y} is this year (of the
// story's middle), {Y-1}, {Y+1} and {Y+5} the years around it, so that the demo
// always looks current.
func (s *story) t(text string) string {
	y := s.clk.midnight.AddDate(0, 0, -StoryDays/2).Year()
	return strings.NewReplacer("{Y-1}", fmt.Sprint(y-1), "{Y}", fmt.Sprint(y), "{Y+1}", fmt.Sprint(y+1), "{Y+5}", fmt.Sprint(y+5)).Replace(text)
}

// publish posts a disclosure decided decidedDay days from today.
func (s *story) publish(a *auth.Actor, unit org.Unit, cat int, title, body string, decidedDay int, ups ...disclosure.Upload) disclosure.Disclosure {
	if s.err != nil {
		return disclosure.Disclosure{}
	}
	var ch []disclosure.Channel
	start := legal.Today(s.clk.Now())
	ch = append(ch, disclosure.Channel{ID: disclosure.ChannelPosting, Start: start})
	if c, _ := disclosure.CategoryOf(false, cat); c.Broadcast {
		ch = append(ch, disclosure.Channel{ID: disclosure.ChannelLoudspeaker, Start: start, End: start.AddDays(2)})
	}
	title, body = s.t(title), s.t(body)
	x, err := s.Disclose.Publish(s.ctx, a, disclosure.Draft{UnitID: unit.ID, Category: cat, Title: title, Body: body,
		DecisionDate: s.date(decidedDay), Channels: ch}, ups)
	s.fail("publish "+title, err)
	if err == nil {
		s.out.Disclosures++
	}
	return x
}

func (s *story) comment(a *auth.Actor, id int64, part int, stance, body string) {
	if s.err != nil || a == nil {
		return
	}
	s.fail("comment", s.Consult.Comment(s.ctx, a, id, part, stance, body, true, s.key()))
}

// answerOpen answers the first n unanswered comments of a consultation with
// the answers given in turn.
func (s *story) answerOpen(a *auth.Actor, id int64, n int, answers ...[2]string) {
	if s.err != nil {
		return
	}
	cs, err := s.Consult.Comments(s.ctx, id, 0, 500, true)
	if s.fail("comments", err); s.err != nil {
		return
	}
	for i, c := range cs {
		if i == n {
			break
		}
		ans := answers[i%len(answers)]
		s.fail("answer", s.Consult.Answer(s.ctx, a, id, []int64{c.ID}, ans[0], ans[1]))
	}
}

func (s *story) propose(a *auth.Actor, p decision.Proposal) decision.Matter {
	if s.err != nil {
		return decision.Matter{}
	}
	p.Title, p.Body = s.t(p.Title), s.t(p.Body)
	m, err := s.Decide.Propose(s.ctx, a, p)
	s.fail("propose "+p.Title, err)
	if err == nil {
		s.out.Matters++
	}
	return m
}

func (s *story) notice(a *auth.Actor, m decision.Matter, n decision.Notice) decision.Vote {
	if s.err != nil {
		return decision.Vote{}
	}
	v, err := s.Decide.Notice(s.ctx, a, m.ID, n)
	s.fail("notice "+m.Title, err)
	return v
}

func (s *story) count(a *auth.Actor, v decision.Vote, c decision.Count) {
	if s.err != nil {
		return
	}
	_, err := s.Decide.RecordCount(s.ctx, a, v.ID, c)
	s.fail("count", err)
}

func (s *story) submit(a *auth.Actor, m decision.Matter, head, front string) {
	if s.err != nil {
		return
	}
	_, err := s.Decide.Submit(s.ctx, a, m.ID, decision.Signatories{Head: head, Front: front, Reps: [decision.Witnesses]string{"Hộ ông Lê Văn Bình", "Hộ bà Trần Thị Hương"}})
	s.fail("submit "+m.Title, err)
}

func (s *story) recognize(a *auth.Actor, m decision.Matter) {
	if s.err != nil {
		return
	}
	_, err := s.Decide.Recognize(s.ctx, a, m.ID, true, "")
	s.fail("recognize "+m.Title, err)
}

// photo is a small picture for a feedback item: a dusk sky over a dark road
// with one lamp, drawn here (no file ships with the demo).
func photo(name string) feedback.Upload {
	const w, h = 320, 240
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(40 + y/4), uint8(50 + y/5), uint8(110 - y/4), 255}
			if y > h*2/3 {
				c = color.RGBA{60, 60, 64, 255} // the road
			}
			if dx, dy := x-w/3, y-h/4; dx*dx+dy*dy < 90 {
				c = color.RGBA{250, 230, 140, 255} // the lamp
			}
			if x > w/3-2 && x < w/3+2 && y > h/4 && y <= h*2/3 {
				c = color.RGBA{30, 30, 30, 255} // its post
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // a bytes.Buffer does not fail
	return feedback.Upload{Name: name, R: bytes.NewReader(b.Bytes())}
}

// report sends a feedback item as a citizen (a nil: anonymous) with photos
// and returns its code.
func (s *story) report(a *auth.Actor, kind, category string, place org.Unit, description, address string, photos ...feedback.Upload) string {
	if s.err != nil {
		return ""
	}
	sub := feedback.Submission{Kind: kind, Category: category, UnitID: place.ID, Description: description, Address: address, IdemKey: s.key(), Photos: photos}
	if a != nil {
		sub.Contact = a.Email
	}
	c, err := s.Feedback.Submit(s.ctx, a, sub)
	s.fail("feedback "+description, err)
	if err == nil {
		s.out.Feedback++
	}
	return c
}

// act takes an official's step on the item with a tracking code.
func (s *story) act(a *auth.Actor, code string, st feedback.Step) {
	if s.err != nil {
		return
	}
	it, err := s.Feedback.ByCode(s.ctx, a, code)
	if s.fail("find "+code, err); s.err != nil {
		return
	}
	_, err = s.Feedback.Act(s.ctx, a, it.ID, st)
	s.fail(st.Action+" "+code, err)
}

func (s *story) rate(a *auth.Actor, code string, stars int, note string) {
	if s.err != nil {
		return
	}
	s.fail("rate "+code, s.Feedback.Rate(s.ctx, a, code, stars, note))
	// The sender also rates the officials who answered (LDC Art 35(2)(a)).
	s.rateOfficials(a, survey.FeedbackRating, code, survey.Scores{min(stars+1, 5), stars, stars})
}

// rateOfficials rates the officials after an interaction, as the citizen.
func (s *story) rateOfficials(a *auth.Actor, kind, code string, sc survey.Scores) {
	if s.err != nil || s.Surveys == nil || a == nil {
		return
	}
	s.fail("rate the officials after "+code, s.Surveys.Rate(s.ctx, a, kind, code, sc))
}
