package demo

import (
	"fmt"
	"strings"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
	"danchu/internal/planimport"
	"danchu/internal/plans"
)

// SeedPlans are the seed documents the demo province's bodies issue, read
// with the plan reader as an official's import would (seed number → the
// short name of the body of the province that issues it).
var SeedPlans = []struct {
	Seed int
	Body string
}{
	{0, "BCS"}, // Kế hoạch 162-KH/BCS of the Ban Cán sự Đảng
	{2, "VP"},  // the office's plan for 2024 (pasted without its header)
	{4, "TU"},  // Chỉ thị 09-CT/TU of the Thành ủy
}

// ProvincePlan is the people's committee's own plan, which assigns its
// first task to every commune of the province (a body's plan can assign only
// inside the body: the communes sit under the province itself).
const ProvincePlan = `ỦY BAN NHÂN DÂN
THÀNH PHỐ HUẾ
Số: 05/KH-UBND
Huế, ngày 05 tháng 01 năm {Y}

KẾ HOẠCH
Thực hiện Luật Thực hiện dân chủ ở cơ sở trên địa bàn thành phố năm {Y}

Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;
Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ quy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở;

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Bảo đảm Nhân dân được biết, được bàn, được quyết định, được làm và được kiểm tra, giám sát những việc ở cơ sở theo quy định.
2. Yêu cầu
100% xã, phường ban hành kế hoạch thực hiện của mình trước ngày 31/3/{Y}.

II. NHIỆM VỤ
1. UBND các xã, phường xây dựng và ban hành kế hoạch thực hiện dân chủ ở cơ sở năm {Y}, công khai kế hoạch tại trụ sở và trên cổng thông tin.
2. Sở Nội vụ hướng dẫn, kiểm tra việc thực hiện; tổng hợp báo cáo kết quả hằng quý.
3. Văn phòng UBND thành phố theo dõi, đôn đốc các xã, phường báo cáo tiến độ trên hệ thống.

III. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị, UBND các xã, phường báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15/12/{Y}.

Nơi nhận:
- Thường trực Thành ủy (b/c);
- UBND các xã, phường;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Văn Chủ Tịch (mẫu)
`

// CommunePlan is Xã Đan Điền's plan implementing ProvincePlan.
const CommunePlan = `ỦY BAN NHÂN DÂN
XÃ ĐAN ĐIỀN
Số: 12/KH-UBND
Đan Điền, ngày 20 tháng 01 năm {Y}

KẾ HOẠCH
Thực hiện dân chủ ở cơ sở trên địa bàn xã năm {Y}

Căn cứ Kế hoạch số 05/KH-UBND ngày 05/01/{Y} của UBND thành phố Huế thực hiện Luật Thực hiện dân chủ ở cơ sở trên địa bàn thành phố năm {Y};

I. MỤC ĐÍCH, YÊU CẦU
Công khai đầy đủ, đúng hạn những nội dung phải công khai; lấy ý kiến Nhân dân trước khi quyết định.

II. NHIỆM VỤ
1. Công chức Văn phòng - Thống kê niêm yết công khai các nội dung tại trụ sở và nhà văn hóa thôn.
2. Các thôn tổ chức hội nghị để Nhân dân bàn và quyết định các công trình công cộng.

III. TỔ CHỨC THỰC HIỆN
Các thôn báo cáo kết quả về UBND xã trước ngày 30/11/{Y}.

Nơi nhận:
- UBND thành phố Huế (b/c);
- Các thôn;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Lê Thị Xã (mẫu)
`

// LateCommuneCode (Phường Phong Quảng) is the commune whose assignment is late in the demo: it
// was given the task earlier, with a deadline already past.
const LateCommuneCode = "19873"

// plans issues the province bodies' plans read from the seeds, the province's
// own plan with its first task assigned to every commune, the communes'
// progress (one done with its evidence, one in progress, one late) and Đan
// Điền's implementing plan; through the plans service, as its officials would.
// The two people's committees' plans (05/KH-UBND, 12/KH-UBND) are public once
// issued (plans.PublicOnSave), so the public pages, the open data and the
// public record show them; the bodies' seed plans are issued without the
// "công khai cho nhân dân" tick and stay internal.
func (s *story) plans() {
	if s.Plans == nil || s.err != nil {
		return
	}
	tinh, xa, qd := s.who["tinh@danchu.demo"], s.who["xa@danchu.demo"], s.who["quangdien@danchu.demo"]
	province := s.unit(ProvinceCode)
	if s.err != nil {
		return
	}
	s.at(-1, 21, 40)
	for _, sp := range SeedPlans {
		text, err := planimport.Seed(sp.Seed)
		s.fail("demo plan seed", err)
		body := s.unit(ProvinceCode + "-" + sp.Body)
		if s.err != nil {
			return
		}
		s.issue(tinh, body, 0, text)
	}
	p := s.issue(tinh, province, 0, s.t(ProvincePlan))
	if s.err == nil && len(p.Tasks) == 0 {
		s.fail("demo province plan", fmt.Errorf("no task read"))
	}
	if s.err != nil {
		return
	}
	task := p.Tasks[0].ID
	late := s.unit(LateCommuneCode)
	_, err := s.Plans.Assign(s.ctx, tinh, task, plans.Targeting{Units: []int64{late.ID}, Due: s.date(-3), Idem: db.Idem{}})
	s.fail("demo plan assign (late)", err)
	var types []string
	for _, t := range []org.Type{org.Commune, org.Ward, org.SpecialZone} {
		types = append(types, string(t))
	}
	_, err = s.Plans.Assign(s.ctx, tinh, task, plans.Targeting{Types: types, Due: s.date(30), Idem: db.Idem{}})
	s.fail("demo plan assign", err)
	if s.err != nil {
		return
	}
	first, second := s.unit(CommuneCode), s.unit(SecondCode)
	mine := func(u org.Unit) int64 {
		as, err := s.Plans.UnitAssignments(s.ctx, u.ID, 0, 10)
		s.fail("demo assignments of "+u.Code, err)
		for _, a := range as {
			if a.TaskID == task {
				return a.ID
			}
		}
		s.fail("demo assignment of "+u.Code, fmt.Errorf("none"))
		return 0
	}
	s.at(-1, 21, 50)
	evidence := plans.Upload{Name: s.t("ke-hoach-12-KH-UBND-{Y}.pdf"), R: strings.NewReader(string(pdf(s.t("Ke hoach 12/KH-UBND nam {Y} cua xa Dan Dien"))))}
	if id := mine(first); s.err == nil {
		_, err = s.Plans.Report(s.ctx, xa, id, plans.Report{Status: plans.Done, Text: s.t("Đã ban hành Kế hoạch số 12/KH-UBND ngày 20/01/{Y}, niêm yết tại trụ sở xã và 3 nhà văn hóa thôn.")}, []plans.Upload{evidence})
		s.fail("demo plan report (done)", err)
	}
	if id := mine(second); s.err == nil {
		_, err = s.Plans.Report(s.ctx, qd, id, plans.Report{Status: plans.InProgress, Percent: 60, Text: "Đã xây dựng dự thảo kế hoạch, đang lấy ý kiến Mặt trận Tổ quốc xã."}, nil)
		s.fail("demo plan report (in progress)", err)
	}
	s.at(-1, 21, 55)
	s.issue(xa, first, p.ID, s.t(CommunePlan))
}

// issue imports a plan's text for unit as the import form does (read, then
// saved as read), implementing parent when not 0.
func (s *story) issue(a *auth.Actor, unit org.Unit, parent int64, text string) plans.Plan {
	if s.err != nil {
		return plans.Plan{}
	}
	d, err := planimport.Parse(text)
	if s.fail("demo plan read for "+unit.Code, err); s.err != nil {
		return plans.Plan{}
	}
	p, err := s.Plans.Create(s.ctx, a, plans.Draft{UnitID: unit.ID, ParentPlanID: parent, Plan: plans.NewFromDraft(unit.ID, d)})
	s.fail("demo plan of "+unit.Code, err)
	s.out.Plans++
	return p
}
