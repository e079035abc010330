package consultation_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/notify/mailtest"
	"danchu/internal/org"
)

type fixture struct {
	d                        *db.DB
	svc                      *consultation.Service
	auth                     *auth.Service
	rec                      *audit.Service
	now                      time.Time
	danDien, phuXuan         org.Unit
	official, other, citizen *auth.Actor
	mail                     *mailtest.Server
	out                      *notify.Outbox
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	d.Now = func() time.Time { return f.now }
	units := org.NewService(d)
	if _, err := units.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n19885,Xã Đan Điền,xa,46\n19753,Phường Phú Xuân,phuong,46\n"), nil); err != nil {
		t.Fatal(err)
	}
	f.danDien, _ = units.UnitByCode(ctx, "19885")
	f.phuXuan, _ = units.UnitByCode(ctx, "19753")
	p := auth.DefaultPolicy()
	p.Require2FA = false
	log := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.rec = audit.NewService(d)
	f.mail = mailtest.Start(t)
	f.auth = auth.NewService(d, units, f.rec, p, f.mail.Sender(), log)
	f.out = notify.NewOutbox(d, f.mail.Sender(), log, "https://danchu.test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	official := func(email string, unit org.Unit) *auth.Actor {
		res, err := f.auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ", Email: email, Role: auth.CommuneOfficial, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		const pw = "lấy ý kiến nhân dân 2026"
		if err := f.auth.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
			t.Fatal(err)
		}
		in, _ := f.auth.SignIn(ctx, email, pw, "ip", "ua")
		_, a, _ := f.auth.Session(ctx, in.Token)
		return a
	}
	f.official, f.other = official("xa@dd.vn", f.danDien), official("xa@px.vn", f.phuXuan)
	f.citizen = &auth.Actor{AccountID: 777, Name: "Nguyễn Thị Lan", Kind: auth.Citizen}
	f.svc = consultation.NewService(d, units, f.auth.Guard(), f.rec, legal.Fixed{C: legal.NewCalendar(legal.Decided())}, f.out)
	t.Cleanup(f.svc.Close)
	return f
}

func draft(f *fixture) consultation.Draft {
	return consultation.Draft{UnitID: f.danDien.ID, Subject: 6, Title: "Dự thảo quy chế dân chủ ở cơ sở xã Đan Điền",
		Parts: []consultation.Part{{Heading: "Chương I", Body: "Quy định chung"}, {Heading: "Chương II", Body: "Công khai"}, {Heading: "Chương III", Body: "Giám sát"}},
		Forms: []string{"online", "meeting"}, ClosesOn: "2026-03-23"}
}

func wantCode(t *testing.T, err error, code apperr.Code, text string) {
	t.Helper()
	apperrtest.Want(t, err, code, text)
}

func TestConsultationLifecycle(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		// 20 days from 02/03 end on 22/03, a Sunday, so on 23/03 (Civil Code Art 148); 22/03 needs a stated legal basis.
		short := draft(f)
		short.ClosesOn = "2026-03-22"
		_, err := f.svc.Open(ctx, f.official, short)
		wantCode(t, err, apperr.CodeInvalid, "short_basis")
		short.ShortBasis = "Khoản 2 Điều 28: luật chuyên ngành quy định 15 ngày"
		if c, err := f.svc.Open(ctx, f.official, short); err != nil || c.ShortBasis == "" {
			t.Fatalf("short window with a basis: %+v %v", c.ShortBasis, err)
		}
		_, err = f.svc.Open(ctx, f.other, draft(f))
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		c, err := f.svc.Open(ctx, f.official, draft(f))
		if err != nil {
			t.Fatal(err)
		}
		// Citizens comment; a resubmitted form counts once.
		for i, tt := range []struct {
			part   int
			stance string
			key    string
		}{{2, consultation.Disagree, "k1"}, {2, consultation.Disagree, "k1"}, {0, consultation.Agree, "k2"}, {1, consultation.Suggest, "k3"}} {
			if err := f.svc.Comment(ctx, f.citizen, c.ID, tt.part, tt.stance, fmt.Sprintf("Ý kiến %d <script>x</script>", i), i%2 == 0, tt.key); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			body, stance string
			part         int
			want         string
		}{
			{"", consultation.Agree, 1, "Hãy viết ý kiến"},
			{strings.Repeat("a", 20_000), consultation.Agree, 1, "quá giới hạn 10000 ký tự"},
			{"x", "maybe", 1, "stance"},
			{"x", consultation.Agree, 9, "part"},
		} {
			wantCode(t, f.svc.Comment(ctx, f.citizen, c.ID, tt.part, tt.stance, tt.body, false, "bad"), apperr.CodeInvalid, tt.want)
		}
		wantCode(t, f.svc.Comment(ctx, f.official, c.ID, 1, consultation.Agree, "x", false, "o"), apperr.CodeForbidden, "đăng nhập")
		if err := f.svc.EnterOffline(ctx, f.official, c.ID, []consultation.Offline{{Part: 3, Stance: consultation.Agree, Body: "Hội nghị thôn Đông đồng ý", Source: "meeting", Note: "Biên bản 05/3"}}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(ctx, nil, c.ID)
		if got.Comments != 4 || got.Answered != 0 {
			t.Fatalf("counters = %d comments, %d answered", got.Comments, got.Answered)
		}
		ids := commentIDs(t, d, c.ID)
		wantCode(t, f.svc.Hide(ctx, f.official, c.ID, ids[0], "dislike"), apperr.CodeInvalid, "Chỉ được ẩn")
		if err := f.svc.Hide(ctx, f.official, c.ID, ids[0], "abuse"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.Answer(ctx, f.other, c.ID, ids[:1], consultation.Explained, "x"), apperr.CodeNotFound, "Không tìm thấy")
		wantCode(t, f.svc.Answer(ctx, f.official, c.ID, ids[:1], consultation.Rejected, ""), apperr.CodeInvalid, "lý do")
		// Window not over yet: no synthesis.
		wantCode(t, f.svc.Synthesize(ctx, f.official, c.ID, "Thông qua", true, ""), apperr.CodeConflict, "Chưa hết thời gian")
		if n, err := f.svc.CloseDue(ctx); n != 0 || err != nil {
			t.Fatalf("closed %d before the end of the window (%v)", n, err)
		}
		f.now = time.Date(2026, 3, 24, 2, 0, 0, 0, time.UTC)
		wantCode(t, f.svc.Comment(ctx, f.citizen, c.ID, 1, consultation.Agree, "muộn", false, "late"), apperr.CodeConflict, "kết thúc ngày 23/03/2026")
		// The short consultation closed on 22/03 and this one on 23/03: both go on the record, once.
		for _, want := range []int{2, 0} {
			if n, err := f.svc.CloseDue(ctx); n != want || err != nil {
				t.Fatalf("closed %d, want %d (%v)", n, want, err)
			}
		}
		if err := f.svc.Answer(ctx, f.official, c.ID, ids[:2], consultation.Explained, "Đã giải thích tại hội nghị"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.Synthesize(ctx, f.official, c.ID, "Thông qua", true, ""), apperr.CodeConflict, "Còn 2 ý kiến chưa được trả lời (đã trả lời 2/4)")
		if err := f.svc.Answer(ctx, f.official, c.ID, ids[2:], consultation.Accepted, ""); err != nil {
			t.Fatal(err)
		}
		// 2 agree (online + meeting) vs 1 disagree: not adopting goes against the majority.
		wantCode(t, f.svc.Synthesize(ctx, f.official, c.ID, "Không ban hành", false, ""), apperr.CodeInvalid, "Điều 28 khoản 4")
		if err := f.svc.Synthesize(ctx, f.official, c.ID, "Thông qua quy chế, bổ sung Chương II", true, ""); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Get(ctx, nil, c.ID)
		if got.Status != consultation.Synthesized || got.Answered != 4 || got.Hidden != 1 {
			t.Errorf("after synthesis: %+v", got)
		}
		rs, _ := f.rec.Records(ctx, 0, 20)
		var kinds []string
		closedWith := ""
		for _, r := range rs {
			kinds = append(kinds, r.Kind)
			if r.Kind == "consultation.closed" {
				closedWith += r.Summary + "\n"
			}
		}
		if !strings.Contains(closedWith, "(4 ý kiến)") || !strings.Contains(closedWith, "(0 ý kiến)") {
			t.Errorf("close records = %q, want the counts 4 and 0", closedWith)
		}
		if strings.Join(kinds, ",") != "consultation.synthesized,consultation.answered,consultation.answered,consultation.closed,consultation.closed,consultation.opened,consultation.opened" {
			t.Errorf("public record = %v", kinds)
		}
	})
}

func commentIDs(t *testing.T, d *db.DB, id int64) []int64 {
	t.Helper()
	rows, err := d.Query("select id from consultation_comments where consultation_id = $1 order by id", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var x int64
		rows.Scan(&x)
		out = append(out, x)
	}
	return out
}

// Many citizens at once: every comment stored once, counters exact.
func TestConcurrentComments(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		c, err := f.svc.Open(ctx, f.official, draft(f))
		if err != nil {
			t.Fatal(err)
		}
		const people, each = 30, 20
		var wg sync.WaitGroup
		for p := range people {
			wg.Go(func() {
				a := &auth.Actor{AccountID: int64(1000 + p), Kind: auth.Citizen}
				for i := range each {
					key := fmt.Sprintf("form-%d", i)
					for range 2 { // every form sent twice
						if err := f.svc.Comment(ctx, a, c.ID, i%4, consultation.Suggest, "Đề nghị bổ sung", false, key); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		got, _ := f.svc.Get(ctx, nil, c.ID)
		var rows int
		d.QueryRow("select count(*) from consultation_comments where consultation_id = $1", c.ID).Scan(&rows)
		if got.Comments != people*each || rows != people*each {
			t.Errorf("counter %d, rows %d; want %d", got.Comments, rows, people*each)
		}
	})
}

// signInCitizen signs a citizen in with the code mailed to them.
func signInCitizen(t *testing.T, f *fixture, email string) *auth.Actor {
	t.Helper()
	ctx := context.Background()
	before := len(f.mail.Wait(t, 0))
	p, err := f.auth.SendCode(ctx, email, "ip")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.out.Deliver(ctx, 100); err != nil { // the code goes through the outbox
		t.Fatal(err)
	}
	m := f.mail.Wait(t, before+1)[before]
	code := m.Subject[strings.LastIndex(m.Subject, " ")+1:]
	token, err := f.auth.SignInWithCode(ctx, p.Token, code, "ip", "ua")
	if err != nil {
		t.Fatal(err)
	}
	_, a, err := f.auth.Session(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The author of an answered comment is told by e-mail (through the outbox),
// once per answer however many of their comments it covers; offline opinions
// have nobody to tell.
func TestAnswerNotifiesAuthor(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		lan := signInCitizen(t, f, "lan@example.vn")
		c, err := f.svc.Open(ctx, f.official, draft(f))
		if err != nil {
			t.Fatal(err)
		}
		for i, key := range []string{"a", "b"} {
			if err := f.svc.Comment(ctx, lan, c.ID, i+1, consultation.Suggest, "Đề nghị sửa", false, key); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.svc.EnterOffline(ctx, f.official, c.ID, []consultation.Offline{{Part: 1, Stance: consultation.Agree, Body: "Đồng ý", Source: "box"}}); err != nil {
			t.Fatal(err)
		}
		ids := commentIDs(t, d, c.ID)
		// A refused answer queues nothing.
		wantCode(t, f.svc.Answer(ctx, f.other, c.ID, ids, consultation.Explained, "x"), apperr.CodeNotFound, "Không tìm thấy")
		before := len(f.mail.Wait(t, 0))
		if err := f.svc.Answer(ctx, f.official, c.ID, ids, consultation.Explained, "Sẽ xem xét khi sửa Chương II"); err != nil {
			t.Fatal(err)
		}
		if sent, failed, err := f.out.Deliver(ctx, 100); sent != 1 || failed != 0 || err != nil {
			t.Fatalf("outbox: sent %d failed %d err %v", sent, failed, err)
		}
		m := f.mail.Wait(t, before+1)[before]
		want := fmt.Sprintf("https://danchu.test/lay-y-kien/%d#y-kien-%d", c.ID, ids[0])
		if m.To != "lan@example.vn" || !strings.Contains(m.Text, "Giải trình") || !strings.Contains(m.Text, "Sẽ xem xét khi sửa Chương II") ||
			!strings.Contains(m.Text, want) {
			t.Errorf("mail = %+v, want a link to %s", m, want)
		}
		if sent, _, err := f.out.Deliver(ctx, 100); err != nil || sent != 0 {
			t.Errorf("%d more notes sent (%v)", sent, err)
		}
	})
}

// A citizen corrects their own comment within 15 minutes, before it is answered.
func TestEditOwnComment(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		c, err := f.svc.Open(ctx, f.official, draft(f))
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"a", "b"} {
			if err := f.svc.Comment(ctx, f.citizen, c.ID, 2, consultation.Suggest, "Bản đầu", false, key); err != nil {
				t.Fatal(err)
			}
		}
		ids := commentIDs(t, d, c.ID)
		stranger := &auth.Actor{AccountID: 778, Kind: auth.Citizen}
		wantCode(t, f.svc.Edit(ctx, stranger, ids[0], consultation.Agree, "sửa"), apperr.CodeNotFound, "Không tìm thấy")
		wantCode(t, f.svc.Edit(ctx, f.official, ids[0], consultation.Agree, "sửa"), apperr.CodeNotFound, "Không tìm thấy")
		wantCode(t, f.svc.Edit(ctx, f.citizen, ids[0], consultation.Agree, ""), apperr.CodeInvalid, "Hãy viết ý kiến")
		f.now = f.now.Add(14 * time.Minute)
		if err := f.svc.Edit(ctx, f.citizen, ids[0], consultation.Agree, "Bản đã sửa"); err != nil {
			t.Fatal(err)
		}
		mine, err := f.svc.Mine(ctx, f.citizen, c.ID)
		if err != nil || len(mine) != 2 || mine[0].Body != "Bản đã sửa" || mine[0].Stance != consultation.Agree || mine[0].EditedAt <= mine[0].CreatedAt {
			t.Fatalf("mine = %+v, %v", mine, err)
		}
		if other, err := f.svc.Mine(ctx, stranger, c.ID); err != nil || len(other) != 0 {
			t.Errorf("a stranger sees %d comments as theirs (%v)", len(other), err)
		}
		if err := f.svc.Answer(ctx, f.official, c.ID, ids[1:], consultation.Accepted, ""); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.Edit(ctx, f.citizen, ids[1], consultation.Agree, "sửa"), apperr.CodeConflict, "đã được trả lời")
		f.now = f.now.Add(2 * time.Minute)
		wantCode(t, f.svc.Edit(ctx, f.citizen, ids[0], consultation.Agree, "sửa lần hai"), apperr.CodeConflict, "15 phút")
		mine, err = f.svc.Mine(ctx, f.citizen, c.ID)
		if err != nil || mine[0].Body != "Bản đã sửa" {
			t.Errorf("a refused edit changed the comment: %q", mine[0].Body)
		}
	})
}

// Officials answering (and hiding) the same comment at the same moment: a
// comment is counted answered once and hidden once, because the counting
// write is conditional on the comment still having no answer (no reason).
func TestConcurrentAnswersCountOnce(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		c, err := f.svc.Open(ctx, f.official, draft(f))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Comment(ctx, f.citizen, c.ID, 1, consultation.Suggest, "Đề nghị sửa khoản 2", false, "k1"); err != nil {
			t.Fatal(err)
		}
		ids := commentIDs(t, d, c.ID)
		const n = 6
		errs := make(chan error, 2*n)
		start := make(chan struct{})
		for range n {
			go func() {
				<-start
				errs <- f.svc.Answer(ctx, f.official, c.ID, ids, consultation.Explained, "Sẽ xem xét")
			}()
			go func() { <-start; errs <- f.svc.Hide(ctx, f.official, c.ID, ids[0], "abuse") }()
		}
		close(start)
		for range 2 * n {
			if err := <-errs; err != nil {
				t.Errorf("a concurrent answer or hide: %v", err)
			}
		}
		got, err := f.svc.Get(ctx, nil, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Comments != 1 || got.Answered != 1 || got.Hidden != 1 {
			t.Errorf("after %d concurrent answers and hides: %d comments, %d answered, %d hidden; want 1, 1, 1", n, got.Comments, got.Answered, got.Hidden)
		}
	})
}
