//go:build e2e

package e2e_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/demo"
	"danchu/internal/files/filestest"
	"danchu/internal/vault"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/unicode/norm"
)

// The denouncer's identity the journey lodges and the adversary search looks
// for afterwards. The citizen who lodges signs in with another phone and gives
// their account no name, so that none of these has a legitimate place in the
// database: the vault seals them, the working copy hides them.
const (
	denouncerName    = "Trần Thị Bảo Mật"
	denouncerPhone   = "0912345678"
	denouncerAddress = "số 17 ngõ Hoa Sữa"
	// citizenPhone signs the citizen in (not the denouncer's number).
	citizenPhone = "0988 765 432"
	// identifying is a phrase of the letter the official marks to hide.
	identifying = "người bán rau ở cổng chợ Đan Điền"
)

// TestCaseworkJourney: a signed-in citizen lodges a denunciation with a PDF
// and their identity on a phone (a first try without the address is shown
// again); the commune official names themself on the vault, marks a phrase
// and a box on the PDF, confirms the working copy, accepts the case and names
// a verifier; the verifier sees the working copy only; the official names the
// province official on the vault, who reads the identity with a reason and
// finds the read in the case's log; the official extends the deadline and
// concludes; the citizen sees both steps on their page. Then the app is
// stopped and the adversary search reads everything it left: the data
// directory (database, WAL, blobs, sealed files), the downloads (the
// register and statistics XLSX, the working copy's PDF), the server's log
// and, on PostgreSQL, pg_dump --data-only. None may hold the identity, exact,
// folded, escaped or base64-encoded.
func TestCaseworkJourney(t *testing.T) {
	t.Run("search-control", adversarySearchFinds)
	t.Run("sqlite", func(t *testing.T) { caseworkJourney(t, "") })
	t.Run("postgres", func(t *testing.T) { caseworkJourney(t, casePostgres(t)) })
}

// caseApp is a server for the journey: the vault's key given as a key file
// (--vault-key), the database dsn (SQLite in the data directory when empty).
type caseApp struct {
	*app.App
	dataDir string
	stop    func() // cancels Serve, waits for it and closes the app; once
}

func startCaseApp(t *testing.T, logs io.Writer, dsn string) *caseApp {
	t.Helper()
	keyFile := filepath.Join(t.TempDir(), "vault.key") // the keys live outside the data directory
	if err := os.WriteFile(keyFile, []byte(vault.KeyLine(1)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, stop := startAppWith(t, logs, func(cfg *config.Config) {
		cfg.VaultKey = keyFile
		if dsn != "" {
			cfg.DB = dsn
		}
	})
	return &caseApp{App: a, dataDir: a.Config.DataDir, stop: stop}
}

// casePostgres is a fresh database on DANCHU_TEST_POSTGRES for one journey,
// dropped afterwards.
func casePostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("DANCHU_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("DANCHU_REQUIRE_POSTGRES") == "1" {
			t.Fatal("DANCHU_TEST_POSTGRES is not set and DANCHU_REQUIRE_POSTGRES=1")
		}
		t.Skip("DANCHU_TEST_POSTGRES is not set: the PostgreSQL half of the adversary search does not run")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("danchu_e2e_case_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if _, err := admin.Exec("create database " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() { // registered first, run last: after the app has closed its connections
		if _, err := admin.Exec("drop database if exists " + name + " with (force)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func caseworkJourney(t *testing.T, pgDSN string) {
	logs := &syncBuffer{}
	a := startCaseApp(t, logs, pgDSN)
	base := a.URL()
	downloads := t.TempDir()
	ctx := context.Background()
	province, err := a.Units.UnitByCode(ctx, demo.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	list := base + "/quan-tri/don-vi/" + demo.CommuneCode + "/don-thu"
	letter := fmt.Sprintf("Tôi tên là %s, địa chỉ %s, điện thoại %s. Tôi là %s nên biết rõ: ông Nguyễn Văn Cán, cán bộ địa chính xã, "+
		"thu của các hộ xin giấy phép xây dựng mỗi hộ 2 triệu đồng ngoài quy định. Đề nghị xác minh và bảo vệ bí mật cho tôi.",
		denouncerName, denouncerAddress, denouncerPhone, identifying)
	// The scanned letter: its first line names the sender (Helvetica has no
	// Vietnamese letters: the folded words, which the search looks for too).
	pdf := filestest.PDF("Don to cao cua " + foldKeepCase(denouncerName) + ", " + foldKeepCase(denouncerAddress) + ", DT " + denouncerPhone)
	pdfPath := filepath.Join(t.TempDir(), "don-to-cao.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o600); err != nil {
		t.Fatal(err)
	}

	// The citizen signs in with their phone and lodges the denunciation.
	cit := browserFor(t, 5*time.Minute)
	err = chromedp.Do(cit,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/cong-dan/dang-nhap"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), citizenPhone),
		chromedp.Submit(chromedp.CSS(`input[name="address"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	step(t, cit, "citizen code", chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), logs.code()),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="full_name"]`)))
	step(t, cit, "lodge form", chromedp.Navigate(base+"/cong-dan/don-thu/gui"), chromedp.WaitVisible(chromedp.CSS(`input[name="subject"]`)))
	shots(t, cit, "casework-lodge", `input[name="subject"]`, true)
	// fill fills the form; the address is left empty when address is "" (the
	// form has none to begin with).
	fill := func(address string) chromedp.Action[chromedp.Void] {
		setAddress := chromedp.Steps()
		if address != "" {
			setAddress = chromedp.SetValue(chromedp.CSS(`input[name="address"]`), address)
		}
		return chromedp.Steps(
			chromedp.Click(chromedp.CSS(`input[name="kind"][value="denunciation"]`)),
			chromedp.SetValue(chromedp.CSS(`input[name="unit"]`), demo.CommuneCode),
			chromedp.SetValue(chromedp.CSS(`input[name="subject"]`), "Tố cáo cán bộ địa chính thu tiền sai quy định"),
			chromedp.SetValue(chromedp.CSS(`textarea[name="body"]`), letter),
			choose(`select[name="field"]`, "Nhà ở, xây dựng"),
			chromedp.SetValue(chromedp.CSS(`input[name="name"]`), denouncerName),
			setAddress,
			chromedp.SetValue(chromedp.CSS(`input[name="phone"]`), denouncerPhone),
			chromedp.SetUploadFiles(chromedp.CSS(`input[name="files"]`), []string{pdfPath}),
		)
	}
	// Without the address (Luật Tố cáo Art 23): the form comes back with what was typed.
	step(t, cit, "lodge without address", fill(""), submitAndWait(`input[name="subject"]`, `p.flash.err`))
	if v := must(chromedp.Run(cit, chromedp.Evaluate[string](`document.querySelector('input[name="name"]').value`)))(t); v != denouncerName {
		t.Errorf("the form shown again lost the name: %q", v)
	}
	step(t, cit, "lodge", fill(denouncerAddress), submitAndWait(`input[name="subject"]`, `p.flash.ok`))
	mine := must(chromedp.Run(cit, chromedp.Location()))(t)
	m := regexp.MustCompile(`/cong-dan/don-thu/(TC-[0-9A-Z-]+)$`).FindStringSubmatch(mine)
	if m == nil {
		t.Fatalf("lodged to %s", mine)
	}
	caseCode := m[1]
	if text := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, "Đã tiếp nhận") {
		t.Errorf("the citizen's case page: %.400q", text)
	}

	// The commune official finds it in the list and opens it: the working copy only.
	xa := browserFor(t, 5*time.Minute)
	officialSignIn(t, xa, base)
	step(t, xa, "case list", chromedp.Navigate(list), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	noIdentity(t, xa, "the case list")
	href := must(chromedp.Run(xa, chromedp.Evaluate[string](fmt.Sprintf(`[...document.querySelectorAll("table.list a")].find(a => a.textContent.trim() == %q)?.getAttribute("href") ?? ""`, caseCode))))(t)
	id, err := strconv.ParseInt(href[strings.LastIndexByte(href, '/')+1:], 10, 64)
	if err != nil {
		t.Fatalf("the list has no link to %s: %q", caseCode, href)
	}
	casePage := fmt.Sprintf("%s/%d", list, id)
	step(t, xa, "open the case", chromedp.Navigate(casePage), chromedp.WaitVisible(chromedp.CSS(`form[action$="/quyen-danh-tinh"]`)))
	noIdentity(t, xa, "the case page as received")
	if text := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, "[đã che]") || !strings.Contains(text, identifying) {
		t.Errorf("the working copy as received should hide the identity and not yet the marked phrase: %.1500q", text)
	}
	// Only a person named on the vault confirms the working copy: the official names themself.
	step(t, xa, "grant self", choose(`form[action$="/quyen-danh-tinh"] select`, "Lê Thị Xã (mẫu)"),
		submitAndWait(`form[action$="/quyen-danh-tinh"] select`, `p.flash.ok`))
	step(t, xa, "redact", chromedp.WaitVisible(chromedp.CSS(`textarea[name="marks"]`)),
		chromedp.SetValue(chromedp.CSS(`textarea[name="marks"]`), identifying),
		// The first line of the PDF (72 pt from the left, its baseline 82 pt from the top of 842).
		chromedp.SetValue(chromedp.CSS(`textarea[name^="boxes-"]`), "1 0.05 0.06 0.9 0.06"),
		submitAndWait(`textarea[name="marks"]`, `p.flash.ok`))
	working := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`main`))))(t)
	for _, want := range []string{"Đã xác nhận bản làm việc.", "[đã che]", "ông Nguyễn Văn Cán", "đã che 1 vùng"} {
		if !strings.Contains(working, want) {
			t.Errorf("the confirmed working copy lacks %q: %.1500q", want, working)
		}
	}
	if strings.Contains(working, "bán rau") {
		t.Errorf("the marked phrase is still in the working copy: %.1500q", working)
	}
	step(t, xa, "accept", open("accept"), chromedp.SetValue(chromedp.CSS(stepField("accept", "number")), "01/TB-UBND"),
		submitAndWait(stepField("accept", "number"), `p.flash.ok`))
	step(t, xa, "name the verifier", choose(`form[action$="/nguoi-xac-minh"] select`, "Hoàng Văn Thanh Tra (mẫu)"),
		submitAndWait(`form[action$="/nguoi-xac-minh"] select`, `p.flash.ok`))

	// The verifier sees the working copy and its file, nothing of the vault.
	ver := browserFor(t, 3*time.Minute)
	// A supervisor's role neither publishes nor decides: no second factor to enrol.
	err = chromedp.Do(ver,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/dang-nhap"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "thanhtra@danchu.demo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		submitAndWait(`input[name="password"]`, `main`),
	)
	if err != nil {
		t.Fatal(err)
	}
	step(t, ver, "verifier's case page", chromedp.Navigate(casePage), chromedp.WaitVisible(chromedp.CSS(`a[href*="/tep/"]`)))
	noIdentity(t, ver, "the verifier's case page")
	vtext := must(chromedp.Run(ver, chromedp.Text(chromedp.CSS(`main`))))(t)
	if !strings.Contains(vtext, "tư cách người xác minh") || !strings.Contains(vtext, "ông Nguyễn Văn Cán") || strings.Contains(vtext, "bán rau") ||
		strings.Contains(vtext, "Nhật ký xem danh tính") {
		t.Errorf("the verifier's page: %.1500q", vtext)
	}
	shots(t, ver, "casework-verifier", `a[href*="/tep/"]`, true)
	fileHref := must(chromedp.Run(ver, chromedp.Evaluate[string](`document.querySelector('a[href*="/tep/"]').getAttribute("href")`)))(t)
	workingPDF := fetchBytes(t, ver, fileHref)
	if !bytes.HasPrefix(workingPDF, []byte("%PDF")) {
		t.Fatalf("the working copy's file is not a PDF: %q", workingPDF[:min(20, len(workingPDF))])
	}
	save(t, downloads, "working-copy.pdf", workingPDF)

	// The official names the province official on the vault.
	step(t, xa, "grant the holder", chromedp.Navigate(casePage), chromedp.WaitVisible(chromedp.CSS(`form[action$="/quyen-danh-tinh"]`)),
		choose(`form[action$="/quyen-danh-tinh"] select`, "Nguyễn Văn Tỉnh (mẫu)"),
		submitAndWait(`form[action$="/quyen-danh-tinh"] select`, `p.flash.ok`))

	// The holder reads the identity with a reason; the read is in the case's log.
	const reason = "Xác minh để áp dụng biện pháp bảo vệ người tố cáo"
	holder := browserFor(t, 3*time.Minute)
	officialSignInAs(t, holder, base, "tinh@danchu.demo")
	holderPage := fmt.Sprintf("%s/quan-tri/don-vi/%s/don-thu/%d", base, province.OfficeKey(), id)
	step(t, holder, "holder's case page", chromedp.Navigate(holderPage), chromedp.WaitVisible(chromedp.CSS(`form[action$="/danh-tinh"] input[name="reason"]`)))
	noIdentity(t, holder, "the holder's case page before the read")
	step(t, holder, "read the vault", chromedp.SendKeys(chromedp.CSS(`form[action$="/danh-tinh"] input[name="reason"]`), reason),
		submitAndWait(`form[action$="/danh-tinh"] input[name="reason"]`, `dl.facts`))
	vaultHTML := must(chromedp.Run(holder, chromedp.Evaluate[string](`document.documentElement.outerHTML`)))(t)
	for _, want := range []string{denouncerName, denouncerAddress, denouncerPhone, identifying, "đã được ghi nhật ký", "don-to-cao.pdf"} {
		if !strings.Contains(vaultHTML, want) {
			t.Errorf("the vault page lacks %q", want)
		}
	}
	// The positive control: the search finds on this page what the vault holds.
	if hits := secretHits(vaultHTML); len(hits) < 3 {
		t.Errorf("the adversary search finds only %q on the vault page", hits)
	}
	if hits := secretHits(string(pdf)); len(hits) < 3 {
		t.Errorf("the adversary search finds only %q in the original PDF", hits)
	}
	// The original file, as the vault page's form posts it (with the same reason).
	orig := must(chromedp.Run(holder, chromedp.Evaluate[string](`(() => { const f = document.querySelector('form[action*="/ban-goc/"]');
		return fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f))}).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status))
			.then(b => { let s = ""; const u = new Uint8Array(b); for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192)); return btoa(s) }) })()`,
		awaitPromise)))(t)
	if b, err := base64.StdEncoding.DecodeString(orig); err != nil || !bytes.Equal(b, pdf) {
		t.Errorf("the vault's original is not the PDF lodged (%d bytes, %v)", len(b), err)
	}
	step(t, holder, "back to the case", chromedp.Navigate(holderPage), chromedp.WaitVisible(chromedp.CSS(`form[action$="/danh-tinh"]`)))
	reads := must(chromedp.Run(holder, chromedp.Evaluate[string](`[...document.querySelectorAll("h3")].find(h => h.textContent.includes("Nhật ký xem danh tính"))?.nextElementSibling?.textContent ?? ""`)))(t)
	for _, want := range []string{"Nguyễn Văn Tỉnh (mẫu)", "danh tính và đơn gốc", "tệp gốc", reason} {
		if !strings.Contains(reads, want) {
			t.Errorf("the case's vault log lacks %q: %q", want, reads)
		}
	}
	noIdentity(t, holder, "the holder's case page after the read")

	// The official extends the deadline, then concludes.
	step(t, xa, "extend", chromedp.Navigate(casePage), chromedp.WaitVisible(chromedp.CSS(stepField("extend", "number"))), open("extend"),
		chromedp.SetValue(chromedp.CSS(stepField("extend", "number")), "02/QĐ-UBND"),
		chromedp.SetValue(chromedp.CSS(stepField("extend", "reason")), "Vụ việc phức tạp, cần xác minh thêm tại các hộ."),
		submitAndWait(stepField("extend", "number"), `p.flash.ok`))
	step(t, xa, "conclude", open("conclude"), chromedp.SetValue(chromedp.CSS(stepField("conclude", "number")), "03/KL-UBND"),
		submitAndWait(stepField("conclude", "number"), `p.flash.ok`))
	history := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`main`))))(t)
	for _, want := range []string{"Đã có kết luận", "Gia hạn giải quyết (02/QĐ-UBND)", "Kết luận nội dung tố cáo (03/KL-UBND)", "Giao quyền xem danh tính: Nguyễn Văn Tỉnh (mẫu)"} {
		if !strings.Contains(history, want) {
			t.Errorf("the case page lacks %q: %.2500q", want, history)
		}
	}
	noIdentity(t, xa, "the concluded case page")
	shots(t, xa, "casework-case", `form[action$="/quyen-danh-tinh"]`, true)

	// The conclusion is published: a text naming the denouncer (typed
	// without diacritics) is refused and kept on the form; then the text the
	// official writes is on the commune's public page, and the denouncer is told.
	const publicText = "Nội dung tố cáo đúng một phần; UBND xã yêu cầu lập lại biên lai thu tiền và kiểm điểm người có trách nhiệm."
	step(t, xa, "publish naming the denouncer", open("publish"),
		chromedp.SetValue(chromedp.CSS(stepField("publish", "reason")), "Ba "+foldKeepCase(denouncerName)+" to cao dung."),
		submitAndWait(stepField("publish", "reason"), `p.flash.err`))
	if kept := must(chromedp.Run(xa, chromedp.Value(chromedp.CSS(stepField("publish", "reason")))))(t); !strings.Contains(kept, "to cao dung") {
		t.Errorf("the refused text to publish was not kept: %q", kept)
	}
	step(t, xa, "publish", chromedp.SetValue(chromedp.CSS(stepField("publish", "reason")), publicText),
		submitAndWait(stepField("publish", "reason"), `p.flash.ok`))
	publicList := base + "/xa/" + demo.CommuneCode + "/ket-qua-giai-quyet-don"
	step(t, cit, "the public page", chromedp.Navigate(publicList), chromedp.WaitVisible(chromedp.CSS(`main article`)))
	published := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t)
	if !strings.Contains(published, publicText) || !strings.Contains(published, "Kết luận nội dung tố cáo số 03/KL-UBND") || strings.Contains(published, caseCode) {
		t.Errorf("the public page: %.1500q", published)
	}
	noIdentity(t, cit, "the public page of case results")
	shots(t, cit, "casework-public", `main article`, true)
	// The register and the statistics, as the official downloads them.
	register := fetchBytes(t, xa, list+"/so-thu-ly.xlsx")
	if sheet := zipEntry(t, register, "xl/worksheets/sheet1.xml"); !strings.Contains(sheet, caseCode) || !strings.Contains(sheet, "Tố cáo cán bộ địa chính") {
		t.Errorf("the register lacks the case %s: %.600q", caseCode, sheet)
	}
	save(t, downloads, "so-thu-ly.xlsx", register)
	save(t, downloads, "thong-ke.xlsx", fetchBytes(t, xa, list+"/thong-ke.xlsx"))

	// The citizen sees both steps on their own case page.
	step(t, cit, "my case", chromedp.Navigate(mine), chromedp.WaitVisible(chromedp.CSS(`main ol:not(.crumbs)`)))
	told := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t)
	for _, want := range []string{"Đã công khai kết luận", "Tiếp nhận", "Thụ lý", "Gia hạn giải quyết", "Kết luận nội dung tố cáo", "Công khai"} {
		if !strings.Contains(told, want) {
			t.Errorf("the citizen's case page lacks %q: %.1500q", want, told)
		}
	}
	if strings.Contains(told, "Vụ việc phức tạp") || strings.Contains(told, "Nguyễn Văn Tỉnh") {
		t.Errorf("the citizen reads internal grounds or names: %.1500q", told)
	}
	shots(t, cit, "casework-mycase", `main ol:not(.crumbs)`, true)

	// The adversary. While the app still runs: the data directory as it is
	// (the WAL before its checkpoint may hold page versions the database file
	// never gets). Then the app stopped (nothing buffered) and everything it
	// left, with the downloads, the server's log and on PostgreSQL pg_dump.
	// The denouncer's notes of the three steps (to their phone, sealed) went
	// out as soon as each step committed; the development sender logs that a
	// sealed SMS was not sent, without its number or text.
	deadline := time.Now().Add(5 * time.Second) // well under the outbox's 30 s round: a note not woken fails
	for strings.Count(string(logs.bytes()), "sealed SMS NOT sent") < 4 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := strings.Count(string(logs.bytes()), "sealed SMS NOT sent"); n != 4 {
		t.Errorf("%d sealed SMS to the denouncer in the server log, want 4 (accept, extend, conclude, publish)", n)
	}
	live := searchTree(t, "live:", a.dataDir)
	a.stop()
	if pgDSN != "" {
		save(t, downloads, "pg_dump.sql", pgDump(t, pgDSN))
	}
	save(t, downloads, "server.log", logs.bytes())
	stopped := searchTree(t, "", a.dataDir)
	down := searchTree(t, "downloads/", downloads)
	for _, want := range []string{"uploads/vault/", "uploads/files/", "downloads/so-thu-ly.xlsx!xl/worksheets/sheet1.xml", "downloads/server.log", "downloads/working-copy.pdf (pdftotext)"} {
		if !slices.ContainsFunc(append(stopped, down...), func(e string) bool { return strings.HasPrefix(e, want) }) {
			t.Errorf("the search read nothing under %s: %q", want, append(stopped, down...))
		}
	}
	if pgDSN == "" && !slices.ContainsFunc(stopped, func(e string) bool { return strings.HasPrefix(e, "e2e.db ") }) {
		t.Errorf("the search did not read the SQLite database: %q", stopped)
	}
	if pgDSN != "" && !slices.ContainsFunc(down, func(e string) bool { return strings.HasPrefix(e, "downloads/pg_dump.sql ") }) {
		t.Errorf("the search did not read the dump: %q", down)
	}
	// The control: the store holds the working copy's words in plain text (so
	// a leak there would be read).
	store := filepath.Join(a.dataDir, "e2e.db")
	if pgDSN != "" {
		store = filepath.Join(downloads, "pg_dump.sql")
	}
	if b, err := os.ReadFile(store); err != nil || !strings.Contains(fold(string(b)), fold("ông Nguyễn Văn Cán, cán bộ địa chính xã")) {
		t.Errorf("%s does not hold the working copy in plain text (%v): the search of it proves nothing", filepath.Base(store), err)
	}
	t.Logf("adversary search read, while running: %s", strings.Join(live, ", "))
	t.Logf("adversary search read, stopped: %s", strings.Join(append(stopped, down...), ", "))
}

// searchTree searches every file under root (see searchFile), failing the
// test on each hit with the file's name; it returns the names and sizes of
// what it read.
func searchTree(t *testing.T, prefix, root string) []string {
	t.Helper()
	var read []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		entries, hits := searchFile(prefix+filepath.ToSlash(rel), data)
		for _, h := range hits {
			t.Errorf("the identity is readable in %s", h)
		}
		read = append(read, entries...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return read
}

// adversarySearchFinds: the search finds the identity where it is, in
// each of the forms and containers it looks into (its positive control).
func adversarySearchFinds(t *testing.T) {
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("xl/sharedStrings.xml")
	w.Write([]byte("<si><t>" + strings.ToUpper(denouncerName) + "</t></si>"))
	zw.Close()
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write([]byte(`{"address":"` + strings.Trim(strconv.QuoteToASCII(denouncerAddress), `"`) + `"}`))
	gw.Close()
	for name, data := range map[string][]byte{
		"a.xlsx":   z.Bytes(),
		"b.gz":     gz.Bytes(),
		"c.pdf":    filestest.PDF("Sender: " + foldKeepCase(denouncerName)),
		"d.nfd":    []byte(norm.NFD.String("người gửi " + denouncerAddress)),
		"e.base64": []byte(base64.StdEncoding.EncodeToString([]byte(`{"phone":"` + denouncerPhone + `"}`))),
		"f.log":    []byte("to=+84912345678 text=..."),
		"g.url":    []byte("/x?name=" + url.QueryEscape(denouncerName)),
	} {
		if _, hits := searchFile(name, data); len(hits) == 0 {
			t.Errorf("the search misses the identity in %s", name)
		}
	}
	if _, hits := searchFile("clean", []byte("Tố cáo cán bộ địa chính thu tiền sai quy định; [đã che]")); len(hits) != 0 {
		t.Errorf("the search finds %q in a clean text", hits)
	}
}

// open opens a step's form on the case page.
func open(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(fmt.Sprintf(`details:has(input[name="step"][value=%q]) > summary`, name)))
}

// stepField is a field of a step's form.
func stepField(name, field string) string {
	return fmt.Sprintf(`form:has(input[name="step"][value=%q]) [name=%q]`, name, field)
}

// choose selects the option of sel whose text is text.
func choose(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector(%q);
		const o = [...s.options].find(o => o.text.trim() == %q); if (!o) throw new Error("no option " + %q); s.value = o.value })()`, sel, text, text))
}

// noIdentity fails when the page's HTML holds any form of the identity.
func noIdentity(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	html := must(chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)))(t)
	if hits := secretHits(html); len(hits) > 0 {
		t.Errorf("%s shows the identity: %q", page, hits)
	}
}

// fetchBytes downloads path with the browser's session.
func fetchBytes(t *testing.T, ctx context.Context, path string) []byte {
	t.Helper()
	b64 := must(chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)).then(b => {
		let s = ""; const u = new Uint8Array(b); for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192)); return btoa(s) })`, path),
		awaitPromise)))(t)
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zipEntry is the text of an entry of a zip (an XLSX's sheet).
func zipEntry(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func save(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// bytes is everything the server logged.
func (s *syncBuffer) bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// pgDump is pg_dump --data-only of the database at dsn.
func pgDump(t *testing.T, dsn string) []byte {
	t.Helper()
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
		if len(found) == 0 {
			t.Fatal("pg_dump not found (PATH, /usr/lib/postgresql/*/bin)")
		}
		bin = found[len(found)-1]
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--data-only", "--no-owner", "--dbname", dsn)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg_dump: %v: %s", err, stderr.String())
	}
	if !bytes.Contains(out, []byte("COPY ")) || !bytes.Contains(out, []byte("cases")) {
		t.Fatalf("pg_dump wrote no table data (%d bytes)", len(out))
	}
	return out
}

// searchFile looks for every form of the identity in a file and, inside it,
// in the entries of a zip (XLSX, DOCX), a gzip stream and the text of a PDF
// (pdftotext). It returns what it read ("name size") and where it found what.
func searchFile(name string, data []byte) (read, hits []string) {
	read = []string{fmt.Sprintf("%s %d", name, len(data))}
	for _, h := range secretHits(string(data)) {
		hits = append(hits, name+": "+h)
	}
	inner := func(n string, b []byte) {
		r, h := searchFile(n, b)
		read, hits = append(read, r...), append(hits, h...)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			hits = append(hits, name+": a zip that does not open: "+err.Error())
			return read, hits
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err == nil {
				var b []byte
				b, err = io.ReadAll(rc)
				rc.Close()
				inner(name+"!"+f.Name, b)
			}
			if err != nil {
				hits = append(hits, name+"!"+f.Name+": "+err.Error())
			}
		}
	case bytes.HasPrefix(data, []byte("\x1f\x8b")):
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err == nil {
			var b []byte
			if b, err = io.ReadAll(zr); err == nil {
				inner(name+"!gunzip", b)
			}
		}
		if err != nil {
			hits = append(hits, name+": gzip: "+err.Error())
		}
	case bytes.HasPrefix(data, []byte("%PDF")):
		f, err := os.CreateTemp("", "danchu-search-*.pdf")
		if err != nil {
			hits = append(hits, name+": "+err.Error())
			return read, hits
		}
		defer os.Remove(f.Name())
		_, err = f.Write(data)
		if e := f.Close(); err == nil {
			err = e
		}
		var text []byte
		if err == nil {
			text, err = exec.Command("pdftotext", f.Name(), "-").Output()
		}
		if err != nil {
			hits = append(hits, name+": pdftotext: "+err.Error())
			return read, hits
		}
		read = append(read, fmt.Sprintf("%s (pdftotext) %d", name, len(text)))
		for _, h := range secretHits(string(text)) {
			hits = append(hits, name+" (pdftotext): "+h)
		}
	}
	return read, hits
}

// needle is a form of a secret to look for: in the folded content (folded
// true: any case, with or without diacritics, NFC or NFD) or in the raw bytes.
type needle struct {
	label, text string
	folded      bool
}

var needles = func() []needle {
	var out []needle
	for _, s := range []string{denouncerName, denouncerAddress} {
		out = append(out,
			needle{s + " (folded: " + fold(s) + ")", fold(s), true},
			needle{s + " (JSON \\u escapes)", strings.ToLower(strings.Trim(strconv.QuoteToASCII(s), `"`)), true},
			needle{s + " (URL query escapes)", strings.ToLower(url.QueryEscape(s)), true},
			needle{s + " (URL path escapes)", strings.ToLower(url.PathEscape(s)), true},
		)
		for _, v := range []string{s, foldKeepCase(s)} {
			for _, b := range base64Inner(v) {
				out = append(out, needle{v + " (base64)", b, false})
			}
		}
	}
	for _, p := range []string{"912345678", "912 345 678", "912.345.678", "912-345-678"} {
		out = append(out, needle{denouncerPhone + " (as " + p + ")", p, true})
	}
	for _, b := range base64Inner(denouncerPhone) {
		out = append(out, needle{denouncerPhone + " (base64)", b, false})
	}
	return out
}()

// secretHits lists the forms of the identity content holds, each with where.
func secretHits(content string) []string {
	folded := fold(content)
	var out []string
	for _, n := range needles {
		in := content
		if n.folded {
			in = folded
		}
		if i := strings.Index(in, n.text); i >= 0 {
			out = append(out, fmt.Sprintf("%s at offset %d of the %s text", n.label, i, map[bool]string{true: "folded", false: "raw"}[n.folded]))
		}
	}
	return out
}

// base64Inner are the parts of s's base64 encoding that do not depend on
// what comes before or after it, at each of the three alignments (at least
// 8 characters each, or none).
func base64Inner(s string) []string {
	var out []string
	for off := 0; off < 3; off++ {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", off) + s))
		from, to := (off+2)/3*4, (off+len(s))/3*4
		if to-from >= 8 {
			out = append(out, enc[from:to])
		}
	}
	return out
}

var (
	foldMu    sync.Mutex
	foldCache = map[rune]string{}
)

// foldRune is r lower-cased, without its diacritics, đ as d; a combining
// mark (of an NFD text) is dropped, white space is a space.
func foldRune(r rune, lower bool) string {
	if r < utf8.RuneSelf {
		if r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
			return " "
		}
		if lower && 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return string(r)
	}
	if unicode.IsSpace(r) {
		return " "
	}
	foldMu.Lock()
	defer foldMu.Unlock()
	key := r
	if !lower {
		key = -r
	}
	if f, ok := foldCache[key]; ok {
		return f
	}
	var b strings.Builder
	for _, c := range norm.NFD.String(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case c == 'đ':
			b.WriteByte('d')
		case c == 'Đ' && lower:
			b.WriteByte('d')
		case c == 'Đ':
			b.WriteByte('D')
		case lower:
			b.WriteRune(unicode.ToLower(c))
		default:
			b.WriteRune(c)
		}
	}
	foldCache[key] = b.String()
	return b.String()
}

// fold is s (any bytes) lower-cased, without diacritics, đ as d: "Trần Thị
// Bảo Mật" folds to "tran thi bao mat". A byte that is not UTF-8 becomes NUL.
func fold(s string) string { return foldWith(s, true) }

// foldKeepCase is fold without lower-casing: "Tran Thi Bao Mat".
func foldKeepCase(s string) string { return foldWith(s, false) }

func foldWith(s string, lower bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			b.WriteByte(0)
			continue
		}
		b.WriteString(foldRune(r, lower))
	}
	return b.String()
}
