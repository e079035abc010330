package steering_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/document"
	"danchu/internal/files/filestest"
	"danchu/internal/steering"
	"danchu/internal/web"
	"danchu/internal/web/webtest"

	"github.com/prometheus/client_golang/prometheus"
)

// fakeWriter writes the document's kind and number, as the writers will lay them out.
type fakeWriter struct{}

func (fakeWriter) DOCX(w io.Writer, d document.Doc) error {
	_, err := fmt.Fprintf(w, "DOCX %s %s %d", d.Kind, d.Number, len(d.Body))
	return err
}
func (fakeWriter) PDF(w io.Writer, d document.Doc) error {
	_, err := fmt.Fprintf(w, "PDF %s %s %s", d.Kind, d.Number, d.Signature.Name)
	return err
}

func (f *fixture) site(t *testing.T, w steering.Writer) *httptest.Server {
	t.Helper()
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	ah, err := auth.RegisterRoutes(s, f.auth, f.units)
	if err != nil {
		t.Fatal(err)
	}
	ah.SignInLimit, ah.WriteLimit = web.NewLimiter(100000, 100000), web.NewLimiter(100000, 100000)
	if err := steering.RegisterRoutes(s, ah, f.svc, w); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func signIn(t *testing.T, srv *httptest.Server, email string) *webtest.Browser {
	t.Helper()
	b := webtest.New(t, srv.URL)
	code, body, _ := b.Post("/dang-nhap", "/dang-nhap", url.Values{"email": {email}, "password": {pw}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d %s", email, code, body)
	}
	return b
}

func TestPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		srv := f.site(t, nil)
		base := "/quan-tri/don-vi/46/ban-chi-dao"
		prov := signIn(t, srv, "tinh@hue.vn")
		if code, page, _ := prov.Get(base); code != http.StatusOK || !strings.Contains(page, "chưa lập Ban Chỉ đạo") {
			t.Fatalf("before: %d %s", code, page)
		}
		code, _, hd := prov.Post(base, base, url.Values{"name": {""}})
		if code != http.StatusSeeOther || hd.Get("Location") != base {
			t.Fatalf("establish: %d %v", code, hd)
		}
		// Another province's official: every page and form of this committee is 404, and nothing moves.
		other := signIn(t, srv, "tinh@hanoi.vn")
		for _, p := range []string{base, base + "/lich-su", base + "/quy-che", base + "/hop", base + "/quyet-dinh.pdf"} {
			if code, _, _ := other.Get(p); code != http.StatusNotFound {
				t.Errorf("GET %s by another province: %d, want 404", p, code)
			}
		}
		tok := url.Values{"position": {"head"}, "name": {"Kẻ Lạ"}, "office": {"X"}, "decision_number": {"1-QĐ/TU"}, "decision_date": {"2026-03-05"}}
		if code, _, _ := other.Post("/quan-tri/don-vi/01/ban-chi-dao", base+"/thanh-vien", tok); code != http.StatusNotFound {
			t.Errorf("POST by another province: %d, want 404", code)
		}
		if n := db.Count(t, d, "select count(*) from steering_members"); n != 0 {
			t.Fatalf("%d members after a refused post", n)
		}

		// A followed unit outside the province: refused with its message, the form keeps what was typed.
		form := url.Values{"position": {"head"}, "name": {"Nguyễn Văn Bí Thư"}, "office": {"Bí thư Thành ủy"}, "area": {"Chỉ đạo chung"},
			"units": {"19885, 00004"}, "decision_number": {"125-QĐ/TU"}, "decision_date": {"2026-03-05"}, "key": {"k-1"}}
		code, page, _ := prov.Post(base, base+"/thanh-vien", form)
		if code != http.StatusBadRequest || !strings.Contains(page, "Đơn vị 00004 (Phường Ba Đình) không thuộc Thành phố Huế") ||
			!strings.Contains(page, `value="Nguyễn Văn Bí Thư"`) || !strings.Contains(page, `value="19885, 00004"`) ||
			!strings.Contains(page, "Chỉ đạo chung</textarea>") || !strings.Contains(page, `value="125-QĐ/TU"`) {
			t.Fatalf("outside unit: %d %s", code, page)
		}
		// An unknown code is named.
		form.Set("units", "19885 ZZZ")
		if code, page, _ := prov.Post(base, base+"/thanh-vien", form); code != http.StatusBadRequest || !strings.Contains(page, "Không có đơn vị mã ZZZ") {
			t.Fatalf("unknown unit: %d %s", code, page)
		}
		if n := db.Count(t, d, "select count(*) from steering_members"); n != 0 {
			t.Fatalf("%d members after refused posts", n)
		}
		form.Set("units", "19885, 46-TU")
		form.Set("key", "k-2")
		code, _, hd = prov.Post(base, base+"/thanh-vien", form)
		if code != http.StatusSeeOther {
			t.Fatalf("add member: %d", code)
		}
		code, page, _ = prov.Follow(code, "", hd)
		if code != http.StatusOK || !strings.Contains(page, "<b>Nguyễn Văn Bí Thư</b> — Bí thư Thành ủy") || !strings.Contains(page, "Xã Đan Điền, Thành ủy Huế") {
			t.Fatalf("committee page: %d %s", code, page)
		}
		c, err := f.svc.Committee(context.Background(), f.province, f.hue.ID)
		if err != nil || len(c.Members) != 1 {
			t.Fatalf("committee %+v, %v", c, err)
		}
		mid := c.Members[0].ID
		mpath := fmt.Sprintf("%s/thanh-vien/%d", base, mid)
		if code, page, _ := prov.Get(mpath); code != http.StatusOK || !strings.Contains(page, `value="19885, 46-TU"`) {
			t.Fatalf("member page: %d %s", code, page)
		}
		// Leaving without a decision date: the form says so.
		code, page, _ = prov.Post(mpath, mpath+"/thoi", url.Values{"version": {"1"}, "decision_number": {"140-QĐ/TU"}})
		if code != http.StatusBadRequest || !strings.Contains(page, "Cần số và ngày") || !strings.Contains(page, `value="140-QĐ/TU"`) || !strings.Contains(page, `value="Nguyễn Văn Bí Thư"`) {
			t.Fatalf("leave without date: %d %s", code, page)
		}
		code, _, _ = prov.Post(mpath, mpath+"/thoi", url.Values{"version": {"1"}, "decision_number": {"140-QĐ/TU"}, "decision_date": {"10/03/2026"}})
		if code != http.StatusSeeOther {
			t.Fatalf("leave: %d", code)
		}
		if code, page, _ := prov.Get(base + "/lich-su"); code != http.StatusOK || !strings.Contains(page, "Thôi tham gia: Trưởng ban") || !strings.Contains(page, "140-QĐ/TU, 10/03/2026") ||
			!strings.Contains(page, "Tham gia: Trưởng ban") {
			t.Fatalf("history: %d %s", code, page)
		}

		// A meeting dated tomorrow: refused, the place typed is kept.
		meet := url.Values{"held_on": {"2026-03-11"}, "place": {"Hội trường Thành ủy"}, "chair": {"Nguyễn Văn Bí Thư"}, "content": {"Sơ kết quý I"}, "key": {"m-1"}}
		code, page, _ = prov.PostMultipart(base+"/hop", base+"/hop", meet)
		if code != http.StatusBadRequest || !strings.Contains(page, "ngày họp không được sau hôm nay") || !strings.Contains(page, `value="Hội trường Thành ủy"`) {
			t.Fatalf("future meeting: %d %s", code, page)
		}
		meet.Set("held_on", "09/03/2026")
		code, _, hd = prov.PostMultipart(base+"/hop", base+"/hop", meet, webtest.File{Field: "file", Name: "bien-ban.pdf", Content: filestest.PDF("bien ban")})
		if code != http.StatusSeeOther || !strings.HasPrefix(hd.Get("Location"), base+"/hop/") {
			t.Fatalf("meeting: %d %v", code, hd)
		}
		mpage := hd.Get("Location")
		if code, page, _ := prov.Get(mpage); code != http.StatusOK || !strings.Contains(page, "09/03/2026") || !strings.Contains(page, "Sơ kết quý I") || strings.Contains(page, "bien-ban.pdf\"") {
			t.Fatalf("meeting page: %d %s", code, page)
		}
		if code, body, hd := prov.Get(mpage + "/tep"); code != http.StatusOK || hd.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
			t.Errorf("minutes file: %d %v", code, hd)
		}
		if code, _, _ := other.Get(mpage); code != http.StatusNotFound {
			t.Errorf("meeting page by another province: %d", code)
		}
		// No writer wired: the downloads are 404.
		for _, p := range []string{base + "/quyet-dinh.docx", base + "/quyet-dinh.pdf", mpage + "/bien-ban.docx", mpage + "/bien-ban.pdf"} {
			if code, _, _ := prov.Get(p); code != http.StatusNotFound {
				t.Errorf("GET %s without a writer: %d, want 404", p, code)
			}
		}
		// The regulation as text.
		code, _, _ = prov.PostMultipart(base+"/quy-che", base+"/quy-che", url.Values{"version": {fmt.Sprint(c.Version + 1)}, "text": {"Điều 1. Trưởng ban phân công."}})
		if code != http.StatusSeeOther {
			t.Fatalf("regulation: %d", code)
		}
		if code, page, _ := prov.Get(base + "/quy-che"); code != http.StatusOK || !strings.Contains(page, "Điều 1. Trưởng ban phân công.</pre>") {
			t.Fatalf("regulation page: %d %s", code, page)
		}
	})
}

func TestDownloads(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		srv := f.site(t, fakeWriter{})
		if _, err := f.svc.Establish(ctx, f.province, f.hue.ID, "", db.Idem{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddMember(ctx, f.province, f.hue.ID, member(steering.Head, "Nguyễn Văn Bí Thư", "Bí thư Thành ủy")); err != nil {
			t.Fatal(err)
		}
		prov := signIn(t, srv, "tinh@hue.vn")
		base := "/quan-tri/don-vi/46/ban-chi-dao"
		code, body, hd := prov.Get(base + "/quyet-dinh.docx")
		if code != http.StatusOK || body != "DOCX QUYẾT ĐỊNH 125-QĐ/TU 6" || !strings.Contains(hd.Get("Content-Type"), "wordprocessingml") ||
			!strings.Contains(hd.Get("Content-Disposition"), "quyet-dinh-kien-toan-ban-chi-dao.docx") {
			t.Fatalf("docx: %d %q %v", code, body, hd)
		}
		if code, body, _ := prov.Get(base + "/quyet-dinh.pdf"); code != http.StatusOK || body != "PDF QUYẾT ĐỊNH 125-QĐ/TU Nguyễn Văn Bí Thư" {
			t.Fatalf("pdf: %d %q", code, body)
		}
		m, err := f.svc.AddMeeting(ctx, f.province, f.hue.ID, steering.MeetingDraft{HeldOn: f.hue2date(), Place: "Hội trường", Chair: "Nguyễn Văn Bí Thư", Content: "Sơ kết"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if code, body, _ := prov.Get(fmt.Sprintf("%s/hop/%d/bien-ban.pdf", base, m.ID)); code != http.StatusOK || !strings.HasPrefix(body, "PDF BIÊN BẢN") {
			t.Fatalf("minutes pdf: %d %q", code, body)
		}
		if code, _, _ := prov.Get(fmt.Sprintf("%s/hop/%d/bien-ban.pdf", base, m.ID+1)); code != http.StatusNotFound {
			t.Errorf("another meeting's minutes: %d", code)
		}
	})
}
