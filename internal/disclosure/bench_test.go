package disclosure_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"danchu/internal/db"
	"danchu/internal/disclosure"
	"danchu/internal/legal"
	"danchu/internal/loadtest"
	"danchu/internal/org"
)

// BenchmarkSearch: one search at a time over DANCHU_BENCH_SCALE generated
// disclosures (default 100,000; the target is p95 ≤ 20 ms over
// 1,000,000), on SQLite, with the ranking. Reports p50 and p95.
func BenchmarkSearch(b *testing.B) {
	scale := 100_000
	if v, err := strconv.Atoi(os.Getenv("DANCHU_BENCH_SCALE")); err == nil && v > 0 {
		scale = v
	}
	d := db.OpenTest(b, db.SQLite)
	ctx := context.Background()
	units := org.NewService(d)
	if _, err := units.ImportUnits(ctx, bytes.NewReader(org.OfficialList), nil); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := loadtest.GenerateDisclosures(ctx, d, units, scale, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d disclosures in %s", scale, time.Since(start).Round(time.Second))
	svc := disclosure.NewService(d, units, nil, nil, legal.Fixed{C: legal.NewCalendar()}, b.TempDir())
	var lat []time.Duration
	i := 0
	b.ResetTimer()
	for b.Loop() {
		q := loadtest.SearchWords[i%len(loadtest.SearchWords)]
		i++
		t := time.Now()
		hits, _, err := svc.Search(ctx, q, org.Unit{}, 20, 0)
		lat = append(lat, time.Since(t))
		if err != nil || len(hits) == 0 {
			b.Fatalf("search %q: %d hits, %v", q, len(hits), err)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(scale), "disclosures")
}
