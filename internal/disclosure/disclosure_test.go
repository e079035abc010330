package disclosure_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/disclosure"
	"danchu/internal/files/filestest"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/sheet"
	"danchu/internal/sheet/sheettest"
	"danchu/internal/web/webtest"

	"github.com/xuri/excelize/v2"
)

type fixture struct {
	d                                *db.DB
	units                            *org.Service
	auth                             *auth.Service
	rec                              *audit.Service
	svc                              *disclosure.Service
	now                              time.Time
	danDien, v1, phuXuan, school     org.Unit
	official, other, schoolHead, pub *auth.Actor
}

const pw = "bảng tin công khai của xã 2026"

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)} // 10/03/2026 10:00 in Vietnam
	d.Now = func() time.Time { return f.now }
	f.units = org.NewService(d)
	csv := "code,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n19885,Xã Đan Điền,xa,46\n19885-01,Thôn Đông Phước,thon,19885\n19753,Phường Phú Xuân,phuong,46\n"
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
	f.danDien, f.v1, f.phuXuan = get("19885"), get("19885-01"), get("19753")
	var err error
	if f.school, err = f.units.CreateUnit(ctx, org.Unit{Name: "Trường Tiểu học Đan Điền", Type: org.Agency}, f.danDien.ID); err != nil {
		t.Fatal(err)
	}
	p := auth.DefaultPolicy()
	p.Require2FA = false
	log := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.rec = audit.NewService(d)
	f.auth = auth.NewService(d, f.units, f.rec, p, log, log)
	actor := func(email string, role auth.Role, unit org.Unit) *auth.Actor {
		res, err := f.auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ " + email, Email: email, Role: role, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.ActivationLink != "" {
			if err := f.auth.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
				t.Fatal(err)
			}
		}
		in, err := f.auth.SignIn(ctx, email, pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		_, a, _ := f.auth.Session(ctx, in.Token)
		return a
	}
	f.official = actor("xa@dandien.vn", auth.CommuneOfficial, f.danDien)
	f.other = actor("xa@phuxuan.vn", auth.CommuneOfficial, f.phuXuan)
	f.schoolHead = actor("hieutruong@dandien.vn", auth.AgencyHead, f.school)
	f.svc = disclosure.NewService(d, f.units, f.auth.Guard(), f.rec, legal.Fixed{C: legal.NewCalendar(legal.Decided())}, t.TempDir())
	return f
}

// zipOf is a whole zip of empty files with these names.
func zipOf(names ...string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		w.Create(n)
	}
	w.Close()
	return b.Bytes()
}

func pdf(text string) disclosure.Upload {
	return disclosure.Upload{Name: "quyet-dinh.pdf", R: bytes.NewReader(filestest.PDF(text))}
}

func draft(unit org.Unit, cat int, title string) disclosure.Draft {
	return disclosure.Draft{UnitID: unit.ID, Category: cat, Title: title, Body: "Nội dung " + title, DecisionDate: "2026-03-09"}
}

func wantErr(t *testing.T, err error, code apperr.Code, text string) {
	t.Helper()
	apperrtest.Want(t, err, code, text)
}

func TestPublishAndRules(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 2, "Dự toán ngân sách xã năm 2026"), []disclosure.Upload{pdf("du toan")})
		if err != nil {
			t.Fatal(err)
		}
		// Decision 09/03 (Mon): due 16/03; posted 10/03 → on time; 30-day window from 10/03 ends 09/04.
		if x.Late || x.Due.String() != "2026-03-16" || x.MinEnd.String() != "2026-04-09" || len(x.Files) != 1 || x.Files[0].ContentType != "application/pdf" {
			t.Errorf("published = %+v", x)
		}
		// A decision of 20/02 (Tết until 22/02): due 02/03 (5 working days: 23–27/02 … ), posted 10/03 → late.
		late := draft(f.v1, 7, "Danh sách hộ nghèo thôn Đông Phước")
		late.DecisionDate = "2026-02-20"
		late.Channels = []disclosure.Channel{{ID: disclosure.ChannelLoudspeaker, Start: legal.DateOf(2026, 3, 10), End: legal.DateOf(2026, 3, 12)}}
		y, err := f.svc.Publish(ctx, f.official, late, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !y.Late || y.Due.String() != "2026-02-27" || y.BoardID != f.danDien.ID {
			t.Errorf("late one = due %s late %v board %d", y.Due, y.Late, y.BoardID)
		}
		// Items 4 and 13 stay permanently.
		perm, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 13, "Thủ tục hành chính của xã"), nil)
		if err != nil || !perm.MinEnd.IsZero() {
			t.Fatalf("permanent item: %+v %v", perm.MinEnd, err)
		}
		wantErr(t, f.svc.TakeDown(ctx, f.official, perm.ID), apperr.CodeConflict, "thường xuyên")
		// Too early to take down: refused with the first possible day.
		wantErr(t, f.svc.TakeDown(ctx, f.official, x.ID), apperr.CodeConflict, "có thể gỡ từ ngày 10/04/2026")
		f.now = f.now.AddDate(0, 0, 31)
		if err := f.svc.TakeDown(ctx, f.official, x.ID); err != nil {
			t.Fatalf("take down after the window: %v", err)
		}
		board, _ := f.svc.Board(ctx, f.danDien, disclosure.Posted, 0, 50)
		archive, _ := f.svc.Board(ctx, f.danDien, disclosure.Archived, 0, 50)
		if len(board) != 2 || len(archive) != 1 || archive[0].ID != x.ID {
			t.Errorf("board %d, archive %d", len(board), len(archive))
		}
		village, _ := f.svc.Board(ctx, f.v1, disclosure.Posted, 0, 50)
		if len(village) != 1 || village[0].ID != y.ID {
			t.Errorf("village board = %v", village)
		}
		// Every act is on the public record, in order.
		rs, _ := f.rec.Records(ctx, 0, 10)
		var kinds []string
		for _, r := range rs {
			kinds = append(kinds, r.Kind)
		}
		if strings.Join(kinds, ",") != "disclosure.archived,disclosure.posted,disclosure.posted,disclosure.posted" {
			t.Errorf("public record = %v", kinds)
		}
		if _, _, err := f.rec.Verify(ctx); err != nil {
			t.Error(err)
		}
	})
}

func TestAmendAndWithdraw(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 5, "Đóng góp xây dựng đường thôn"), []disclosure.Upload{pdf("ban 1")})
		if err != nil {
			t.Fatal(err)
		}
		am := draft(f.danDien, 5, "Đóng góp xây dựng đường thôn (sửa số liệu)")
		am.Body = "Mức đóng góp 200.000 đồng/hộ"
		_, err = f.svc.Amend(ctx, f.official, x.ID, am, nil, nil)
		wantErr(t, err, apperr.CodeInvalid, "lý do")
		am.Reason = "Sửa mức đóng góp theo nghị quyết"
		y, err := f.svc.Amend(ctx, f.official, x.ID, am, []string{x.Files[0].SHA256}, []disclosure.Upload{pdf("phu luc")})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(ctx, nil, x.ID)
		if err != nil || got.Version != 2 || len(got.Versions) != 2 || got.Versions[1].Reason != am.Reason || len(got.Files) != 2 || len(got.Versions[0].Files) != 1 {
			t.Fatalf("after amendment: %+v %v", got, err)
		}
		if y.Title != "Đóng góp xây dựng đường thôn (sửa số liệu)" {
			t.Errorf("title = %q", y.Title)
		}
		// Another commune's official: not found, and audited as denied.
		_, err = f.svc.Amend(ctx, f.other, x.ID, am, nil, nil)
		wantErr(t, err, apperr.CodeNotFound, "Không tìm thấy")
		wantErr(t, f.svc.Withdraw(ctx, f.other, x.ID, "x"), apperr.CodeNotFound, "Không tìm thấy")
		var denied int
		d.QueryRow("select count(*) from audit_log where action = 'disclosure.publish' and outcome = 'denied'").Scan(&denied)
		if denied != 2 {
			t.Errorf("%d denied audit records, want 2", denied)
		}
		wantErr(t, f.svc.Withdraw(ctx, f.official, x.ID, " "), apperr.CodeInvalid, "lý do")
		if err := f.svc.Withdraw(ctx, f.official, x.ID, "Đính kèm nhầm tệp"); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Get(ctx, nil, x.ID)
		if got.Status != disclosure.Withdrawn || got.WithdrawReason != "Đính kèm nhầm tệp" {
			t.Errorf("withdrawn = %+v", got)
		}
		_, err = f.svc.Amend(ctx, f.official, x.ID, am, nil, nil)
		wantErr(t, err, apperr.CodeConflict, "đã bị rút")
		if hits, _, err := f.svc.Search(ctx, "dong gop", org.Unit{}, 10, 0); err != nil || len(hits) != 0 {
			t.Errorf("a withdrawn disclosure is found by search (%v)", err)
		}
	})
}

func TestBadInput(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		count := func() int { return db.Count(t, d, "select count(*) from disclosures") }
		noDate := draft(f.danDien, 1, "Kế hoạch năm")
		noDate.DecisionDate = ""
		_, err := f.svc.Publish(ctx, f.official, noDate, nil)
		if apperr.CodeOf(err) != apperr.CodeInvalid || !strings.Contains(webtest.Vietnamese(t, err), "decision_date: Hãy nhập ngày ban hành quyết định, văn bản được công khai.") {
			t.Fatalf("no decision date: %v", err)
		}
		for _, tt := range []struct {
			name string
			up   disclosure.Upload
			want string
		}{
			{"HTMLNamedPDF", disclosure.Upload{Name: "bao-cao.pdf", R: strings.NewReader("<html><script>alert(1)</script></html>")}, "không phải PDF"},
			{"ProgramNamedPDF", disclosure.Upload{Name: "x.pdf", R: strings.NewReader("MZ\x90\x00\x03\x00\x00\x00")}, "không phải PDF"},
			{"ZipNotOffice", disclosure.Upload{Name: "x.docx", R: bytes.NewReader(zipOf("readme.txt"))}, "không phải PDF"},
			{"BrokenZip", disclosure.Upload{Name: "x.docx", R: strings.NewReader("PK\x03\x04garbage")}, "bị hỏng hoặc chưa trọn vẹn"},
			{"HalfAPDF", disclosure.Upload{Name: "nua.pdf", R: bytes.NewReader(filestest.PDF("Kế hoạch năm")[:300])}, "Hãy mở tệp gốc trên máy, xuất hoặc lưu lại thành PDF"},
			{"HalfADOCX", disclosure.Upload{Name: "nua.docx", R: bytes.NewReader(filestest.DOCX("Kế hoạch năm")[:900])}, "lưu lại thành DOCX"},
			{"TooLarge", disclosure.Upload{Name: "lon.pdf", R: io.MultiReader(strings.NewReader("%PDF-1.4\n"), bytes.NewReader(make([]byte, 25<<20)))}, "lớn quá 20 MB"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 1, "Kế hoạch năm"), []disclosure.Upload{pdf("ok"), tt.up})
				wantErr(t, err, apperr.CodeInvalid, tt.want)
			})
		}
		for _, tt := range []struct {
			name string
			d    disclosure.Draft
			want string
		}{
			{"NoCategory", draft(f.danDien, 15, "x"), "category"},
			{"NoTitle", draft(f.danDien, 1, "   "), "title"},
			{"FutureDecision", func() disclosure.Draft { x := draft(f.danDien, 1, "x"); x.DecisionDate = "2026-04-01"; return x }(), "decision_date"},
			{"PostedBeforeDecision", func() disclosure.Draft {
				x := draft(f.danDien, 1, "x")
				x.PostingStart = "2026-03-01"
				return x
			}(), "posting_start"},
			{"ShortLoudspeaker", func() disclosure.Draft {
				x := draft(f.danDien, 8, "x")
				x.Channels = []disclosure.Channel{{ID: disclosure.ChannelLoudspeaker, Start: legal.DateOf(2026, 3, 10), End: legal.DateOf(2026, 3, 11)}}
				return x
			}(), "channel_loudspeaker"},
			{"ProvinceHasNoBoard", disclosure.Draft{UnitID: f.danDien.ParentID, Category: 1, Title: "x", DecisionDate: "2026-03-09"}, "không có bảng công khai"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.Publish(ctx, f.official, tt.d, nil)
				if apperr.CodeOf(err) != apperr.CodeInvalid || !strings.Contains(webtest.Vietnamese(t, err), tt.want) {
					t.Fatalf("error = %v, want invalid %s", err, tt.want)
				}
			})
		}
		_, err = f.svc.Publish(ctx, f.other, draft(f.danDien, 1, "Kế hoạch"), nil)
		wantErr(t, err, apperr.CodeNotFound, "Không tìm thấy")
		if n := count(); n != 0 {
			t.Fatalf("%d disclosures saved by refused requests", n)
		}
		// A script in the title is stored as typed (pages escape it; see the HTTP tests).
		x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 14, `<script>alert("x")</script> Thông báo`), nil)
		if err != nil || x.Title != `<script>alert("x")</script> Thông báo` {
			t.Fatalf("script title: %q %v", x.Title, err)
		}
	})
}

func TestStaffDisclosureIsForStaff(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		x, err := f.svc.Publish(ctx, f.schoolHead, draft(f.school, 9, "Quy chế chi tiêu nội bộ"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !x.StaffOnly || x.MinEnd.String() != "2026-03-30" {
			t.Errorf("staff disclosure = staff %v, window to %s (want 20 days: 2026-03-30)", x.StaffOnly, x.MinEnd)
		}
		if _, err := f.svc.Get(ctx, nil, x.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("a citizen reads a staff disclosure: %v", err)
		}
		if _, err := f.svc.Get(ctx, &auth.Actor{AccountID: 999, Kind: auth.Citizen}, x.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("a signed-in citizen reads a staff disclosure: %v", err)
		}
		if _, err := f.svc.Get(ctx, f.other, x.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("another commune's official reads it: %v", err)
		}
		if _, err := f.svc.Get(ctx, f.schoolHead, x.ID); err != nil {
			t.Errorf("the school's head cannot read it: %v", err)
		}
		if hits, _, err := f.svc.Search(ctx, "quy che chi tieu", org.Unit{}, 10, 0); err != nil || len(hits) != 0 {
			t.Errorf("a staff disclosure is in the public search (%v)", err)
		}
		if rs, err := f.rec.Records(ctx, 0, 10); err != nil || len(rs) != 0 {
			t.Errorf("a staff disclosure is on the public record (%v)", err)
		}
		_, err = f.svc.Publish(ctx, f.schoolHead, draft(f.school, 13, "x"), nil)
		if apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("item 13 on an agency board (12 items): %v", err)
		}
	})
}

// The two engines find the same disclosures for the same queries, ranked alike.
func TestSearchSameOnBothEngines(t *testing.T) {
	titles := []string{
		"Quy chế dân chủ ở cơ sở xã Đan Điền",
		"Quy hoạch sử dụng đất đai năm 2026",
		"Danh sách hộ nghèo, hộ cận nghèo",
		"Đất đai: thu hồi đất làm đường liên thôn",
		"Phí, lệ phí chứng thực",
		"Kết quả lấy ý kiến về quy chế dân chủ",
	}
	results := map[db.Dialect][]string{}
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		for i, title := range titles {
			x := draft(f.danDien, 14, title)
			if i%2 == 1 {
				x.UnitID = f.v1.ID
			}
			x.Body = strings.Repeat("Chi tiết: "+title+". ", i%3+1)
			if _, err := f.svc.Publish(ctx, f.official, x, nil); err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(time.Minute)
		}
		if _, err := f.svc.Publish(ctx, f.other, draft(f.phuXuan, 4, "Quy chế dân chủ phường Phú Xuân"), nil); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, q := range []string{"quy che dan chu", "dat dai", "ĐẤT", "Đan Điền", "ho ngheo", "phi le phi", "khong co gi", "<script>"} {
			hits, total, err := f.svc.Search(ctx, q, org.Unit{}, 20, 0)
			if err != nil {
				t.Fatal(err)
			}
			var ts []string
			for _, h := range hits {
				ts = append(ts, h.Title)
			}
			out = append(out, fmt.Sprintf("%s → %d: %s", q, total, strings.Join(ts, " | ")))
		}
		within, _, _ := f.svc.Search(ctx, "quy che dan chu", f.v1, 20, 0)
		out = append(out, fmt.Sprintf("village: %d", len(within)))
		results[d.Dialect] = out
		if !strings.HasPrefix(out[0], "quy che dan chu → 3: ") || !strings.HasPrefix(out[1], "dat dai → 2: ") || !strings.HasPrefix(out[2], "ĐẤT → 2:") {
			t.Errorf("results on %s:\n%s", d.Dialect, strings.Join(out, "\n"))
		}
	})
	if a, b := results[db.SQLite], results[db.Postgres]; b != nil && !slices.Equal(a, b) {
		t.Errorf("engines differ:\nsqlite:\n%s\npostgres:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

func TestQuarterlyRegister(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		on := draft(f.danDien, 12, "Phí, lệ phí chứng thực")
		on.Channels = []disclosure.Channel{{ID: disclosure.ChannelPosting, Start: legal.DateOf(2026, 3, 10)},
			{ID: disclosure.ChannelLoudspeaker, Start: legal.DateOf(2026, 3, 10), End: legal.DateOf(2026, 3, 12)}}
		if _, err := f.svc.Publish(ctx, f.official, on, nil); err != nil {
			t.Fatal(err)
		}
		late := draft(f.v1, 7, "Danh sách hộ cận nghèo")
		late.DecisionDate = "2026-02-02"
		if _, err := f.svc.Publish(ctx, f.official, late, nil); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.AddDate(0, 1, 0) // April: the second quarter
		if _, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 1, "Kế hoạch quý II"), nil); err != nil {
			t.Fatal(err)
		}
		reg, err := f.svc.Register(ctx, f.official, f.danDien.ID, 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(reg.Rows) != 2 || reg.Late != 1 || !strings.Contains(reg.Rows[0].Forms, "Hệ thống truyền thanh từ 10/03/2026 đến 12/03/2026") {
			t.Fatalf("register Q1 = %+v", reg)
		}
		if q2, _ := f.svc.Register(ctx, f.official, f.danDien.ID, 2026, 2); len(q2.Rows) != 1 {
			t.Errorf("Q2 has %d rows", len(q2.Rows))
		}
		if _, err := f.svc.Register(ctx, f.other, f.danDien.ID, 2026, 1); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("another commune's register: %v", err)
		}
		if _, err := f.svc.Register(ctx, f.official, f.danDien.ID, 2026, 5); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("quarter 5: %v", err)
		}
		b, err := reg.XLSX()
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("Quý 1-2026")
		if err != nil || len(rows) != 6 || rows[3][3] != "Tiêu đề" || rows[4][3] != "Phí, lệ phí chứng thực" || rows[5][10] != "Có" {
			t.Fatalf("xlsx rows = %q, %v", rows, err)
		}
		// The days are date cells (numbers shown dd/mm/yyyy, as on the page); a missing one is an empty cell.
		for i, row := range reg.Rows {
			n := strconv.Itoa(5 + i)
			cells := sheettest.Cells(t, b, "Quý 1-2026", "E"+n, "F"+n, "G"+n, "L"+n)
			for k, want := range []string{row.DecisionDate, row.Due, row.PostingStart} {
				c := cells[k]
				if want == "" && (c.Stored != "" || c.Text) {
					t.Errorf("row %d column %d: %+v, want an empty cell", i, k, c)
				}
				if want != "" && (c.Shown != want || c.Text || c.Format != sheet.DateFormat) {
					t.Errorf("row %d column %d: %+v, want the date cell %s", i, k, c, want)
				}
			}
			if c := cells[3]; c.Text || c.Stored != strconv.Itoa(row.Versions-1) {
				t.Errorf("row %d: amendments %+v, want the number %d", i, c, row.Versions-1)
			}
		}
	})
}

// tamper runs statements as someone holding the database password would, with
// the append-only triggers of the public record out of the way.
func tamper(t *testing.T, d *db.DB, qs ...string) {
	t.Helper()
	off := []string{"drop trigger public_record_no_update"}
	if d.Dialect == db.Postgres {
		off = []string{"alter table public_record disable trigger user"}
	}
	err := d.RunInTx(context.Background(), func(tx *sql.Tx) error {
		for _, q := range append(off, qs...) {
			if _, err := tx.Exec(q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Verify reports every broken entry, not only the first, and checks the text a
// disclosure entry vouches for: two altered entries and one altered body are
// three problems.
func TestVerifyReportsEveryProblem(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.rec.Vouch("disclosure.", f.svc.RecordCheck())
		var ids []int64
		for i := range 5 {
			x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 5, fmt.Sprintf("Dự toán ngân sách đợt %d", i+1)), []disclosure.Upload{pdf(fmt.Sprint(i))})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.ID)
		}
		if n, _, err := f.rec.Verify(ctx); err != nil || n < 5 {
			t.Fatalf("intact record: %d entries, %v", n, err)
		}
		rs, err := f.rec.Records(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		seqOf := map[string]int64{}
		for _, r := range rs {
			if r.Kind == "disclosure.posted" {
				seqOf[r.ObjectID] = r.Seq
			}
		}
		first, third := seqOf[fmt.Sprint(ids[0])], seqOf[fmt.Sprint(ids[2])]
		tamper(t, d,
			fmt.Sprintf("update public_record set summary = 'Không có gì' where seq = %d", first),
			fmt.Sprintf("update public_record set content = replace(content, 'đợt 3', 'đợt 9') where seq = %d", third),
			fmt.Sprintf("update disclosure_versions set body = 'Nội dung đã bị thay' where disclosure_id = %d", ids[4]))
		_, _, err = f.rec.Verify(ctx)
		var ps audit.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("verify = %v, want the problems", err)
		}
		got := map[int64]string{}
		for _, p := range ps {
			got[p.Seq] = p.Reason
		}
		want := map[int64]string{first: "columns differ", third: "content was altered", seqOf[fmt.Sprint(ids[4])]: "does not match its body_sha256"}
		if len(got) != len(want) {
			t.Errorf("verify reported %d entries, want %d:\n%v", len(got), len(want), err)
		}
		for seq, why := range want {
			if !strings.Contains(got[seq], why) {
				t.Errorf("entry %d: %q, want %q", seq, got[seq], why)
			}
		}
	})
}

// Officials amending one disclosure at the same moment: each write carries the
// version and status it read, so every amendment either lands on the state it
// saw or is refused with a conflict (before, two wrote the same version number
// and the loser failed on the key). The versions and the record agree.
func TestConcurrentAmendments(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 5, "Đóng góp xây dựng đường thôn"), nil)
		if err != nil {
			t.Fatal(err)
		}
		const n = 6
		ok := apperrtest.AtOnce(t, n, func(i int) error {
			am := draft(f.danDien, 5, fmt.Sprintf("Đóng góp xây dựng đường thôn (bản sửa %d)", i))
			am.Reason = "Sửa số liệu"
			_, err := f.svc.Amend(ctx, f.official, x.ID, am, nil, nil)
			return err
		})
		got, err := f.svc.Get(ctx, f.official, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		var amended int
		d.QueryRow("select count(*) from public_record where kind = 'disclosure.amended'").Scan(&amended)
		if ok == 0 || got.Version != 1+ok || len(got.Versions) != got.Version || amended != ok {
			t.Errorf("%d amendments succeeded; version %d, %d versions stored, %d on the record", ok, got.Version, len(got.Versions), amended)
		}
	})
}

// The public page and the board render the disclosures row, not the version
// row: a forged title, body, category or version there is reported on the
// entry of the newest version (before, verify said OK while /cong-khai/{id}
// showed the forged text). Triggers do not guard that table, so a plain
// transaction forges it.
func TestVerifyChecksWhatThePublicPageShows(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.rec.Vouch("disclosure.", f.svc.RecordCheck())
		var ids []int64
		for i := range 3 {
			x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 5, fmt.Sprintf("Quyết toán đợt %d", i+1)), nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.ID)
		}
		am := draft(f.danDien, 5, "Quyết toán đợt 3 (bản sửa)")
		am.Reason = "Sửa số liệu"
		if _, err := f.svc.Amend(ctx, f.official, ids[2], am, nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.rec.Verify(ctx); err != nil {
			t.Fatalf("intact record: %v", err)
		}
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			for _, q := range []string{
				fmt.Sprintf("update disclosures set title = 'FORGED TITLE', body = 'FORGED BODY' where id = %d", ids[0]),
				fmt.Sprintf("update disclosures set category = 6 where id = %d", ids[1]),
				fmt.Sprintf("update disclosures set version = 1, title = 'Quyết toán đợt 3', body = 'Nội dung Quyết toán đợt 3' where id = %d", ids[2]),
			} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := f.rec.Records(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]bool{}
		for _, r := range rs {
			if (r.Kind == "disclosure.posted" && r.ObjectID != fmt.Sprint(ids[2])) || r.Kind == "disclosure.amended" {
				want[r.Seq] = true
			}
		}
		_, _, err = f.rec.Verify(ctx)
		var ps audit.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("verify = %v, want the problems", err)
		}
		got := map[int64]bool{}
		for _, p := range ps {
			got[p.Seq] = true
			if !want[p.Seq] || !strings.Contains(p.Reason, "public page") {
				t.Errorf("entry %d: %q, want no problem", p.Seq, p.Reason)
			}
		}
		if len(got) != len(want) || len(want) != 3 {
			t.Errorf("verify reported %v, want %v:\n%v", got, want, err)
		}
	})
}

// The boards kept in memory are first pages, one per board and status: a
// cursor or a limit made up by a reader of the JSON API (any ID, any limit up
// to 1,000) reads the database and adds nothing, so it cannot fill the memory
// with copies of one board.
func TestBoardCacheHoldsFirstPagesOnly(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		var ids []int64
		for i := range 5 {
			x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 2, fmt.Sprintf("Dự toán ngân sách số %d", i+1)), nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.ID)
		}
		first, err := f.svc.Board(ctx, f.danDien, disclosure.Posted, 0, 1001)
		if err != nil || len(first) != 5 || first[0].ID != ids[4] {
			t.Fatalf("board: %d items, %v", len(first), err)
		}
		for _, tt := range []struct {
			before int64
			limit  int
			want   []int64 // newest first
		}{
			{0, 2, []int64{ids[4], ids[3]}},
			{0, 101, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
			{ids[2], 1001, []int64{ids[1], ids[0]}},
			{ids[2], 1, []int64{ids[1]}},
			{ids[4] + 12345, 1001, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}}, // a made-up cursor
			{1, 1001, nil},
		} {
			got, err := f.svc.Board(ctx, f.danDien, disclosure.Posted, tt.before, tt.limit)
			var gotIDs []int64
			for _, it := range got {
				gotIDs = append(gotIDs, it.ID)
			}
			if err != nil || fmt.Sprint(gotIDs) != fmt.Sprint(tt.want) {
				t.Errorf("before %d limit %d: %v %v, want %v", tt.before, tt.limit, gotIDs, err, tt.want)
			}
		}
		if n := f.svc.BoardsCached(); n != 1 {
			t.Errorf("%d boards in memory, want 1 (the first page of the one board read)", n)
		}
		// A publish moves the board: its first page is read again.
		x, err := f.svc.Publish(ctx, f.official, draft(f.danDien, 2, "Dự toán ngân sách số 6"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.svc.Board(ctx, f.danDien, disclosure.Posted, 0, 2); len(got) != 2 || got[0].ID != x.ID {
			t.Errorf("after a publish the board starts with %v", got)
		}
	})
}
