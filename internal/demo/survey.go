package demo

import (
	"danchu/internal/db"
	"danchu/internal/survey"
)

// surveys runs Đan Điền's satisfaction survey of the year (LDC Art 35): the
// commune builds it, opens it for a month, and ten households'
// representatives answer over three weeks; it is still open, so that a
// visitor can answer as a demo citizen of the commune (congdan11, of Quảng
// Điền, is refused: not a household of Đan Điền).
func (s *story) surveys() {
	if s.Surveys == nil || s.err != nil {
		return
	}
	xa := s.who["xa@danchu.demo"]
	commune := s.unit(CommuneCode)
	if s.err != nil {
		return
	}
	var x survey.Survey
	s.later(-24, 10, 0, func() {
		if s.err != nil {
			return
		}
		qs, err := survey.ParseQuestions(survey.Example)
		s.fail("survey questions", err)
		if s.err != nil {
			return
		}
		x, err = s.Surveys.Create(s.ctx, xa, commune.ID, survey.DraftSurvey{Title: s.t("Khảo sát sự hài lòng của Nhân dân đối với cán bộ UBND xã năm {Y}"),
			Intro:    "UBND xã Đan Điền lấy ý kiến Nhân dân về thái độ, tinh thần phục vụ của cán bộ, công chức xã (Luật Thực hiện dân chủ ở cơ sở 2022 Điều 35).",
			Audience: survey.Households, OpensOn: s.day(-23), ClosesOn: s.day(7), Questions: qs}, db.Idem{})
		s.fail("survey", err)
		if s.err == nil {
			s.fail("open the survey", s.Surveys.SetStatus(s.ctx, xa, commune.ID, x.ID, survey.Open))
		}
	})
	answers := []survey.Answer{
		{Choices: map[int][]int{1: {4}, 2: {1}, 3: {0}}, Texts: map[int]string{4: "Cán bộ một cửa hướng dẫn tận tình."}},
		{Choices: map[int][]int{1: {3}, 2: {1}, 3: {1}}},
		{Choices: map[int][]int{1: {3}, 2: {2}, 3: {0, 2}}},
		{Choices: map[int][]int{1: {1}, 2: {2}, 3: {0}}, Texts: map[int]string{4: "Phải chờ lâu khi làm giấy tờ đất."}},
		{Choices: map[int][]int{1: {4}, 2: {0}}},
		{Choices: map[int][]int{1: {3}, 2: {1}, 3: {1}}},
		{Choices: map[int][]int{1: {2}, 2: {1}, 3: {2}}},
		{Choices: map[int][]int{1: {4}, 2: {1}}},
		{Choices: map[int][]int{1: {3}, 2: {2}, 3: {0}}},
	}
	for i, a := range answers {
		s.later(-22+2*i, 19, 30, func() {
			if s.err != nil || x.ID == 0 || i >= len(s.cits) {
				return
			}
			if a.Texts == nil {
				a.Texts = map[int]string{}
			}
			s.fail("survey answer", s.Surveys.Respond(s.ctx, s.cits[i], x.ID, a))
		})
	}
}
