//go:build e2e

package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"danchu/internal/auth"
	"danchu/internal/decision"
	"danchu/internal/demo"
	"danchu/internal/legal"

	"github.com/chromedp/chromedp"
)

// TestSupervisionJourney: the three villages of Đan Điền elect the members
// of the People's Inspection Board at their meetings (through the decisions
// service: its own journey drives those pages); on a phone the commune's
// Front creates the board, takes the five elected from the list, is refused
// a commune official, and recognises the board; the board's member files an
// inspection plan five working days ahead and sends a recommendation to the
// people's committee; sixteen days later the recommendation shows overdue on
// the commune's home and raised to the province's, the commune answers, and
// the public page says it came late. Screenshots at 360 px and on a desktop.
func TestSupervisionJourney(t *testing.T) {
	logs := &syncBuffer{}
	a := startCaseApp(t, logs, "")
	base := a.URL()
	ctx := context.Background()
	commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	actor := func(email string, role auth.Role) *auth.Actor {
		var id int64
		if err := a.DB.QueryRowContext(ctx, "select id from accounts where email = $1", email).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return &auth.Actor{AccountID: id, Kind: auth.Official, Grants: []auth.Grant{{Role: role, UnitID: commune.ID}}}
	}
	xa, mt := actor("xa@danchu.demo", auth.CommuneOfficial), actor("mattran@danchu.demo", auth.FrontOfficer)
	// Ten days ago the meetings were called for three days later; each elected its members.
	at := func(days int) { a.DB.Now = func() time.Time { return time.Now().AddDate(0, 0, days) } }
	at(-10)
	held := legal.Today(time.Now().AddDate(0, 0, -7)).String()
	villages := []struct {
		code  string
		names []string
		seats int
	}{{"-01", []string{"Lê Văn Thanh", "Nguyễn Thị Hòa"}, 2}, {"-02", []string{"Phan Thị Minh", "Hồ Văn Sáu"}, 2}, {"-03", []string{"Võ Văn Kiên", "Lê Thị Sen"}, 1}}
	var matters []decision.Matter
	var votes []decision.Vote
	for _, v := range villages {
		u, err := a.Units.UnitByCode(ctx, demo.CommuneCode+v.code)
		if err != nil {
			t.Fatal(err)
		}
		m, err := a.Decide.Propose(ctx, xa, decision.Proposal{UnitID: u.ID, Subject: decision.Boards, Title: "Bầu thành viên Ban Thanh tra nhân dân — " + u.Name,
			Body: "Bầu thành viên Ban Thanh tra nhân dân xã.", Candidates: v.names, Seats: v.seats})
		if err != nil {
			t.Fatal(err)
		}
		vote, err := a.Decide.Notice(ctx, xa, m.ID, decision.Notice{VillageID: u.ID, Method: decision.Meeting, HeldOn: held})
		if err != nil {
			t.Fatal(err)
		}
		matters, votes = append(matters, m), append(votes, vote)
	}
	at(-7)
	for i, v := range votes {
		h := v.Households
		per := []int{h * 8 / 10, h * 6 / 10}
		if villages[i].seats == 1 {
			per[1] = h / 10
		}
		if _, err := a.Decide.RecordCount(ctx, xa, v.ID, decision.Count{Present: h * 9 / 10, PerCandidate: per,
			Committee: []string{"Nguyễn Văn An", "Trần Thị Lan", "Lê Hữu Phúc"}, Secretary: "Hồ Thị Thu"}); err != nil {
			t.Fatal(err)
		}
	}
	at(-6)
	for _, m := range matters {
		if _, err := a.Decide.Submit(ctx, xa, m.ID, decision.Signatories{Head: "Trưởng thôn", Front: "Phạm Thị Mặt Trận",
			Reps: [decision.Witnesses]string{"Hộ ông Lê Văn Bình", "Hộ bà Trần Thị Hương"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Decide.Recognize(ctx, mt, m.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	at(0)

	// The Front, on a phone: the board, its five elected members, the recognition.
	office := base + "/quan-tri/don-vi/" + demo.CommuneCode + "/giam-sat"
	front := browserFor(t, 5*time.Minute)
	officialSignInAt(t, front, base, "mattran@danchu.demo", a.DB.Now)
	step(t, front, "the Front's page", chromedp.Navigate(office), chromedp.WaitVisible(chromedp.CSS(`input[name="kind"][value="inspection"]`)))
	step(t, front, "create the board", chromedp.Click(chromedp.CSS(`input[name="kind"][value="inspection"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="name"]`), "Ban Thanh tra nhân dân xã Đan Điền"),
		chromedp.SetValue(chromedp.CSS(`input[name="term_to"]`), legal.Today(time.Now()).AddMonths(54).String()),
		submitAndWait(`input[name="term_to"]`, `p.flash.ok`))
	boardURL := must(chromedp.Run(front, chromedp.Evaluate[string](`location.pathname`)))(t)
	if !strings.Contains(boardURL, "/giam-sat/ban/") {
		t.Fatalf("after creating the board: %s", boardURL)
	}
	shots(t, front, "supervision-board-forming", `form[action$="/thanh-vien"]`, true)
	names := []string{"Lê Văn Thanh", "Nguyễn Thị Hòa", "Phan Thị Minh", "Hồ Văn Sáu", "Võ Văn Kiên"}
	// A candidate declared a commune official is refused with the article; the form keeps the choice.
	step(t, front, "an official refused", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('select[name="candidate"]');
		s.value = [...s.options].find(o => o.text.startsWith("Lê Văn Thanh")).value })()`),
		chromedp.Click(chromedp.CSS(`input[name="resident"]`)), chromedp.Click(chromedp.CSS(`input[name="official"]`)),
		submitAndWait(`input[name="official"]`, `p.flash.err`))
	if text := must(chromedp.Run(front, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, "Điều 36–40") {
		t.Errorf("the refusal does not cite the law: %.600q", text)
	}
	for i, n := range names {
		pos := "Thành viên"
		switch i {
		case 0:
			pos = "Trưởng ban"
		case 1:
			pos = "Phó Trưởng ban"
		}
		// The head acts for the board in danchu: their account.
		email := chromedp.Evaluate[chromedp.Void](`void 0`)
		if i == 0 {
			email = chromedp.SetValue(chromedp.CSS(`form[action$="/thanh-vien"] input[name="email"]`), "thanhtra@danchu.demo")
		}
		step(t, front, "add "+n, chromedp.Navigate(base+boardURL), chromedp.WaitVisible(chromedp.CSS(`select[name="candidate"]`)),
			chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('select[name="candidate"]');
			s.value = [...s.options].find(o => o.text.startsWith(`+jsString(n)+`)).value })()`),
			choose(`select[name="position"]`, pos), chromedp.Click(chromedp.CSS(`input[name="resident"]`)),
			email, submitAndWait(`input[name="resident"]`, `p.flash.ok`))
	}
	step(t, front, "recognise", chromedp.Navigate(base+boardURL), chromedp.WaitVisible(chromedp.CSS(`form[action$="/cong-nhan"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/cong-nhan"] input[name="confirm"]`)),
		submitAndWait(`form[action$="/cong-nhan"] button`, `p.flash.ok`))
	shots(t, front, "supervision-board", `main h1`, true)

	// The board's member: an inspection plan seven working days ahead (at least five), a recommendation.
	member := browserFor(t, 5*time.Minute)
	// A board member decides nothing: no second factor to enrol.
	if err := chromedp.Do(member, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	step(t, member, "the member signs in", chromedp.Navigate(base+"/dang-nhap"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "thanhtra@danchu.demo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		submitAndWait(`input[name="password"]`, `a[href$="/giam-sat"]`))
	start, err := a.Oversee.AddWorkingDays(ctx, legal.Today(time.Now()), 7)
	if err != nil {
		t.Fatal(err)
	}
	step(t, member, "the board's page", chromedp.Navigate(base+boardURL), chromedp.WaitVisible(chromedp.CSS(`form[action$="/ke-hoach"]`)))
	step(t, member, "an inspection plan", choose(`select[name="period"]`, "Kế hoạch một cuộc kiểm tra, giám sát"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/ke-hoach"] input[name="title"]`), "Kiểm tra việc thu, chi quỹ làm đường thôn Đông Phước"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/ke-hoach"] textarea[name="body"]`), "Kiểm tra sổ sách thu, chi và lấy ý kiến các hộ."),
		chromedp.SetValue(chromedp.CSS(`form[action$="/ke-hoach"] input[name="subject"]`), "UBND xã Đan Điền"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/ke-hoach"] input[name="starts_on"]`), start.String()),
		chromedp.SetValue(chromedp.CSS(`form[action$="/ke-hoach"] input[name="sent_on"]`), legal.Today(time.Now()).String()),
		submitAndWait(`form[action$="/ke-hoach"] input[name="sent_on"]`, `p.flash.ok`))
	// Sent on a day whose fifteenth day after is a working day, so that the
	// sixteenth is late (a period ending on a day off runs to the next working day).
	today := legal.Today(time.Now())
	sent := today
	for {
		next, err := a.Oversee.AddWorkingDays(ctx, sent.AddDays(14), 1)
		if err != nil {
			t.Fatal(err)
		}
		if next == sent.AddDays(15) {
			break
		}
		sent = sent.AddDays(-1)
	}
	step(t, member, "a recommendation", chromedp.Navigate(base+boardURL), chromedp.WaitVisible(chromedp.CSS(`form[action$="/kien-nghi"]`)),
		chromedp.SetValue(chromedp.CSS(`form[action$="/kien-nghi"] input[name="sent_on"]`), sent.String()),
		chromedp.SetValue(chromedp.CSS(`form[action$="/kien-nghi"] input[name="subject"]`), "Niêm yết chứng từ chi quỹ làm đường tại nhà văn hóa thôn"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/kien-nghi"] textarea[name="body"]`), "Đề nghị UBND xã chỉ đạo niêm yết công khai chứng từ chi quỹ làm đường."),
		submitAndWait(`form[action$="/kien-nghi"] textarea[name="body"]`, `p.flash.ok`))

	// Sixteen days after it was sent: overdue on the commune's home, raised to the province's.
	at(today.DaysUntil(sent.AddDays(16)))
	off := browserFor(t, 5*time.Minute)
	officialSignInAt(t, off, base, "xa@danchu.demo", a.DB.Now)
	step(t, off, "the commune's home", chromedp.Navigate(base+"/quan-tri/don-vi/"+demo.CommuneCode+"/tong-quan"), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if text := must(chromedp.Run(off, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, "Kiến nghị giám sát cần trả lời") || !strings.Contains(text, "quá hạn") {
		t.Errorf("the commune's home does not show the late recommendation: %.1500q", text)
	}
	shots(t, off, "supervision-commune-home", `main h1`, true)
	tinh := browserFor(t, 5*time.Minute)
	officialSignInAt(t, tinh, base, "tinh@danchu.demo", a.DB.Now)
	step(t, tinh, "the province's home", chromedp.Navigate(base+"/quan-tri/don-vi/"+demo.ProvinceCode+"/tong-quan"), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if text := must(chromedp.Run(tinh, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, "Kiến nghị giám sát quá hạn ở đơn vị trực thuộc") {
		t.Errorf("the province's home does not show the raised recommendation: %.1500q", text)
	}
	// The commune answers on day 16.
	step(t, off, "the recommendations to answer", chromedp.Navigate(base+"/quan-tri/don-vi/"+demo.CommuneCode+"/kien-nghi-giam-sat"),
		chromedp.WaitVisible(chromedp.CSS(`ul.units a`)), chromedp.Click(chromedp.CSS(`ul.units a`)), chromedp.WaitVisible(chromedp.CSS(`textarea[name="answer"]`)))
	shots(t, off, "supervision-answer", `textarea[name="answer"]`, true)
	step(t, off, "answer", chromedp.SetValue(chromedp.CSS(`textarea[name="answer"]`), "UBND xã đã chỉ đạo thôn niêm yết toàn bộ chứng từ chi quỹ làm đường."),
		submitAndWait(`textarea[name="answer"]`, `p.flash.ok`))
	// The public page says it came late.
	cit := browserFor(t, 2*time.Minute)
	if err := chromedp.Do(cit, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	public := base + "/xa/" + demo.CommuneCode + "/giam-sat"
	step(t, cit, "public page", chromedp.Navigate(public), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	text := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t)
	for _, want := range []string{"Ban Thanh tra nhân dân xã Đan Điền", "Trả lời trễ hạn", "UBND xã đã chỉ đạo thôn niêm yết"} {
		if !strings.Contains(text, want) {
			t.Errorf("the public page lacks %q: %.1500q", want, text)
		}
	}
	if w := must(chromedp.Run(cit, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))(t); w > 360 {
		t.Errorf("the public page is %d px wide on a 360 px phone", w)
	}
	accessible(t, cit, "/xa/"+demo.CommuneCode+"/giam-sat")
	shots(t, cit, "supervision-public", `main h1`, true)
	step(t, cit, "the board's public page", chromedp.Click(chromedp.CSS(`ul.units a`)), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	text = must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t)
	for _, n := range names {
		if !strings.Contains(text, n) {
			t.Errorf("the board's public page lacks %s", n)
		}
	}
	accessible(t, cit, boardURL)
	shots(t, cit, "supervision-public-board", `main h1`, true)
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
