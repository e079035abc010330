package demo

import (
	"bytes"
	"sort"
	"time"

	"danchu/internal/auth"
	"danchu/internal/casework"
	"danchu/internal/db"
	"danchu/internal/feedback"
	"danchu/internal/files"
	"danchu/internal/legal"
)

// event is a step of a story of its own, run when the script's clock passes it.
type event struct {
	at time.Time
	do func()
}

// later schedules do at hh:mm of the day `day` days from today.
func (s *story) later(day, hh, mm int, do func()) {
	t := s.clk.midnight.AddDate(0, 0, day).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	s.pending = append(s.pending, event{at: t, do: do})
	sort.SliceStable(s.pending, func(i, j int) bool { return s.pending[i].at.Before(s.pending[j].at) })
}

// runLater runs the scheduled events up to t, the clock at each one's time.
func (s *story) runLater(t time.Time) {
	for len(s.pending) > 0 && !s.pending[0].at.After(t) && s.err == nil {
		e := s.pending[0]
		s.pending = s.pending[1:]
		s.clk.mu.Lock()
		if e.at.After(s.clk.cur) {
			s.clk.cur = e.at
		}
		s.clk.mu.Unlock()
		e.do()
	}
}

// day is the date `day` days from today.
func (s *story) day(day int) legal.Date { return legal.Today(s.clk.midnight.AddDate(0, 0, day)) }

// cases schedules two months of Đan Điền's complaints and denunciations, each
// through the casework service as its officials and citizens would: a
// denunciation lodged on the web with an attachment, redacted, accepted,
// read in the vault with a reason, extended, concluded and published; a
// complaint by post decided at first instance and again, after a dialogue, by
// the province, whose decision is published; a feedback item converted into
// a denunciation still being resolved; an anonymous letter kept as
// information and checked; a complaint out of time refused by the rule; a
// complaint lodged three days ago, waiting to be accepted.
func (s *story) cases() {
	if s.Cases == nil || !s.Cases.Enabled() || s.err != nil {
		return
	}
	xa, tinh, thanhtra := s.who["xa@danchu.demo"], s.who["tinh@danchu.demo"], s.who["thanhtra@danchu.demo"]
	commune, province := s.unit(CommuneCode), s.unit(ProvinceCode)
	if s.err != nil {
		return
	}
	var d1, c1, c2, f1 casework.Case
	var fbCode string
	step := func(a *auth.Actor, c *casework.Case, d casework.StepDraft) {
		if s.err != nil {
			return
		}
		x, err := s.Cases.Act(s.ctx, a, c.ID, d)
		s.fail("case "+c.Code+" "+d.Step, err)
		*c = x
	}
	confirm := func(a *auth.Actor, c *casework.Case, marks string) {
		if s.err != nil {
			return
		}
		// The receiving official holds the case's vault: they read the
		// original to mark what the working copy hides.
		s.fail("vault grant on "+c.Code, s.Cases.GrantVault(s.ctx, a, c.ID, a.AccountID))
		if s.err != nil {
			return
		}
		x, err := s.Cases.ConfirmWorkingCopy(s.ctx, a, c.ID, casework.Redaction{Marks: marks})
		s.fail("working copy of "+c.Code, err)
		*c = x
	}
	enter := func(a *auth.Actor, d casework.Draft, what string) casework.Case {
		if s.err != nil {
			return casework.Case{}
		}
		c, err := s.Cases.Enter(s.ctx, a, d, nil, db.Idem{})
		s.fail("enter case "+what, err)
		return c
	}

	// A denunciation lodged on the web, with the list of households who paid.
	s.later(-50, 9, 15, func() {
		who := s.cits[2]
		var err error
		d1, err = s.Cases.Lodge(s.ctx, who, casework.Draft{Kind: casework.Denunciation, UnitID: commune.ID, Field: "Tài chính, ngân sách", People: 1,
			Subject: "Tố cáo việc thu tiền đóng góp làm đường bê tông không có biên lai",
			Body: "Tôi là " + who.Name + ", thôn Đông Phước. Từ tháng trước, người được giao thu tiền đóng góp làm đường bê tông của thôn thu của mỗi hộ 500.000 đồng nhưng không lập biên lai. " +
				"Bà Nguyễn Thị Chứng (mẫu), hàng xóm của tôi, cũng đã nộp tiền và chứng kiến việc này. Đề nghị UBND xã xác minh, làm rõ số tiền đã thu.",
			Identity: casework.Identity{Name: who.Name, Address: "thôn Đông Phước, xã Đan Điền", Phone: "0912 000 103"}},
			[]files.Upload{{Name: "danh-sach-ho-nop-tien.pdf", R: bytes.NewReader(pdf("Danh sach ho da nop tien lam duong thon Dong Phuoc"))}}, db.Idem{})
		s.fail("lodge denunciation", err)
	})
	s.later(-49, 8, 30, func() { confirm(xa, &d1, "Nguyễn Thị Chứng (mẫu)") })
	s.later(-49, 9, 0, func() { s.fail("verifier", s.Cases.AddVerifier(s.ctx, xa, d1.ID, thanhtra.AccountID)) })
	s.later(-48, 8, 0, func() { step(xa, &d1, casework.StepDraft{Step: casework.DoAccept, Number: "01/TB-UBND"}) })
	s.later(-45, 10, 0, func() {
		if s.err == nil {
			_, err := s.Cases.ReadVault(s.ctx, xa, d1.ID, "Mời người tố cáo đến làm việc, cung cấp thêm chứng cứ")
			s.fail("vault read", err)
		}
	})
	s.later(-20, 9, 0, func() {
		step(xa, &d1, casework.StepDraft{Step: casework.DoExtend, Number: "02/QĐ-UBND", Reason: "Vụ việc phức tạp: cần xác minh tại 42 hộ đã nộp tiền."})
	})
	s.later(-6, 9, 0, func() { step(xa, &d1, casework.StepDraft{Step: casework.DoConclude, Number: "03/KL-UBND"}) })
	s.later(-5, 10, 0, func() {
		step(xa, &d1, casework.StepDraft{Step: casework.DoPublish, Reason: "Nội dung tố cáo đúng một phần. Việc đóng góp làm đường bê tông thôn Đông Phước " +
			"do Nhân dân bàn và quyết định, nhưng người được giao thu tiền không lập biên lai cho 42 hộ. UBND xã yêu cầu lập lại biên lai, công khai số tiền " +
			"đã thu, đã chi tại nhà văn hóa thôn và kiểm điểm người có trách nhiệm."})
	})

	// A complaint by post, decided at first instance, then by the province.
	s.later(-40, 8, 30, func() {
		c1 = enter(xa, casework.Draft{Kind: casework.Complaint, UnitID: commune.ID, Channel: casework.ByPost, Received: s.day(-40), KnownOn: s.day(-52),
			Field: "Đất đai", People: 1, Subject: "Khiếu nại quyết định thu hồi đất làm đường liên thôn",
			Body:     "Ông Phan Văn Khiếu (mẫu) khiếu nại Quyết định thu hồi 120 m² đất vườn để mở rộng đường liên thôn: diện tích thu hồi đo chưa đúng, mức bồi thường cây trồng thấp hơn giá quy định.",
			Identity: casework.Identity{Name: "Phan Văn Khiếu (mẫu)", Address: "thôn Thuận Hòa, xã Đan Điền"}}, "complaint by post")
	})
	s.later(-39, 8, 0, func() { confirm(xa, &c1, "") })
	s.later(-38, 8, 0, func() { step(xa, &c1, casework.StepDraft{Step: casework.DoAccept, Number: "05/TB-UBND"}) })
	s.later(-36, 9, 0, func() {
		step(xa, &c1, casework.StepDraft{Step: casework.DoNotice, Planned: s.day(-30), Reason: "Tại trụ sở UBND xã, 14 giờ; mời người khiếu nại và cán bộ địa chính."})
	})
	s.later(-30, 14, 0, func() {
		step(xa, &c1, casework.StepDraft{Step: casework.DoDialogue, Reason: "Đối thoại tại trụ sở UBND xã với người khiếu nại và cán bộ địa chính."})
	})
	s.later(-25, 9, 0, func() { step(xa, &c1, casework.StepDraft{Step: casework.DoDecide, Number: "07/QĐ-UBND"}) })
	s.later(-24, 8, 0, func() { step(xa, &c1, casework.StepDraft{Step: casework.DoSend}) })
	s.later(-15, 9, 0, func() {
		c2 = enter(tinh, casework.Draft{Kind: casework.Complaint, UnitID: province.ID, Channel: casework.ByPost, Received: s.day(-15), KnownOn: s.day(-24),
			FirstCode: c1.Code, Field: "Đất đai", People: 1, Subject: "Khiếu nại lần hai quyết định giải quyết khiếu nại về thu hồi đất",
			Body:     "Ông Phan Văn Khiếu (mẫu) không đồng ý với Quyết định giải quyết khiếu nại lần đầu của Chủ tịch UBND xã Đan Điền về diện tích đất thu hồi.",
			Identity: casework.Identity{Name: "Phan Văn Khiếu (mẫu)", Address: "thôn Thuận Hòa, xã Đan Điền"}}, "second complaint")
	})
	s.later(-14, 8, 0, func() { confirm(tinh, &c2, "") })
	s.later(-13, 8, 0, func() { step(tinh, &c2, casework.StepDraft{Step: casework.DoAccept, Number: "12/TB-UBND"}) })
	s.later(-13, 9, 0, func() {
		step(tinh, &c2, casework.StepDraft{Step: casework.DoNotice, Planned: s.day(-8), Reason: "Tại Văn phòng UBND thành phố, 9 giờ."})
	})
	s.later(-8, 9, 0, func() {
		step(tinh, &c2, casework.StepDraft{Step: casework.DoDialogue, Reason: "Đối thoại tại Văn phòng UBND thành phố, có đại diện UBND xã Đan Điền."})
	})
	s.later(-4, 9, 0, func() { step(tinh, &c2, casework.StepDraft{Step: casework.DoDecide, Number: "15/QĐ-UBND"}) })
	s.later(-3, 9, 0, func() { step(tinh, &c2, casework.StepDraft{Step: casework.DoSend}) })
	s.later(-2, 9, 0, func() {
		step(tinh, &c2, casework.StepDraft{Step: casework.DoPublish, Reason: "Công nhận một phần nội dung khiếu nại: đo đạc lại cho thấy diện tích thu hồi là 104 m². " +
			"UBND xã Đan Điền điều chỉnh quyết định thu hồi đất và bồi thường cây trồng theo đơn giá hiện hành của tỉnh."})
	})

	// A feedback item that is really a denunciation, converted by its handler.
	s.later(-33, 10, 0, func() {
		fbCode = s.report(s.cits[4], feedback.Feedback, "moi-truong", s.unit(CommuneCode+"-01"),
			"Cán bộ địa chính xã yêu cầu tôi nộp thêm 2 triệu đồng \"tiền đo đạc nhanh\" mới làm hồ sơ cấp giấy chứng nhận quyền sử dụng đất.", "")
	})
	s.later(-32, 9, 0, func() {
		if s.err != nil {
			return
		}
		it, err := s.Feedback.ByCode(s.ctx, xa, fbCode)
		if s.fail("feedback to convert", err); s.err != nil {
			return
		}
		f1 = enter(xa, casework.Draft{FeedbackID: it.ID, Kind: casework.Denunciation, UnitID: commune.ID, Field: "Tổ chức, cán bộ", People: 1,
			Subject: "Tố cáo cán bộ địa chính yêu cầu nộp tiền ngoài quy định", Body: it.Description,
			Identity: casework.Identity{Name: s.cits[4].Name, Address: "thôn Đông Phước, xã Đan Điền", Email: s.cits[4].Email}}, "converted feedback")
	})
	s.later(-31, 8, 0, func() { confirm(xa, &f1, "") })
	s.later(-30, 8, 30, func() { step(xa, &f1, casework.StepDraft{Step: casework.DoAccept, Number: "04/TB-UBND"}) })

	// An anonymous letter: information, checked (Luật Tố cáo Art 25).
	var i1 casework.Case
	s.later(-26, 10, 0, func() {
		i1 = enter(xa, casework.Draft{Kind: casework.Information, Anonymous: true, UnitID: commune.ID, Channel: casework.ByPost, Received: s.day(-26),
			Field: "Môi trường", Subject: "Thư không ký tên về khai thác cát trái phép ở bến đò Thuận Hòa",
			Body: "Thư không ký tên cho biết hằng đêm có thuyền hút cát ở bến đò Thuận Hòa, từ 22 giờ đến 3 giờ sáng."}, "anonymous letter")
	})
	s.later(-25, 8, 0, func() { confirm(xa, &i1, "") })
	s.later(-22, 9, 0, func() {
		step(xa, &i1, casework.StepDraft{Step: casework.DoCheck, Reason: "Công an xã kiểm tra hai đêm, lập biên bản một thuyền hút cát không phép."})
	})

	// A complaint out of time: refused by the rule, which the case cites.
	s.later(-18, 9, 0, func() {
		enter(xa, casework.Draft{Kind: casework.Complaint, UnitID: commune.ID, Channel: casework.ByDesk, Received: s.day(-18), KnownOn: s.day(-200),
			Field: "Chính sách, chế độ", People: 1, Subject: "Khiếu nại việc không được xét hỗ trợ hộ cận nghèo năm trước",
			Body:     "Bà Lê Thị Trễ Hạn (mẫu) khiếu nại việc không có tên trong danh sách hộ cận nghèo được hỗ trợ.",
			Identity: casework.Identity{Name: "Lê Thị Trễ Hạn (mẫu)", Address: "thôn Nam Thanh, xã Đan Điền"}}, "out of time")
	})

	// A complaint lodged three days ago, waiting to be accepted.
	s.later(-3, 20, 0, func() {
		who := s.cits[6]
		_, err := s.Cases.Lodge(s.ctx, who, casework.Draft{Kind: casework.Complaint, UnitID: commune.ID, KnownOn: s.day(-10), Field: "Nhà ở, xây dựng", People: 1,
			Subject:  "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng",
			Body:     "Tôi khiếu nại quyết định xử phạt 15 triệu đồng vì xây tường rào: tường xây trên đất của gia đình, đã có giấy phép.",
			Identity: casework.Identity{Name: who.Name, Address: "thôn Đông Phước, xã Đan Điền", Phone: "0912 000 107"}}, nil, db.Idem{})
		s.fail("lodge complaint", err)
	})
}
