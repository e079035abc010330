package indicator

import (
	"context"
	"database/sql"
	"fmt"

	"danchu/internal/db"
	"danchu/internal/legal"
)

// Fact is what a capability adds to an indicator's counters when something
// happens: to the unit's counters of the month of Day. Num and Den add (a
// ratio: +1 due, and +1 on time when it was); InBucket adds one to the
// histogram of a median indicator: the bucket Bucket gives, plus one (0:
// none).
type Fact struct {
	Code     string
	UnitID   int64
	Day      legal.Date
	Num, Den int64
	InBucket int
}

// One is 1 when b holds, else 0: a fact's numerator (on time, satisfied).
func One(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Month is the counters' key of day d.
func Month(d legal.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, d.Month) }

// Count adds facts to their counters in tx, the transaction of the facts
// themselves: a fact and its count are written together or not at all.
func Count(ctx context.Context, tx *sql.Tx, facts ...Fact) error {
	for _, f := range facts {
		m := Month(f.Day)
		if f.Num != 0 || f.Den != 0 {
			if _, err := tx.ExecContext(ctx, `insert into indicator_counts (code, unit_id, month, num, den) values ($1, $2, $3, $4, $5)
				on conflict (code, unit_id, month) do update set num = indicator_counts.num + excluded.num, den = indicator_counts.den + excluded.den`,
				f.Code, f.UnitID, m, f.Num, f.Den); err != nil {
				return fmt.Errorf("count %s: %w", f.Code, err)
			}
		}
		if f.InBucket > 0 {
			if _, err := tx.ExecContext(ctx, `insert into indicator_hist (code, unit_id, month, bucket, n) values ($1, $2, $3, $4, 1)
				on conflict (code, unit_id, month, bucket) do update set n = indicator_hist.n + 1`, f.Code, f.UnitID, m, f.InBucket-1); err != nil {
				return fmt.Errorf("count %s: %w", f.Code, err)
			}
		}
	}
	return nil
}

// Counted is an indicator's counters of a unit, summed over months.
type Counted struct {
	Code   string
	UnitID int64
	Value  Value
}

// Read sums the counters of the units under path (itself included) over
// the months of [from, to), per indicator and unit: as many rows as units
// with counts, whatever the number of facts.
func Read(ctx context.Context, q db.Querier, path string, from, to legal.Date) ([]Counted, error) {
	hi := path[:len(path)-1] + "0"
	cs, err := db.All(ctx, q, func(rows *sql.Rows) (Counted, error) {
		var c Counted
		return c, rows.Scan(&c.Code, &c.UnitID, &c.Value.Num, &c.Value.Den)
	}, `select c.code, c.unit_id, sum(c.num), sum(c.den) from indicator_counts c join units u on u.id = c.unit_id
		where u.path >= $1 and u.path < $2 and c.month >= $3 and c.month < $4 group by c.code, c.unit_id order by c.code, c.unit_id`,
		path, hi, Month(from), Month(to))
	if err != nil {
		return nil, err
	}
	type key struct {
		code string
		unit int64
	}
	at := map[key]int{}
	for i, c := range cs {
		at[key{c.Code, c.UnitID}] = i
	}
	type bucket struct {
		key
		bucket int
		n      int64
	}
	bs, err := db.All(ctx, q, func(rows *sql.Rows) (bucket, error) {
		var b bucket
		return b, rows.Scan(&b.code, &b.unit, &b.bucket, &b.n)
	}, `select h.code, h.unit_id, h.bucket, sum(h.n) from indicator_hist h join units u on u.id = h.unit_id
		where u.path >= $1 and u.path < $2 and h.month >= $3 and h.month < $4 group by h.code, h.unit_id, h.bucket`,
		path, hi, Month(from), Month(to))
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		i, ok := at[b.key]
		if !ok {
			i = len(cs)
			at[b.key] = i
			cs = append(cs, Counted{Code: b.code, UnitID: b.unit})
		}
		v := &cs[i].Value
		for len(v.Hist) <= b.bucket {
			v.Hist = append(v.Hist, 0)
		}
		v.Hist[b.bucket] += b.n
	}
	return cs, nil
}
