package reception

import "danchu/internal/indicator"

// HeldIndicator is the share of the scheduled reception sessions that were
// held (Luật Tiếp công dân 2013 Arts 12, 15: the chair's periodic reception;
// the seeds' "reception-schedule compliance"), counted when a session is
// closed, in the month of its day.
const HeldIndicator = "reception.sessions_held"

// Indicators are reception's entries of the catalogue.
func (s *Service) Indicators() []indicator.Indicator {
	return []indicator.Indicator{
		{Code: HeldIndicator, Name: "Buổi tiếp công dân theo lịch được tổ chức", Unit: "%", Agg: indicator.Ratio, Source: indicator.Facts, Public: true,
			Target: &indicator.Target{Value: 100, Direction: indicator.AtLeast}},
	}
}
