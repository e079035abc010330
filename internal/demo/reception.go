package demo

import (
	"time"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/reception"
	"danchu/internal/survey"
)

// reception schedules two months of citizen reception in Đan Điền and the
// province, through the reception service as its officials and citizens
// would: the offices' addresses and hours, three leaders on the schedule
// (the commune's chair every week, its Party secretary every other week, the
// province's chair every month), sessions held, one moved with its public
// notice, one missed; citizens who book and are received, walk-ins, a mass
// visit transferred to the province, a petition mixing complaint and
// denunciation split and sealed, answers that open a complaint case, a
// denunciation case and a feedback item; an entry still waiting and one past
// its 10 working days; and sessions ahead with bookings (tomorrow's get their
// reminder from the server's job).
func (s *story) reception() {
	if s.Receive == nil || s.err != nil {
		return
	}
	xa, tinh := s.who["xa@danchu.demo"], s.who["tinh@danchu.demo"]
	commune, province := s.unit(CommuneCode), s.unit(ProvinceCode)
	if s.err != nil {
		return
	}
	secret := s.Cases != nil && s.Cases.Enabled() // complaints and denunciations need the vault
	today := s.day(0)
	// offset is the day, as days from today, of the first working day from day.
	offset := func(day int) int {
		wd, err := s.Receive.WorkingDay(s.ctx, s.day(day))
		s.fail("reception working day", err)
		return today.DaysUntil(wd)
	}
	var chair, party, pchair reception.Leader
	sessions := map[int]reception.Session{} // the commune chair's, by day offset
	leader := func(a *auth.Actor, unitID int64, role, name, title string) reception.Leader {
		if s.err != nil {
			return reception.Leader{}
		}
		l, err := s.Receive.AddLeader(s.ctx, a, unitID, reception.LeaderDraft{Role: role, Name: name, Title: title}, db.Idem{})
		s.fail("reception leader "+name, err)
		return l
	}
	plan := func(a *auth.Actor, unitID int64, l reception.Leader, day int, place string, slots int) reception.Session {
		if s.err != nil {
			return reception.Session{}
		}
		x, _, err := s.Receive.AddSession(s.ctx, a, unitID, reception.SessionDraft{LeaderID: l.ID, Day: s.day(day), Starts: "07:30", Ends: "11:00",
			Place: place, Slots: slots}, db.Idem{})
		s.fail("reception session", err)
		return x
	}
	closeAs := func(a *auth.Actor, unitID int64, x *reception.Session, to, notice string, next *reception.SessionDraft) {
		if s.err != nil || x.ID == 0 {
			return
		}
		got, err := s.Receive.Close(s.ctx, a, unitID, x.ID, x.Version, to, notice, next)
		s.fail("reception close "+to, err)
		*x = got
	}
	const hall = "Phòng tiếp công dân, trụ sở UBND xã Đan Điền"
	// The chair's weeks: Thursday, or the next working day of the week.
	var chairDays, partyDays, provinceDays []int
	for w := -8; w <= 3; w++ {
		mon := -int(today.Weekday()+6)%7 + 7*w
		if d := offset(mon + 3); d < mon+7 && d > -StoryDays+2 {
			chairDays = append(chairDays, d)
		}
		if w%2 == 0 {
			if d := offset(mon + 1); d < mon+7 && d > -StoryDays+2 {
				partyDays = append(partyDays, d)
			}
		}
	}
	for m := -2; m <= 1; m++ {
		first := legal.DateOf(today.Year, today.Month+time.Month(m), 15)
		if d := offset(today.DaysUntil(first)); d > -StoryDays+2 {
			provinceDays = append(provinceDays, d)
		}
	}
	s.later(-StoryDays+1, 8, 0, func() {
		if s.err != nil {
			return
		}
		s.fail("reception office", s.Receive.SaveOffice(s.ctx, xa, commune.ID, reception.OfficeDraft{Address: "Trụ sở UBND xã Đan Điền, thôn Thuận Hòa",
			Hours: "Tiếp thường xuyên: sáng thứ Hai đến thứ Sáu, 7 giờ 30 đến 11 giờ.\nChủ tịch UBND xã tiếp định kỳ sáng thứ Năm hằng tuần.", Phone: "0234 3 812 345"}))
		s.fail("reception office", s.Receive.SaveOffice(s.ctx, tinh, province.ID, reception.OfficeDraft{Address: "Trụ sở Tiếp công dân thành phố, 16 Lê Lợi, Huế",
			Hours: "Sáng, chiều các ngày làm việc. Chủ tịch UBND thành phố tiếp định kỳ ngày 15 hằng tháng.", Phone: "0234 3 822 111"}))
		chair = leader(xa, commune.ID, "chair.commune", "Hoàng Văn Chủ (mẫu)", "Chủ tịch UBND xã Đan Điền")
		party = leader(xa, commune.ID, "party.commune", "Lê Thị Bí (mẫu)", "Bí thư Đảng ủy xã Đan Điền")
		pchair = leader(tinh, province.ID, "chair.province", "Trần Văn Tỉnh (mẫu)", "Chủ tịch UBND thành phố Huế")
		for _, d := range chairDays {
			sessions[d] = plan(xa, commune.ID, chair, d, hall, 8)
		}
		for _, d := range partyDays {
			plan(xa, commune.ID, party, d, "Hội trường Đảng ủy xã Đan Điền", 5)
		}
		for _, d := range provinceDays {
			plan(tinh, province.ID, pchair, d, "Trụ sở Tiếp công dân thành phố, 16 Lê Lợi, Huế", 15)
		}
	})
	// Each past session is held; one is moved with its notice, one missed.
	for i, d := range chairDays {
		if d >= 0 {
			continue
		}
		switch {
		case i == 2:
			s.later(d-2, 16, 0, func() {
				x := sessions[d]
				nd := offset(d + 1)
				closeAs(xa, commune.ID, &x, reception.Moved, "Chủ tịch UBND xã họp đột xuất về phòng chống lụt bão; buổi tiếp dời sang ngày hôm sau, cùng giờ, cùng địa điểm.",
					&reception.SessionDraft{Day: s.day(nd), Starts: "07:30", Ends: "11:00", Place: hall, Slots: 8})
				s.later(nd, 11, 15, func() {
					if next, err := s.Receive.Session(s.ctx, xa, commune.ID, x.MovedTo); err == nil {
						closeAs(xa, commune.ID, &next.Session, reception.Held, "", nil)
					}
				})
			})
		case i == 4:
			s.later(d, 11, 30, func() {
				x := sessions[d]
				closeAs(xa, commune.ID, &x, reception.Missed, "Chủ tịch UBND xã đi tập huấn tại tỉnh; không bố trí được người tiếp thay.", nil)
			})
		default:
			s.later(d, 11, 15, func() { x := sessions[d]; closeAs(xa, commune.ID, &x, reception.Held, "", nil) })
		}
	}
	for _, d := range provinceDays {
		if d < 0 {
			s.later(d, 11, 20, func() {
				if ss, err := s.Receive.Sessions(s.ctx, province.ID, s.day(d), s.day(d)); err == nil && len(ss) == 1 {
					x := ss[0]
					closeAs(tinh, province.ID, &x, reception.Held, "", nil)
				}
			})
		}
	}
	booker := map[string]*auth.Actor{} // bookings made signed in, by their code
	book := func(a *auth.Actor, d int, name, phone, topic string, people int) reception.Booking {
		if s.err != nil {
			return reception.Booking{}
		}
		b, err := s.Receive.Book(s.ctx, a, reception.BookingDraft{SessionID: sessions[d].ID, Name: name, Phone: phone, Topic: topic, People: people})
		s.fail("reception booking", err)
		if a != nil {
			booker[b.Code] = a
		}
		return b
	}
	rated := 0
	enter := func(d reception.VisitDraft, what string) []reception.Visit {
		if s.err != nil {
			return nil
		}
		vs, _, err := s.Receive.Enter(s.ctx, xa, commune.ID, d)
		s.fail("reception visit "+what, err)
		// Who booked signed in rates the officials on the way home (LDC Art 35(2)(a)).
		if a := booker[d.BookingCode]; len(vs) > 0 && a != nil {
			s.rateOfficials(a, survey.ReceptionRating, vs[0].Code, receptionScores[rated%len(receptionScores)])
			rated++
		}
		return vs
	}
	answer := func(v reception.Visit, a reception.Answer) {
		if s.err != nil || v.ID == 0 {
			return
		}
		a.Version = v.Version
		_, err := s.Receive.Answer(s.ctx, xa, commune.ID, v.ID, a)
		s.fail("reception answer", err)
	}
	at := func(i int) (int, bool) { // the i-th past session of the chair that was held on its day
		n := 0
		for j, d := range chairDays {
			if d >= 0 || j == 2 || j == 4 {
				continue
			}
			if n == i {
				return d, true
			}
			n++
		}
		return 0, false
	}
	// A complaint booked ahead, received, and taken up as a case.
	if d, ok := at(1); ok && secret {
		var b reception.Booking
		s.later(d-3, 20, 10, func() {
			b = book(s.citizenAt(2), d, "Nguyễn Văn Khiếu Nại (mẫu)", "0912 000 201", "Khiếu nại mức bồi thường khi thu hồi đất làm đường liên thôn", 1)
		})
		s.later(d, 8, 10, func() {
			vs := enter(reception.VisitDraft{BookingCode: b.Code, Day: s.day(d), Name: "Nguyễn Văn Khiếu Nại (mẫu)", Address: "thôn Thuận Hòa, xã Đan Điền",
				Phone: "0912 000 201", People: 1, Kind: reception.Complaint,
				Content: "Khiếu nại quyết định bồi thường khi thu hồi 80 m² đất vườn làm đường liên thôn: giá cây trồng áp thấp hơn bảng giá của tỉnh.",
				Earlier: "Chưa khiếu nại lần nào.", Request: "Xem xét lại mức bồi thường cây trồng.", Done: "Tiếp nhận đơn, hướng dẫn bổ sung biên bản kiểm đếm."},
				"complaint")
			if len(vs) == 1 {
				v := vs[0]
				s.later(d+4, 9, 0, func() {
					answer(v, reception.Answer{Outcome: reception.Accepted, KnownOn: s.day(d - 20), Note: "UBND xã thụ lý giải quyết khiếu nại lần đầu."})
				})
			}
		})
	}
	// A walk-in petition, taken up as a feedback item; a question answered on the spot.
	if d, ok := at(2); ok {
		s.later(d, 9, 0, func() {
			vs := enter(reception.VisitDraft{SessionID: sessions[d].ID, Day: s.day(d), Name: "Trần Thị Kiến Nghị (mẫu)", Address: "thôn Đông Phước, xã Đan Điền",
				Phone: "0912 000 202", People: 1, Kind: reception.Proposal,
				Content: "Kiến nghị sửa chữa cống thoát nước trước nhà văn hóa thôn Đông Phước, mùa mưa nước tràn vào đường.", Request: "Sửa cống trước mùa mưa.",
				Done: "Ghi nhận, hẹn kiểm tra hiện trường."}, "petition")
			if len(vs) == 1 {
				v := vs[0]
				s.later(d+2, 10, 0, func() {
					answer(v, reception.Answer{Outcome: reception.Accepted, Note: "Chuyển bộ phận địa chính – xây dựng kiểm tra, trả lời qua phản ánh, kiến nghị."})
				})
			}
			q := enter(reception.VisitDraft{SessionID: sessions[d].ID, Day: s.day(d), Name: "Phan Văn Hỏi (mẫu)", Address: "thôn An Lỗ, xã Đan Điền", People: 1,
				Kind: reception.Other, Content: "Hỏi thủ tục hưởng trợ cấp người cao tuổi.", Request: "Được hướng dẫn.",
				Done: "Hướng dẫn hồ sơ, nộp tại bộ phận một cửa."}, "question")
			if len(q) == 1 {
				answer(q[0], reception.Answer{Outcome: reception.Accepted, Note: "Đã hướng dẫn trực tiếp tại buổi tiếp."})
			}
		})
	}
	// A mass visit transferred to the province; a mixed petition split and sealed.
	if d, ok := at(3); ok {
		var b reception.Booking
		s.later(d-2, 19, 30, func() {
			b = book(s.citizenAt(7), d, "Võ Văn Đại Diện (mẫu)", "0912 000 203", "Bảy hộ thôn An Xuân đề nghị về giá đất bồi thường dự án khu du lịch", 7)
		})
		s.later(d, 9, 40, func() {
			vs := enter(reception.VisitDraft{BookingCode: b.Code, Day: s.day(d), Name: "Võ Văn Đại Diện (mẫu)", Address: "thôn An Xuân, xã Đan Điền",
				Phone: "0912 000 203", People: 7, Kind: reception.Complaint,
				Content: "Bảy hộ khiếu nại giá đất tính bồi thường của dự án khu du lịch do UBND thành phố phê duyệt.",
				Earlier: "Đã gửi đơn đến UBND xã tháng trước.", Request: "Đề nghị UBND thành phố xem xét lại giá đất.",
				Done: "Tiếp đại diện của đoàn, nhận đơn có chữ ký của bảy hộ."}, "mass visit")
			if len(vs) == 1 {
				v := vs[0]
				s.later(d+3, 9, 30, func() {
					answer(v, reception.Answer{Outcome: reception.Transferred, TransferredTo: "UBND thành phố Huế (Ban Tiếp công dân thành phố)",
						Note: "Giá đất bồi thường do UBND thành phố phê duyệt: thuộc thẩm quyền giải quyết của Chủ tịch UBND thành phố."})
				})
			}
			if !secret {
				return
			}
			ms := enter(reception.VisitDraft{SessionID: sessions[d].ID, Day: s.day(d), Name: "Đặng Thị Tố Giác (mẫu)", Address: "thôn Thuận Hòa, xã Đan Điền",
				Phone: "0912 000 204", People: 1, Kind: reception.Mixed,
				Content:  "Khiếu nại việc không được xét hộ cận nghèo năm nay.",
				Content2: "Tố cáo cán bộ thôn yêu cầu nộp tiền để được đưa vào danh sách hộ cận nghèo.",
				Request:  "Xem xét lại việc bình xét; xử lý người nhận tiền.", Done: "Tách thành hai nội dung; giữ bí mật người tố cáo."}, "mixed")
			if len(ms) == 2 {
				c, den := ms[0], ms[1]
				s.later(d+5, 14, 0, func() {
					answer(c, reception.Answer{Outcome: reception.Refused, Note: "Việc bình xét hộ cận nghèo do hội nghị thôn thực hiện và UBND xã công nhận; danh sách mới chưa ban hành nên chưa có quyết định để khiếu nại. Sau khi công bố, công dân có quyền khiếu nại."})
					answer(den, reception.Answer{Outcome: reception.Verify, Note: "UBND xã thụ lý, xác minh nội dung tố cáo; người tố cáo được giữ bí mật."})
				})
			}
		})
	}
	// An entry past its 10 working days, and one of three days ago: both waiting.
	s.later(-20, 10, 0, func() {
		enter(reception.VisitDraft{Day: s.day(-20), Name: "Lý Văn Chờ (mẫu)", Address: "thôn Đông Phước, xã Đan Điền",
			Phone: "0912 000 205", People: 2, Kind: reception.Proposal,
			Content: "Kiến nghị lắp đèn chiếu sáng đoạn đường từ chợ về trường tiểu học.", Request: "Lắp đèn trước Tết.", Done: "Tiếp thường xuyên; ghi nhận kiến nghị."}, "overdue")
	})
	s.later(-3, 9, 30, func() {
		enter(reception.VisitDraft{Day: s.day(-3), Name: "Mai Thị Đợi (mẫu)", Address: "thôn An Lỗ, xã Đan Điền", People: 1, Kind: reception.Proposal,
			Content: "Phản ánh xe chở cát chạy quá tốc độ qua khu dân cư thôn An Lỗ vào ban đêm.", Request: "Có biện pháp hạn chế.",
			Done: "Tiếp thường xuyên tại phòng tiếp công dân; ghi nhận."}, "walk-in")
	})
	// Bookings for the sessions ahead (the next one's citizens get a reminder the day before).
	for _, d := range chairDays {
		if d < 0 || d > 14 {
			continue
		}
		s.later(-1, 20, 0, func() {
			book(nil, d, "Huỳnh Văn Hẹn (mẫu)", "0912 000 206", "Đề nghị cấp lại giấy chứng nhận quyền sử dụng đất bị mất", 1)
			book(nil, d, "Cao Thị Lịch (mẫu)", "0912 000 207", "Hỏi chính sách hỗ trợ chuyển đổi cây trồng", 1)
		})
		break
	}
	s.meetings(xa, commune.ID)
}

// meetings: the commune's dialogue with the people, held with its questions
// and commitments (one answered, one still open); two villages' yearly
// conferences held, their households told 8 days before and their plans
// sent; the third village's conference planned ahead, so the commune's home
// shows it missing until then.
func (s *story) meetings(xa *auth.Actor, communeID int64) {
	village := func(i int) int64 { return s.unit(Villages[i].Code).ID }
	var dialogue reception.Meeting
	plan := func(d reception.MeetingDraft) reception.Meeting {
		if s.err != nil {
			return reception.Meeting{}
		}
		m, err := s.Receive.PlanMeeting(s.ctx, xa, communeID, d)
		s.fail("reception meeting plan", err)
		return m
	}
	held := func(m reception.Meeting, d reception.HeldDraft) reception.Meeting {
		if s.err != nil || m.ID == 0 {
			return m
		}
		d.Version = m.Version
		got, err := s.Receive.Held(s.ctx, xa, communeID, m.ID, d)
		s.fail("reception meeting held", err)
		return got
	}
	item := func(m reception.Meeting, d reception.ItemDraft) reception.Item {
		if s.err != nil || m.ID == 0 {
			return reception.Item{}
		}
		it, err := s.Receive.AddItem(s.ctx, xa, communeID, m.ID, d)
		s.fail("reception meeting item", err)
		return it
	}
	s.later(-34, 9, 0, func() {
		dialogue = plan(reception.MeetingDraft{Kind: reception.Dialogue, Day: s.day(-26), Starts: "08:00", Place: "Hội trường UBND xã Đan Điền",
			Topics: "UBND xã phối hợp Ủy ban MTTQ Việt Nam xã đối thoại với Nhân dân về:\n- Giải phóng mặt bằng đường liên thôn\n- Thu, chi các khoản đóng góp tự nguyện",
			Chair:  "Hoàng Văn Chủ (mẫu), Chủ tịch UBND xã", NoticedOn: s.day(-34), Channels: "loa truyền thanh xã, bảng tin các thôn, trang của xã"})
	})
	s.later(-26, 11, 30, func() {
		dialogue = held(dialogue, reception.HeldDraft{Convened: 150, Attended: 132,
			Result: "Nhân dân thống nhất phương án giải phóng mặt bằng; UBND xã công khai số tiền đóng góp đã thu, đã chi tại nhà văn hóa các thôn."})
		q := item(dialogue, reception.ItemDraft{Kind: reception.Question, Text: "Bao giờ chi trả tiền bồi thường cây trồng cho các hộ thôn Thuận Hòa?",
			Owner: "Chủ tịch UBND xã", Due: s.day(-12)})
		item(dialogue, reception.ItemDraft{Kind: reception.Commitment, Text: "Lắp đèn chiếu sáng đoạn đường từ chợ về trường tiểu học",
			Owner: "UBND xã, trưởng thôn Đông Phước", Due: s.day(20)})
		s.later(-14, 15, 0, func() {
			if s.err == nil && q.ID != 0 {
				s.fail("reception item done", s.Receive.DoneItem(s.ctx, xa, communeID, dialogue.ID, q.ID,
					"Đã chi trả cho 12 hộ ngày "+s.day(-14).VN()+"; công khai danh sách tại nhà văn hóa thôn."))
			}
		})
	})
	for i, d := range []int{-18, -16} {
		var m reception.Meeting
		s.later(d-8, 19, 0, func() {
			m = plan(reception.MeetingDraft{Kind: reception.Conference, UnitID: village(i), Day: s.day(d), Starts: "19:30",
				Place: "Nhà văn hóa " + Villages[i].Name, Topics: "Hội nghị định kỳ cuối năm: đánh giá việc thực hiện dân chủ ở cơ sở, bàn kế hoạch năm sau.",
				Chair: "Trưởng " + Villages[i].Name, NoticedOn: s.day(d - 8), Channels: "loa của thôn, nhóm Zalo thôn", PlanSent: reception.PlanRecipients})
		})
		s.later(d, 21, 30, func() {
			m = held(m, reception.HeldDraft{Convened: Villages[i].Households, Attended: Villages[i].Households * 4 / 5,
				HeadReport:  "Trưởng thôn báo cáo kết quả thực hiện dân chủ ở cơ sở, thu chi quỹ thôn năm nay.",
				FrontReport: "Ban công tác Mặt trận báo cáo việc vận động Nhân dân tham gia xây dựng nông thôn mới.",
				BoardReport: "Thành viên Ban Thanh tra nhân dân báo cáo kết quả giám sát việc làm đường bê tông.",
				Result:      "Hội nghị thống nhất kế hoạch năm sau; bầu bổ sung thành viên Ban công tác Mặt trận.", ResultSent: s.day(d)})
		})
	}
	s.later(-1, 17, 0, func() {
		plan(reception.MeetingDraft{Kind: reception.Conference, UnitID: village(2), Day: s.day(10), Starts: "19:30", Place: "Nhà văn hóa " + Villages[2].Name,
			Topics: "Hội nghị định kỳ cuối năm.", Chair: "Trưởng " + Villages[2].Name})
	})
}

// receptionScores are how the demo's visitors rate the officials who received
// them: attitude, timeliness, result.
var receptionScores = []survey.Scores{{5, 4, 4}, {4, 4, 3}, {5, 5, 4}, {3, 2, 3}, {4, 5, 4}, {5, 4, 5}}

// citizenAt is the demo's i-th citizen (nil before they signed in).
func (s *story) citizenAt(i int) *auth.Actor {
	if i < len(s.cits) {
		return s.cits[i]
	}
	return nil
}
