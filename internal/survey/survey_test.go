package survey_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/survey"
)

type fixture struct {
	d                  *db.DB
	svc                *survey.Service
	now                time.Time
	danDien, phuXuan   org.Unit
	v1                 org.Unit
	official, outsider *auth.Actor
	reps               []*auth.Actor // representatives of Đan Điền's households
	stranger           *auth.Actor   // a citizen of no household
}

func setup(t testing.TB, d *db.DB, households int) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))}
	d.Now = func() time.Time { return f.now }
	units := org.NewService(d)
	csv := "code,name,type,parent_code,short_name\n46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n19753,Phường Phú Xuân,phuong,46,UBND\n" +
		"19885-01,Thôn Đông Phước,thon,19885,\n"
	if _, err := units.ImportUnits(ctx, strings.NewReader(csv), nil); err != nil {
		t.Fatal(err)
	}
	get := func(code string) org.Unit {
		u, err := units.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.danDien, f.phuXuan, f.v1 = get("19885"), get("19753"), get("19885-01")
	p := auth.DefaultPolicy()
	p.Require2FA = false
	logs := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	as := auth.NewService(d, units, audit.NewService(d), p, logs, logs)
	official := func(email string, unit org.Unit) *auth.Actor {
		res, err := as.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ", Email: email, Role: auth.CommuneOfficial, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		const pw = "khảo sát sự hài lòng 2026"
		if err := as.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
			t.Fatal(err)
		}
		in, err := as.SignIn(ctx, email, pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		_, a, _ := as.Session(ctx, in.Token)
		return a
	}
	f.official, f.outsider = official("xa@dandien.vn", f.danDien), official("xa@phuxuan.vn", f.phuXuan)
	citizen := func() *auth.Actor {
		id := d.NewID()
		if _, err := d.Raw().ExecContext(ctx, `insert into accounts (id, kind, full_name, email, phone, password_hash, status, totp_secret,
			totp_enabled, totp_last, failed_logins, retry_at, created_at, updated_at) values ($1, 'citizen', 'Người đại diện', null, $2, '', 'active', '',
			false, 0, 0, 0, 0, 0)`, id, fmt.Sprintf("+849%09d", id%1_000_000_000)); err != nil {
			t.Fatal(err)
		}
		return &auth.Actor{AccountID: id, Kind: auth.Citizen}
	}
	hs := make([]org.Household, households)
	for i := range hs {
		hs[i] = org.Household{Code: fmt.Sprintf("H%03d", i+1), HeadName: "Chủ hộ", Address: "Đan Điền", Members: 4, RepresentativeName: "Đại diện", Active: true}
	}
	if err := units.AddHouseholds(ctx, f.v1.ID, hs); err != nil {
		t.Fatal(err)
	}
	rows, err := d.Raw().QueryContext(ctx, "select id from households where village_id = $1 order by id", f.v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		a := citizen()
		if _, err := d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where id = $2", a.AccountID, id); err != nil {
			t.Fatal(err)
		}
		f.reps = append(f.reps, a)
	}
	f.stranger = citizen()
	f.svc = survey.NewService(d, units, as.Guard(), units)
	return f
}

const questions = `# Thái độ phục vụ
[scale+*] Ông/bà hài lòng thế nào với thái độ của cán bộ UBND xã?

[single*] Ông/bà đến UBND xã bao nhiêu lần trong năm?
- Chưa lần nào
- 1–2 lần
- 3 lần trở lên

[multi] Cần cải thiện điều gì?
- Thời gian chờ
- Hướng dẫn thủ tục
- Cơ sở vật chất

[text] Ý kiến khác`

func (f *fixture) survey(t testing.TB, audience string) survey.Survey {
	t.Helper()
	qs, err := survey.ParseQuestions(questions)
	if err != nil {
		t.Fatal(err)
	}
	today := legal.Today(f.now)
	x, err := f.svc.Create(context.Background(), f.official, f.danDien.ID, survey.DraftSurvey{Title: "Khảo sát sự hài lòng năm 2026", Audience: audience,
		OpensOn: today, ClosesOn: today.AddDays(30), Questions: qs}, db.Idem{})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// answer is a response: scale is the point (1–5), single and multi the options (from 0).
func answer(scale, single int, multi []int, text string) survey.Answer {
	return survey.Answer{Choices: map[int][]int{1: {scale - 1}, 2: {single}, 3: multi}, Texts: map[int]string{4: text}}
}

func TestParseQuestions(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"no kind", "Câu hỏi không có loại", "không phải câu hỏi"},
		{"unknown kind", "[yesno] Có không?", "loại câu hỏi"},
		{"one option", "[single] Chọn\n- Một", "cần từ 2 đến 12"},
		{"options on a scale", "[scale] Điểm\n- Một\n- Hai", "lựa chọn chỉ đi sau"},
		{"satisfaction not a scale", "[single+] Chọn\n- A\n- B", "chỉ câu thang điểm"},
		{"empty", "\n\n", "Chưa có câu hỏi"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := survey.ParseQuestions(c.src)
			var e *apperr.Error
			if !errors.As(err, &e) || e.FieldMsgs["questions"].Key == "" {
				t.Fatalf("%v: want a message on questions", err)
			}
			apperrtest.Want(t, apperr.New(apperr.CodeInvalid, e.FieldMsgs["questions"].Key, e.FieldMsgs["questions"].Args...), apperr.CodeInvalid, c.want)
		})
	}
	qs, err := survey.ParseQuestions(questions)
	if err != nil || len(qs) != 4 || qs[0].Section != "Thái độ phục vụ" || !qs[0].Required || !qs[0].Satisfaction || qs[0].Choices() != 5 ||
		qs[1].Choices() != 3 || qs[2].Kind != survey.Multi || qs[3].Choices() != 0 || qs[3].Section != "Thái độ phục vụ" {
		t.Fatalf("parsed: %+v %v", qs, err)
	}
}

func TestAnswerOnceAndCount(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 4)
		ctx := context.Background()
		x := f.survey(t, survey.Residents)
		// A draft takes no answers and has no public results.
		err := f.svc.Respond(ctx, f.reps[0], x.ID, answer(4, 1, nil, ""))
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
		if _, _, err := f.svc.PublicResults(ctx, x.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Fatalf("a draft's public results: %v", err)
		}
		// Another commune's official neither opens it nor reads it.
		apperrtest.Want(t, f.svc.SetStatus(ctx, f.outsider, f.phuXuan.ID, x.ID, survey.Open), apperr.CodeNotFound, "")
		apperrtest.Want(t, f.svc.SetStatus(ctx, f.outsider, f.danDien.ID, x.ID, survey.Open), apperr.CodeNotFound, "")
		if err := f.svc.SetStatus(ctx, f.official, f.danDien.ID, x.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		apperrtest.Want(t, f.svc.SetStatus(ctx, f.official, f.danDien.ID, x.ID, survey.Open), apperr.CodeConflict, "")
		// Bad answers change nothing.
		for _, c := range []struct {
			a     survey.Answer
			field string
		}{
			{survey.Answer{Choices: map[int][]int{2: {0}}, Texts: map[int]string{}}, "q1"}, // the required scale unanswered
			{answer(7, 0, nil, ""), "q1"}, // no 8th point
			{survey.Answer{Choices: map[int][]int{1: {3}, 2: {0, 1}}, Texts: map[int]string{}}, "q2"}, // two for a single
			{answer(3, 0, []int{-1}, ""), "q3"},
			{answer(3, 0, nil, strings.Repeat("ý", 2001)), "q4"},
			{answer(3, 0, nil, "\xff\xfe"), "q4"},
		} {
			err := f.svc.Respond(ctx, f.reps[0], x.ID, c.a)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.FieldMsgs[c.field].Key == "" {
				t.Fatalf("answer %+v: %v, want %s marked", c.a, err, c.field)
			}
		}
		// A citizen of no household of the commune, an official: refused.
		apperrtest.Want(t, f.svc.Respond(ctx, f.stranger, x.ID, answer(4, 0, nil, "")), apperr.CodeForbidden, "chưa gắn với hộ")
		apperrtest.Want(t, f.svc.Respond(ctx, f.official, x.ID, answer(4, 0, nil, "")), apperr.CodeForbidden, "Chỉ công dân")
		// Four residents answer; the first again is refused.
		for i, a := range []survey.Answer{answer(4, 1, []int{0, 1}, "Cán bộ nhiệt tình."), answer(5, 2, []int{0}, ""), answer(2, 0, nil, ""), answer(4, 1, []int{1, 1}, "")} {
			if err := f.svc.Respond(ctx, f.reps[i], x.ID, a); err != nil {
				t.Fatalf("answer %d: %v", i, err)
			}
		}
		apperrtest.Want(t, f.svc.Respond(ctx, f.reps[0], x.ID, answer(1, 0, nil, "")), apperr.CodeConflict, "đã trả lời")
		r, _, err := f.svc.PublicResults(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Survey.Responses != 4 || !slices.Equal(r.Questions[0].Counts, []int64{0, 1, 0, 2, 1}) || !slices.Equal(r.Questions[1].Counts, []int64{1, 2, 1}) ||
			!slices.Equal(r.Questions[2].Counts, []int64{2, 2, 0}) || r.Questions[2].Shares[0] != 50 || r.Satisfied != 75 || r.Questions[0].Mean != 3.75 {
			t.Fatalf("results: %+v", r)
		}
		if r.Questions[3].Texts != nil {
			t.Error("free text in the public results")
		}
		or, err := f.svc.OfficialResults(ctx, f.official, f.danDien.ID, x.ID)
		if err != nil || len(or.Questions[3].Texts) != 1 || or.Questions[3].Texts[0] != "Cán bộ nhiệt tình." {
			t.Fatalf("official results: %+v %v", or.Questions[3], err)
		}
		if sat, err := f.svc.SatisfiedIn(ctx, f.danDien); err != nil || sat != 75 {
			t.Fatalf("satisfied in the commune: %d %v", sat, err)
		}
		// Closed: no more answers.
		if err := f.svc.SetStatus(ctx, f.official, f.danDien.ID, x.ID, survey.Closed); err != nil {
			t.Fatal(err)
		}
		apperrtest.Want(t, f.svc.Respond(ctx, f.stranger, x.ID, answer(4, 0, nil, "")), apperr.CodeConflict, "")
	})
}

// One answer per household: a second representative of the same household
// is refused (here the household's representative changes hands).
func TestOnePerHousehold(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 2)
		ctx := context.Background()
		x := f.survey(t, survey.Households)
		if err := f.svc.SetStatus(ctx, f.official, f.danDien.ID, x.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Respond(ctx, f.reps[0], x.ID, answer(5, 0, nil, "")); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where representative_account_id = $2", f.stranger.AccountID, f.reps[0].AccountID); err != nil {
			t.Fatal(err)
		}
		apperrtest.Want(t, f.svc.Respond(ctx, f.stranger, x.ID, answer(1, 0, nil, "")), apperr.CodeConflict, "mỗi hộ")
	})
}

// A representative of two households answers once for each, a third time is
// refused; an inactive household does not answer; a survey whose last day
// has passed does not open.
func TestHouseholdsOfOneRepresentative(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 3)
		ctx := context.Background()
		x := f.survey(t, survey.Households)
		if err := f.svc.SetStatus(ctx, f.official, f.danDien.ID, x.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		// reps[1]'s household is handed to reps[0]; reps[2]'s is no longer active.
		if _, err := d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where representative_account_id = $2", f.reps[0].AccountID, f.reps[1].AccountID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Raw().ExecContext(ctx, "update households set active = false where representative_account_id = $1", f.reps[2].AccountID); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := f.svc.Respond(ctx, f.reps[0], x.ID, answer(4, 0, nil, "")); err != nil {
				t.Fatal(err)
			}
		}
		apperrtest.Want(t, f.svc.Respond(ctx, f.reps[0], x.ID, answer(4, 0, nil, "")), apperr.CodeConflict, "đã trả lời")
		apperrtest.Want(t, f.svc.Respond(ctx, f.reps[2], x.ID, answer(4, 0, nil, "")), apperr.CodeForbidden, "chưa gắn với hộ")
		if done, err := f.svc.Answered(ctx, f.reps[0], x); err != nil || !done {
			t.Fatalf("answered for both households: %v %v", done, err)
		}
		r, _, err := f.svc.PublicResults(ctx, x.ID)
		if err != nil || r.Survey.Responses != 2 || r.Questions[0].Counts[3] != 2 {
			t.Fatalf("results: %+v %v", r.Survey, err)
		}
		late := f.survey(t, survey.Residents)
		f.now = f.now.AddDate(0, 0, 31)
		apperrtest.Want(t, f.svc.SetStatus(ctx, f.official, f.danDien.ID, late.ID, survey.Open), apperr.CodeConflict, "đã qua")
	})
}

// TestRowsOverAProvince reads the open data of a province: each commune's
// opened surveys, in the units' order, with the counts their results page
// shows; a draft and the free text are left out.
func TestRowsOverAProvince(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 3)
		ctx := context.Background()
		qs, err := survey.ParseQuestions("[scale+*] Hài lòng với cán bộ phường?\n\n[text] Ý kiến")
		if err != nil {
			t.Fatal(err)
		}
		today := legal.Today(f.now)
		px, err := f.svc.Create(ctx, f.outsider, f.phuXuan.ID, survey.DraftSurvey{Title: "Khảo sát phường", Audience: survey.Residents,
			OpensOn: today, ClosesOn: today.AddDays(10), Questions: qs}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		dd, draft := f.survey(t, survey.Residents), f.survey(t, survey.Residents)
		for _, x := range []struct {
			a    *auth.Actor
			unit int64
			id   int64
		}{{f.outsider, f.phuXuan.ID, px.ID}, {f.official, f.danDien.ID, dd.ID}} {
			if err := f.svc.SetStatus(ctx, x.a, x.unit, x.id, survey.Open); err != nil {
				t.Fatal(err)
			}
		}
		for i, sc := range []int{5, 4, 2} {
			if err := f.svc.Respond(ctx, f.reps[i], dd.ID, answer(sc, i%3, []int{0, 2}, "bí mật")); err != nil {
				t.Fatal(err)
			}
		}
		t0, err := org.NewService(d).Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		province, _ := t0.Unit(f.danDien.ParentID)
		rows, err := f.svc.Rows(ctx, province)
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := f.svc.PublicResults(ctx, dd.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, u := range t0.Descendants(province.ID) {
			for _, x := range []struct {
				s     survey.Survey
				unit  int64
				texts []survey.QuestionResult
			}{{dd, f.danDien.ID, res.Questions}, {px, f.phuXuan.ID, nil}} {
				if x.unit != u.ID {
					continue
				}
				if x.texts == nil { // Phú Xuân's: five points, no answer
					for i := range 5 {
						want = append(want, fmt.Sprintf("%s %d %s %d", u.Code, x.s.ID, survey.ScaleLabels[i], 0))
					}
					continue
				}
				for _, q := range x.texts {
					if q.Question.Kind == survey.Text {
						continue
					}
					for i, n := range q.Counts {
						want = append(want, fmt.Sprintf("%s %d %s %d", u.Code, x.s.ID, q.Labels[i], n))
					}
				}
			}
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%s %s %s %d", r.UnitCode, r.SurveyID, r.Option, r.Count))
			if r.SurveyID == fmt.Sprint(draft.ID) || strings.Contains(r.Option, "bí mật") {
				t.Errorf("a draft or free text in the open data: %+v", r)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != 5+5+3+3 {
			t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
