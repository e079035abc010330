package planimport

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/document"
	"danchu/internal/legal"
)

func seed(t testing.TB, prefix string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", prefix+"_*.txt"))
	if err != nil || len(files) != 1 {
		t.Fatalf("seed %s: %v %v", prefix, files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkDraft asserts what every draft must hold, whatever the input: each
// task and target points at a block of the body of the right kind, and no
// text keeps markup or is not UTF-8.
func checkDraft(t testing.TB, d Draft) {
	t.Helper()
	body := d.Doc.Body
	for _, tk := range d.Tasks {
		if tk.Block < 0 || tk.Block >= len(body) {
			t.Fatalf("task %+v: block out of the body (%d blocks)", tk, len(body))
		}
		if k := body[tk.Block].Kind; k != document.Heading && k != document.Item && k != document.Paragraph {
			t.Fatalf("task %+v: block kind %d", tk, k)
		}
		if tk.Title != body[tk.Block].Text {
			t.Fatalf("task title %q is not its block's text %q", tk.Title, body[tk.Block].Text)
		}
	}
	for _, tg := range d.Targets {
		if tg.Block < 0 || tg.Block >= len(body) || tg.Value == "" || !strings.Contains(tg.Text, tg.Value) {
			t.Fatalf("target %+v: not a value of a block (%d blocks)", tg, len(body))
		}
	}
	texts := []string{d.Doc.Parent, d.Doc.Issuer, d.Doc.Number, d.Doc.Symbol, d.Doc.Place, d.Doc.Kind, d.Doc.Summary, d.TitleBy, d.Doc.Signature.Name}
	texts = append(texts, d.Doc.Bases...)
	texts = append(texts, d.Doc.Addressees...)
	texts = append(texts, d.Doc.Signature.Lines...)
	for _, b := range body {
		texts = append(texts, b.Text, b.Number)
	}
	for _, r := range d.Doc.Recipients {
		texts = append(texts, r.Name, r.Note)
	}
	for _, tk := range d.Tasks {
		texts = append(texts, tk.Lead, tk.Deadline, tk.Section)
		texts = append(texts, tk.With...)
	}
	for _, s := range texts {
		if strings.Contains(s, "**") || strings.Contains(s, "##") || !utf8.ValidString(s) || strings.Contains(s, "<sub>") {
			t.Fatalf("text keeps markup or is not UTF-8: %q", s)
		}
	}
	for _, w := range d.Warnings {
		if w.Line < 1 || w.Msg.Key == "" {
			t.Fatalf("warning without a line or a message: %+v", w)
		}
	}
}

func findHeading(d Draft, number, text string) (document.Block, bool) {
	for _, b := range d.Doc.Body {
		if b.Kind == document.Heading && b.Number == number && b.Text == text {
			return b, true
		}
	}
	return document.Block{}, false
}

func taskOf(d Draft, lead string) (Task, bool) {
	for _, tk := range d.Tasks {
		if tk.Lead == lead {
			return tk, true
		}
	}
	return Task{}, false
}

// TestSeeds parses the five seed documents. The counts were made by reading
// each seed (the line numbers are the seed file's), not by running the parser:
//
//   - 000 (162-KH/BCS): headings I. (l.13), II. (l.19) with 1.–8. (l.21–37), III.
//     (l.39) with 1. and 2. (l.41, 47): 3 level-1, 13 in all. Tasks: the 8 numbered
//     paragraphs of II (a "NHIỆM VỤ … GIẢI PHÁP" section, no heading under them),
//     the 2+2 "-" items under III.1 and III.2 (headings with items are not tasks
//     themselves), and "Yêu cầu Thủ trưởng các cơ quan, đơn vị …" (l.53, a paragraph
//     of III opening with a body): 13. Recipients l.57–60: 4. No targets (I. has no value).
//   - 001 (02-ĐA/TU): 3 parts; part 1: 1-, 2-, 2.1-, 2.2- and the two bold
//     "Nguyên nhân khách quan/chủ quan." (6); part 2: I-, 1-, 2-, II-, 1-…5- (9);
//     part 3: I-, 1-, 2-, II-, III-, 1-…4-, 4.1-…4.3-, 5-, 6- (14): 32 headings,
//     level 1 = the 5 Roman ones. Tasks: part 2 II: 1-…5- (5) + paragraphs opening
//     with a body that are not a heading's first: l.127 "HĐND và UBND các cấp",
//     l.129 "Các cơ quan nhà nước…", l.137 "Chủ tịch UBND các cấp", l.153 "Các cơ
//     quan hành chính nhà nước…" (4); part 3 (TỔ CHỨC THỰC HIỆN): the 3 items of
//     "1- Thời gian:", III-1-, 2-, 3-, 4.1-, 4.2-, 4.3-, 5-, 6- (8), l.201 "Văn phòng
//     Ủy ban nhân dân tỉnh tham mưu…" and l.223 "Giao Ban Dân vận…" (2); "2- Phạm vi"
//     and "II- KINH PHÍ" are neither tasks nor targets: 9+13 = 22. Recipients
//     l.227–238: 12. Targets: the 7 items of "2- Mục tiêu cụ thể." (l.89–101).
//   - 002 (no header): I., 1., 2., II., 1.–6., III., 1.–4.: 3 level-1, 15 in all.
//     Tasks: II.1–II.6 (6), l.37 "Các tổ chức đoàn thể trong Văn phòng tham mưu",
//     l.63 "Ban Chấp hành công đoàn phối hợp…" (2), III.1–III.4 (4): 12.
//     Recipients l.103–108: 6. No targets.
//   - 003 (a web article): "Một là," … "Bảy là," (l.9–21): 7 headings, none of
//     level 1; the lead-in (l.7, "… nhiệm vụ cụ thể … như sau:") makes them 7 tasks.
//     No recipients; the footer from l.23 ("Nguồn tin:") is left out.
//   - 004 (09-CT/TU): 1.–8. (l.25–40): 8 headings, none of level 1. Tasks: the
//     lead-in (l.23, "… một số nhiệm vụ sau:"); 1.–7. (7), the 4 items of 8. (l.42–48),
//     "Giao Ban Dân vận Tỉnh ủy…" (l.50): 12. Recipients l.55–67: 9. No targets.
func TestSeeds(t *testing.T) {
	for _, tc := range []struct {
		seed                      string
		kind, number              string
		style                     document.Style
		level1, headings          int
		tasks, recipients, target int
		check                     func(t *testing.T, d Draft)
	}{
		{"000", "KẾ HOẠCH", "162-KH/BCS", document.Party, 3, 13, 13, 4, 0, func(t *testing.T, d Draft) {
			doc := d.Doc
			if doc.Place != "Thành phố Huế" || doc.Date != legal.DateOf(2022, time.August, 12) || doc.Symbol != "KH/BCS" {
				t.Errorf("place %q date %v symbol %q", doc.Place, doc.Date, doc.Symbol)
			}
			if !strings.HasPrefix(doc.Summary, "Về tăng cường sự lãnh đạo") || len(doc.Bases) != 1 || !strings.HasPrefix(doc.Bases[0], "Căn cứ Chỉ thị 27-CT/TU") {
				t.Errorf("summary %q bases %q", doc.Summary, doc.Bases)
			}
			if h, ok := findHeading(d, "I.", "MỤC ĐÍCH, YÊU CẦU"); !ok || h.Level != 1 {
				t.Errorf("heading I.: %+v %v", h, ok)
			}
			if _, ok := findHeading(d, "2.", "Sở Nội vụ"); !ok {
				t.Error("no heading 2. Sở Nội vụ")
			}
			if !slices.Contains(doc.Recipients, document.Recipient{Name: "BTV Tỉnh ủy", Note: "b/c"}) {
				t.Errorf("recipients %+v", doc.Recipients)
			}
			if !slices.Equal(doc.Signature.Lines, []string{"T/M BAN CÁN SỰ ĐẢNG"}) || doc.Signature.Name != "Nguyễn Văn Phương" {
				t.Errorf("signature %+v", doc.Signature)
			}
			tk, ok := taskOf(d, "Sở Nội vụ")
			if !ok || !slices.Equal(tk.With, []string{"các cơ quan, đơn vị có liên quan"}) || tk.Section != "III.2" {
				t.Errorf("task of Sở Nội vụ: %+v", tk)
			}
			if tk, _ := taskOf(d, "Thủ trưởng các cơ quan, đơn vị"); tk.Recurrence != "yearly" || tk.Deadline != "hằng năm" {
				t.Errorf("closing task: %+v", tk)
			}
			// A paragraph broken before "145/2020/NĐ-CP" is joined to heading II.2.
			if b := doc.Body[d.Tasks[1].Block]; b.Number != "2." || !strings.Contains(b.Text, "trong Nghị định 145/2020/NĐ-CP") {
				t.Errorf("II.2 = %+v", b)
			}
		}},
		{"001", "ĐỀ ÁN", "02-ĐA/TU", document.Party, 5, 32, 22, 12, 7, func(t *testing.T, d Draft) {
			doc := d.Doc
			if doc.Issuer != "TỈNH ỦY HƯNG YÊN" || doc.Place != "Hưng Yên" || doc.Date != legal.DateOf(2016, time.August, 15) {
				t.Errorf("issuer %q place %q date %v", doc.Issuer, doc.Place, doc.Date)
			}
			if doc.Summary != "Nâng cao chất lượng, hiệu quả thực hiện công tác dân vận của cơ quan hành chính nhà nước, chính quyền các cấp, giai đoạn 2016 - 2020" {
				t.Errorf("summary %q", doc.Summary)
			}
			if h, ok := findHeading(d, "Phần thứ ba", "TỔ CHỨC THỰC HIỆN"); !ok || h.Level != 0 {
				t.Errorf("part 3: %+v %v", h, ok)
			}
			if h, ok := findHeading(d, "2.1-", "Tồn tại, hạn chế."); !ok || h.Level != 3 {
				t.Errorf("2.1-: %+v %v", h, ok)
			}
			if _, ok := findHeading(d, "", "Nguyên nhân khách quan."); !ok {
				t.Error("no bold heading Nguyên nhân khách quan.")
			}
			if !slices.Contains(doc.Recipients, document.Recipient{Name: "Ban Bí thư TW Đảng", Note: "b/c"}) || doc.Recipients[11].Name != "Lưu VPTU" {
				t.Errorf("recipients %+v", doc.Recipients)
			}
			if !slices.Equal(doc.Signature.Lines, []string{"T/M BAN THƯỜNG VỤ", "BÍ THƯ"}) || doc.Signature.Name != "Đỗ Tiến Sỹ" {
				t.Errorf("signature %+v", doc.Signature)
			}
			tk, _ := taskOf(d, "Ban Dân vận Tỉnh ủy")
			if !slices.Equal(tk.With, []string{"UBND tỉnh", "các ban, sở, ngành có liên quan"}) || tk.Recurrence != "yearly" || tk.Section != "P3.III.1" {
				t.Errorf("task of Ban Dân vận: %+v", tk)
			}
			if tg := d.Targets; tg[0].Value != "100%" || tg[6].Value != "trên 80%" || tg[0].Deadline != "đến năm 2020" {
				t.Errorf("targets %+v", tg)
			}
			for _, tk := range d.Tasks {
				if tk.Title == "Năm 2016: Triển khai thực hiện Đề án (Tháng 9/2016)." && tk.Deadline != "Tháng 9/2016" {
					t.Errorf("milestone: %+v", tk)
				}
			}
		}},
		{"002", "KẾ HOẠCH", "", document.State, 3, 15, 12, 6, 0, func(t *testing.T, d Draft) {
			doc := d.Doc
			if doc.Summary != "Thực hiện công tác Dân chủ ở cơ sở, Dân vận chính quyền năm 2024" || doc.Issuer != "" || !doc.Date.IsZero() {
				t.Errorf("summary %q issuer %q date %v", doc.Summary, doc.Issuer, doc.Date)
			}
			if h, ok := findHeading(d, "I.", "MỤC ĐÍCH, YÊU CẦU"); !ok || h.Level != 1 {
				t.Errorf("heading I.: %+v %v", h, ok)
			}
			if h, ok := findHeading(d, "III.", "TỔ CHỨC THỰC HIỆN"); !ok || h.Level != 1 {
				t.Errorf("heading III. (### in the source): %+v %v", h, ok)
			}
			if h, ok := findHeading(d, "4.", "Tiếp tục thực hiện Quy chế dân chủ cơ sở gắn với công tác dân vận chính quyền"); !ok || h.Level != 2 {
				t.Errorf("heading 4. (#### in the source): %+v %v", h, ok)
			}
			if doc.Recipients[1] != (document.Recipient{Name: "Sở Nội vụ", Note: "b/c"}) || doc.Recipients[5].Name != "Lưu: VT, HCTC(Ph)" {
				t.Errorf("recipients %+v", doc.Recipients)
			}
			if !slices.Equal(doc.Signature.Lines, []string{"KT. CHÁNH VĂN PHÒNG", "PHÓ VĂN PHÒNG"}) || doc.Signature.Name != "Nguyễn Cửu" {
				t.Errorf("signature %+v", doc.Signature)
			}
			if _, ok := taskOf(d, "Phòng Hành chính - Tổ chức"); !ok {
				t.Error("no task of Phòng Hành chính - Tổ chức")
			}
			if tk, _ := taskOf(d, "Các đơn vị có liên quan"); !slices.Equal(tk.With, []string{"các Sở, ban, ngành"}) {
				t.Errorf("task III.2: %+v", tk)
			}
		}},
		{"003", "", "", document.State, 0, 7, 7, 0, 0, func(t *testing.T, d Draft) {
			if !strings.HasPrefix(d.Doc.Summary, "NHỮNG NHIỆM VỤ TRỌNG TÂM") {
				t.Errorf("summary %q", d.Doc.Summary)
			}
			if h, ok := findHeading(d, "Ba là,", d.Doc.Body[4].Text); !ok || h.Level != 2 || d.Tasks[2].Lead != "Mặt trận Tổ quốc và các đoàn thể chính trị-xã hội các cấp" {
				t.Errorf("Ba là: %+v %v %+v", h, ok, d.Tasks[2])
			}
			var keys []string
			for _, w := range d.Warnings {
				keys = append(keys, w.Msg.Key+"@"+strconv.Itoa(w.Line))
			}
			if !slices.Contains(keys, "planimport.warn.no_kind@1") || !slices.Contains(keys, "planimport.warn.web_footer@23") {
				t.Errorf("warnings %v", keys)
			}
			for _, b := range d.Doc.Body {
				if strings.Contains(b.Text, "truy cập") {
					t.Errorf("the page's footer is in the body: %q", b.Text)
				}
			}
		}},
		{"004", "CHỈ THỊ", "09-CT/TU", document.Party, 0, 8, 12, 9, 0, func(t *testing.T, d Draft) {
			doc := d.Doc
			if doc.Issuer != "TỈNH ỦY BẮC GIANG" || doc.Place != "Bắc Giang" || doc.Date != legal.DateOf(2021, time.August, 10) {
				t.Errorf("issuer %q place %q date %v", doc.Issuer, doc.Place, doc.Date)
			}
			if d.TitleBy != "CỦA BAN THƯỜNG VỤ TỈNH ỦY" || doc.Summary != "tiếp tục đẩy mạnh, nâng cao chất lượng, hiệu quả thực hiện quy chế dân chủ ở cơ sở" {
				t.Errorf("title by %q summary %q", d.TitleBy, doc.Summary)
			}
			if h, ok := findHeading(d, "8.", "Tổ chức thực hiện"); !ok || h.Level != 2 {
				t.Errorf("heading 8.: %+v %v", h, ok)
			}
			if !slices.Contains(doc.Recipients, document.Recipient{Name: "Ban Chỉ đạo Trung ương về QCDC", Note: "b/c"}) {
				t.Errorf("recipients %+v", doc.Recipients)
			}
			if !slices.Equal(doc.Signature.Lines, []string{"T/M BAN THƯỜNG VỤ", "BÍ THƯ"}) || doc.Signature.Name != "" {
				t.Errorf("signature %+v", doc.Signature)
			}
			if tk, _ := taskOf(d, "Ủy ban nhân dân tỉnh"); tk.Deadline != "trong tháng 9/2021" || tk.Section != "8" {
				t.Errorf("task of UBND tỉnh: %+v", tk)
			}
			if tk, _ := taskOf(d, "Cấp ủy đảng các cấp"); tk.Section != "2" {
				t.Errorf("task 2.: %+v", tk)
			}
		}},
	} {
		t.Run(tc.seed, func(t *testing.T) {
			d, err := Parse(seed(t, tc.seed))
			if err != nil {
				t.Fatal(err)
			}
			checkDraft(t, d)
			level1, headings := 0, 0
			for _, b := range d.Doc.Body {
				if b.Kind == document.Heading {
					headings++
					if b.Level == 1 {
						level1++
					}
				}
			}
			if d.Doc.Kind != tc.kind || d.Doc.Number != tc.number || d.Doc.Style != tc.style {
				t.Errorf("kind %q number %q style %d, want %q %q %d", d.Doc.Kind, d.Doc.Number, d.Doc.Style, tc.kind, tc.number, tc.style)
			}
			if level1 != tc.level1 || headings != tc.headings {
				t.Errorf("%d level-1 sections, %d headings; want %d, %d", level1, headings, tc.level1, tc.headings)
			}
			if len(d.Tasks) != tc.tasks || len(d.Doc.Recipients) != tc.recipients || len(d.Targets) != tc.target {
				t.Errorf("%d tasks, %d recipients, %d targets; want %d, %d, %d", len(d.Tasks), len(d.Doc.Recipients), len(d.Targets), tc.tasks, tc.recipients, tc.target)
			}
			tc.check(t, d)
		})
	}
}

// wantRefusal checks the error's code, key and first argument (the line, when
// the message names one).
func wantRefusal(t *testing.T, err error, key string, arg any) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.Msg.Key != key {
		t.Fatalf("error = %v, want %s", err, key)
	}
	if arg != nil && (len(e.Msg.Args) == 0 || e.Msg.Args[0] != arg) {
		t.Fatalf("error = %v, want first argument %v", err, arg)
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, text, key string
		arg             any
	}{
		{"empty", "", "planimport.err.empty", 1},
		{"blank", " \n\t\n\n", "planimport.err.empty", 1},
		{"not UTF-8", "KẾ HOẠCH\n\nVề việc\n\xff\xfe I. MỘT\n", "planimport.err.encoding", 4},
		{"binary", "PK\n\x00\x01\x02", "planimport.err.binary", 2},
		{"no title", "xin chào\n\nđây là một lá thư, không phải kế hoạch.\n", "planimport.err.no_title", 1},
		{"no title after blank lines", "\n\n\nthư gửi bạn\n", "planimport.err.no_title", 4},
		{"no section", "\n\nKẾ HOẠCH\n\nVề một việc\n\nNội dung không có mục nào.\n", "planimport.err.no_sections", 3},
		{"too large", strings.Repeat("a", MaxTextBytes+1), "planimport.err.too_large", 2},
		{"too many lines", strings.Repeat("\n", MaxLines), "planimport.err.too_many_lines", MaxLines + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.text)
			wantRefusal(t, err, tc.key, tc.arg)
		})
	}
	// The messages exist in this package's catalog and say what is wrong.
	_, err := Parse("KẾ HOẠCH\n\nVề việc\n\xff")
	apperrtest.Want(t, err, apperr.CodeInvalid, "Dòng 4 không phải chữ UTF-8")
}

func TestWarnings(t *testing.T) {
	text := "Huế, ngày 31 tháng 2 năm 2024\n\nKẾ HOẠCH\n\nVề một việc\n\nI. MỤC ĐÍCH\n\nNội dung ngày 30/02/2024.\n\nIII. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ chủ trì.\n\n3. Sở Tư pháp phối hợp.\n"
	d, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	checkDraft(t, d)
	var got []string
	for _, w := range d.Warnings {
		got = append(got, w.Msg.String()+"@"+strconv.Itoa(w.Line))
	}
	want := []string{
		"planimport.warn.date[31/2/2024]@1",
		"planimport.warn.heading_order[III. 2]@11",
		"planimport.warn.heading_order[3. 2]@15",
		"planimport.warn.date[30/02/2024]@9",
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings %v, want %v", got, want)
	}
	if !d.Doc.Date.IsZero() {
		t.Errorf("an impossible date was kept: %v", d.Doc.Date)
	}
}

// TestMarkup: markup is removed, lines broken in the source are joined.
func TestMarkup(t *testing.T) {
	text := "## **KẾ HOẠCH**\n\n### Về \\*việc\\* <sub>(x)</sub>\n\n## **I. MỤC TIÊU**\n\n- 100% đơn vị\n\nhoàn thành &amp; báo cáo.\n\n***Nơi nhận:***\n- Sở Nội vụ (để báo cáo);\n- UBND huyện để báo cáo;\n- Lưu: VT.\n\n**TM. ỦY BAN NHÂN DÂN  \nCHỦ TỊCH**\n\n(Đã ký)\n\n**Nguyễn Văn A**\n"
	d, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	checkDraft(t, d)
	doc := d.Doc
	if doc.Kind != "KẾ HOẠCH" || doc.Summary != "Về *việc* (x)" {
		t.Errorf("kind %q summary %q", doc.Kind, doc.Summary)
	}
	if len(doc.Body) != 2 || doc.Body[1].Text != "100% đơn vị hoàn thành & báo cáo." {
		t.Errorf("body %+v", doc.Body)
	}
	want := []document.Recipient{{Name: "Sở Nội vụ", Note: "b/c"}, {Name: "UBND huyện", Note: "b/c"}, {Name: "Lưu: VT"}}
	if !slices.Equal(doc.Recipients, want) {
		t.Errorf("recipients %+v", doc.Recipients)
	}
	if !slices.Equal(doc.Signature.Lines, []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}) || doc.Signature.Name != "Nguyễn Văn A" {
		t.Errorf("signature %+v", doc.Signature)
	}
	if len(d.Targets) != 1 || d.Targets[0].Value != "100%" {
		t.Errorf("targets %+v", d.Targets)
	}
}

// TestHeaderState: a State body's header, "Số: 05/KH-UBND" and a blank number.
func TestHeaderState(t *testing.T) {
	for _, tc := range []struct{ line, number, symbol string }{
		{"Số: 05/KH-UBND", "05/KH-UBND", "KH-UBND"},
		{"Số:      /KH-UBND", "", "KH-UBND"},
	} {
		d, err := Parse("UBND TỈNH QUẢNG TRỊ\nVĂN PHÒNG\n" + tc.line + "\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQuảng Trị, ngày 05 tháng 01 năm 2026\n\nKẾ HOẠCH\n\nVề việc\n\nI. NỘI DUNG\n\n1. Phòng Hành chính - Tổ chức tham mưu, hằng quý báo cáo.\n")
		if err != nil {
			t.Fatal(err)
		}
		doc := d.Doc
		if doc.Style != document.State || doc.Parent != "UBND TỈNH QUẢNG TRỊ" || doc.Issuer != "VĂN PHÒNG" || doc.Number != tc.number || doc.Symbol != tc.symbol ||
			doc.Place != "Quảng Trị" || doc.Date != legal.DateOf(2026, time.January, 5) {
			t.Errorf("%s: %+v", tc.line, doc)
		}
		if len(d.Tasks) != 1 || d.Tasks[0].Lead != "Phòng Hành chính - Tổ chức" || d.Tasks[0].Recurrence != "quarterly" {
			t.Errorf("tasks %+v", d.Tasks)
		}
	}
}

func TestLeadOf(t *testing.T) {
	for _, tc := range []struct {
		text  string
		whole bool
		want  string
	}{
		{"Sở Nội vụ chủ trì, phối hợp với các sở", false, "Sở Nội vụ"},
		{"Giao Ban Dân vận Tỉnh ủy theo dõi, đôn đốc", false, "Ban Dân vận Tỉnh ủy"},
		{"Ban Chỉ đạo tỉnh thực hiện Quy chế", false, "Ban Chỉ đạo tỉnh"},
		{"UBND các huyện, thị xã, thành phố xây dựng kế hoạch", false, "UBND các huyện, thị xã, thành phố"},
		{"Phòng, chống tham nhũng là nhiệm vụ", false, ""},
		{"Tổ chức các hoạt động tuyên truyền", false, ""},
		{"Sở Nội vụ", true, "Sở Nội vụ"},
		{"Sở Nội vụ", false, ""},
		{"Các huyện uỷ, thành uỷ trực thuộc Tỉnh uỷ.", true, "Các huyện uỷ, thành uỷ trực thuộc Tỉnh uỷ"},
		{"Tăng cường công tác kiểm tra", true, ""},
	} {
		if got := leadOf(tc.text, tc.whole); got != tc.want {
			t.Errorf("leadOf(%q, %v) = %q, want %q", tc.text, tc.whole, got, tc.want)
		}
	}
}

func TestDeadlineOf(t *testing.T) {
	for _, tc := range []struct{ text, deadline, recurrence string }{
		{"xây dựng kế hoạch, xong trong tháng 9/2021", "trong tháng 9/2021", ""},
		{"báo cáo trước ngày 30/6/2024", "trước ngày 30/6/2024", ""},
		{"hoàn thành trong Quý II/2024", "trong Quý II/2024", ""},
		{"định kỳ hằng quý báo cáo", "định kỳ hằng quý", "quarterly"},
		{"hàng tháng tổng hợp, hằng năm sơ kết", "hàng tháng", "monthly"},
		{"thường xuyên kiểm tra", "thường xuyên", ""},
		{"kiểm tra việc thực hiện", "", ""},
	} {
		d, r := deadlineOf(tc.text)
		if d != tc.deadline || r != tc.recurrence {
			t.Errorf("deadlineOf(%q) = %q, %q; want %q, %q", tc.text, d, r, tc.deadline, tc.recurrence)
		}
	}
}

func TestCatalog(t *testing.T) {
	// Every key the code uses is in both catalogs.
	files, _ := filepath.Glob("*.go")
	vi, _ := os.ReadFile("locales/vi.json")
	en, _ := os.ReadFile("locales/en.json")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, part := range strings.Split(string(b), `"planimport.`)[1:] {
			key := "planimport." + part[:strings.IndexByte(part, '"')]
			n++
			if !strings.Contains(string(vi), `"`+key+`"`) || !strings.Contains(string(en), `"`+key+`"`) {
				t.Errorf("key %s is missing from a catalog", key)
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d keys found in the code", n)
	}
}
