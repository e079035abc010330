package demo

import (
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/steering"
)

// SteeringMembers are the demo province's steering committee, by the
// positions seed 004 (Chỉ thị 09-CT/TU, item 2) gives: the Party secretary
// heads it, the people's committee chair and the head of the Ban Dân vận are
// its deputies; members from the Front, the Sở Nội vụ and the office, each
// with the area and the units they follow (by code).
var SteeringMembers = []struct {
	Position           steering.Position
	Name, Office, Area string
	Follows            []string
}{
	{steering.Head, "Nguyễn Văn Bí Thư (mẫu)", "Bí thư Thành ủy", "Chỉ đạo chung", nil},
	{steering.Deputy, "Trần Văn Chủ Tịch (mẫu)", "Chủ tịch UBND thành phố", "Dân chủ trong hoạt động của cơ quan hành chính nhà nước", []string{ProvinceCode + "-VP"}},
	{steering.Deputy, "Lê Thị Dân Vận (mẫu)", "Trưởng Ban Dân vận Thành ủy", "Loại hình xã, phường; thường trực Ban Chỉ đạo", []string{CommuneCode, SecondCode}},
	{steering.Ordinary, "Hoàng Thị Mặt Trận (mẫu)", "Chủ tịch Ủy ban MTTQ Việt Nam thành phố", "Giám sát, phản biện xã hội; ban thanh tra nhân dân", []string{ProvinceCode + "-MTTQ"}},
	{steering.Ordinary, "Phạm Văn Nội Vụ (mẫu)", "Giám đốc Sở Nội vụ", "Loại hình cơ quan, đơn vị sự nghiệp công lập", []string{ProvinceCode + "-SNV"}},
	{steering.Ordinary, "Võ Thị Văn Phòng (mẫu)", "Chánh Văn phòng UBND thành phố", "Tổng hợp, báo cáo", []string{ProvinceCode + "-VP"}},
}

// steering sets up the province's committee through the service: its
// members by one decision, a change of position by a second, its working
// regulation and one meeting with its minutes. The province official does it.
func (s *story) steering() {
	if s.Steer == nil || s.err != nil {
		return
	}
	a := s.who["tinh@danchu.demo"]
	province := s.unit(ProvinceCode)
	if s.err != nil {
		return
	}
	s.at(-1, 21, 30)
	c, err := s.Steer.Establish(s.ctx, a, province.ID, "", db.Idem{})
	s.fail("demo steering committee", err)
	if s.err != nil {
		return
	}
	first := steering.Decision{Number: "125-QĐ/TU", Date: date(s.date(-45))}
	var members []steering.Member
	for _, m := range SteeringMembers {
		var ids []int64
		for _, code := range m.Follows {
			ids = append(ids, s.unit(code).ID)
		}
		got, err := s.Steer.AddMember(s.ctx, a, province.ID, steering.MemberDraft{Position: m.Position, Name: m.Name, Office: m.Office,
			Area: m.Area, Units: ids, Decision: first, Idem: db.Idem{}})
		s.fail("demo steering member "+m.Name, err)
		members = append(members, got)
	}
	if s.err != nil {
		return
	}
	// The office's chief leaves, and the Sở Nội vụ's director takes over the reports, by a second decision.
	second := steering.Decision{Number: "131-QĐ/TU", Date: date(s.date(-20))}
	office, interior := members[5], members[4]
	s.fail("demo steering leave", s.Steer.RemoveMember(s.ctx, a, province.ID, office.ID, office.Version, second))
	_, err = s.Steer.ChangeMember(s.ctx, a, province.ID, interior.ID, interior.Version, steering.MemberDraft{Position: steering.Ordinary,
		Name: interior.Name, Office: interior.Office, Area: interior.Area + "; tổng hợp, báo cáo", Units: interior.Units, Decision: second})
	s.fail("demo steering change", err)
	c, err = s.Steer.CommitteeOf(s.ctx, province.ID)
	s.fail("demo steering committee", err)
	if s.err != nil {
		return
	}
	_, err = s.Steer.SetRegulation(s.ctx, a, province.ID, c.Version, steering.RegulationDraft{Decision: steering.Decision{Number: "02-QC/BCĐ", Date: date(s.date(-40))},
		Text: "Điều 1. Ban Chỉ đạo làm việc theo chế độ kiêm nhiệm; Trưởng ban phân công nhiệm vụ cụ thể cho từng thành viên phụ trách ngành, lĩnh vực, loại hình cơ sở.\n" +
			"Điều 2. Ban Chỉ đạo họp định kỳ 6 tháng một lần; họp đột xuất khi Trưởng ban triệu tập.\n" +
			"Điều 3. Thành viên theo dõi đơn vị được phân công, báo cáo Ban Chỉ đạo qua Thường trực (Ban Dân vận Thành ủy) trước ngày 15 của tháng cuối quý."}, nil)
	s.fail("demo steering regulation", err)
	var attendees []string
	for _, m := range members[1:5] {
		attendees = append(attendees, m.Name+", "+m.Office)
	}
	_, err = s.Steer.AddMeeting(s.ctx, a, province.ID, steering.MeetingDraft{HeldOn: date(s.date(-10)), StartsAt: "08:00",
		Place: "Hội trường Thành ủy Huế", Chair: members[0].Name, Attendees: attendees,
		Content:     "Sơ kết 6 tháng thực hiện Quy chế dân chủ ở cơ sở; triển khai Chỉ thị 09-CT/TU.\n- Kết quả ở các xã, phường\n- Phân công theo dõi các đơn vị",
		Proceedings: "Thường trực Ban Chỉ đạo báo cáo kết quả; các thành viên phát biểu về đơn vị mình theo dõi.",
		Conclusions: "Giao Ban Dân vận Thành ủy hướng dẫn các xã, phường kiện toàn Ban Chỉ đạo trong tháng tới; Sở Nội vụ tổng hợp báo cáo quý.",
		Idem:        db.Idem{}}, nil)
	s.fail("demo steering meeting", err)
}

func date(s string) legal.Date {
	d, _ := legal.ParseDate(s)
	return d
}
