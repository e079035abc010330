package app_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/reception"
	"danchu/internal/survey"
	"danchu/internal/web"
	"danchu/internal/web/webtest"
)

// TestSatisfactionRatings rates the officials after interactions (LDC 2022
// Art 35(2)(a)) over HTTP: a feedback item cannot be rated before its answer,
// nor by anyone but its sender; a rating with a criterion left out comes back
// with the criterion named, what was ticked kept and nothing counted; rated,
// it is counted once per criterion and a second rating is refused. A walk-in
// visit is rated by the citizen whose phone the book holds, not by any holder
// of its code; a booking made signed in only by its account; a refused item
// too; nothing after 30 days. The quarter's figures are published once it is
// over: the means and the satisfied share, on the public page, in the open
// data and in the province's table.
func TestSatisfactionRatings(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := caseSite(t, d, logs, false)
		ctx := context.Background()
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		official := officialActor(t, a, "xa@danchu.demo")
		reporter := citizen(t, a, srv, logs, "0912000111")
		other := citizen(t, a, srv, logs, "0912000222")

		page := "/xa/" + demo.CommuneCode + "/phan-anh"
		code, _, hd := reporter.PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"moi-truong"},
			"place": {fmt.Sprint(village.ID)}, "description": {"Rác thải cạnh cầu"}, "key": {"r1"}}, nil...)
		m := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			t.Fatalf("send: %d %s", code, hd.Get("Location"))
		}
		rate := survey.RatingURL(survey.FeedbackRating, m[1])
		if code, body, _ := reporter.Get(rate); code != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy lần làm việc này") {
			t.Errorf("rating before the answer: %d %.600s", code, mainOf(body))
		}
		it, err := a.Feedback.ByCode(ctx, official, m[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []feedback.Step{{Action: feedback.DoAccept}, {Action: feedback.DoAnswer, Note: "Đã thu gom rác."}} {
			if _, err := a.Feedback.Act(ctx, official, it.ID, st); err != nil {
				t.Fatalf("%s: %v", st.Action, err)
			}
		}
		if _, body, _ := reporter.Get("/phan-anh/" + m[1]); !strings.Contains(body, `href="`+rate+`"`) {
			t.Errorf("the sender's tracking page has no link to rate the officials: %.1500s", mainOf(body))
		}
		if _, body, _ := other.Get("/phan-anh/" + m[1]); strings.Contains(body, rate) {
			t.Error("someone else's tracking page offers to rate")
		}
		for _, b := range []*webtest.Browser{other} {
			if code, body, _ := b.Get(rate); code != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy lần làm việc này") {
				t.Errorf("someone else rates: %d %.600s", code, mainOf(body))
			}
			if code, _, _ := b.Post(rate, rate, url.Values{"attitude": {"1"}, "timeliness": {"1"}, "result": {"1"}}); code != http.StatusNotFound {
				t.Errorf("someone else posts a rating: %d", code)
			}
		}
		if code, _, hd := webtest.New(t, srv.URL).Get(rate); code != http.StatusSeeOther || !strings.HasPrefix(hd.Get("Location"), "/cong-dan/dang-nhap?next=") {
			t.Errorf("not signed in: %d %s", code, hd.Get("Location"))
		}
		code, body, _ := reporter.Post(rate, rate, url.Values{"attitude": {"5"}, "result": {"3"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "Hãy chấm từ 1 đến 5 điểm") || !strings.Contains(body, `name="attitude" value="5" required checked`) {
			t.Errorf("a criterion left out: %d %.2000s", code, mainOf(body))
		}
		if code, _, _ := reporter.Post(rate, rate, url.Values{"attitude": {"5"}, "timeliness": {"9"}, "result": {"3"}}); code != http.StatusBadRequest {
			t.Errorf("a score of 9: %d", code)
		}
		if n := db.Count(t, d, "select count(*) from rating_claims"); n != 0 {
			t.Fatalf("refused ratings left %d claims", n)
		}
		if code, body, _ := reporter.Post(rate, rate, url.Values{"attitude": {"5"}, "timeliness": {"4"}, "result": {"3"}}); code != http.StatusSeeOther {
			t.Fatalf("rate: %d %.800s", code, mainOf(body))
		}
		if _, body, _ := reporter.Get(rate); !strings.Contains(body, "đã được đánh giá") || strings.Contains(body, `name="attitude"`) {
			t.Errorf("rated: the form is still offered: %.1000s", mainOf(body))
		}
		if code, _, _ := reporter.Post(rate, rate, url.Values{"attitude": {"1"}, "timeliness": {"1"}, "result": {"1"}}); code != http.StatusConflict {
			t.Errorf("a second rating: %d", code)
		}
		if n := db.Count(t, d, "select coalesce(sum(n), 0) from rating_counts where unit_id = $1 and kind = 'feedback'", commune.ID); n != 3 {
			t.Errorf("counted %d scores, want 3 (one per criterion)", n)
		}
		if n := db.Count(t, d, "select count(*) from rating_counts where criterion = 'attitude' and score = 5"); n != 1 {
			t.Errorf("attitude 5 counted in %d counters", n)
		}

		walkIn := func(name, phone string) string {
			t.Helper()
			_, c, err := a.Receive.Enter(ctx, official, commune.ID, reception.VisitDraft{Day: legal.Today(a.Receive.Now()), Name: name, Address: "Thôn 1",
				Phone: phone, People: 1, Kind: reception.Proposal, Content: "Kiến nghị sửa đường thôn", Request: "Sửa đường", Done: "Ghi nhận, chuyển bộ phận giao thông"})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// A walk-in visit: the citizen whose phone the book holds rates it;
		// the code alone (which the officials read in the book) is not enough.
		visit := walkIn("Lê Văn Dân", "0912 000 222")
		vr := survey.RatingURL(survey.ReceptionRating, visit)
		if _, body, _ := other.Get(reception.TrackURL(visit)); !strings.Contains(body, `href="`+vr+`"`) {
			t.Errorf("the visitor's tracking page has no link to rate: %.1500s", mainOf(body))
		}
		for _, b := range []*webtest.Browser{reporter, webtest.New(t, srv.URL)} {
			if _, body, _ := b.Get(reception.TrackURL(visit)); strings.Contains(body, vr) {
				t.Error("the tracking page offers someone else to rate the visit")
			}
		}
		if code, body, _ := reporter.Post(vr, vr, url.Values{"attitude": {"5"}, "timeliness": {"5"}, "result": {"5"}}); code != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy lần làm việc này") {
			t.Errorf("another citizen holding the code rates the visit: %d", code)
		}
		if code, body, _ := other.Post(vr, vr, url.Values{"attitude": {"2"}, "timeliness": {"3"}, "result": {"2"}}); code != http.StatusSeeOther {
			t.Fatalf("rate a visit: %d %.800s", code, mainOf(body))
		}
		if code, _, _ := other.Post(vr, vr, url.Values{"attitude": {"5"}, "timeliness": {"5"}, "result": {"5"}}); code != http.StatusConflict {
			t.Errorf("a visit rated twice: %d", code)
		}
		if _, body, _ := other.Get(reception.TrackURL(visit)); strings.Contains(body, vr) {
			t.Error("the tracking page still offers to rate a rated visit")
		}
		guessed := survey.RatingURL(survey.ReceptionRating, "TD-0000-0000")
		if code, _, _ := other.Get(guessed); code != http.StatusNotFound {
			t.Errorf("a guessed code: %d", code)
		}
		if code, _, _ := other.Get("/danh-gia/khac/" + visit); code != http.StatusNotFound {
			t.Errorf("an unknown kind: %d", code)
		}

		// A booking made signed in is its account's to rate.
		l, err := a.Receive.AddLeader(ctx, official, commune.ID, reception.LeaderDraft{Role: "chair.commune", Name: "Nguyễn Văn Chủ Tịch", Title: "Chủ tịch UBND xã"}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		day := legal.Today(a.Receive.Now()).AddDays(1)
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDays(1)
		}
		x, _, err := a.Receive.AddSession(ctx, official, commune.ID, reception.SessionDraft{LeaderID: l.ID, Day: day, Starts: "07:30", Ends: "11:00",
			Place: "Trụ sở UBND xã", Slots: 5}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		var reporterID int64
		if err := d.QueryRow("select id from accounts where kind = 'citizen' and phone = $1", "+84912000111").Scan(&reporterID); err != nil {
			t.Fatal(err)
		}
		me := &auth.Actor{Kind: auth.Citizen, AccountID: reporterID, Phone: "+84912000111"}
		bk, err := a.Receive.Book(ctx, me, reception.BookingDraft{SessionID: x.ID, Name: "Trần Thị Hẹn", Phone: "0912 000 999", Topic: "Đất đai", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		real := d.Now
		at := func(day legal.Date) {
			d.Now = func() time.Time {
				return time.Date(day.Year, day.Month, day.Day, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
			}
		}
		at(day)
		_, _, err = a.Receive.Enter(ctx, official, commune.ID, reception.VisitDraft{SessionID: x.ID, BookingCode: bk.Code, Day: day, Name: "Trần Thị Hẹn",
			Address: "Thôn 1", Phone: "0912 000 999", People: 1, Kind: reception.Proposal, Content: "Hỏi về thủ tục đất", Request: "Hướng dẫn", Done: "Đã hướng dẫn"})
		d.Now = real
		if err != nil {
			t.Fatal(err)
		}
		br := survey.RatingURL(survey.ReceptionRating, bk.Code)
		if code, _, _ := other.Get(br); code != http.StatusNotFound {
			t.Errorf("someone else rates a booking made signed in: %d", code)
		}
		if code, body, _ := reporter.Post(br, br, url.Values{"attitude": {"4"}, "timeliness": {"4"}, "result": {"4"}}); code != http.StatusSeeOther {
			t.Fatalf("the booker rates: %d %.800s", code, mainOf(body))
		}

		// A refused feedback item is rated too.
		code, _, hd = reporter.PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"moi-truong"},
			"place": {fmt.Sprint(village.ID)}, "description": {"Đề nghị xây sân bóng"}, "key": {"r2"}}, nil...)
		m2 := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m2 == nil {
			t.Fatalf("send: %d", code)
		}
		it2, err := a.Feedback.ByCode(ctx, official, m2[1])
		if err == nil {
			_, err = a.Feedback.Act(ctx, official, it2.ID, feedback.Step{Action: feedback.DoRefuse, Note: "Không thuộc thẩm quyền của xã."})
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Surveys.Rate(ctx, me, survey.FeedbackRating, m2[1], survey.Scores{5, 5, 4}); err != nil {
			t.Fatalf("rate a refusal: %v", err)
		}

		// Four ratings so far; a fifth, then the quarter runs: its count only.
		list := "/xa/" + demo.CommuneCode + "/khao-sat"
		today := legal.Today(a.Surveys.Now())
		row := func(day legal.Date) string {
			return fmt.Sprintf(`<tr><th scope="row">Quý %d/%d</th>`, (int(day.Month)-1)/3+1, day.Year)
		}
		if err := a.Surveys.Rate(ctx, me, survey.ReceptionRating, walkIn("Người dân", "0912 000 111"), survey.Scores{5, 5, 4}); err != nil {
			t.Fatal(err)
		}
		if _, body, _ := other.Get(list); !strings.Contains(body, row(today)+`<td>5</td><td colspan="4" class="muted">Đang diễn ra`) {
			t.Errorf("the running quarter: %.2500s", mainOf(body))
		}
		api := "/api/v1/units/" + demo.CommuneCode + "/satisfaction-ratings"
		got0 := func(rs []survey.RatingRow) survey.RatingRow {
			if len(rs) == 0 {
				return survey.RatingRow{}
			}
			return rs[0]
		}
		rows := func() []survey.RatingRow {
			t.Helper()
			code, body, _ := other.Get(api)
			var l struct{ Items []survey.RatingRow }
			if err := json.Unmarshal([]byte(body), &l); code != http.StatusOK || err != nil {
				t.Fatalf("open data: %d %v %.300s", code, err, body)
			}
			return l.Items
		}
		if got := rows(); len(got) != 0 {
			t.Errorf("the running quarter in the open data: %+v", got)
		}
		// Rated within 30 days only.
		late := walkIn("Người đến muộn", "0912 000 111")
		at(today.AddDays(survey.RateWithin + 1))
		lr := survey.RatingURL(survey.ReceptionRating, late)
		reporter = citizen(t, a, srv, logs, "0912000111") // a month on: signed in again
		if code, body, _ := reporter.Get(lr); code != http.StatusOK || !strings.Contains(body, "Đã quá hạn đánh giá") || strings.Contains(body, `name="attitude"`) {
			t.Errorf("a late rating page: %d %.800s", code, mainOf(body))
		}
		if code, body, _ := reporter.Post(lr, lr, url.Values{"attitude": {"5"}, "timeliness": {"5"}, "result": {"5"}}); code != http.StatusConflict || !strings.Contains(body, "Đã quá hạn đánh giá") {
			t.Errorf("a late rating: %d %.800s", code, mainOf(body))
		}

		// The next quarter: the one that ended is published. Five: attitude
		// (5+2+4+5+5)/5 = 4.2, timeliness (4+3+4+5+5)/5 = 4.2, result
		// (3+2+4+4+4)/5 = 3.4; 11 of the 15 scores are 4 or 5 = 73 %.
		_, next := office.Quarter(today)
		at(next.AddDays(1))
		_, body, _ = other.Get(list)
		if !strings.Contains(body, row(today)+"<td>5</td><td>4,2</td><td>4,2</td><td>3,4</td><td>73%</td>") {
			t.Errorf("the quarter that ended: %.3000s", mainOf(body))
		}
		if got := rows(); len(got) != 1 || got[0].UnitCode != demo.CommuneCode || got[0].Ratings != 5 || got[0].Attitude != 4.2 || got[0].Timeliness != 4.2 ||
			got[0].Result != 3.4 || got[0].Satisfied != 73 || got[0].To != next.AddDays(-1).String() {
			t.Errorf("the quarter that ended in the open data: %+v", got)
		}
		_, datasets, _ := other.Get("/du-lieu-mo?xa=" + demo.CommuneCode)
		if !regexp.MustCompile(`id="satisfaction-ratings"(?s:.*?)Cập nhật lần cuối: ` + regexp.QuoteMeta(fmt.Sprintf("01/%02d/%d 00:00", next.Month, next.Year))).MatchString(datasets) {
			t.Errorf("the ratings' dataset is not dated by the quarter's publication: %.3000s", mainOf(datasets))
		}
		code, csvBody, _ := other.Get(api + "?format=csv")
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\uFEFF"))).ReadAll()
		if code != http.StatusOK || err != nil || len(recs) != 2 || !slices.Equal(recs[0], web.Columns[survey.RatingRow]()) ||
			!slices.Equal(recs[1], []string{demo.CommuneCode, got0(rows()).Quarter, got0(rows()).From, got0(rows()).To, "5", "4.2", "4.2", "3.4", "73"}) {
			t.Errorf("the open data as CSV: %d %v %q", code, err, recs)
		}
		// The province's table: the commune's last column is its last quarter's share of scores of 4 or 5.
		tinh := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		code, body, _ = tinh.Get("/quan-tri/don-vi/46/tong-quan")
		if row := strings.Fields(rowOf(t, body, commune.Name)); code != http.StatusOK || row[len(row)-1] != "73%" {
			t.Errorf("province table: %d, Đan Điền's row %v", code, row)
		}
		d.Now = real
		if err := a.Surveys.Rate(ctx, official, survey.FeedbackRating, m[1], survey.Scores{5, 5, 5}); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Errorf("an official rates: %v", err)
		}
		if err := a.Surveys.Rate(ctx, me, survey.FeedbackRating, m[1], survey.Scores{5, 0, 5}); apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("a rated item rated again with a bad score: %v", err)
		}
	})
}
