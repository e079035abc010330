package casework

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/code"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// benchCases is how many cases the province of BenchmarkCaseList holds.
const benchCases = 100_000

// BenchmarkCaseList: the case list of a province with 100,000 cases spread
// over its communes (the target: p95 ≤ 50 ms), on both engines; the
// other provinces of the official list have none. What is timed is
// Store.list, the query Service.List runs once its guard has passed:
//
//   - province: the first page of the province's subtree, newest first
//     (Filter{Path, Limit: 50});
//   - province-due: the open cases whose clock ends within a week, by due day,
//     as the handler's page asks for them (today + 7, 200 rows);
//   - commune and commune-due: the same two lists for one commune (about a
//     hundredth of the cases), the baseline measured in the same run;
//   - on PostgreSQL, province-due-before-vacuum: the due list before the
//     table's first vacuum (statistics, but no visibility map yet).
//
// One op is a round of listRounds lists (after a few to warm the caches), so
// that -benchtime 1x gives a p95 of listRounds samples; ns/op is the round.
func BenchmarkCaseList(b *testing.B) {
	db.EachB(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		units := org.NewService(d)
		if _, err := units.ImportUnits(ctx, bytes.NewReader(org.OfficialList), nil); err != nil {
			b.Fatal(err)
		}
		var provinceID int64
		var provincePath string
		if err := d.QueryRowContext(ctx, "select id, path from units where parent_id is null and valid_to is null order by id limit 1").
			Scan(&provinceID, &provincePath); err != nil {
			b.Fatal("no province: ", err)
		}
		communes, err := db.Int64s(ctx, d, "select id from units where path > $1 and path < $2 and valid_to is null order by id",
			provincePath, provincePath[:len(provincePath)-1]+"0")
		if err != nil || len(communes) < 2 {
			b.Fatalf("%d units under the province, %v", len(communes), err)
		}
		var communePath string
		if err := d.QueryRowContext(ctx, "select path from units where id = $1", communes[0]).Scan(&communePath); err != nil {
			b.Fatal(err)
		}
		today := legal.DateOf(2026, 6, 30)
		start := time.Now()
		if err := insertBenchCases(ctx, d, provinceID, communes, today); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d cases over %d communes inserted in %s", d.Dialect, benchCases, len(communes), time.Since(start).Round(time.Millisecond))
		s := NewStore(d)
		due := today.AddDays(7)
		lists := []benchList{
			{"province", Filter{Path: provincePath, Limit: 50}},
			{"province-due", Filter{Path: provincePath, DueBy: due, Limit: 200}},
			{"commune", Filter{Path: communePath, Limit: 50}},
			{"commune-due", Filter{Path: communePath, DueBy: due, Limit: 200}},
		}
		if d.Dialect == db.Postgres {
			// What autovacuum does in the minute after a bulk load (insert
			// thresholds, PostgreSQL 13 on): the planner's statistics and the
			// visibility map of the new rows. The due list is first timed
			// with the statistics only, as in the minute before.
			if err := d.RunInTx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, "analyze cases"); return err }); err != nil {
				b.Fatal(err)
			}
			benchLists(b, s, []benchList{{"province-due-before-vacuum", lists[1].f}})
			if _, err := d.Raw().ExecContext(ctx, "vacuum analyze cases"); err != nil {
				b.Fatal(err)
			}
		}
		// SQLite gathers no statistics unless told, and nothing in danchu
		// tells it for cases: it plans without them.
		benchLists(b, s, lists)
	})
}

type benchList struct {
	name string
	f    Filter
}

// benchLists times each list as a sub-benchmark.
func benchLists(b *testing.B, s *Store, lists []benchList) {
	ctx := context.Background()
	for _, l := range lists {
		b.Run(l.name, func(b *testing.B) {
			var rows int
			list := func() time.Duration {
				start := time.Now()
				cs, err := s.list(ctx, l.f)
				took := time.Since(start)
				if err != nil || len(cs) == 0 {
					b.Fatalf("%s: %d cases, %v", l.name, len(cs), err)
				}
				rows = len(cs)
				return took
			}
			for range listWarm {
				list()
			}
			var lat []time.Duration
			for b.Loop() {
				for range listRounds {
					lat = append(lat, list())
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

const (
	listWarm   = 5
	listRounds = 200
)

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// insertBenchCases writes benchCases cases of the province: a twentieth at
// the province itself, the rest spread over its communes; complaints and
// denunciations (a few anonymous information), received over the two years
// before today; most of the last three months' still open with their running
// clock's last day, the older ones mostly settled. Bodies are a few hundred
// to a few thousand bytes, as a letter is.
func insertBenchCases(ctx context.Context, d *db.DB, province int64, communes []int64, today legal.Date) error {
	r := rand.New(rand.NewPCG(2026, 100_000))
	sentence := "Đề nghị xem xét việc cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình tại thôn, xã theo đúng quy định của pháp luật. "
	codes := make(map[string]bool, benchCases)
	const perTx = 10_000
	for done := 0; done < benchCases; done += perTx {
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			for i := done; i < done+perTx && i < benchCases; i++ {
				c := benchCase(r, d, today, sentence)
				for c.Code == "" || codes[c.Code] {
					c.Code = code.New(Prefix(c.Kind))
				}
				codes[c.Code] = true
				c.UnitID = communes[r.IntN(len(communes))]
				if r.IntN(20) == 0 {
					c.UnitID = province
				}
				c.Subject = fmt.Sprintf("Đơn %s số %d về %s", KindLabel(c.Kind), i+1, strings.ToLower(c.Field))
				if err := insertCase(ctx, tx, c, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// benchCase is a case with its kind, status, dates and clock drawn from r (no
// unit, code or subject yet).
func benchCase(r *rand.Rand, d *db.DB, today legal.Date, sentence string) Case {
	age := r.IntN(730)
	received := today.AddDays(-age)
	c := Case{ID: d.NewID(), Kind: Complaint, Instance: 1, Channel: []string{ByWeb, ByPost, ByDesk, ByForwarded}[r.IntN(4)],
		Field: Fields[r.IntN(len(Fields))], People: 1 + r.IntN(3), Received: received, KnownOn: received.AddDays(-r.IntN(60)),
		Version: 1, CreatedAt: d.NowMillis()}
	switch k := r.IntN(20); {
	case k < 9:
	case k < 19:
		c.Kind, c.Instance = Denunciation, 0
	default:
		c.Kind, c.Instance = Information, 0
	}
	if c.Kind == Complaint && r.IntN(10) == 0 {
		c.People = 5 + r.IntN(30)
	}
	c.Body = strings.Repeat(sentence, 2+r.IntN(20))
	c.UpdatedAt = c.CreatedAt
	c.Redacted = age > 3
	open := age < 90 && r.IntN(5) < 4 || r.IntN(20) == 0
	accepted := received.AddDays(1 + r.IntN(10))
	switch {
	case c.Kind == Information:
		c.Status = []string{Checked, Archived}[r.IntN(2)]
		if open {
			c.Status, c.Clock, c.Due = Received, "", legal.Date{}
		}
	case !open:
		c.AcceptedOn, c.DecidedOn = accepted, accepted.AddDays(20+r.IntN(40))
		switch k := r.IntN(10); {
		case k < 6 && c.Kind == Complaint:
			c.Status = Sent
		case k < 6:
			c.Status = Published
		case k < 8:
			c.Status, c.AcceptedOn, c.DecidedOn = Refused, legal.Date{}, legal.Date{}
		case k < 9:
			c.Status, c.AcceptedOn, c.DecidedOn = Withdrawn, legal.Date{}, legal.Date{}
		default:
			c.Status, c.AcceptedOn, c.DecidedOn = Transferred, legal.Date{}, legal.Date{}
		}
		c.Late = r.IntN(10) == 0
	default:
		switch k := r.IntN(10); {
		case k < 3 || age < 10:
			c.Status, c.Clock, c.Due = Received, c.Kind+".accept", received.AddDays(10)
		case k < 8:
			c.Status, c.AcceptedOn = Accepted, accepted
			c.Clock, c.Due = "complaint.first", accepted.AddDays(30+r.IntN(15))
			if c.Kind == Denunciation {
				c.Clock, c.Due = "denunciation.resolve", accepted.AddDays(60+r.IntN(30))
			}
		case k < 9:
			c.Status, c.AcceptedOn, c.PausedOn = Suspended, accepted, accepted.AddDays(5)
		default:
			c.AcceptedOn, c.DecidedOn = accepted, accepted.AddDays(20+r.IntN(20))
			c.Status, c.Clock, c.Due = Decided, "complaint.send", c.DecidedOn.AddDays(3)
			if c.Kind == Denunciation {
				c.Status, c.Clock, c.Due = Concluded, "denunciation.publish", c.DecidedOn.AddDays(7)
			}
		}
	}
	return c
}
