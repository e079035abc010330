package feedback_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/notify/mailtest"
	"danchu/internal/org"
	"danchu/internal/web/webtest"
)

type fixture struct {
	d                       *db.DB
	now                     time.Time
	svc                     *feedback.Service
	commune, village, other org.Unit
	citizen                 *auth.Actor
	official, stranger      *auth.Actor
	mail                    *mailtest.Server
	out                     *notify.Outbox
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)} // a Friday
	d.Now = func() time.Time { return f.now }
	units := org.NewService(d)
	if _, err := units.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n19885,Xã Đan Điền,xa,46\n19885-01,Thôn Đông Phước,thon,19885\n19753,Phường Phú Xuân,phuong,46\n"), nil); err != nil {
		t.Fatal(err)
	}
	f.commune, _ = units.UnitByCode(ctx, "19885")
	f.village, _ = units.UnitByCode(ctx, "19885-01")
	f.other, _ = units.UnitByCode(ctx, "19753")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	log := notify.LogSender{Log: quiet}
	p := auth.DefaultPolicy()
	p.Require2FA = false
	f.mail = mailtest.Start(t)
	as := auth.NewService(d, units, audit.NewService(d), p, f.mail.Sender(), log)
	f.out = notify.NewOutbox(d, f.mail.Sender(), log, "https://danchu.test", quiet)
	f.svc = feedback.NewService(d, units, as.Guard(), legal.Fixed{C: legal.NewCalendar(legal.Decided())}, f.out, t.TempDir())
	t.Cleanup(f.svc.Close)
	official := func(email string, unit org.Unit) *auth.Actor {
		res, err := as.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ tiếp nhận", Email: email, Role: auth.CommuneOfficial, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		const pw = "phản ánh kiến nghị 2026"
		if err := as.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
			t.Fatal(err)
		}
		in, _ := as.SignIn(ctx, email, pw, "ip", "ua")
		_, a, _ := as.Session(ctx, in.Token)
		return a
	}
	f.official, f.stranger = official("tiepnhan@dandien.vn", f.commune), official("tiepnhan@phuxuan.vn", f.other)
	f.citizen = &auth.Actor{AccountID: 501, Name: "Lê Văn Dân", Kind: auth.Citizen}
	return f
}

func rows(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRow("select count(*) from feedback_items").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSubmitAndTrack(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		lat, lon, paris := 16.46, 107.59, 2.35
		ok := feedback.Submission{Kind: feedback.Feedback, Category: "moi-truong", UnitID: f.village.ID, Description: "Rác đổ trộm cạnh cầu thôn <script>x</script>",
			Lat: &lat, Lon: &lon, Contact: "dan@example.vn", IdemKey: "k1"}
		for _, tt := range []struct {
			name string
			edit func(*feedback.Submission)
			want string
		}{
			{"no kind", func(s *feedback.Submission) { s.Kind = "" }, "phản ánh hoặc kiến nghị"},
			{"unknown category", func(s *feedback.Submission) { s.Category = "x" }, "lĩnh vực"},
			{"empty", func(s *feedback.Submission) { s.Description = " " }, "Hãy mô tả"},
			{"10,000 characters", func(s *feedback.Submission) { s.Description = strings.Repeat("a", 10_000) }, "quá giới hạn 5000"},
			{"outside Vietnam", func(s *feedback.Submission) { s.Lon = &paris }, "ngoài lãnh thổ"},
			{"half a point", func(s *feedback.Submission) { s.Lon = nil }, "cả vĩ độ và kinh độ"},
			{"no key", func(s *feedback.Submission) { s.IdemKey = "" }, "mã gửi"},
			{"not UTF-8", func(s *feedback.Submission) { s.Description = "R\xe1c" }, "không phải UTF-8"},
			{"address of 301 characters", func(s *feedback.Submission) { s.Address = strings.Repeat("đ", 301) }, "quá giới hạn 300"},
			{"contact neither mail nor phone", func(s *feedback.Submission) { s.Contact = "gọi cho tôi" }, "số điện thoại"},
			{"mail with a display name", func(s *feedback.Submission) { s.Contact = "Dân <dan@example.vn>" }, "thư điện tử"},
			{"phone too short", func(s *feedback.Submission) { s.Contact = "0912" }, "số điện thoại"},
			{"a province", func(s *feedback.Submission) { s.UnitID = f.commune.ParentID }, "nơi xảy ra"},
		} {
			s := ok
			tt.edit(&s)
			_, err := f.svc.Submit(ctx, f.citizen, s)
			if apperr.CodeOf(err) != apperr.CodeInvalid || !strings.Contains(webtest.Vietnamese(t, err), tt.want) {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
		if n := rows(t, d); n != 0 {
			t.Fatalf("%d items stored by refused submissions", n)
		}
		c1, err := f.svc.Submit(ctx, f.citizen, ok)
		if err != nil || !regexp.MustCompile(`^PA-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`).MatchString(c1) {
			t.Fatalf("code %q %v", c1, err)
		}
		if c2, _ := f.svc.Submit(ctx, f.citizen, ok); c2 != c1 || rows(t, d) != 1 {
			t.Errorf("a resubmitted form: code %s (first %s), %d rows", c2, c1, rows(t, d))
		}
		anon := ok
		anon.Kind, anon.Category, anon.Lat, anon.Lon = feedback.Petition, "dat-dai", nil, nil
		c3, err := f.svc.Submit(ctx, nil, anon)
		if err != nil || !strings.HasPrefix(c3, "KN-") {
			t.Fatalf("anonymous petition: %q %v", c3, err)
		}
		p, err := f.svc.Track(ctx, strings.ToLower(strings.ReplaceAll(c1, "-", " ")))
		// 10 working days from Friday 20/11/2026: Friday 04/12/2026.
		if err != nil || p.Code != c1 || p.Status != feedback.Received || p.HandlerID != f.commune.ID || p.DueOn.String() != "2026-12-04" ||
			len(p.Events) != 1 || p.Anonymous {
			t.Errorf("track: %+v %v", p, err)
		}
		if p, _ := f.svc.Track(ctx, c3); !p.Anonymous || p.DueOn.String() != "2026-12-11" {
			t.Errorf("anonymous land petition: %+v", p)
		}
		_, err = f.svc.Track(ctx, "PA-0000-0000")
		if apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("unknown code: %v", err)
		}
		_, err = f.svc.Track(ctx, "<script>")
		if apperr.CodeOf(err) != apperr.CodeNotFound || !strings.Contains(webtest.Vietnamese(t, err), "PA-7K3Q-9MXD") {
			t.Errorf("malformed code: %v", err)
		}
		if st, _ := f.svc.Stats(ctx, f.commune.ID); st.Received != 2 {
			t.Errorf("counters: %+v", st)
		}
	})
}

// Many senders at once, every form sent twice: each stored once, counters exact.
func TestConcurrentSubmissions(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		var wg sync.WaitGroup
		for p := range 20 {
			wg.Go(func() {
				a := &auth.Actor{AccountID: int64(1000 + p), Kind: auth.Citizen}
				for i := range 10 {
					for range 2 {
						if _, err := f.svc.Submit(ctx, a, feedback.Submission{Kind: feedback.Feedback, Category: "giao-thong", UnitID: f.village.ID,
							Description: "Ổ gà trên đường liên thôn", IdemKey: fmt.Sprint(i)}); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		st, _ := f.svc.Stats(ctx, f.commune.ID)
		if n := rows(t, d); n != 200 || st.Received != 200 {
			t.Errorf("%d rows, counter %d; want 200", n, st.Received)
		}
	})
}
