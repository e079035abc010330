package app_test

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

	"danchu/internal/app"
	"danchu/internal/auth"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/document"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/planimport"
	"danchu/internal/plans"
	"danchu/internal/web/webtest"
)

// fakeImporter stands for planimport.Parse (another room's work): any text
// reads as the same small province plan, its number taken from the text's
// first line.
type fakeImporter struct{}

func (fakeImporter) Parse(text string) (planimport.Draft, error) {
	number, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	return planimport.Draft{
		Doc: document.Doc{Style: document.State, Parent: "UBND THÀNH PHỐ HUẾ", Issuer: "ỦY BAN NHÂN DÂN", Number: number, Place: "Huế",
			Date: legal.DateOf(2026, 1, 5), Kind: "KẾ HOẠCH", Summary: "Thực hiện dân chủ ở cơ sở năm 2026",
			Body: []document.Block{
				{Kind: document.Heading, Level: 1, Number: "I.", Text: "MỤC ĐÍCH, YÊU CẦU"},
				{Kind: document.Heading, Level: 1, Number: "II.", Text: "NHIEM VU"},
				{Kind: document.Heading, Level: 2, Number: "1.", Text: "Xây dựng kế hoạch thực hiện của xã"},
			},
			Recipients: []document.Recipient{{Name: "Thường trực Thành ủy", Note: "b/c"}, {Name: "Lưu: VT"}},
			Signature:  document.Signature{Lines: []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}, Name: "Nguyễn Văn A"}},
		Tasks: []planimport.Task{{Block: 2, Section: "II.1", Title: "Xây dựng kế hoạch thực hiện của xã", Lead: "UBND các xã, phường", Deadline: "trước ngày 31/3/2026"}},
	}, nil
}

func (fakeImporter) FileText(name string, data []byte) (string, error) { return string(data), nil }

// fakeWriter stands for the document writers: the document's number and kind as text.
type fakeWriter struct{}

func (fakeWriter) DOCX(w io.Writer, d document.Doc) error {
	_, err := fmt.Fprintf(w, "DOCX %s %s", d.Kind, d.Number)
	return err
}

func (fakeWriter) PDF(w io.Writer, d document.Doc) error {
	_, err := fmt.Fprintf(w, "PDF %s %s", d.Kind, d.Number)
	return err
}

func planSite(t *testing.T, d *db.DB) (*app.App, *httptest.Server) {
	t.Helper()
	return planSiteReading(t, d, fakeImporter{})
}

// planSiteReading is the demo's site with the plans read by im (nil: the real reader).
func planSiteReading(t *testing.T, d *db.DB, im plans.Importer) (*app.App, *httptest.Server) {
	t.Helper()
	return planSiteWith(t, d, func(a *app.App) {
		if im != nil {
			a.PlanImporter = im
		}
	})
}

// planSiteWith is the demo's units and officials on a site whose plans are
// laid out by fakeWriter, after set changed what it wants of the app.
func planSiteWith(t *testing.T, d *db.DB, set func(a *app.App)) (*app.App, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
	a.PlanWriter = fakeWriter{}
	set(a)
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

func TestPlanPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := planSite(t, d)
		province := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		commune := signIn(t, srv, "xa@danchu.demo", demo.Password)
		other, err := a.Auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Quản trị Hà Nội", Email: "hn@x.vn", Role: auth.ProvinceAdmin, UnitCode: "01"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Auth.Activate(ctx, other.ActivationLink[strings.LastIndex(other.ActivationLink, "/")+1:], demo.Password); err != nil {
			t.Fatal(err)
		}
		outsider := signIn(t, srv, "hn@x.vn", demo.Password)
		hue, _ := a.Units.UnitByCode(ctx, "46")
		danDien, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		tree, err := a.Units.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hanoi, _ := a.Units.UnitByCode(ctx, "01")
		var hanoiCommune org.Unit
		hueCommunes := 0
		for _, u := range tree.Descendants(hanoi.ID) {
			if u.Type.Level() == org.CommuneLevel {
				hanoiCommune = u
				break
			}
		}
		for _, u := range tree.Descendants(hue.ID) {
			if u.Type.Level() == org.CommuneLevel {
				hueCommunes++
			}
		}

		list := "/quan-tri/don-vi/46/ke-hoach"
		if code, page, _ := province.Get(list); code != http.StatusOK || !strings.Contains(page, "Nhập kế hoạch từ văn bản") {
			t.Fatalf("list: %d", code)
		}
		if code, _, _ := outsider.Get(list); code != http.StatusNotFound {
			t.Errorf("another province's list: %d", code)
		}
		text := "05/KH-UBND\nKẾ HOẠCH Thực hiện dân chủ ở cơ sở năm 2026\n…"
		code, page, _ := province.Post(list, list+"/doc", url.Values{"text": {text}})
		if code != http.StatusOK || !strings.Contains(page, `value="NHIEM VU"`) || !strings.Contains(page, "Xây dựng kế hoạch thực hiện của xã") {
			t.Fatalf("preview: %d %s", code, page)
		}
		save := url.Values{"text": {text}, "kind": {"ke-hoach"}, "number": {"05/KH-UBND"}, "style": {"state"}, "date": {"2026-01-05"}, "place": {"Huế"},
			"summary": {"Thực hiện dân chủ ở cơ sở năm 2026"}, "from_year": {"2026"}, "to_year": {"2026"}, "remind_days": {"7"}, "h1": {"NHIỆM VỤ"}, "key": {"k-plan-1"},
			"ph_name_0": {"Giai đoạn 2026–2030"}, "ph_from_0": {"2026"}, "ph_to_0": {"2030"}, "ph_launch_0": {"2026-02-01"}, "ph_mid_0": {"2028-06-30"}, "ph_final_0": {"2030-12-31"}}
		bad := cloneValues(save)
		bad.Set("ph_final_0", "2027-01-01") // the final review before the mid-term one
		if code, page, _ := province.Post(list, list, bad); code != http.StatusBadRequest || !strings.Contains(page, "Giai đoạn 1:") {
			t.Errorf("phases out of order: %d", code)
		}
		code, _, hd := province.Post(list, list, save)
		if code != http.StatusSeeOther || !strings.HasPrefix(hd.Get("Location"), "/quan-tri/ke-hoach/") {
			t.Fatalf("save: %d %v", code, hd)
		}
		planURL := hd.Get("Location")
		items, err := a.Plans.UnitPlans(ctx, hue.ID, 0, 10)
		if err != nil || len(items) != 1 {
			t.Fatalf("plans: %v %v", items, err)
		}
		p, err := a.Plans.Get(ctx, officialActor(t, a, "tinh@danchu.demo"), items[0].ID)
		if err != nil || p.Doc.Body[1].Text != "NHIỆM VỤ" || len(p.Tasks) != 1 || len(p.Phases) != 1 || p.Phases[0].Midterm != legal.DateOf(2028, 6, 30) || p.Phases[0].ToYear != 2030 {
			t.Fatalf("stored plan: %+v %v", p, err)
		}
		// The same plan again (another form, so another key): refused, naming the first.
		save.Set("key", "k-plan-2")
		code, page, _ = province.Post(list, list, save)
		if code != http.StatusConflict || !strings.Contains(page, "kế hoạch này đã được nhập") {
			t.Errorf("same number twice: %d", code)
		}
		if n := db.Count(t, d, "select count(*) from plans"); n != 1 {
			t.Errorf("%d plans after the duplicate", n)
		}

		if code, page, _ := province.Get(planURL); code != http.StatusOK || !strings.Contains(page, "Xây dựng kế hoạch thực hiện của xã") || !strings.Contains(page, "NHIỆM VỤ") || !strings.Contains(page, "Sơ kết: 30/06/2028") {
			t.Errorf("plan page: %d", code)
		}
		if code, body, hd := province.Get(planURL + ".pdf"); code != http.StatusOK || body != "PDF KẾ HOẠCH 05/KH-UBND" || hd.Get("Content-Type") != "application/pdf" {
			t.Errorf("pdf: %d %q %v", code, body, hd)
		}
		if code, body, _ := province.Get(planURL + ".docx"); code != http.StatusOK || body != "DOCX KẾ HOẠCH 05/KH-UBND" {
			t.Errorf("docx: %d %q", code, body)
		}

		task := p.Tasks[0].ID
		assign := fmt.Sprintf("%s/nhiem-vu/%d/giao", planURL, task)
		// A unit of another province is refused with its reason; nothing is assigned.
		code, page, _ = province.Post(planURL, assign, url.Values{"units": {fmt.Sprint(hanoiCommune.ID)}, "key": {"k-a-1"}})
		if code != http.StatusBadRequest || !strings.Contains(page, "không thuộc phạm vi") {
			t.Errorf("assign outside the scope: %d %s", code, page)
		}
		if n := db.Count(t, d, "select count(*) from plan_assignments"); n != 0 {
			t.Errorf("refused assignment left %d", n)
		}
		code, _, hd = province.Post(planURL, assign, url.Values{"all": {"1"}, "key": {"k-a-2"}})
		if code != http.StatusSeeOther {
			t.Fatalf("assign to all: %d", code)
		}
		if n := db.Count(t, d, "select count(*) from plan_assignments"); n != hueCommunes || n < 2 {
			t.Errorf("%d assignments for %d communes", n, hueCommunes)
		}
		mine, err := a.Plans.UnitAssignments(ctx, danDien.ID, 0, 10)
		if err != nil || len(mine) != 1 {
			t.Fatalf("the commune's assignments: %v %v", mine, err)
		}
		asg := plans.AssignmentURL(mine[0].ID)
		taskPage := fmt.Sprintf("%s/nhiem-vu/%d", planURL, task)

		// Another province's official: every page of the plan is not found.
		for _, path := range []string{planURL, planURL + ".pdf", taskPage, asg, asg + "/tep/1/1"} {
			if code, _, _ := outsider.Get(path); code != http.StatusNotFound {
				t.Errorf("%s for another province: %d", path, code)
			}
		}
		if code, _, _ := outsider.Post("/quan-tri/don-vi/01/ke-hoach", assign, url.Values{"all": {"1"}}); code != http.StatusNotFound {
			t.Errorf("assign by another province: %d", code)
		}
		// The commune given the task reads the plan it comes from: no dashboard, no
		// assigning, the downloads, and the way to its own task.
		code, page, _ = commune.Get(planURL)
		if code != http.StatusOK || !strings.Contains(page, "Xây dựng kế hoạch thực hiện của xã") || !strings.Contains(page, "bạn xem và tải văn bản") ||
			!strings.Contains(page, `href="`+asg+`"`) || strings.Contains(page, "/giao") || strings.Contains(page, "Tiến độ thực hiện") || strings.Contains(page, taskPage) {
			t.Errorf("the province's plan page for the commune given its task: %d", code)
		}
		for _, ext := range []string{".pdf", ".docx"} {
			if code, body, _ := commune.Get(planURL + ext); code != http.StatusOK || !strings.HasSuffix(body, "KẾ HOẠCH 05/KH-UBND") {
				t.Errorf("%s for the commune: %d %q", ext, code, body)
			}
		}
		for _, path := range []string{taskPage, assign} {
			if code, _, _ := commune.Get(path); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
				t.Errorf("%s for the commune: %d", path, code)
			}
		}
		if code, _, _ := commune.Post(asg, assign, url.Values{"all": {"1"}, "key": {"k-a-c"}}); code != http.StatusNotFound {
			t.Errorf("the commune assigns the province's task: %d", code)
		}
		if code, page, _ := commune.Get(asg); code != http.StatusOK || !strings.Contains(page, `href="`+planURL+`"`) {
			t.Errorf("the commune's task page does not lead to its plan: %d", code)
		}

		// The commune sees its task on its home and in its list, and reports; a bad file is refused and nothing is kept.
		tasks := "/quan-tri/don-vi/" + demo.CommuneCode + "/nhiem-vu"
		if code, page, _ := commune.Get("/quan-tri"); code != http.StatusOK || !strings.Contains(page, "nhiệm vụ được giao chưa hoàn thành") || !strings.Contains(page, tasks) {
			t.Errorf("the commune's home: %d", code)
		}
		if code, page, _ := commune.Get(tasks); code != http.StatusOK || !strings.Contains(page, "Xây dựng kế hoạch thực hiện của xã") {
			t.Errorf("the commune's tasks: %d", code)
		}
		code, page, _ = commune.PostMultipart(asg, asg, url.Values{"status": {"in-progress"}, "percent": {"40"}, "text": {"Đang xây dựng"}, "key": {"k-r-1"}},
			webtest.File{Field: "files", Name: "bao-cao.pdf", Content: []byte("<html>not a pdf</html>")})
		if code != http.StatusBadRequest || !strings.Contains(page, "không phải PDF") {
			t.Errorf("bad evidence: %d", code)
		}
		if n := db.Count(t, d, "select count(*) from plan_reports"); n != 0 {
			t.Errorf("a refused report left %d", n)
		}
		if code, _, _ := outsider.PostMultipart("/quan-tri/don-vi/01/ke-hoach", asg, url.Values{"status": {"done"}, "percent": {"100"}}); code != http.StatusNotFound {
			t.Errorf("report by another province: %d", code)
		}
		code, _, _ = commune.PostMultipart(asg, asg, url.Values{"status": {"in-progress"}, "percent": {"40"}, "text": {"Đang xây dựng"}, "key": {"k-r-2"}},
			webtest.File{Field: "files", Name: "du-thao.pdf", Content: pdfBytes})
		if code != http.StatusSeeOther {
			t.Fatalf("report: %d", code)
		}
		if code, page, _ := commune.Get(asg); code != http.StatusOK || !strings.Contains(page, "du-thao.pdf") || !strings.Contains(page, "Đang xây dựng") {
			t.Errorf("assignment page: %d", code)
		}
		reps, err := a.Plans.Reports(ctx, mine[0].ID)
		if err != nil || len(reps) != 1 {
			t.Fatalf("reports: %v %v", reps, err)
		}
		file := fmt.Sprintf("%s/tep/%d/1", asg, reps[0].ID)
		if code, body, _ := commune.Get(file); code != http.StatusOK || body != string(pdfBytes) {
			t.Errorf("evidence for the commune: %d", code)
		}
		if code, _, _ := province.Get(file); code != http.StatusOK {
			t.Errorf("evidence for the issuer: %d", code)
		}
		if code, _, _ := outsider.Get(file); code != http.StatusNotFound {
			t.Errorf("evidence for another province: %d", code)
		}
		// The commune issues its plan implementing the province's: the dashboard counts it.
		clist := "/quan-tri/don-vi/" + demo.CommuneCode + "/ke-hoach"
		if code, page, _ := commune.Post(clist, clist+"/doc", url.Values{"text": {"12/KH-UBND\n…"}}); code != http.StatusOK || !strings.Contains(page, "05/KH-UBND") {
			t.Errorf("the commune's preview offers the province plan as its parent: %d", code)
		}
		csave := url.Values{"text": {"12/KH-UBND\n…"}, "kind": {"ke-hoach"}, "number": {"12/KH-UBND"}, "style": {"state"}, "summary": {"Thực hiện Kế hoạch 05/KH-UBND"},
			"parent": {fmt.Sprint(p.ID)}, "key": {"k-c-1"}}
		if code, _, _ := commune.Post(clist, clist, csave); code != http.StatusSeeOther {
			t.Errorf("the commune's plan: %d", code)
		}
		if code, page, _ := province.Get(planURL); code != http.StatusOK || !strings.Contains(page, fmt.Sprintf("1 trên %d đơn vị được giao", hueCommunes)) || !strings.Contains(page, danDien.Name) {
			t.Errorf("dashboard with the commune's plan: %d", code)
		}
		if code, page, _ := province.Get(taskPage); code != http.StatusOK || !strings.Contains(page, danDien.Name) || !strings.Contains(page, "Đang thực hiện") {
			t.Errorf("task page: %d", code)
		}
	})
}
