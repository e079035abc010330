package office

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// UnitURL is the address of a unit's back-office page (page "" : the unit's
// overview), built by org.Unit.OfficeURL like every back-office link.
func UnitURL(u org.Unit, page string) string {
	if page == "" {
		page = OverviewPage
	}
	return u.OfficeURL(page)
}

// OverviewPage is the page of a unit that every official holding a role on it
// may read: a province's table of communes, a commune's figures and waiting work.
const OverviewPage = "tong-quan"

// Item is work of one kind waiting in one unit: how much, how much of it is
// late, and the earliest deadline. A capability reports its own items.
type Item struct {
	Kind     string      // message key of what it is, in the capability's locales
	UnitID   int64       // the unit whose list holds it
	Action   auth.Action // the action the work needs: without it the link only reads
	Page     string      // the unit's back-office page listing the items ("phan-anh")
	Count    int
	Overdue  int        // of Count, past their deadline
	Earliest legal.Date // the earliest deadline (zero: the work has none)
}

// Work is what a capability reports of the work waiting in units: one query
// for all of them, whatever their number. A unit's items are those of the list
// its back-office page shows (a village's matters, a commune's board, a unit's
// feedback queue).
type Work interface {
	Due(ctx context.Context, units []org.Unit) ([]Item, error)
}

// Column is one figure of a province's table of communes.
type Column struct {
	Key     string // the ?sort= value (a short slug) and the XLSX column's order
	Label   string // message key of the heading
	Percent bool   // shown as N/Of in per cent ("—" when Of is 0); otherwise N
}

// Figure is a column's value for one commune.
type Figure struct{ N, Of int }

// Figures is what a capability reports of how grassroots democracy is going in
// the communes of a province: one query for all of them. The figures of a
// commune come in the order of Columns; a commune without a row has none yet.
type Figures interface {
	Columns() []Column
	Figures(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, p Period) (map[int64][]Figure, error)
}

// Period is what the figures count over: the quarter [From, To) holding Today.
type Period struct{ Today, From, To legal.Date }

// PeriodOf is the period of day today: its calendar quarter.
func PeriodOf(today legal.Date) Period {
	from, to := Quarter(today)
	return Period{today, from, to}
}

// Room is a capability as the back office sees it, with its clock.
type Room interface {
	Work
	Figures
	Now() time.Time
}

// Quarter is the calendar quarter holding day d: [from, to).
func Quarter(d legal.Date) (from, to legal.Date) {
	first := time.Month((int(d.Month)-1)/3*3 + 1)
	return legal.DateOf(d.Year, first, 1), legal.DateOf(d.Year, first+3, 1)
}

// workLine is an item as the home and the overview show it.
type workLine struct {
	Item
	Unit     org.Unit
	Link     string
	ReadOnly bool // the viewer lacks the action: the link goes to the unit's overview
	Due      string
	Late     bool
}

// work gathers the items of every room for units and decides each one's link
// with the actor's grants: the list where the actor may act, else the unit's
// overview. The earliest deadline comes first; work without one comes last.
func (h *handlers) work(ctx context.Context, t *org.Tree, a *auth.Actor, units []org.Unit) ([]workLine, error) {
	var out []workLine
	if len(units) == 0 {
		return nil, nil
	}
	for _, room := range h.rooms {
		items, err := room.Due(ctx, units)
		if err != nil {
			return nil, fmt.Errorf("work: %w", err)
		}
		for _, it := range items {
			if it.Count == 0 {
				continue
			}
			u, ok := t.Unit(it.UnitID)
			if !ok {
				continue
			}
			l := workLine{Item: it, Unit: u, Late: it.Overdue > 0}
			if !it.Earliest.IsZero() {
				l.Due = it.Earliest.VN()
			}
			if d, _ := auth.Decide(t, a.Grants, it.Action, u.ID); d == auth.Allowed {
				l.Link = UnitURL(u, it.Page)
			} else {
				l.Link, l.ReadOnly = UnitURL(u, OverviewPage), true
			}
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(x, y workLine) int {
		switch xz, yz := x.Earliest.IsZero(), y.Earliest.IsZero(); {
		case xz != yz:
			if xz {
				return 1
			}
			return -1
		case !xz:
			if c := cmp.Compare(x.Earliest.JDN(), y.Earliest.JDN()); c != 0 {
				return c
			}
		}
		return cmp.Compare(y.Overdue, x.Overdue)
	})
	return out, nil
}

// grantUnits are the units of the actor's roles, each once (a role on the
// whole country has no list of its own to look at).
func grantUnits(t *org.Tree, a *auth.Actor) []org.Unit {
	var out []org.Unit
	seen := map[int64]bool{}
	for _, g := range a.Grants {
		if g.UnitID == 0 || seen[g.UnitID] {
			continue
		}
		seen[g.UnitID] = true
		if u, ok := t.Unit(g.UnitID); ok && u.Current() {
			out = append(out, u)
		}
	}
	return out
}
