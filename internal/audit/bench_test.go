package audit_test

import (
	"context"
	"encoding/json"
	"testing"

	"danchu/internal/audit"
	"danchu/internal/db"
)

// BenchmarkAppend: one public-record entry per transaction, as an act that stands
// alone appends it. Target ≥ 5,000 appends/s on SQLite (issue 3).
func BenchmarkAppend(b *testing.B) {
	db.EachB(b, func(b *testing.B, d *db.DB) {
		s := audit.NewService(d)
		ctx := context.Background()
		data, _ := json.Marshal(map[string]any{"title": "Công khai dự toán ngân sách xã năm 2026", "category": 1})
		for b.Loop() {
			if _, err := s.AppendOne(ctx, audit.Record{UnitID: 0, Kind: "disclosure.posted", ObjectType: "disclosure",
				ObjectID: "123456789", Summary: "Đăng công khai dự toán ngân sách", Data: data}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
	})
}
