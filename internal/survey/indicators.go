package survey

import "danchu/internal/indicator"

// SatisfiedIndicator is the share of the answers to surveys' satisfaction
// questions that are 4 or 5 (LDC 2022 Art 35(2)(a); the seeds' target: more
// than 80 % of the people satisfied), counted as answers arrive, in the
// survey's unit. The ratings after an interaction are not an indicator: their
// figures are published only per closed quarter (see rating.go).
const SatisfiedIndicator = "survey.satisfied"

// Indicators are the surveys' entries of the catalogue.
func (s *Service) Indicators() []indicator.Indicator {
	return []indicator.Indicator{
		{Code: SatisfiedIndicator, Name: "Người dân hài lòng (khảo sát)", Unit: "%", Agg: indicator.Ratio, Source: indicator.Facts, Public: true,
			Target: &indicator.Target{Value: 80, Direction: indicator.Above}},
	}
}
