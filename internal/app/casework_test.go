package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/vault"
	"danchu/internal/web/webtest"
)

// caseSite is the demo's units and officials on a site with a vault (keys nil: without).
func caseSite(t *testing.T, d *db.DB, logs *logBuffer, withVault bool) (*app.App, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(logs, nil)))
	t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
	if withVault {
		keys, err := vault.Parse([]byte(vault.KeyLine(1)))
		if err != nil {
			t.Fatal(err)
		}
		a.SetVault(keys)
	}
	if _, err := demo.Load(ctx, a.Units); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return a, srv
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 20, 20))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCaseworkPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := caseSite(t, d, logs, true)
		cit := citizen(t, a, srv, logs, "0912 000 333")
		const form = "/cong-dan/don-thu/gui"
		if code, body, _ := cit.Get(form); code != http.StatusOK || !strings.Contains(body, "Luật Tố cáo (Điều 23)") {
			t.Fatalf("lodge form: %d %.300s", code, body)
		}
		v := url.Values{"kind": {"denunciation"}, "unit": {demo.CommuneCode}, "subject": {"Tố cáo thu tiền sai"}, "body": {"Tôi là Hồ Văn Giấu, bị thu tiền."},
			"name": {"Hồ Văn Giấu"}, "address": {"số 3 ngõ Kín"}, "phone": {"0912 000 333"}, "key": {"case-k1"}}
		// A form missing the address is shown again with what was typed.
		bad := url.Values{}
		for k, x := range v {
			bad[k] = x
		}
		bad.Del("address")
		if code, body, _ := cit.PostMultipart(form, form, bad); code != http.StatusBadRequest || !strings.Contains(body, "Tố cáo thu tiền sai") {
			t.Fatalf("without an address: %d %.400s", code, body)
		}
		code, _, hd := cit.PostMultipart(form, form, v, webtest.File{Field: "files", Name: "anh.png", Content: smallPNG(t)})
		if code != http.StatusSeeOther || !strings.HasPrefix(hd.Get("Location"), "/cong-dan/don-thu/TC-") {
			t.Fatalf("lodge: %d %v", code, hd)
		}
		mine := hd.Get("Location")
		if code, body, _ := cit.Get(mine); code != http.StatusOK || !strings.Contains(body, "Đã tiếp nhận") {
			t.Fatalf("my case: %d %.300s", code, body)
		}
		caseCode := strings.TrimPrefix(mine, "/cong-dan/don-thu/")
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		list := "/quan-tri/don-vi/" + demo.CommuneCode + "/don-thu"
		code, body, _ := official.Get(list)
		m := regexp.MustCompile(`/don-thu/(\d+)">` + caseCode).FindStringSubmatch(body)
		if code != http.StatusOK || m == nil || strings.Contains(body, "Hồ Văn Giấu") {
			t.Fatalf("list: %d %.600s", code, body)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		page := fmt.Sprintf("%s/%d", list, id)
		code, body, _ = official.Get(page)
		if code != http.StatusOK || strings.Contains(body, "Hồ Văn Giấu") || !strings.Contains(body, "Xử lý ban đầu, thụ lý tố cáo") {
			t.Fatalf("case page: %d %.500s", code, body)
		}
		me := officialActor(t, a, "xa@danchu.demo")
		if !strings.Contains(body, fmt.Sprintf(`<option value="%d">`, me.AccountID)) {
			t.Errorf("the official is not among the people who may be named")
		}
		if code, _, _ := official.Post(page, page+"/quyen-danh-tinh", url.Values{"account": {fmt.Sprint(me.AccountID)}}); code != http.StatusSeeOther {
			t.Fatalf("grant: %d", code)
		}
		if code, body, _ := official.Post(page, page+"/danh-tinh", url.Values{"reason": {""}}); code != http.StatusBadRequest || !strings.Contains(body, "lý do") {
			t.Fatalf("a read without a reason: %d", code)
		}
		code, body, _ = official.Post(page, page+"/danh-tinh", url.Values{"reason": {"Che thông tin"}})
		if code != http.StatusOK || !strings.Contains(body, "Hồ Văn Giấu") || !strings.Contains(body, "số 3 ngõ Kín") {
			t.Fatalf("vault read: %d %.400s", code, body)
		}
		if code, _, _ := official.Post(page, page+"/ban-lam-viec", url.Values{"marks": {"ngõ Kín"}}); code != http.StatusSeeOther {
			t.Fatalf("confirm: %d", code)
		}
		if code, body, _ := official.Post(page, page+"/buoc", url.Values{"step": {"accept"}}); code != http.StatusBadRequest || !strings.Contains(body, "Cần số, ký hiệu") {
			t.Fatalf("accept without a number: %d", code)
		}
		if code, _, _ := official.Post(page, page+"/buoc", url.Values{"step": {"accept"}, "number": {"01/TB-UBND"}}); code != http.StatusSeeOther {
			t.Fatalf("accept: %d", code)
		}
		if code, body, _ := official.Get(page); code != http.StatusOK || !strings.Contains(body, "Giải quyết tố cáo") || !strings.Contains(body, "Che thông tin") ||
			!strings.Contains(body, "Gia hạn giải quyết") || strings.Contains(body, "ngõ Kín") {
			t.Fatalf("the accepted case's page: %d %.300s", code, body)
		}
		// The acceptance notice as Word and PDF, from the working copy: no name.
		_, body, _ = official.Get(page)
		m = regexp.MustCompile(`/van-ban/(\d+)\.docx`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the accepted case's page links no document")
		}
		doc := page + "/van-ban/" + m[1]
		code, body, hd = official.Get(doc + ".docx")
		if code != http.StatusOK || !strings.Contains(hd.Get("Content-Type"), "wordprocessingml") {
			t.Fatalf("the notice as Word: %d %s", code, hd.Get("Content-Type"))
		}
		if xml := docxText(t, []byte(body)); !strings.Contains(xml, "THÔNG BÁO") || !strings.Contains(xml, "Về việc thụ lý tố cáo") ||
			!strings.Contains(xml, "01/TB-UBND") || strings.Contains(xml, "Giấu") || strings.Contains(xml, "ngõ Kín") {
			t.Errorf("the notice's text: %.800s", xml)
		}
		if code, body, hd := official.Get(doc + ".pdf"); code != http.StatusOK || hd.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("the notice as PDF: %d %s", code, hd.Get("Content-Type"))
		}
		for _, bad := range []string{doc + ".exe", doc + "1.pdf", page + "/van-ban/abc.pdf"} {
			if code, _, _ := official.Get(bad); code != http.StatusNotFound {
				t.Errorf("%s: %d", bad, code)
			}
		}
		code, body, hd = official.Get(list + "/so-thu-ly.xlsx")
		if code != http.StatusOK || !strings.Contains(hd.Get("Content-Type"), "spreadsheetml") || strings.Contains(body, "Giấu") {
			t.Fatalf("register: %d %s", code, hd.Get("Content-Type"))
		}
		if code, body, _ := official.Get(list + "/thong-ke"); code != http.StatusOK || !strings.Contains(body, "Xã Đan Điền") {
			t.Fatalf("stats: %d %.300s", code, body)
		}
		if code, _, _ := official.Get(list + "/thong-ke.xlsx"); code != http.StatusOK {
			t.Fatalf("stats xlsx: %d", code)
		}
		// Another commune's official: not found, under its own unit or the case's.
		other := signIn(t, srv, "quangdien@danchu.demo", demo.Password)
		for _, p := range []string{page, fmt.Sprintf("/quan-tri/don-vi/%s/don-thu/%d", demo.SecondCode, id), doc + ".pdf"} {
			if code, _, _ := other.Get(p); code != http.StatusNotFound {
				t.Errorf("%s for another commune: %d", p, code)
			}
		}
		// The province sees it under its own address.
		province := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		if code, _, _ := province.Get(fmt.Sprintf("/quan-tri/don-vi/46/don-thu/%d", id)); code != http.StatusOK {
			t.Errorf("province: %d", code)
		}
		// The server's log holds none of it.
		for _, s := range []string{"Hồ Văn Giấu", "ngõ Kín"} {
			if strings.Contains(logs.String(), s) {
				t.Errorf("the server log holds %q", s)
			}
		}
	})
}

func TestCaseworkWithoutVault(t *testing.T) {
	d := db.OpenTest(t, db.SQLite)
	logs := &logBuffer{}
	a, srv := caseSite(t, d, logs, false)
	cit := citizen(t, a, srv, logs, "0912 000 334")
	if code, body, _ := cit.Get("/cong-dan/don-thu/gui"); code != http.StatusServiceUnavailable || !strings.Contains(body, "--vault-key") {
		t.Fatalf("without a vault: %d %.300s", code, body)
	}
}

// docxText is the text of a Word file's body.
func docxText(t *testing.T, b []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			x, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(x), "")
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}
