package steering

import (
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/document"
	"danchu/internal/legal"
)

func texts(bs []document.Block) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Number + b.Text
	}
	return out
}

var partyIssuer = Issuer{Style: document.Party, Parent: "ĐẢNG BỘ THÀNH PHỐ HUẾ", Name: "THÀNH ỦY HUẾ", ShortName: "TU", Place: "Huế",
	Signature: document.Signature{Lines: []string{"T/M BAN THƯỜNG VỤ", "BÍ THƯ"}, Name: "Nguyễn Văn Bí Thư"}, Office: "Văn phòng Thành ủy"}

func TestDecision(t *testing.T) {
	c := Committee{Members: []Member{
		{ID: 5, Position: Ordinary, Order: 1, Name: "Hoàng Thị Mặt Trận", Office: "Chủ tịch Ủy ban MTTQ thành phố"},
		{ID: 3, Position: Deputy, Order: 2, Name: "Lê Thị Dân Vận", Office: "Trưởng Ban Dân vận Thành ủy", Area: "Loại hình xã,\nphường.", UnitNames: []string{"Xã Đan Điền", "Phường Phú Xuân"}},
		{ID: 1, Position: Head, Order: 1, Name: "Nguyễn Văn Bí Thư", Office: "Bí thư Thành ủy"},
		{ID: 2, Position: Deputy, Order: 1, Name: "Trần Văn Chủ Tịch", Office: "Chủ tịch UBND thành phố"},
	}}
	doc := c.Decision(partyIssuer, Decision{Number: "125-QĐ/TU", Date: legal.DateOf(2026, 3, 5)}, "thành phố Huế")
	if doc.Kind != "QUYẾT ĐỊNH" || doc.Summary != "Về việc kiện toàn Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở" ||
		doc.Number != "125-QĐ/TU" || doc.Symbol != "QĐ/TU" || doc.Style != document.Party || doc.Issuer != "THÀNH ỦY HUẾ" ||
		doc.Date != legal.DateOf(2026, 3, 5) || doc.Place != "Huế" || doc.Signature.Name != "Nguyễn Văn Bí Thư" || len(doc.Bases) != 3 {
		t.Fatalf("header = %+v", doc)
	}
	want := []string{
		"Điều 1.Kiện toàn Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở thành phố Huế, gồm các đồng chí có tên sau:",
		"1. Trưởng ban:",
		"Đồng chí Nguyễn Văn Bí Thư, Bí thư Thành ủy;",
		"2. Phó Trưởng ban:",
		"Đồng chí Trần Văn Chủ Tịch, Chủ tịch UBND thành phố;",
		"Đồng chí Lê Thị Dân Vận, Trưởng Ban Dân vận Thành ủy;",
		"3. Các thành viên:",
		"Đồng chí Hoàng Thị Mặt Trận, Chủ tịch Ủy ban MTTQ thành phố.",
	}
	got := texts(doc.Body)
	if strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Errorf("Điều 1:\n%s", strings.Join(got, "\n"))
	}
	all := strings.Join(got, "\n")
	for _, s := range []string{
		"Điều 2.Ban Chỉ đạo có nhiệm vụ",
		"Đồng chí Lê Thị Dân Vận (Phó Trưởng ban): phụ trách Loại hình xã, phường; theo dõi Xã Đan Điền, Phường Phú Xuân.",
		"Điều 3.Quyết định có hiệu lực kể từ ngày ký",
		"Văn phòng Thành ủy, các cơ quan, đơn vị liên quan",
	} {
		if !strings.Contains(all, s) {
			t.Errorf("body has no %q:\n%s", s, all)
		}
	}
	if strings.Count(all, "Điều ") != 4 { // Điều 1, 2, 3 and "tại Điều 1"
		t.Errorf("articles: %s", all)
	}
	if len(doc.Recipients) != 3 || doc.Recipients[0].Name != "Như Điều 3" || doc.Recipients[2].Name != "Lưu Văn phòng Thành ủy" {
		t.Errorf("recipients %+v", doc.Recipients)
	}
	// The members' order is the decision's, whatever order they come in; c is not reordered.
	if c.Members[0].ID != 5 {
		t.Error("Decision reordered the committee's members")
	}

	// A state body: "QĐ-UBND", no number yet (the clerk writes it), no members.
	st := Committee{Name: "Ban Chỉ đạo QCDC xã"}.Decision(Issuer{Style: document.State, Name: "ỦY BAN NHÂN DÂN XÃ ĐAN ĐIỀN", ShortName: "UBND", Place: "Đan Điền"}, Decision{}, "xã Đan Điền")
	if st.Symbol != "QĐ-UBND" || st.Number != "" || !st.Date.IsZero() || st.Summary != "Về việc kiện toàn Ban Chỉ đạo QCDC xã" ||
		st.Bases[2] != "Theo đề nghị của Chánh Văn phòng." || st.Recipients[2].Name != "Lưu Văn phòng" {
		t.Errorf("state decision = %+v", st)
	}
	if b := texts(st.Body); len(b) != 4 || !strings.HasPrefix(b[1], "Điều 2.") {
		t.Errorf("body of an empty committee: %q", b)
	}
}

func TestMinutes(t *testing.T) {
	m := Meeting{HeldOn: legal.DateOf(2026, 3, 9), StartsAt: "08:30", Place: "Hội trường Thành ủy", Chair: "Nguyễn Văn Bí Thư",
		Attendees: []string{"Trần Văn Chủ Tịch", "Lê Thị Dân Vận"}, Content: "Đánh giá quý I.\n- Ưu điểm\n+ chi tiết\n\nHạn chế.",
		Conclusions: "Giao Ban Dân vận theo dõi."}
	doc := m.Minutes(partyIssuer, "")
	if doc.Kind != "BIÊN BẢN" || doc.Summary != "Họp Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở" || doc.Symbol != "BB/TU" ||
		doc.Date != m.HeldOn || doc.Signature.Name != "Nguyễn Văn Bí Thư" || doc.Signature.Lines[0] != "CHỦ TRÌ" {
		t.Fatalf("minutes header = %+v", doc)
	}
	want := []string{
		"I.THỜI GIAN, ĐỊA ĐIỂM",
		"Vào lúc 08 giờ 30 phút ngày 09 tháng 03 năm 2026, tại Hội trường Thành ủy, Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở tổ chức họp.",
		"II.THÀNH PHẦN",
		"Chủ trì: đồng chí Nguyễn Văn Bí Thư.",
		"Tham dự (2 người):", "Trần Văn Chủ Tịch;", "Lê Thị Dân Vận;",
		"III.NỘI DUNG", "Đánh giá quý I.", "Ưu điểm", "chi tiết", "Hạn chế.",
		"IV.KẾT LUẬN", "Giao Ban Dân vận theo dõi.",
	}
	if got := texts(doc.Body); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("minutes body:\n%s", strings.Join(got, "\n"))
	}
	if doc.Body[10].Kind != document.Item || doc.Body[10].Level != 2 {
		t.Errorf("a '+ ' line: %+v", doc.Body[10])
	}
	m.Proceedings, m.StartsAt = "Các đại biểu phát biểu.", ""
	got := texts(m.Minutes(partyIssuer, "Ban Chỉ đạo").Body)
	if !strings.HasPrefix(got[1], "Vào ngày 09 tháng 03 năm 2026") || !strings.Contains(strings.Join(got, "|"), "IV.DIỄN BIẾN CUỘC HỌP|Các đại biểu phát biểu.|V.KẾT LUẬN") {
		t.Errorf("with proceedings: %q", got)
	}
}

func TestChecks(t *testing.T) {
	today := legal.DateOf(2026, 3, 10)
	ok := MemberDraft{Position: Head, Name: " A ", Office: "B", Decision: Decision{Number: "1-QĐ/TU", Date: today}}
	for _, c := range []struct {
		name  string
		edit  func(*MemberDraft)
		field string
	}{
		{"ok", func(*MemberDraft) {}, ""},
		{"position", func(d *MemberDraft) { d.Position = "chief" }, "position"},
		{"no name", func(d *MemberDraft) { d.Name = "  " }, "name"},
		{"long office", func(d *MemberDraft) { d.Office = strings.Repeat("ơ", MaxName+1) }, "office"},
		{"two lines", func(d *MemberDraft) { d.Name = "A\nB" }, "name"},
		{"long area", func(d *MemberDraft) { d.Area = strings.Repeat("a", MaxArea+1) }, "area"},
		{"many units", func(d *MemberDraft) { d.Units = make([]int64, MaxUnits+1) }, "units"},
		{"no number", func(d *MemberDraft) { d.Decision.Number = "" }, "decision_number"},
		{"no date", func(d *MemberDraft) { d.Decision.Date = legal.Date{} }, "decision_date"},
		{"future", func(d *MemberDraft) { d.Decision.Date = today.AddDays(1) }, "decision_date"},
	} {
		d := ok
		c.edit(&d)
		got, err := d.Check(today)
		if c.field == "" {
			if err != nil || got.Name != "A" {
				t.Errorf("%s: %+v, %v", c.name, got, err)
			}
			continue
		}
		var ae *apperr.Error
		if apperr.CodeOf(err) != apperr.CodeInvalid || !asError(err, &ae) || ae.FieldMsgs[c.field].Key == "" {
			t.Errorf("%s: %v, want field %s", c.name, err, c.field)
		}
	}
	for _, c := range []struct {
		s  string
		ok bool
	}{{"08:00", true}, {"23:59", true}, {"00:00", true}, {"24:00", false}, {"8:00", false}, {"08:60", false}, {"08-00", false}, {"+8:00", false}, {"", false}, {"08:0a", false}} {
		if validTime(c.s) != c.ok {
			t.Errorf("validTime(%q) = %v", c.s, !c.ok)
		}
	}
	if n, err := CheckCommitteeName(" "); err != nil || n != DefaultName {
		t.Errorf("empty name: %q, %v", n, err)
	}
	if _, err := CheckCommitteeName(strings.Repeat("x", MaxName+1)); apperr.KeyOf(err) != "steering.err.committee_invalid" {
		t.Errorf("long name: %v", err)
	}
}

func asError(err error, target **apperr.Error) bool {
	e, ok := err.(*apperr.Error)
	*target = e
	return ok
}
