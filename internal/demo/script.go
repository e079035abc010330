package demo

import (
	"fmt"

	"danchu/internal/auth"
	"danchu/internal/consultation"
	"danchu/internal/decision"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/org"
)

// activeHouseholds are a village's active households, in register order.
func (s *story) activeHouseholds(v org.Unit) []org.Household {
	hs, err := s.Units.Households(s.ctx, v.ID)
	s.fail("households of "+v.Name, err)
	var out []org.Household
	for _, h := range hs {
		if h.Active {
			out = append(out, h)
		}
	}
	return out
}

// pct is p % of n, rounded down.
func pct(n, p int) int { return n * p / 100 }

var (
	committee = []string{"Nguyễn Văn An", "Trần Thị Lan", "Lê Hữu Phúc"}
	ansAccept = [2]string{consultation.Accepted, "Ban soạn thảo tiếp thu, đã sửa trong dự thảo."}
	ansExplai = [2]string{consultation.Explained, "Nội dung này đã có trong quy định hiện hành; ban soạn thảo giữ nguyên và giải thích tại hội nghị thôn."}
	ansReject = [2]string{consultation.Rejected, "Không tiếp thu vì vượt quá khả năng ngân sách của xã trong năm; sẽ xem xét ở kế hoạch năm sau."}
)

// run is the story of the last two months, in the order it happened. Days are
// counted from today (negative: in the past); nothing happens today or later,
// so the clock never passes the real one.
func (s *story) run(first, second org.Unit) {
	xa, head, qd := s.who["xa@danchu.demo"], s.who["truongthon@danchu.demo"], s.who["quangdien@danchu.demo"]
	dp, th, nt := s.unit(CommuneCode+"-01"), s.unit(CommuneCode+"-02"), s.unit(CommuneCode+"-03")
	qd1, qd2 := s.unit(SecondCode+"-01"), s.unit(SecondCode+"-02")
	if s.err != nil {
		return
	}

	// Day -60: citizens sign in with a code and claim their households.
	s.at(-60, 8, 0)
	dpHouses := s.activeHouseholds(dp)
	qdHouses := s.activeHouseholds(qd1)
	if s.err == nil && (len(dpHouses) < 10 || len(qdHouses) < 1) {
		s.fail("households", fmt.Errorf("too few active households"))
	}
	if s.err != nil {
		return
	}
	cit := make([]*auth.Actor, 11)
	for i := range 10 {
		h := dpHouses[i]
		cit[i] = s.citizen(fmt.Sprintf("congdan%02d@danchu.demo", i+1), h.RepresentativeName, h, head)
	}
	cit[10] = s.citizen("congdan11@danchu.demo", qdHouses[0].RepresentativeName, qdHouses[0], qd)
	s.cits = cit

	// Day -58: the year's plan on the board; the draft hương ước of Đông Phước opened for comment.
	s.at(-58, 8, 0)
	plan := s.publish(xa, first, 1, "Kế hoạch phát triển kinh tế - xã hội năm {Y} của xã Đan Điền",
		"Nghị quyết của HĐND xã về kế hoạch phát triển kinh tế - xã hội năm {Y}.\n\n**Chỉ tiêu chủ yếu:**\n\n- Tổng giá trị sản xuất tăng 7,5 %\n- Thu nhập bình quân đầu người đạt 62 triệu đồng\n- Tỷ lệ hộ nghèo giảm còn 1,8 %\n- 100 % đường thôn được bê tông hóa",
		-60, s.attach("ke-hoach-ktxh-{Y}.pdf", "Ke hoach phat trien kinh te - xa hoi nam {Y}"))
	s.at(-58, 9, 0)
	var c1 consultation.Consultation
	if s.err == nil {
		var err error
		c1, err = s.Consult.Open(s.ctx, xa, consultation.Draft{UnitID: dp.ID, Subject: 8, Title: "Dự thảo hương ước thôn Đông Phước (sửa đổi, bổ sung)",
			Intro: "Thôn Đông Phước lấy ý kiến Nhân dân về dự thảo sửa đổi hương ước trước khi hội nghị thôn biểu quyết.",
			Parts: []consultation.Part{
				{Heading: "Chương I. Quy định chung", Body: "Hương ước áp dụng cho mọi hộ gia đình, cá nhân sinh sống trên địa bàn thôn Đông Phước."},
				{Heading: "Chương II. Giữ gìn vệ sinh, môi trường", Body: "Mỗi hộ phân loại rác tại nguồn; không đổ rác ra bờ sông, kênh mương. Ngày Chủ nhật cuối tháng cả thôn dọn vệ sinh."},
				{Heading: "Chương III. Việc cưới, việc tang, lễ hội", Body: "Tổ chức tiết kiệm, văn minh; không dùng loa công suất lớn sau 22 giờ."},
			},
			Forms: []string{"online", "meeting", "box"}, ClosesOn: s.date(-26)})
		s.fail("open consultation", err)
		s.out.Consultations++
	}
	s.out.ClosedConsultation = c1.ID
	s.at(-57, 8, 0)
	s.publish(xa, first, 4, "Quy chế thực hiện dân chủ ở cơ sở xã Đan Điền",
		"Quy chế quy định nội dung Nhân dân được biết, được bàn và quyết định, được tham gia ý kiến, được kiểm tra, giám sát; trách nhiệm của cán bộ, công chức xã.", -59,
		s.attach("quy-che-dan-chu.pdf", "Quy che thuc hien dan chu o co so"))
	s.at(-55, 8, 0)
	flood := s.publish(xa, first, 8, "Hỗ trợ khắc phục hậu quả đợt mưa lũ vừa qua",
		"Danh sách 46 hộ được hỗ trợ sửa chữa nhà ở, mức hỗ trợ 3 triệu đồng/hộ, từ nguồn quyên góp của Ủy ban MTTQ xã.", -56)
	s.at(-55, 19, 0)
	s.comment(cit[0], c1.ID, 2, consultation.Agree, "Tôi đồng ý phân loại rác tại nguồn, đề nghị thôn bố trí thêm thùng rác ở đầu xóm.")
	s.at(-50, 8, 0)
	s.publish(xa, first, 13, "Thủ tục hành chính thuộc thẩm quyền của UBND xã Đan Điền",
		"Danh mục 128 thủ tục hành chính, thời hạn giải quyết và lệ phí; nộp hồ sơ tại Bộ phận một cửa hoặc trực tuyến.", -51)
	s.at(-50, 20, 0)
	s.comment(cit[1], c1.ID, 3, consultation.Suggest, "Đề nghị ghi rõ giờ kết thúc tiệc cưới là 22 giờ, cả ngày thường và ngày lễ.")
	s.at(-45, 8, 0)
	s.publish(xa, first, 2, "Dự toán ngân sách xã năm {Y} và quyết toán năm {Y-1}",
		"Tổng thu ngân sách xã dự toán 18,6 tỷ đồng; tổng chi 18,6 tỷ đồng, trong đó chi đầu tư phát triển 6,2 tỷ đồng.", -47,
		s.attach("du-toan-{Y}.pdf", "Du toan ngan sach xa nam {Y}"), s.attach("quyet-toan-{Y-1}.pdf", "Quyet toan ngan sach xa nam {Y-1}"))
	s.at(-45, 20, 0)
	s.comment(cit[2], c1.ID, 0, consultation.Agree, "Dự thảo phù hợp với phong tục của thôn, tôi đồng ý.")
	s.at(-44, 9, 0)
	s.publish(qd, second, 1, "Kế hoạch phát triển kinh tế - xã hội năm {Y} của xã Quảng Điền",
		"Nghị quyết của HĐND xã Quảng Điền về các chỉ tiêu kinh tế - xã hội năm {Y}.", -45)

	// Day -40: a land notice posted late (decided 19 days before: late even across Tết's days off).
	s.at(-40, 7, 30)
	f6 := s.report(cit[1], feedback.Feedback, "moi-truong", dp, "Rác thải tập kết bên bờ sông gần cầu Đông Phước, bốc mùi vào buổi chiều.", "Bờ sông cạnh cầu Đông Phước")
	s.at(-40, 8, 0)
	s.publish(xa, first, 3, "Thông báo thu hồi đất mở rộng đường liên xã ĐĐ-05",
		"Thu hồi 1,2 ha đất nông nghiệp của 23 hộ để mở rộng đường liên xã ĐĐ-05; phương án bồi thường niêm yết tại trụ sở UBND xã.", -59,
		s.attach("phuong-an-boi-thuong.pdf", "Phuong an boi thuong duong DD-05"))
	s.at(-40, 21, 0)
	s.comment(cit[3], c1.ID, 2, consultation.Disagree, "Không nên phạt tiền hộ chưa phân loại rác ngay, cần thời gian tuyên truyền trước.")
	s.at(-39, 8, 0)
	s.act(xa, f6, feedback.Step{Action: feedback.DoAccept})
	s.at(-35, 8, 0)
	s.publish(xa, first, 5, "Quỹ khuyến học xã năm {Y-1}: thu, chi và số dư",
		"Tổng thu 86 triệu đồng từ đóng góp của Nhân dân và doanh nghiệp; đã chi 71 triệu đồng khen thưởng 142 học sinh.", -36)
	s.at(-35, 9, 0)
	f7 := s.report(cit[2], feedback.Feedback, "giao-thong", nt, "Đường vào thôn Nam Thanh có nhiều ổ gà sâu, xe máy dễ ngã khi trời mưa.", "Đầu đường vào thôn Nam Thanh")
	s.at(-35, 20, 0)
	s.comment(cit[4], c1.ID, 1, consultation.Agree, "Đồng ý với phạm vi áp dụng.")
	s.at(-35, 20, 30)
	s.comment(cit[1], c1.ID, 2, consultation.Suggest, "Đề nghị giao tổ tự quản theo dõi việc dọn vệ sinh ngày Chủ nhật cuối tháng.")
	s.at(-34, 8, 0)
	s.act(xa, f7, feedback.Step{Action: feedback.DoAccept})

	// Day -34: the election of Tây Hòa's village head is planned (at least 20 days ahead).
	s.at(-34, 9, 0)
	election := s.propose(xa, decision.Proposal{UnitID: th.ID, Subject: decision.VillageHead, Title: "Bầu trưởng thôn Tây Hòa nhiệm kỳ {Y}–{Y+5}",
		Body: "Kế hoạch bầu trưởng thôn Tây Hòa theo Nghị định 59/2023.", Candidates: []string{"Nguyễn Văn Hải", "Lê Thị Mai"}, Seats: 1})
	s.at(-33, 8, 0)
	s.act(xa, f6, feedback.Step{Action: feedback.DoAnswer, Note: "UBND xã đã chỉ đạo thu gom toàn bộ rác tại bờ sông và đặt biển cấm đổ rác; tổ tự quản thôn theo dõi hằng tuần."})
	s.at(-33, 8, 30)
	s.act(xa, f7, feedback.Step{Action: feedback.DoStart, Note: "Giao cán bộ địa chính - xây dựng kiểm tra hiện trạng."})
	s.at(-32, 7, 0)
	if s.err == nil {
		s.fail("offline opinions", s.Consult.EnterOffline(s.ctx, xa, c1.ID, []consultation.Offline{
			{Part: 2, Stance: consultation.Agree, Body: "Hội nghị thôn thống nhất phân loại rác tại nguồn.", Source: "meeting", Note: "Hội nghị thôn ngày 31"},
			{Part: 3, Stance: consultation.Suggest, Body: "Đề nghị quy định rõ việc dùng loa trong đám tang.", Source: "meeting", Note: "Hội nghị thôn ngày 31"},
			{Part: 0, Stance: consultation.Agree, Body: "Đồng ý toàn bộ dự thảo.", Source: "box", Note: "Hòm thư góp ý nhà văn hóa"},
		}))
	}
	s.at(-32, 20, 0)
	s.rate(cit[1], f6, 5, "Xử lý nhanh, bờ sông đã sạch.")

	// Day -30: a disclosure posted with the wrong file, withdrawn the next day and posted again.
	s.at(-30, 8, 0)
	wrong := s.publish(xa, first, 6, "Báo cáo quản lý, sử dụng tài sản công năm {Y}",
		"Báo cáo tình hình quản lý, sử dụng tài sản công của UBND xã.", -31, s.attach("tai-san-cong-{Y-1}.pdf", "Bao cao tai san cong nam {Y-1}"))
	s.at(-30, 9, 0)
	failed := s.propose(xa, decision.Proposal{UnitID: th.ID, Subject: decision.Infrastructure, Title: "Xây cổng chào thôn Tây Hòa, đóng góp 500.000 đồng/hộ",
		Body: "Cổng chào bằng bê tông cốt thép, kinh phí dự kiến 120 triệu đồng, Nhân dân đóng góp 500.000 đồng/hộ, phần còn lại do ngân sách xã hỗ trợ."})
	s.at(-30, 10, 0)
	q1 := s.report(cit[10], feedback.Feedback, "moi-truong", qd1, "Kênh thoát nước thôn Thanh Hà bị bèo lục bình phủ kín, nước không thoát được.", "Kênh cạnh nhà văn hóa thôn Thanh Hà")
	s.at(-29, 8, 0)
	if s.err == nil {
		s.fail("withdraw", s.Disclose.Withdraw(s.ctx, xa, wrong.ID, s.t("Đăng nhầm tệp báo cáo năm {Y-1}; báo cáo đúng được đăng lại.")))
	}
	s.at(-29, 8, 30)
	s.act(qd, q1, feedback.Step{Action: feedback.DoAccept})
	s.at(-28, 8, 0)
	s.publish(xa, first, 6, "Báo cáo quản lý, sử dụng tài sản công năm {Y} (đăng lại)",
		"Báo cáo tình hình quản lý, sử dụng tài sản công của UBND xã, thay cho bản đăng nhầm ngày hôm trước.", -31, s.attach("tai-san-cong-{Y}.pdf", "Bao cao tai san cong nam {Y}"))
	s.at(-28, 9, 0)
	failedVote := s.notice(xa, failed, decision.Notice{VillageID: th.ID, Method: decision.Meeting, HeldOn: s.date(-21)})
	s.at(-28, 10, 0)
	s.act(xa, f7, feedback.Step{Action: feedback.DoAnswer, Note: "Đã vá 14 ổ gà bằng bê tông nhựa; tuyến đường được đưa vào kế hoạch sửa chữa năm sau."})
	s.at(-27, 20, 0)
	s.rate(cit[2], f7, 2, "Mới vá tạm, trời mưa lại bong.")

	// Day -25: every opinion on the hương ước answered, then the synthesis published.
	s.at(-25, 8, 0)
	f11 := s.report(cit[3], feedback.Feedback, "dien-nuoc", th, "Nước sinh hoạt rất yếu vào giờ cao điểm buổi sáng và buổi tối.", "Xóm 3, thôn Tây Hòa")
	s.at(-25, 9, 0)
	s.answerOpen(xa, c1.ID, 100, ansAccept, ansExplai, ansAccept, ansReject)
	s.at(-25, 10, 0)
	s.publish(xa, first, 7, "Danh sách hộ nghèo, hộ cận nghèo năm {Y}",
		"Danh sách 31 hộ nghèo và 44 hộ cận nghèo được công nhận năm {Y}; ý kiến phản hồi gửi về UBND xã trong 15 ngày.", -26)
	s.at(-25, 11, 0)
	s.act(xa, f6, feedback.Step{Action: feedback.DoClose})
	s.at(-24, 8, 0)
	s.act(xa, f11, feedback.Step{Action: feedback.DoAccept})
	s.at(-24, 9, 0)
	if s.err == nil {
		s.fail("synthesis", s.Consult.Synthesize(s.ctx, xa, c1.ID,
			"Dự thảo được hoàn thiện theo các ý kiến tiếp thu và trình hội nghị thôn Đông Phước biểu quyết.", true, ""))
	}
	s.at(-23, 9, 0)
	convention := s.propose(head, decision.Proposal{UnitID: dp.ID, Subject: decision.Convention, Title: "Hương ước thôn Đông Phước (sửa đổi, bổ sung)",
		Body: "Hội nghị thôn biểu quyết dự thảo hương ước đã lấy ý kiến Nhân dân.", DraftID: c1.ID})
	s.at(-22, 8, 0)
	s.publish(qd, second, 2, "Dự toán ngân sách xã Quảng Điền năm {Y}", "Tổng thu, chi ngân sách xã năm {Y} theo Nghị quyết HĐND xã.", -23)
	s.at(-22, 9, 0)
	s.act(qd, q1, feedback.Step{Action: feedback.DoAnswer, Note: "Đã huy động đoàn viên thanh niên vớt bèo, kênh đã thông."})
	s.at(-21, 8, 0)
	conventionVote := s.notice(head, convention, decision.Notice{VillageID: dp.ID, Method: decision.Meeting, HeldOn: s.date(-14)})
	s.at(-21, 19, 0)
	if h := failedVote.Households; h > 0 {
		s.count(xa, failedVote, decision.Count{Present: pct(h, 75), Agree: pct(h, 40), Disagree: pct(h, 30), Other: pct(h, 5), Committee: committee, Secretary: "Hồ Thị Thu"})
	}
	s.at(-21, 20, 0)
	s.rate(cit[10], q1, 5, "Cảm ơn xã đã xử lý kịp thời.")

	// Day -20: the plan amended, the flood-relief list archived after its 30 days.
	s.at(-20, 8, 0)
	if s.err == nil {
		_, err := s.Disclose.Amend(s.ctx, xa, plan.ID, disclosure.Draft{UnitID: first.ID, Category: 1, Title: plan.Title,
			Body:         plan.Body + "\n\n**Kết quả 9 tháng:** giá trị sản xuất tăng 6,9 %; 96 % đường thôn đã bê tông hóa.",
			DecisionDate: plan.DecisionDate.String(), PostingStart: plan.PostingStart.String(), Channels: plan.Channels,
			Reason: "Bổ sung kết quả thực hiện 9 tháng đầu năm"}, []string{plan.Files[0].SHA256}, nil)
		s.fail("amend", err)
	}
	s.at(-20, 8, 30)
	if s.err == nil {
		s.fail("take down", s.Disclose.TakeDown(s.ctx, xa, flood.ID))
	}
	s.at(-20, 9, 0)
	s.publish(xa, first, 10, "Kết luận thanh tra việc quản lý quỹ đất công ích năm {Y-1}",
		"Đoàn thanh tra huyện kết luận: quản lý cơ bản đúng quy định; yêu cầu thu hồi 2 hợp đồng cho thuê quá hạn.", -22)
	s.at(-20, 10, 0)
	f8 := s.report(nil, feedback.Feedback, "dat-dai", th, "Hộ bên cạnh xây tường lấn sang đất nhà tôi khoảng nửa mét.", "Xóm 1, thôn Tây Hòa")
	s.at(-20, 11, 0)
	s.act(xa, f7, feedback.Step{Action: feedback.DoClose})
	s.at(-20, 14, 0)
	s.act(xa, f11, feedback.Step{Action: feedback.DoStart, Note: "Đề nghị Công ty cấp nước kiểm tra áp lực đường ống."})
	s.at(-20, 15, 0)
	green := s.propose(qd, decision.Proposal{UnitID: qd1.ID, Subject: decision.Other, Title: "Tổ chức \"Ngày Chủ nhật xanh\" hằng tháng ở thôn Thanh Hà",
		Body: "Mỗi Chủ nhật cuối tháng, mỗi hộ cử một người tham gia dọn vệ sinh đường làng, kênh mương."})
	s.at(-19, 8, 0)
	s.act(xa, f8, feedback.Step{Action: feedback.DoRefuse, Note: "Tranh chấp ranh giới đất giữa hai hộ là tranh chấp dân sự: đề nghị hòa giải tại thôn, nếu không thành gửi đơn đến Tòa án nhân dân."})
	s.at(-19, 9, 0)
	s.submit(xa, failed, "Trần Văn Tây", "Phạm Thị Mặt Trận")
	s.at(-18, 8, 0)
	greenVote := s.notice(qd, green, decision.Notice{VillageID: qd1.ID, Method: decision.Meeting, HeldOn: s.date(-11)})
	s.at(-17, 9, 0)
	s.recognize(xa, failed) // the result (not passed) acknowledged: the commune answers every minutes it gets (Art 21(2))
	s.at(-15, 8, 0)
	f12 := s.report(cit[4], feedback.Petition, "khac", first, "Kiến nghị lắp thêm đèn chiếu sáng trên tuyến đường liên thôn Đông Phước – Nam Thanh.", "Đường liên thôn Đông Phước – Nam Thanh")
	s.at(-15, 9, 0)
	s.publish(qd, second, 13, "Thủ tục hành chính thuộc thẩm quyền của UBND xã Quảng Điền", "Danh mục thủ tục hành chính, thời hạn và lệ phí.", -16)
	s.at(-15, 9, 30)
	s.publish(xa, first, 8, "Tiếp nhận và phân bổ tiền, hàng ủng hộ đồng bào bị thiệt hại do mưa lũ",
		"Ủy ban MTTQ xã tiếp nhận 212 triệu đồng và 4,5 tấn gạo; phân bổ cho 46 hộ theo danh sách đã công khai.", -17,
		s.attach("phan-bo-ung-ho.pdf", "Phan bo tien, hang ung ho"))
	s.at(-15, 10, 0)
	var c3 consultation.Consultation
	if s.err == nil {
		var err error
		c3, err = s.Consult.Open(s.ctx, qd, consultation.Draft{UnitID: second.ID, Subject: 5, Title: "Quy hoạch khu dân cư mới thôn An Xuân",
			Intro: "Lấy ý kiến Nhân dân về quy hoạch chi tiết khu dân cư mới 4,5 ha.",
			Parts: []consultation.Part{{Heading: "1. Ranh giới, quy mô", Body: "Khu đất 4,5 ha phía tây thôn An Xuân."}, {Heading: "2. Hạ tầng", Body: "Đường nội bộ rộng 7 m, vỉa hè 3 m."}},
			Forms: []string{"online", "meeting"}, ClosesOn: s.date(8)})
		s.fail("open consultation", err)
		s.out.Consultations++
	}
	s.at(-14, 8, 0)
	s.act(xa, f12, feedback.Step{Action: feedback.DoAccept})
	s.at(-14, 9, 0)
	s.act(qd, q1, feedback.Step{Action: feedback.DoClose})
	s.at(-14, 19, 0)
	if h := conventionVote.Households; h > 0 {
		s.count(head, conventionVote, decision.Count{Present: pct(h, 82), Agree: pct(h, 72), Disagree: pct(h, 6), Other: pct(h, 2), Committee: committee, Secretary: "Lê Thị Hạnh"})
	}
	s.at(-14, 20, 0)
	s.comment(cit[10], c3.ID, 2, consultation.Suggest, "Đề nghị bố trí thêm một sân chơi cho trẻ em trong khu dân cư mới.")
	s.at(-13, 8, 0)
	s.act(xa, f12, feedback.Step{Action: feedback.DoStart, Note: "Lập dự toán lắp 24 bộ đèn năng lượng mặt trời."})
	s.at(-13, 8, 30)
	s.publish(xa, first, 9, "Danh sách công dân gọi nhập ngũ năm {Y+1}",
		"Danh sách 18 công dân trúng tuyển nghĩa vụ quân sự và 3 công dân thực hiện nghĩa vụ tham gia công an nhân dân.", -14)

	// Day -12: an item on public order, answered too late (5 working days).
	s.at(-12, 8, 0)
	f4 := s.report(cit[5], feedback.Feedback, "an-ninh", nt, "Nhóm thanh niên tụ tập đua xe, gây ồn ào sau 23 giờ ở ngã ba Nam Thanh.", "Ngã ba thôn Nam Thanh")
	s.at(-12, 9, 0)
	s.submit(head, convention, "Trần Văn Thôn", "Phạm Thị Mặt Trận")
	s.at(-12, 10, 0)
	electionVote := s.notice(xa, election, decision.Notice{VillageID: th.ID, Method: decision.Meeting, HeldOn: s.date(-6)})
	s.at(-11, 8, 0)
	s.act(xa, f4, feedback.Step{Action: feedback.DoAccept})
	s.at(-11, 19, 0)
	if h := greenVote.Households; h > 0 {
		s.count(qd, greenVote, decision.Count{Present: pct(h, 85), Agree: pct(h, 70), Disagree: pct(h, 10), Other: pct(h, 3), Committee: committee, Secretary: "Võ Văn Sơn"})
	}

	// Day -10: the commune's plan for next year opened for comment.
	s.at(-10, 8, 0)
	s.act(xa, f4, feedback.Step{Action: feedback.DoStart, Note: "Phối hợp công an xã tuần tra ban đêm."})
	s.at(-10, 9, 0)
	s.publish(xa, first, 11, "Kế hoạch lấy ý kiến Nhân dân về kế hoạch phát triển kinh tế - xã hội năm {Y+1}",
		"Lấy ý kiến trực tuyến trên cổng danchu và tại hội nghị các thôn, trong 24 ngày.", -10)
	s.at(-10, 10, 0)
	var c2 consultation.Consultation
	if s.err == nil {
		var err error
		c2, err = s.Consult.Open(s.ctx, xa, consultation.Draft{UnitID: first.ID, Subject: 1, Title: s.t("Dự thảo kế hoạch phát triển kinh tế - xã hội năm {Y+1} của xã Đan Điền"),
			Intro: s.t("UBND xã lấy ý kiến Nhân dân về dự thảo kế hoạch năm {Y+1} trước khi trình HĐND xã."),
			Parts: []consultation.Part{
				{Heading: "1. Nông nghiệp", Body: "Chuyển 40 ha lúa kém hiệu quả sang trồng rau màu; xây dựng 2 sản phẩm OCOP."},
				{Heading: "2. Hạ tầng", Body: "Bê tông hóa 6 km đường nội đồng; nâng cấp trạm bơm Đông Phước."},
				{Heading: "3. Giáo dục, y tế", Body: "Xây thêm 4 phòng học trường mầm non; 95 % người dân tham gia bảo hiểm y tế."},
				{Heading: "4. Môi trường", Body: "100 % hộ phân loại rác tại nguồn; trồng 2.000 cây xanh."},
			},
			Forms: []string{"online", "meeting", "ballot"}, ClosesOn: s.date(14)})
		s.fail("open consultation", err)
		s.out.Consultations++
	}
	s.out.OpenConsultation = c2.ID
	s.at(-10, 11, 0)
	fund := s.propose(xa, decision.Proposal{UnitID: nt.ID, Subject: decision.Funds, Title: "Mức đóng góp quỹ khuyến học thôn Nam Thanh năm {Y}: 50.000 đồng/hộ",
		Body: "Quỹ dùng để khen thưởng học sinh giỏi và hỗ trợ học sinh nghèo của thôn."})
	opinions := []struct {
		part         int
		stance, body string
	}{
		{1, consultation.Agree, "Đồng ý chuyển đổi cây trồng, đề nghị xã hỗ trợ giống cho hộ nghèo."},
		{2, consultation.Suggest, "Đề nghị ưu tiên bê tông hóa đường nội đồng xứ Đồng Cồn trước mùa mưa."},
		{3, consultation.Agree, "Rất cần thêm phòng học mầm non, lớp hiện nay quá đông."},
		{4, consultation.Suggest, "Nên có điểm thu gom rác tái chế ở mỗi thôn."},
		{2, consultation.Disagree, "Nâng cấp trạm bơm nên làm ở Nam Thanh trước vì trạm cũ đã hỏng nhiều lần."},
		{0, consultation.Agree, "Dự thảo sát với thực tế, tôi đồng ý."},
		{1, consultation.Suggest, "Đề nghị bổ sung chỉ tiêu đào tạo nghề cho lao động nông thôn."},
		{3, consultation.Suggest, "Đề nghị có xe đưa đón học sinh vùng xa."},
		{4, consultation.Agree, "Đồng ý trồng cây xanh, thôn sẵn sàng góp công."},
		{2, consultation.Suggest, "Cần lắp thêm đèn đường ở các tuyến liên thôn."},
	}
	s.at(-10, 20, 0)
	s.comment(cit[0], c2.ID, opinions[0].part, opinions[0].stance, opinions[0].body)
	s.at(-9, 8, 0)
	f5 := s.report(cit[6], feedback.Feedback, "moi-truong", dp, "Cống thoát nước trước chợ Đông Phước bị tắc, nước thải tràn ra đường.", "Chợ Đông Phước")
	s.at(-9, 9, 0)
	s.submit(qd, green, "Nguyễn Văn Thanh", "Lê Văn Hà")
	s.at(-9, 10, 0)
	s.publish(xa, first, 12, "Mức thu phí, lệ phí áp dụng tại xã năm {Y+1}", "Lệ phí chứng thực, đăng ký hộ tịch và phí chợ theo Nghị quyết HĐND tỉnh.", -9)
	s.at(-9, 20, 0)
	s.comment(cit[1], c2.ID, opinions[1].part, opinions[1].stance, opinions[1].body)
	s.at(-8, 8, 0)
	s.act(xa, f5, feedback.Step{Action: feedback.DoAccept})
	s.at(-8, 8, 30)
	f9 := s.report(cit[7], feedback.Feedback, "giao-thong", dp, "Đoạn đường giáp ranh với xã Quảng Điền bị sạt lở một bên taluy, rất nguy hiểm.", "Cuối đường liên thôn, giáp xã Quảng Điền")
	s.at(-8, 9, 0)
	fundVote := s.notice(xa, fund, decision.Notice{VillageID: nt.ID, Method: decision.Ballot, HeldOn: s.date(-3), Team: committee})
	s.at(-8, 20, 0)
	s.comment(cit[2], c2.ID, opinions[2].part, opinions[2].stance, opinions[2].body)
	s.at(-7, 8, 0)
	s.act(xa, f9, feedback.Step{Action: feedback.DoTransfer, ToUnit: second.ID, Note: "Đoạn đường sạt lở thuộc địa bàn xã Quảng Điền."})
	s.at(-7, 9, 0)
	s.recognize(xa, convention)
	s.at(-7, 9, 30)
	s.recognize(qd, green)
	s.at(-7, 20, 0)
	s.comment(cit[3], c2.ID, opinions[3].part, opinions[3].stance, opinions[3].body)

	// Day -6: the hot spot in Đông Phước begins (street lights, drains, a fallen tree).
	s.at(-6, 7, 30)
	f3 := s.report(nil, feedback.Feedback, "dien-nuoc", dp, "Đèn đường trước nhà văn hóa thôn Đông Phước bị hỏng cả tuần nay.", "Nhà văn hóa thôn Đông Phước",
		photo("den-duong.png"))
	s.at(-6, 8, 0)
	s.act(qd, f9, feedback.Step{Action: feedback.DoAccept})
	s.at(-6, 9, 0)
	s.act(xa, f11, feedback.Step{Action: feedback.DoAnswer, Note: "Công ty cấp nước đã thay van giảm áp tại xóm 3; áp lực nước đã được cải thiện."})
	s.at(-6, 10, 0)
	s.publish(qd, second, 3, "Thông báo thu hồi đất xây dựng trường mầm non Quảng Điền", "Thu hồi 0,6 ha đất của 9 hộ; phương án bồi thường niêm yết tại trụ sở UBND xã.", -26)
	s.at(-6, 19, 0)
	if h := electionVote.Households; h > 0 {
		s.count(xa, electionVote, decision.Count{Present: pct(h, 92), PerCandidate: []int{pct(h, 61), pct(h, 29)}, Committee: committee, Secretary: "Hồ Thị Thu"})
	}
	s.at(-6, 20, 0)
	s.comment(cit[4], c2.ID, opinions[4].part, opinions[4].stance, opinions[4].body)
	s.at(-5, 8, 0)
	s.act(xa, f3, feedback.Step{Action: feedback.DoAccept})
	s.at(-5, 9, 0)
	hall := s.propose(head, decision.Proposal{UnitID: dp.ID, Subject: decision.Other, Title: "Giờ mở cửa nhà văn hóa thôn Đông Phước mùa hè",
		Body: "Đề xuất mở cửa nhà văn hóa từ 6 giờ đến 21 giờ hằng ngày trong các tháng 5–8 cho thiếu nhi sinh hoạt."})
	s.at(-5, 10, 0)
	if s.err == nil {
		s.fail("offline opinions", s.Consult.EnterOffline(s.ctx, xa, c2.ID, []consultation.Offline{
			{Part: 1, Stance: consultation.Agree, Body: "Hội nghị thôn Tây Hòa đồng ý chuyển đổi cây trồng.", Source: "meeting", Note: "Hội nghị thôn Tây Hòa"},
			{Part: 2, Stance: consultation.Suggest, Body: "Đề nghị làm đường nội đồng xứ Bàu Sen.", Source: "meeting", Note: "Hội nghị thôn Tây Hòa"},
			{Part: 3, Stance: consultation.Agree, Body: "Đồng ý xây phòng học mầm non.", Source: "ballot", Note: "Phiếu lấy ý kiến hộ gia đình"},
			{Part: 4, Stance: consultation.Suggest, Body: "Cần thêm thùng rác công cộng ở chợ.", Source: "box", Note: "Hòm thư góp ý UBND xã"},
		}))
	}
	s.at(-5, 18, 0)
	s.report(cit[8], feedback.Feedback, "dien-nuoc", dp, "Cột đèn số 12 trên đường xóm 2 không sáng.", "Xóm 2, thôn Đông Phước")
	s.at(-5, 20, 0)
	s.comment(cit[5], c2.ID, opinions[5].part, opinions[5].stance, opinions[5].body)

	// Day -4: the online vote on the hall's opening hours is noticed.
	s.at(-4, 8, 0)
	var hallVote decision.Vote
	if s.err == nil {
		n := len(dpHouses)
		hallVote = s.notice(head, hall, decision.Notice{VillageID: dp.ID, Method: decision.Online, HeldOn: s.date(3), OptedIn: min(n, n/2+12), Team: committee})
	}
	s.out.OpenVote = hallVote.ID
	s.at(-4, 9, 0)
	s.submit(xa, election, "Trần Văn Tây", "Phạm Thị Mặt Trận")
	s.at(-4, 10, 0)
	s.report(nil, feedback.Feedback, "giao-thong", dp, "Cây đổ chắn nửa đường xóm 1 sau trận gió đêm qua.", "Xóm 1, thôn Đông Phước")
	s.at(-4, 19, 0)
	if s.err == nil {
		s.fail("reopen", s.Feedback.Reopen(s.ctx, cit[3], f11, "Mới được hai ngày, nay nước lại yếu như cũ."))
	}
	s.at(-4, 20, 0)
	s.comment(cit[6], c2.ID, opinions[6].part, opinions[6].stance, opinions[6].body)
	s.at(-3, 8, 0)
	f14 := s.report(nil, feedback.Feedback, "dien-nuoc", dp, "Đèn đường xóm 2 tắt hết từ tối hôm kia.", "Xóm 2, thôn Đông Phước")
	s.at(-3, 9, 0)
	s.act(xa, f5, feedback.Step{Action: feedback.DoAnswer, Note: "Đã nạo vét cống và lắp song chắn rác trước chợ."})
	s.at(-3, 10, 0)
	s.answerOpen(xa, c2.ID, 6, ansAccept, ansExplai, ansAccept, ansReject, ansAccept, ansExplai)
	s.at(-3, 11, 0)
	s.publish(xa, first, 14, "Lịch tiếp công dân của Chủ tịch UBND xã tháng này", "Chủ tịch UBND xã tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở UBND xã.", -4)
	s.at(-3, 14, 0)
	road := s.propose(xa, decision.Proposal{UnitID: th.ID, Subject: decision.Infrastructure, Title: "Bê tông hóa đường xóm 4 thôn Tây Hòa, đóng góp 300.000 đồng/hộ",
		Body: "Tuyến dài 850 m, rộng 3 m; ngân sách xã hỗ trợ 70 %, Nhân dân đóng góp 300.000 đồng/hộ và ngày công."})
	s.at(-3, 18, 0)
	if h := fundVote.Households; h > 0 {
		s.count(xa, fundVote, decision.Count{Agree: pct(h, 78), Disagree: pct(h, 10), Other: pct(h, 3)})
	}
	choices := []string{decision.ChoiceAgree, decision.ChoiceAgree, decision.ChoiceDisagree, decision.ChoiceAgree, decision.ChoiceAgree,
		decision.ChoiceOther, decision.ChoiceAgree, decision.ChoiceDisagree, decision.ChoiceAgree}
	cast := func(i int) {
		if s.err != nil || hallVote.ID == 0 {
			return
		}
		opinion := ""
		if choices[i] == decision.ChoiceOther {
			opinion = "Đồng ý mở cửa nhưng nên đóng lúc 20 giờ để không ồn cho các hộ bên cạnh."
		}
		_, err := s.Decide.Cast(s.ctx, cit[i], hallVote.ID, choices[i], opinion)
		s.fail("cast", err)
	}
	s.at(-3, 19, 0)
	for i := range 4 {
		cast(i)
	}
	s.at(-3, 20, 0)
	s.comment(cit[7], c2.ID, opinions[7].part, opinions[7].stance, opinions[7].body)
	s.at(-2, 8, 0)
	f2 := s.report(cit[9], feedback.Feedback, "dien-nuoc", dp, "Cả dãy đèn đường xóm 2 thôn Đông Phước tắt, trẻ em đi học thêm về rất tối.", "Xóm 2, thôn Đông Phước",
		photo("xom-2.png"), photo("xom-2-goc-khac.png"))
	s.at(-2, 9, 0)
	s.notice(xa, road, decision.Notice{VillageID: th.ID, Method: decision.Meeting, HeldOn: s.date(4)})
	s.at(-2, 10, 0)
	s.act(xa, f12, feedback.Step{Action: feedback.DoAnswer, Note: "UBND xã đã bố trí kinh phí lắp 24 bộ đèn năng lượng mặt trời, thi công trong tháng tới."})
	s.at(-2, 11, 0)
	s.report(nil, feedback.Feedback, "giao-thong", qd2, "Biển báo giao thông ở ngã tư An Xuân bị gãy.", "Ngã tư thôn An Xuân")
	s.at(-2, 19, 0)
	for i := 4; i < 7; i++ {
		cast(i)
	}
	s.at(-2, 20, 0)
	s.rate(cit[6], f5, 4, "Cống đã thông, cảm ơn xã.")
	s.at(-2, 20, 30)
	s.comment(cit[8], c2.ID, opinions[8].part, opinions[8].stance, opinions[8].body)
	s.at(-1, 8, 0)
	s.act(xa, f14, feedback.Step{Action: feedback.DoMerge, Into: f2, Note: "Cùng sự việc đèn đường xóm 2."})
	s.at(-1, 9, 0)
	s.report(nil, feedback.Feedback, "dien-nuoc", dp, "Bóng đèn đường đầu xóm 3 chập chờn, lúc sáng lúc tắt.", "Xóm 3, thôn Đông Phước")
	s.at(-1, 10, 0)
	s.answerOpen(qd, c3.ID, 1, ansAccept)
	s.at(-1, 19, 0)
	for i := 7; i < 9; i++ {
		cast(i)
	}
	s.at(-1, 20, 0)
	s.rate(cit[4], f12, 4, "")
	s.at(-1, 20, 30)
	s.comment(cit[9], c2.ID, opinions[9].part, opinions[9].stance, opinions[9].body)
	s.at(-1, 21, 0)
	s.comment(cit[10], c3.ID, 1, consultation.Agree, "Đồng ý với ranh giới khu dân cư mới.")
}
