package feedback

import "danchu/internal/indicator"

// The indicators feedback counts as items arrive, are answered and rated
// (periodic reporting; Nghị định 20/2008 on feedback, LDC 2022 Art 35(2)(a)
// on satisfaction; the seeds' target: more than 80 % satisfied), per
// handling unit and month.
const (
	ReceivedIndicator  = "feedback.received"
	OnTimeIndicator    = "feedback.on_time"
	DaysIndicator      = "feedback.days"
	SatisfiedIndicator = "feedback.satisfied"
)

// DayBuckets are the histogram's bounds of the days an answer took.
var DayBuckets = []float64{1, 3, 5, 10, 15, 30}

// Indicators are feedback's entries of the catalogue.
func (s *Service) Indicators() []indicator.Indicator {
	return []indicator.Indicator{
		{Code: ReceivedIndicator, Name: "Phản ánh, kiến nghị tiếp nhận", Unit: "lượt", Agg: indicator.Sum, Source: indicator.Facts, Public: true},
		{Code: OnTimeIndicator, Name: "Phản ánh, kiến nghị được trả lời đúng hạn", Unit: "%", Agg: indicator.Ratio, Source: indicator.Facts, Public: true},
		{Code: DaysIndicator, Name: "Thời gian trả lời phản ánh (trung vị)", Unit: "ngày", Agg: indicator.Median, Buckets: DayBuckets,
			Source: indicator.Facts, Public: true},
		{Code: SatisfiedIndicator, Name: "Người gửi phản ánh hài lòng với kết quả", Unit: "%", Agg: indicator.Ratio, Source: indicator.Facts, Public: true,
			Target: &indicator.Target{Value: 80, Direction: indicator.Above}},
	}
}
