package demo

import (
	"strconv"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/legal"
	"danchu/internal/supervision"
)

// supervision schedules two months of supervision by the people in Đan
// Điền, through the decisions and supervision services as the villages, the
// Front and the boards would: each village elects its members of the
// People's Inspection Board at a community meeting, the Front recognises the
// results and the board (five members for three villages); the board files
// its yearly and quarterly plans and an inspection plan five working days
// ahead, publishes its conclusion and sends recommendations — one the
// commune answered on time, one now past its 15 days (late on the commune's
// home, raised to the province's); an investment supervision board for the
// village road, the investor told 45 days ahead, its conclusion on the
// materials and a proposal to suspend the works awaiting the answer; and a
// Front supervision team on the school's collections with its own
// recommendation.
func (s *story) supervision() {
	if s.Oversee == nil || s.err != nil {
		return
	}
	xa, mt, tt := s.who["xa@danchu.demo"], s.who["mattran@danchu.demo"], s.who["thanhtra@danchu.demo"]
	commune := s.unit(CommuneCode)
	if s.err != nil {
		return
	}
	villages := []struct {
		code       string
		candidates []string
		seats      int
		votes      []int // per cent of the village's households, per candidate
	}{
		{CommuneCode + "-01", []string{"Lê Văn Thanh", "Nguyễn Thị Hòa", "Trần Văn Lộc"}, 2, []int{78, 64, 31}},
		{CommuneCode + "-02", []string{"Phan Thị Minh", "Hồ Văn Sáu", "Đỗ Thị Lựu"}, 2, []int{59, 70, 22}},
		{CommuneCode + "-03", []string{"Võ Văn Kiên", "Lê Thị Sen"}, 1, []int{81, 12}},
	}
	matters := make([]decision.Matter, len(villages))
	votes := make([]decision.Vote, len(villages))
	s.later(-52, 9, 0, func() {
		for i, v := range villages {
			u := s.unit(v.code)
			matters[i] = s.propose(xa, decision.Proposal{UnitID: u.ID, Subject: decision.Boards, Title: "Bầu thành viên Ban Thanh tra nhân dân xã — " + u.Name,
				Body:       "Hội nghị cộng đồng dân cư bầu thành viên Ban Thanh tra nhân dân xã Đan Điền nhiệm kỳ {Y}–{Y+5} (Luật Thực hiện dân chủ ở cơ sở 2022 Điều 36).",
				Candidates: v.candidates, Seats: v.seats})
			votes[i] = s.notice(xa, matters[i], decision.Notice{VillageID: u.ID, Method: decision.Meeting, HeldOn: s.date(-48)})
		}
	})
	s.later(-48, 20, 0, func() {
		for i, v := range villages {
			h := votes[i].Households
			if h == 0 {
				continue
			}
			per := make([]int, len(v.votes))
			for j, p := range v.votes {
				per[j] = pct(h, p)
			}
			s.count(xa, votes[i], decision.Count{Present: pct(h, 88), PerCandidate: per, Committee: committee, Secretary: "Hồ Thị Thu"})
		}
	})
	s.later(-47, 9, 0, func() {
		for i := range villages {
			s.submit(xa, matters[i], "Trưởng thôn", "Phạm Thị Mặt Trận")
		}
	})
	s.later(-46, 9, 0, func() {
		for i := range villages {
			s.recognize(mt, matters[i])
		}
	})
	var board, road, team supervision.Board
	s.later(-45, 8, 30, func() {
		if s.err != nil {
			return
		}
		var err error
		board, err = s.Oversee.CreateBoard(s.ctx, mt, commune.ID, supervision.BoardDraft{Kind: supervision.Inspection,
			Name: "Ban Thanh tra nhân dân xã Đan Điền", TermTo: legal.DateOf(s.day(0).Year+5, 6, 30)}, db.Idem{})
		s.fail("inspection board", err)
		cands, err := s.Oversee.Candidates(s.ctx, commune.ID)
		s.fail("inspection board candidates", err)
		positions := []string{supervision.Head, supervision.Deputy, supervision.Member, supervision.Member, supervision.Member}
		for i, c := range cands {
			if i == len(positions) || s.err != nil {
				break
			}
			m := supervision.MemberDraft{Name: c.Name, MatterID: c.MatterID, Position: positions[i], Origin: supervision.Elected, Resident: true}
			if i == 0 {
				m.Email = "thanhtra@danchu.demo" // the head acts for the board in danchu
			}
			_, err := s.Oversee.AddMember(s.ctx, mt, commune.ID, board.ID, m, db.Idem{})
			s.fail("inspection board member "+c.Name, err)
		}
		if s.err == nil {
			s.fail("recognise the inspection board", s.Oversee.Recognise(s.ctx, mt, commune.ID, board.ID))
		}
	})
	s.later(-44, 9, 0, func() {
		s.supPlan(tt, commune.ID, board.ID, supervision.PlanDraft{Period: supervision.Year, Title: "Kế hoạch kiểm tra, giám sát năm {Y}",
			Body: "1. Giám sát việc thực hiện công khai của UBND xã.\n2. Kiểm tra việc thu, chi quỹ làm đường giao thông nông thôn.\n3. Giám sát việc giải quyết phản ánh, kiến nghị của công dân."})
		s.supPlan(tt, commune.ID, board.ID, supervision.PlanDraft{Period: supervision.Quarter, Title: "Kế hoạch quý IV năm {Y}",
			Body: "Kiểm tra việc thu, chi quỹ làm đường thôn Đông Phước; giám sát việc niêm yết công khai dự toán ngân sách xã."})
	})
	s.later(-40, 9, 0, func() {
		start, err := s.Oversee.AddWorkingDays(s.ctx, s.day(-40), 7)
		s.fail("inspection day", err)
		s.supPlan(tt, commune.ID, board.ID, supervision.PlanDraft{Period: supervision.InspectionRun, Title: "Kiểm tra việc thu, chi quỹ làm đường thôn Đông Phước",
			Body: "Kiểm tra sổ sách thu, chi; đối chiếu danh sách hộ đóng góp; lấy ý kiến một số hộ.", Subject: "UBND xã Đan Điền; Ban phát triển thôn Đông Phước",
			StartsOn: start, SentOn: s.day(-40)})
	})
	var onTime supervision.Rec
	s.later(-28, 9, 0, func() {
		s.supWrite(tt, commune.ID, board.ID, supervision.WritingDraft{Kind: supervision.Conclusion, Title: "Kết luận kiểm tra quỹ làm đường thôn Đông Phước",
			Body:     "Quỹ thu 291 hộ, tổng 145.500.000 đồng; chi đúng dự toán được hội nghị thôn thông qua. Chứng từ chi chưa được niêm yết tại nhà văn hóa thôn.",
			Evidence: "Sổ thu, chi quỹ; 14 phiếu chi; biên bản làm việc với Ban phát triển thôn ngày kiểm tra."}, true)
		onTime = s.supRecommend(tt, commune.ID, board.ID, supervision.RecDraft{Kind: supervision.Recommend, AddresseeID: commune.ID,
			Subject: "Niêm yết chứng từ chi quỹ làm đường tại nhà văn hóa thôn Đông Phước",
			Body:    "Đề nghị UBND xã chỉ đạo Ban phát triển thôn niêm yết công khai chứng từ chi quỹ làm đường trong 30 ngày (Luật Thực hiện dân chủ ở cơ sở 2022 Điều 11)."})
	})
	s.later(-19, 14, 0, func() {
		if s.err == nil && onTime.ID != 0 {
			_, err := s.Oversee.Answer(s.ctx, xa, commune.ID, onTime.ID, "UBND xã đã chỉ đạo thôn Đông Phước niêm yết toàn bộ chứng từ chi quỹ làm đường tại nhà văn hóa thôn từ ngày hôm nay; Ban TTND giám sát việc niêm yết.")
			s.fail("answer on time", err)
		}
	})
	s.later(-20, 10, 0, func() {
		s.supRecommend(tt, commune.ID, board.ID, supervision.RecDraft{Kind: supervision.Recommend, AddresseeID: commune.ID,
			Subject: "Trả lời phản ánh về đèn chiếu sáng đường liên thôn quá hạn",
			Body:    "Qua giám sát, có 3 phản ánh về đèn chiếu sáng đường liên thôn Đông Phước – Tây Hòa đã quá hạn giải quyết. Đề nghị UBND xã giải quyết và trả lời công dân."})
	})
	s.later(-12, 9, 0, func() {
		s.supWrite(tt, commune.ID, board.ID, supervision.WritingDraft{Kind: supervision.Report, Period: supervision.Quarter, Title: "Báo cáo hoạt động quý IV năm {Y} gửi Ủy ban MTTQ xã",
			Body: "Ban đã thực hiện 01 cuộc kiểm tra, gửi 02 kiến nghị; 01 kiến nghị đã được UBND xã trả lời đúng hạn, 01 kiến nghị đang chờ trả lời."}, true)
	})
	// The village road: an investment supervision board created by the Front.
	s.later(-58, 9, 0, func() {
		if s.err != nil {
			return
		}
		var err error
		road, err = s.Oversee.CreateBoard(s.ctx, mt, commune.ID, supervision.BoardDraft{Kind: supervision.Investment, Name: "Ban Giám sát đầu tư của cộng đồng — đường thôn Tây Hòa",
			Project: "Bê tông hóa đường trục thôn Tây Hòa (1,2 km)", Funding: supervision.Community, Investor: "UBND xã Đan Điền", StartsOn: s.day(-5)}, db.Idem{})
		s.fail("investment board", err)
		for i, m := range []supervision.MemberDraft{
			{Name: "Phạm Thị Mặt Trận", Origin: supervision.FromFront, Position: supervision.Head},
			{Name: "Nguyễn Văn Giám", Origin: supervision.Resident, Position: supervision.Deputy, Email: "thanhtra@danchu.demo"},
			{Name: "Trần Thị Sát", Origin: supervision.Resident, Position: supervision.Member},
			{Name: "Lê Văn Công", Origin: supervision.Resident, Position: supervision.Member},
			{Name: "Hồ Thị Trình", Origin: supervision.Resident, Position: supervision.Member},
		} {
			if s.err != nil {
				break
			}
			m.Resident, m.NoRelative = true, true
			_, err := s.Oversee.AddMember(s.ctx, mt, commune.ID, road.ID, m, db.Idem{})
			s.fail("investment board member "+strconv.Itoa(i), err)
		}
		if s.err == nil {
			s.fail("recognise the investment board", s.Oversee.Recognise(s.ctx, mt, commune.ID, road.ID))
		}
	})
	s.later(-56, 9, 0, func() {
		if s.err == nil {
			s.fail("investor told", s.Oversee.Notified(s.ctx, mt, commune.ID, road.ID, s.day(-56)))
		}
		s.supPlan(tt, commune.ID, road.ID, supervision.PlanDraft{Period: supervision.Project, Title: "Kế hoạch giám sát công trình đường trục thôn Tây Hòa",
			Body: "Giám sát tiến độ, vật liệu (xi măng, đá, thép), việc nghiệm thu từng phần và quyết toán; công khai các khoản đóng góp của Nhân dân."})
	})
	s.later(-3, 15, 0, func() {
		s.supWrite(tt, commune.ID, road.ID, supervision.WritingDraft{Kind: supervision.Conclusion, Area: "materials", Title: "Xi măng tại công trình không đúng mác thiết kế",
			Body:     "Ngày kiểm tra, xi măng tập kết tại công trình là PCB30 trong khi hồ sơ thiết kế quy định PCB40.",
			Evidence: "Ảnh bao xi măng; biên bản làm việc với nhà thầu có chữ ký đại diện nhà thầu."}, true)
		s.supRecommend(tt, commune.ID, road.ID, supervision.RecDraft{Kind: supervision.Suspend, AddresseeID: commune.ID,
			Subject: "Tạm dừng đổ bê tông đến khi thay xi măng đúng mác PCB40",
			Body:    "Đề nghị chủ đầu tư tạm dừng đổ bê tông mặt đường, yêu cầu nhà thầu thay toàn bộ xi măng không đúng mác và lập biên bản nghiệm thu vật liệu trước khi thi công tiếp."})
	})
	// A Front team on the school's collections at the start of the school year.
	s.later(-9, 9, 0, func() {
		if s.err != nil {
			return
		}
		var err error
		team, err = s.Oversee.CreateBoard(s.ctx, mt, commune.ID, supervision.BoardDraft{Kind: supervision.Front, Name: "Đoàn giám sát của Ủy ban MTTQ xã",
			Project: s.t("Các khoản thu đầu năm học {Y}–{Y+1} tại các trường trên địa bàn xã")}, db.Idem{})
		s.fail("front team", err)
		for _, m := range []supervision.MemberDraft{
			{Name: "Phạm Thị Mặt Trận", Position: supervision.Head},
			{Name: "Đại diện Hội Liên hiệp Phụ nữ xã", Position: supervision.Member},
			{Name: "Đại diện Hội Cựu chiến binh xã", Position: supervision.Member},
		} {
			if s.err != nil {
				break
			}
			m.Origin = supervision.FrontStaff
			_, err := s.Oversee.AddMember(s.ctx, mt, commune.ID, team.ID, m, db.Idem{})
			s.fail("front team member", err)
		}
		if s.err == nil {
			s.fail("recognise the front team", s.Oversee.Recognise(s.ctx, mt, commune.ID, team.ID))
		}
	})
	s.later(-6, 10, 0, func() {
		s.supRecommend(mt, commune.ID, team.ID, supervision.RecDraft{Kind: supervision.Recommend, AddresseeID: commune.ID,
			Subject: "Công khai các khoản thu đầu năm học trước khi thu",
			Body:    "Đề nghị UBND xã chỉ đạo các trường công khai các khoản thu, mức thu và căn cứ trước khi thu; các khoản vận động tài trợ phải tự nguyện."})
	})
}

func (s *story) supPlan(a *auth.Actor, communeID, boardID int64, d supervision.PlanDraft) {
	if s.err != nil {
		return
	}
	d.Title = s.t(d.Title)
	_, err := s.Oversee.AddPlan(s.ctx, a, communeID, boardID, d, db.Idem{})
	s.fail("supervision plan "+d.Title, err)
}

func (s *story) supWrite(a *auth.Actor, communeID, boardID int64, d supervision.WritingDraft, publish bool) {
	if s.err != nil {
		return
	}
	d.Title = s.t(d.Title)
	w, err := s.Oversee.AddWriting(s.ctx, a, communeID, boardID, d, db.Idem{})
	s.fail("supervision writing "+d.Title, err)
	if publish && s.err == nil {
		s.fail("publish "+d.Title, s.Oversee.Publish(s.ctx, a, communeID, boardID, w.ID))
	}
}

func (s *story) supRecommend(a *auth.Actor, communeID, boardID int64, d supervision.RecDraft) supervision.Rec {
	if s.err != nil {
		return supervision.Rec{}
	}
	x, err := s.Oversee.Recommend(s.ctx, a, communeID, boardID, d, db.Idem{})
	s.fail("supervision recommendation "+d.Subject, err)
	return x
}
