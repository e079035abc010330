package plans_test

import (
	"bytes"
	"context"
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
	"danchu/internal/document"
	"danchu/internal/files/filestest"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/planimport"
	"danchu/internal/plans"
)

type fixture struct {
	d                          *db.DB
	units                      *org.Service
	svc                        *plans.Service
	rec                        *audit.Service
	now                        time.Time
	hue, danDien, phuXuan      org.Unit
	quangTri, other            org.Unit
	province, commune, outside *auth.Actor
	ward                       *auth.Actor // Phú Xuân's, a unit of the province given no task
}

const pw = "kế hoạch dân chủ ở cơ sở 2026"

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)}
	d.Now = func() time.Time { return f.now }
	f.units = org.NewService(d)
	csv := "code,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n19885,Xã Đan Điền,xa,46\n19885-01,Thôn Đông Phước,thon,19885\n19753,Phường Phú Xuân,phuong,46\n" +
		"48,Tỉnh Quảng Trị,tinh,\n19000,Xã Cam Lộ,xa,48\n"
	if _, err := f.units.ImportUnits(ctx, strings.NewReader(csv), nil); err != nil {
		t.Fatal(err)
	}
	get := func(code string) org.Unit {
		u, err := f.units.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.hue, f.danDien, f.phuXuan, f.quangTri, f.other = get("46"), get("19885"), get("19753"), get("48"), get("19000")
	p := auth.DefaultPolicy()
	p.Require2FA = false
	log := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rec := audit.NewService(d)
	as := auth.NewService(d, f.units, rec, p, log, log)
	actor := func(email string, role auth.Role, unit org.Unit) *auth.Actor {
		res, err := as.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ " + email, Email: email, Role: role, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.ActivationLink != "" {
			if err := as.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
				t.Fatal(err)
			}
		}
		in, err := as.SignIn(ctx, email, pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		_, a, _ := as.Session(ctx, in.Token)
		return a
	}
	f.province = actor("tinh@hue.vn", auth.ProvinceAdmin, f.hue)
	f.commune = actor("xa@dandien.vn", auth.CommuneOfficial, f.danDien)
	f.outside = actor("tinh@quangtri.vn", auth.ProvinceAdmin, f.quangTri)
	f.ward = actor("phuong@phuxuan.vn", auth.CommuneOfficial, f.phuXuan)
	out := notify.NewOutbox(d, log, log, "https://danchu.test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.svc = plans.NewService(d, f.units, as.Guard(), rec, out, t.TempDir())
	f.rec = rec
	return f
}

// handDraft is what the reader would make of a short province plan.
func handDraft() planimport.Draft {
	return planimport.Draft{
		Doc: document.Doc{Style: document.State, Parent: "UBND TỈNH", Issuer: "VĂN PHÒNG", Number: "05/KH-UBND", Place: "Huế", Date: legal.DateOf(2026, 1, 5),
			Kind: "KẾ HOẠCH", Summary: "Thực hiện dân chủ ở cơ sở năm 2026", Bases: []string{"Căn cứ Luật Thực hiện dân chủ ở cơ sở năm 2022;"},
			Body: []document.Block{
				{Kind: document.Heading, Level: 1, Number: "I.", Text: "MỤC ĐÍCH, YÊU CẦU"},
				{Kind: document.Item, Level: 1, Text: "100% các xã, phường xây dựng kế hoạch thực hiện trước 31/3/2026."},
				{Kind: document.Heading, Level: 1, Number: "II.", Text: "NHIỆM VỤ"},
				{Kind: document.Heading, Level: 2, Number: "1.", Text: "Xây dựng kế hoạch của xã"},
				{Kind: document.Heading, Level: 2, Number: "2.", Text: "Báo cáo định kỳ"},
			},
			Recipients: []document.Recipient{{Name: "Thường trực Tỉnh ủy", Note: "b/c"}, {Name: "Lưu: VT"}},
			Signature:  document.Signature{Lines: []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}, Name: "Nguyễn Văn A"}},
		Targets: []planimport.Target{{Block: 1, Text: "100% các xã, phường xây dựng kế hoạch", Value: "100%", Deadline: "trước 31/3/2026"}},
		Tasks: []planimport.Task{
			{Block: 3, Section: "II.1", Title: "Xây dựng kế hoạch của xã", Lead: "UBND các xã, phường", Deadline: "trước ngày 31/3/2026"},
			{Block: 4, Section: "II.2", Title: "Báo cáo định kỳ", Lead: "UBND các xã, phường", With: []string{"Sở Nội vụ"}, Deadline: "hằng quý", Recurrence: "quarterly"},
		},
	}
}

func TestNewFromDraftAndDocument(t *testing.T) {
	p := plans.NewFromDraft(7, handDraft())
	if p.UnitID != 7 || p.Kind != plans.KindPlan || p.Number != "05/KH-UBND" || p.Style != plans.StyleState || p.FromYear != 2026 || p.ToYear != 2026 {
		t.Errorf("header = %+v", p)
	}
	if len(p.Tasks) != 2 || p.Tasks[0].Due != legal.DateOf(2026, 3, 31) || p.Tasks[1].Recurrence != plans.Quarterly || p.Tasks[1].With[0] != "Sở Nội vụ" {
		t.Errorf("tasks = %+v", p.Tasks)
	}
	if len(p.Targets) != 1 || p.Targets[0].Value != "100%" || !p.Targets[0].Measurable || p.Targets[0].Due != legal.DateOf(2026, 3, 31) {
		t.Errorf("targets = %+v", p.Targets)
	}
	if err := plans.Check(&p); err != nil {
		t.Fatal(err)
	}
	doc := p.Document()
	if doc.Kind != "KẾ HOẠCH" || doc.Number != "05/KH-UBND" || doc.Symbol != "KH-UBND" || doc.Style != document.State || len(doc.Body) != 5 ||
		len(doc.Recipients) != 2 || doc.Recipients[0].Note != "b/c" || doc.Signature.Name != "Nguyễn Văn A" || doc.Bases[0] == "" {
		t.Errorf("document = %+v", doc)
	}
	p.Number = "/KH-UBND"
	if doc = p.Document(); doc.Number != "" || doc.Symbol != "KH-UBND" {
		t.Errorf("document without number = %q %q", doc.Number, doc.Symbol)
	}
	p.Style, p.Number = plans.StyleParty, "162-KH/BCS"
	if doc = p.Document(); doc.Style != document.Party || doc.Number != "162-KH/BCS" || doc.Symbol != "KH/BCS" {
		t.Errorf("party document = %q %q", doc.Number, doc.Symbol)
	}
	p.Number = "-CT/TU"
	if doc = p.Document(); doc.Number != "" || doc.Symbol != "CT/TU" {
		t.Errorf("party document without number = %q %q", doc.Number, doc.Symbol)
	}
	doc.Body[0].Text = "changed" // the document is a copy
	if p.Doc.Body[0].Text == "changed" {
		t.Error("Document shares the plan's body")
	}
}

func TestDueOf(t *testing.T) {
	for _, c := range []struct {
		in   string
		want legal.Date
		ok   bool
	}{
		{"trước ngày 30/6/2024", legal.DateOf(2024, 6, 30), true},
		{"30/06/2024", legal.DateOf(2024, 6, 30), true},
		{"2024-06-30", legal.DateOf(2024, 6, 30), true},
		{"Quý II/2024", legal.DateOf(2024, 6, 30), true},
		{"quý IV năm 2025", legal.DateOf(2025, 12, 31), true},
		{"năm 2025", legal.DateOf(2025, 12, 31), true},
		{"31/02/2024", legal.Date{}, false},
		{"hằng năm", legal.Date{}, false},
		{"thường xuyên", legal.Date{}, false},
		{"", legal.Date{}, false},
	} {
		got, ok := plans.DueOf(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("DueOf(%q) = %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestLate(t *testing.T) {
	today := legal.DateOf(2026, 5, 10)
	ms := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 5, 0, 0, 0, time.UTC).UnixMilli() }
	for _, c := range []struct {
		name string
		a    plans.Assignment
		want bool
	}{
		{"past, not done", plans.Assignment{Status: plans.InProgress, Due: legal.DateOf(2026, 5, 9)}, true},
		{"past, done", plans.Assignment{Status: plans.Done, Due: legal.DateOf(2026, 5, 9)}, false},
		{"due today", plans.Assignment{Status: plans.NotStarted, Due: today}, false},
		{"no deadline", plans.Assignment{Status: plans.NotStarted}, false},
		{"quarterly, assigned this quarter", plans.Assignment{Recurrence: plans.Quarterly, CreatedAt: ms(2026, 4, 2)}, false},
		{"quarterly, last quarter without report", plans.Assignment{Recurrence: plans.Quarterly, CreatedAt: ms(2026, 2, 1)}, true},
		{"quarterly, reported last quarter", plans.Assignment{Recurrence: plans.Quarterly, CreatedAt: ms(2026, 2, 1), ReportedAt: ms(2026, 3, 20)}, false},
		{"monthly, reported two months ago", plans.Assignment{Recurrence: plans.Monthly, CreatedAt: ms(2026, 1, 1), ReportedAt: ms(2026, 3, 20)}, true},
	} {
		if got := c.a.Late(today); got != c.want {
			t.Errorf("%s: Late = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNumberKey(t *testing.T) {
	for _, c := range [][2]string{{"Số: 05/KH-UBND", "05/kh-ubnd"}, {"05/KH-UBND", "05/kh-ubnd"}, {" 162-KH/BCS ", "162-kh/bcs"}, {"Số 09-CT/TU", "09-ct/tu"}, {"Số:    /KH-UBND", ""}, {"-CT/TU", ""}, {"", ""}} {
		if got := plans.NumberKey(c[0]); got != c[1] {
			t.Errorf("NumberKey(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func (f *fixture) create(t *testing.T, unit org.Unit, a *auth.Actor, d planimport.Draft, parent int64) plans.Plan {
	t.Helper()
	p, err := f.svc.Create(context.Background(), a, plans.Draft{UnitID: unit.ID, ParentPlanID: parent, Plan: plans.NewFromDraft(unit.ID, d)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlansAssignReport(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		p := f.create(t, f.hue, f.province, handDraft(), 0)
		got, err := f.svc.Get(ctx, f.province, p.ID)
		if err != nil || got.Number != "05/KH-UBND" || len(got.Tasks) != 2 || len(got.Targets) != 1 || len(got.Doc.Body) != 5 || got.Doc.Signature.Name != "Nguyễn Văn A" || got.Date != legal.DateOf(2026, 1, 5) {
			t.Fatalf("stored plan = %+v, %v", got, err)
		}
		// The same plan imported twice: recognised by its number, however written.
		again := handDraft()
		again.Doc.Number = "Số: 05/kh-ubnd"
		_, err = f.svc.Create(ctx, f.province, plans.Draft{UnitID: f.hue.ID, Plan: plans.NewFromDraft(f.hue.ID, again)})
		apperrtest.Want(t, err, apperr.CodeConflict, "kế hoạch này đã được nhập")
		if n := db.Count(t, d, "select count(*) from plans"); n != 1 {
			t.Errorf("%d plans after a duplicate", n)
		}
		// Another province's official: not found, for the plan and its task.
		_, err = f.svc.Get(ctx, f.outside, p.ID)
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy.")
		_, err = f.svc.Assign(ctx, f.outside, p.Tasks[0].ID, plans.Targeting{Types: []string{"xa"}})
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy.")

		// Every commune and ward of the province.
		n, err := f.svc.Assign(ctx, f.province, p.Tasks[0].ID, plans.Targeting{Types: []string{"xa", "phuong", "dac-khu"}})
		if err != nil || n != 2 {
			t.Fatalf("assign to every commune: %d, %v", n, err)
		}
		if n, err := f.svc.Assign(ctx, f.province, p.Tasks[0].ID, plans.Targeting{Units: []int64{f.danDien.ID}}); err != nil || n != 0 {
			t.Errorf("assigning again made %d, %v", n, err)
		}
		_, err = f.svc.Assign(ctx, f.province, p.Tasks[1].ID, plans.Targeting{Units: []int64{f.danDien.ID, f.other.ID}})
		apperrtest.Want(t, err, apperr.CodeInvalid, "không thuộc phạm vi")
		if n := db.Count(t, d, "select count(*) from plan_assignments where task_id = $1", p.Tasks[1].ID); n != 0 {
			t.Errorf("a refused assignment left %d rows", n)
		}
		_, err = f.svc.Assign(ctx, f.province, p.Tasks[1].ID, plans.Targeting{})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Chọn ít nhất một đơn vị")

		tasks, err := f.svc.UnitTasks(ctx, f.commune, f.danDien.ID, 0, 50)
		if err != nil || len(tasks) != 1 || tasks[0].TaskTitle != "Xây dựng kế hoạch của xã" || tasks[0].Due != legal.DateOf(2026, 3, 31) {
			t.Fatalf("commune's tasks = %+v, %v", tasks, err)
		}
		mine := tasks[0]
		_, err = f.svc.Assignment(ctx, f.outside, mine.ID)
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy.")
		_, err = f.svc.UnitTasks(ctx, f.commune, f.phuXuan.ID, 0, 50)
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy.")

		// A bad evidence file is refused as a disclosure attachment would be: nothing recorded.
		_, err = f.svc.Report(ctx, f.commune, mine.ID, plans.Report{Status: plans.InProgress, Percent: 40, Text: "Đang xây dựng"},
			[]plans.Upload{{Name: "bao-cao.pdf", R: strings.NewReader("MZ not a pdf at all")}})
		apperrtest.Want(t, err, apperr.CodeInvalid, "không phải PDF")
		_, err = f.svc.Report(ctx, f.commune, mine.ID, plans.Report{Status: plans.InProgress, Percent: 140}, nil)
		apperrtest.Want(t, err, apperr.CodeInvalid, "từ 0 đến 100")
		_, err = f.svc.Report(ctx, f.outside, mine.ID, plans.Report{Status: plans.InProgress, Percent: 10}, nil)
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy.")
		if n := db.Count(t, d, "select count(*) from plan_reports"); n != 0 {
			t.Errorf("refused reports left %d rows", n)
		}
		if _, err := f.svc.Report(ctx, f.commune, mine.ID, plans.Report{Status: plans.InProgress, Percent: 40, Text: "Đang xây dựng"},
			[]plans.Upload{{Name: "du-thao.pdf", R: bytes.NewReader(filestest.PDF("du thao"))}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Report(ctx, f.commune, mine.ID, plans.Report{Status: plans.Done, Text: "Đã ban hành"}, nil); err != nil {
			t.Fatal(err)
		}
		reports, err := f.svc.Reports(ctx, mine.ID)
		if err != nil || len(reports) != 2 || reports[0].Status != plans.Done || reports[0].Percent != 100 || len(reports[1].Files) != 1 || reports[1].Files[0].ContentType != "application/pdf" {
			t.Fatalf("history = %+v, %v", reports, err)
		}
		refs, err := f.svc.BlobRefs(ctx)
		if err != nil || len(refs) != 1 {
			t.Errorf("blob refs = %v, %v", refs, err)
		}

		// The commune issues its own plan implementing the province's: the target counts itself.
		cd := handDraft()
		cd.Doc.Number, cd.Doc.Summary = "12/KH-UBND", "Thực hiện Kế hoạch 05/KH-UBND của tỉnh"
		child := f.create(t, f.danDien, f.commune, cd, p.ID)
		// A parent that is not above is refused.
		_, err = f.svc.Create(ctx, f.province, plans.Draft{UnitID: f.hue.ID, ParentPlanID: child.ID, Plan: plans.NewFromDraft(f.hue.ID, func() planimport.Draft {
			x := handDraft()
			x.Doc.Number = "06/KH-UBND"
			return x
		}())})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Kế hoạch cấp trên phải")

		f.now = time.Date(2026, 4, 2, 3, 0, 0, 0, time.UTC) // past the deadline of 31/03
		dash, err := f.svc.Dashboard(ctx, f.province, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		t0 := dash.Tasks[0]
		if t0.Assigned != 2 || t0.Done != 1 || t0.NotStarted != 1 || t0.Late != 1 || dash.Assignees != 2 || dash.WithPlan != 1 || len(dash.Children[f.danDien.ID]) != 1 {
			t.Errorf("dashboard = %+v, task 0 = %+v", dash, t0)
		}
		_, err = f.svc.Dashboard(ctx, f.outside, p.ID)
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy.")
	})
}

func TestRemind(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		p := f.create(t, f.hue, f.province, handDraft(), 0) // task 1 due 31/03/2026, reminded 7 days before
		if _, err := f.svc.Assign(ctx, f.province, p.Tasks[0].ID, plans.Targeting{Units: []int64{f.danDien.ID}}); err != nil {
			t.Fatal(err)
		}
		notes := func() int { return db.Count(t, d, "select count(*) from outbox where kind like 'plans.%'") }
		for _, c := range []struct {
			day            time.Time
			reminded, late int
			notes          int
		}{
			{time.Date(2026, 3, 20, 3, 0, 0, 0, time.UTC), 0, 0, 0},
			{time.Date(2026, 3, 24, 3, 0, 0, 0, time.UTC), 1, 0, 1},
			{time.Date(2026, 3, 25, 3, 0, 0, 0, time.UTC), 0, 0, 1}, // once
			{time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC), 0, 1, 2},
			{time.Date(2026, 4, 9, 3, 0, 0, 0, time.UTC), 0, 0, 2}, // late is said once
		} {
			f.now = c.day
			r, l, err := f.svc.Remind(ctx)
			if err != nil || r != c.reminded || l != c.late || notes() != c.notes {
				t.Errorf("%s: reminded %d late %d notes %d, %v; want %d %d %d", c.day.Format("02/01"), r, l, notes(), err, c.reminded, c.late, c.notes)
			}
		}
	})
}

// A plan pasted without its header gets its issuing unit's (NĐ 30 Phụ lục I).
func TestHeaderOf(t *testing.T) {
	hue := org.Unit{ID: 1, Name: "Thành phố Huế", Type: org.City}
	vp := org.Unit{ID: 2, Name: "Văn phòng Ủy ban nhân dân thành phố", Type: org.Agency, ParentID: 1}
	tu := org.Unit{ID: 3, Name: "Thành ủy Huế", Type: org.PartyBody, ParentID: 1}
	for _, c := range []struct {
		name           string
		issuer, parent org.Unit
		wantParent     string
		wantIssuer     string
	}{
		{"a people's committee", hue, org.Unit{}, "", "ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ"},
		{"an agency of the territory", vp, hue, "UBND THÀNH PHỐ HUẾ", "VĂN PHÒNG ỦY BAN NHÂN DÂN THÀNH PHỐ"},
		{"a section of an agency", org.Unit{ID: 4, Name: "Phòng Hành chính – Tổ chức", Type: org.Section, ParentID: 2}, vp, "VĂN PHÒNG ỦY BAN NHÂN DÂN THÀNH PHỐ", "PHÒNG HÀNH CHÍNH – TỔ CHỨC"},
		{"a Party committee", tu, hue, "", "THÀNH ỦY HUẾ"},
		{"a body of the Party committee", org.Unit{ID: 5, Name: "Ban Cán sự Đảng Ủy ban nhân dân thành phố", Type: org.PartyBody, ParentID: 3}, tu, "THÀNH ỦY HUẾ", "BAN CÁN SỰ ĐẢNG ỦY BAN NHÂN DÂN THÀNH PHỐ"},
	} {
		p, i := plans.HeaderOf(c.issuer, c.parent)
		if p != c.wantParent || i != c.wantIssuer {
			t.Errorf("%s: HeaderOf = %q, %q; want %q, %q", c.name, p, i, c.wantParent, c.wantIssuer)
		}
	}
}

// A village (thôn, tổ dân phố) is a self-governing community, not a body that
// issues plans or is given a task (it has no people's committee and its head
// holds no plan.report): it neither issues a plan nor takes an assignment.
func TestVillageNeitherIssuesNorIsAssigned(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		village, err := f.units.UnitByCode(ctx, "19885-01")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Create(ctx, f.commune, plans.Draft{UnitID: village.ID, Plan: plans.NewFromDraft(village.ID, handDraft())})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Thôn, tổ dân phố không ban hành kế hoạch")
		if n := db.Count(t, d, "select count(*) from plans"); n != 0 {
			t.Errorf("a village's plan stored: %d plans", n)
		}
		p := f.create(t, f.hue, f.province, handDraft(), 0)
		_, err = f.svc.Assign(ctx, f.province, p.Tasks[0].ID, plans.Targeting{Units: []int64{f.danDien.ID, village.ID}})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Không thể giao nhiệm vụ cho Thôn Đông Phước")
		if n := db.Count(t, d, "select count(*) from plan_assignments"); n != 0 {
			t.Errorf("a refused assignment left %d rows", n)
		}
	})
}

// The legal bases (căn cứ) come from a form field of their own: each line
// and their number are bounded as every other text of a plan is.
func TestCheckBases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bases []string
	}{
		{"one line too long", []string{"Căn cứ " + strings.Repeat("Luật ", plans.MaxText/5+1)}},
		{"too many lines", strings.Split(strings.Repeat("Căn cứ Luật Thực hiện dân chủ ở cơ sở;\n", plans.MaxBases+1), "\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := plans.NewFromDraft(7, handDraft())
			p.Doc.Bases, p.Bases = tc.bases, strings.Join(tc.bases, "\n")
			apperrtest.Want(t, plans.Check(&p), apperr.CodeInvalid, "Phần căn cứ")
		})
	}
	p := plans.NewFromDraft(7, handDraft())
	if err := plans.Check(&p); err != nil {
		t.Errorf("the hand draft's bases refused: %v", err)
	}
}

// A plan issued by a body attached to the province (the seeds' issuers: a
// department, the Party committee, the office) is carried out in the
// province: its tasks go to the province's communes, not to another
// province's, nor back to the issuer; a commune's plan may implement it.
func TestBodyPlanReachesItsTerritory(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		if _, err := f.units.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code\n46-SNV,Sở Nội vụ,co-quan,46\n"), nil); err != nil {
			t.Fatal(err)
		}
		so, err := f.units.UnitByCode(ctx, "46-SNV")
		if err != nil {
			t.Fatal(err)
		}
		p := f.create(t, so, f.province, handDraft(), 0)
		n, err := f.svc.Assign(ctx, f.province, p.Tasks[0].ID, plans.Targeting{Types: []string{string(org.Commune), string(org.Ward)}})
		if err != nil || n != 2 {
			t.Fatalf("every commune of the province: %d assignments, %v; want 2 (Đan Điền, Phú Xuân)", n, err)
		}
		for _, bad := range []org.Unit{f.other, so} {
			_, err := f.svc.Assign(ctx, f.province, p.Tasks[0].ID, plans.Targeting{Units: []int64{bad.ID}})
			apperrtest.Want(t, err, apperr.CodeInvalid, bad.Name)
		}
		if n := db.Count(t, d, "select count(*) from plan_assignments"); n != 2 {
			t.Errorf("%d assignments after the refusals, want 2", n)
		}
		choices, err := f.svc.ParentChoices(ctx, f.danDien)
		if err != nil || !slices.ContainsFunc(choices, func(it plans.Item) bool { return it.ID == p.ID }) {
			t.Fatalf("the commune's parent choices %+v (%v) lack the department's plan", choices, err)
		}
		impl := handDraft()
		impl.Doc.Number = "12/KH-UBND"
		if c := f.create(t, f.danDien, f.commune, impl, p.ID); c.ParentPlanID != p.ID {
			t.Errorf("the commune's plan implements %d, want %d", c.ParentPlanID, p.ID)
		}
	})
}

// TestOpenByAssignee: an official of a unit given a task reads the plan it
// comes from (not manage it: no dashboard), with its own assignment; before
// the task is given, and for a unit of the province given none or another
// province, the plan is not found.
func TestOpenByAssignee(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		p := f.create(t, f.hue, f.province, handDraft(), 0)
		if v, err := f.svc.Open(ctx, f.province, p.ID); err != nil || !v.Manage || v.Plan.Number != "05/KH-UBND" {
			t.Fatalf("the issuer's official: %+v %v", v, err)
		}
		_, err := f.svc.Open(ctx, f.commune, p.ID)
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy.")
		if _, err := f.svc.Assign(ctx, f.province, p.Tasks[1].ID, plans.Targeting{Units: []int64{f.danDien.ID}}); err != nil {
			t.Fatal(err)
		}
		as, err := f.svc.UnitAssignments(ctx, f.danDien.ID, 0, 10)
		if err != nil || len(as) != 1 {
			t.Fatalf("assignments: %v %v", as, err)
		}
		v, err := f.svc.Open(ctx, f.commune, p.ID)
		if err != nil || v.Manage || len(v.Plan.Tasks) != 2 || len(v.Mine) != 1 || v.Mine[p.Tasks[1].ID] != as[0].ID {
			t.Fatalf("the assignee's official: %+v %v", v, err)
		}
		_, err = f.svc.Progress(ctx, v)
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy kế hoạch hoặc nhiệm vụ này.")
		for name, a := range map[string]*auth.Actor{"a ward given no task": f.ward, "another province": f.outside} {
			_, err := f.svc.Open(ctx, a, p.ID)
			if apperr.CodeOf(err) != apperr.CodeNotFound || apperr.KeyOf(err) != "auth.err.not_found" {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// TestLeads: a task's lead body named as one unit or body of the issuer's
// territory is linked to it when the plan is saved; a group, a name two units
// share or a body of another province stays text.
func TestLeads(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		body := func(name, short string, typ org.Type, parent org.Unit) org.Unit {
			u, err := f.units.CreateUnit(ctx, org.Unit{Name: name, ShortName: short, Type: typ, ValidFrom: org.OfficialListDate}, parent.ID)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		snv := body("Sở Nội vụ", "SNV", org.Agency, f.hue)
		vp := body("Văn phòng Ủy ban nhân dân thành phố", "VP", org.Agency, f.hue)
		hctc := body("Phòng Hành chính – Tổ chức", "HCTC", org.Section, vp)
		body("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Huế", "MTTQ", org.MassOrg, f.hue)
		body("Ủy ban Mặt trận Tổ quốc Việt Nam xã Đan Điền", "MTTQ", org.MassOrg, f.danDien)
		body("Sở Nội vụ", "SNV", org.Agency, f.quangTri)
		tree, err := f.units.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		leads := plans.NewLeads(tree, vp.ID) // a body's territory: the province's
		for _, tc := range []struct {
			lead string
			want int64
		}{
			{"Sở Nội vụ", snv.ID},
			{"SỞ NỘI VỤ;", snv.ID},
			{"Sở Nội vụ (cơ quan thường trực)", snv.ID},
			{"SNV", snv.ID},
			{"Phòng Hành chính - Tổ chức", hctc.ID},
			{"UBND xã Đan Điền", f.danDien.ID},
			{"Ủy ban nhân dân phường Phú Xuân", f.phuXuan.ID},
			{"UBND thành phố Huế", f.hue.ID},
			{"UBND các xã, phường", 0},
			{"MTTQ", 0},                 // the province's Front and the commune's
			{"UBND", 0},                 // every territorial unit's
			{"Thôn Đông Phước", 0},      // a village leads no task
			{"Xã Cam Lộ", 0},            // another province
			{"Sở Nội vụ và Công an", 0}, // not a name
			{"", 0},
		} {
			if got := leads.Unit(tc.lead); got != tc.want {
				t.Errorf("Unit(%q) = %d, want %d", tc.lead, got, tc.want)
			}
		}
		// Saved: the matched lead is stored with the plan; the others stay text.
		p := f.create(t, f.hue, f.province, func() planimport.Draft {
			dr := handDraft()
			dr.Tasks[1].Lead = "Sở Nội vụ"
			return dr
		}(), 0)
		got, err := f.svc.Get(ctx, f.province, p.ID)
		if err != nil || got.Tasks[0].LeadUnitID != 0 || got.Tasks[0].Lead != "UBND các xã, phường" || got.Tasks[1].LeadUnitID != snv.ID || got.Tasks[1].Lead != "Sở Nội vụ" {
			t.Errorf("stored leads: %+v %v", got.Tasks, err)
		}
	})
}
