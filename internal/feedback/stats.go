package feedback

import (
	"context"
	"database/sql"
	"slices"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Routes returns the routing table (kept for 30 seconds; changes made here
// drop it at once).
func (s *Service) Routes(ctx context.Context) ([]Route, error) {
	if rs, ok := s.routes.Get(0); ok {
		return rs, nil
	}
	rs, err := s.routeTable(ctx)
	if err != nil {
		return nil, err
	}
	s.routes.Put(0, rs)
	return rs, nil
}

// SetRoute sends items of a category ("" for every category) from a unit and
// the units below it to another unit; to = 0 removes the line.
func (s *Service) SetRoute(ctx context.Context, a *auth.Actor, category string, from, to int64) error {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, from); err != nil {
		return err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return err
	}
	if _, ok, err := s.categoryOf(ctx, t, from, category); err != nil {
		return err
	} else if category != "" && !ok {
		return apperr.New(apperr.CodeInvalid, "feedback.err.category").Mark("category")
	}
	if to != 0 {
		if u, ok := t.Unit(to); !ok || !u.Current() || u.Type.Level() == org.VillageLevel || to == from {
			return apperr.New(apperr.CodeInvalid, "feedback.err.route_to").Mark("to")
		}
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := setRoute(ctx, tx, category, from, to, a.AccountID, s.db.NowMillis()); err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, a, auth.HandleFeedback, from, "feedback_route", category, nil, to)
	})
	s.routes.Forget(0)
	return err
}

// Stats are a unit's public statistics, read from kept counters.
type Stats struct {
	Counters
	Refused, Merged int
	MedianDays      int // -1 before the first answer
}

// Handled is how many items were answered, refused or merged into another.
func (st Stats) Handled() int { return st.Answered + st.Refused + st.Merged }

// OnTimePct is the share of answers given by the deadline.
func (st Stats) OnTimePct() int { return pct(st.OnTime, st.Answered) }

// SatisfiedPct is the share of ratings of 4 or 5 stars.
func (st Stats) SatisfiedPct() int { return pct(st.Satisfied, st.Rated) }

// HandledPct is the share of received items handled.
func (st Stats) HandledPct() int { return pct(st.Handled(), st.Received) }

func pct(n, of int) int {
	if of == 0 {
		return 0
	}
	return (n*100 + of/2) / of
}

// UnitStats returns the statistics of units (a map by unit; units without any
// item are absent) and of all of them together, whose median comes from the
// units' histograms added up (medians do not add).
func (s *Service) UnitStats(ctx context.Context, units []int64) (map[int64]Stats, Stats, error) {
	out := map[int64]Stats{}
	total := Stats{MedianDays: -1}
	all := map[int]int{} // days → answers, over every unit
	for start := 0; start < len(units); start += 500 {
		chunk := units[start:min(start+500, len(units))]
		got, err := s.counters(ctx, chunk)
		if err != nil {
			return nil, total, err
		}
		for id, st := range got {
			out[id] = st
			total.Received += st.Received
			total.Answered += st.Answered
			total.OnTime += st.OnTime
			total.Rated += st.Rated
			total.Satisfied += st.Satisfied
			total.Refused += st.Refused
			total.Merged += st.Merged
		}
		hist, err := s.answerDays(ctx, chunk)
		if err != nil {
			return nil, total, err
		}
		for id, h := range hist {
			for _, x := range h {
				all[x[0]] += x[1]
			}
			st := out[id]
			st.MedianDays = Median(h)
			out[id] = st
		}
	}
	merged := make([][2]int, 0, len(all))
	for d, n := range all {
		merged = append(merged, [2]int{d, n})
	}
	slices.SortFunc(merged, func(a, b [2]int) int { return a[0] - b[0] })
	total.MedianDays = Median(merged)
	return out, total, nil
}

// Median is the median of a histogram of (value, count) pairs sorted by value
// (the lower middle value for an even total); -1 when it is empty.
func Median(hist [][2]int) int {
	total := 0
	for _, h := range hist {
		total += h[1]
	}
	if total == 0 {
		return -1
	}
	mid, seen := (total+1)/2, 0
	for _, h := range hist {
		seen += h[1]
		if seen >= mid {
			return h[0]
		}
	}
	return hist[len(hist)-1][0]
}

// Spot is a hot spot: many items of one category from one place within a few days.
type Spot struct {
	UnitID   int64
	Category string
	N        int
}

// HotSpots returns the hot spots under a unit (a commune, a province or the
// whole country: 0) by the rule of its province (the default for the country),
// busiest first.
func (s *Service) HotSpots(ctx context.Context, under int64) ([]Spot, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	rule, err := s.settingsOf(ctx, provinceOf(t, under))
	if err != nil {
		return nil, err
	}
	from := legal.Today(s.db.Now()).AddDays(-(rule.Hot.Days - 1)).String()
	// The places under the unit, read by place (an index per place and day), so
	// a commune's dashboard never reads the whole country's arrivals.
	var places []int64
	if under != 0 {
		places = append(places, under)
		for _, u := range t.Descendants(under) {
			places = append(places, u.ID)
		}
	}
	out, err := s.arrivals(ctx, places, from, rule.Hot.N)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Spot) int { return b.N - a.N })
	return out, nil
}

// Stats returns a unit's counters (zero when it has none yet).
func (s *Service) Stats(ctx context.Context, unitID int64) (Stats, error) {
	m, _, err := s.UnitStats(ctx, []int64{unitID})
	if err != nil {
		return Stats{}, err
	}
	st, ok := m[unitID]
	if !ok {
		return Stats{MedianDays: -1}, nil
	}
	return st, nil
}
