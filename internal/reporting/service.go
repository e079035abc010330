package reporting

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/indicator"
	"danchu/internal/org"
)

// Provider is a capability's entries of the indicator catalogue: each
// capability declares its own and counts them as facts happen (app wires
// every one; a capability built later adds its indicators without touching
// this room).
type Provider interface {
	Indicators() []indicator.Indicator
}

// Service is periodic reporting.
type Service struct {
	db        *db.DB
	units     *org.Service
	providers []Provider
}

// NewService returns the service over the capabilities' providers.
func NewService(d *db.DB, units *org.Service, providers ...Provider) *Service {
	return &Service{db: d, units: units, providers: providers}
}

// Catalogue is every capability's indicators, by code. Two capabilities
// declaring one code is a wiring mistake, refused.
func (s *Service) Catalogue() ([]indicator.Indicator, error) {
	var out []indicator.Indicator
	seen := map[string]bool{}
	for _, p := range s.providers {
		for _, ind := range p.Indicators() {
			if seen[ind.Code] {
				return nil, fmt.Errorf("indicator %s declared twice", ind.Code)
			}
			seen[ind.Code] = true
			out = append(out, ind)
		}
	}
	slices.SortFunc(out, func(a, b indicator.Indicator) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// Line is an indicator's figure for a unit and a period, rolled up from the
// unit's subtree.
type Line struct {
	Indicator indicator.Indicator
	Value     indicator.Value
	Figure    float64
	Has       bool // there is a figure (a ratio with nothing due has none)
	Reached   bool // the figure reaches the indicator's target (when it has one)
	Reporting int  // the communes whose counters it adds
}

// FromFacts is every indicator of the catalogue for unit u (a province or a
// commune) over period p, computed from the counters the capabilities kept:
// a village's count is its commune's; a province adds its communes by each
// indicator's rule, and its own bodies' counts (its departments, the
// province itself) to the sums, ratios and medians.
func (s *Service) FromFacts(ctx context.Context, u org.Unit, p Period) ([]Line, error) {
	if !u.Current() || !u.Territory() {
		return nil, apperr.New(apperr.CodeNotFound, "reporting.err.unit")
	}
	cat, err := s.Catalogue()
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	counted, err := indicator.Read(ctx, s.db, u.Path, p.From, p.To)
	if err != nil {
		return nil, err
	}
	// The communes under u (u itself when it is one), each a reporting unit.
	var communes []org.Unit
	if u.Type.Level() == org.CommuneLevel {
		communes = []org.Unit{u}
	} else {
		for _, c := range t.Descendants(u.ID) {
			if c.Type.Level() == org.CommuneLevel {
				communes = append(communes, c)
			}
		}
	}
	commune := map[int64]int64{} // unit → the commune it reports under
	for _, c := range communes {
		commune[c.ID] = c.ID
	}
	type key struct {
		code string
		unit int64
	}
	byCommune, extra := map[key]indicator.Value{}, map[string][]indicator.Value{}
	for _, c := range counted {
		id, ok := commune[c.UnitID]
		if !ok {
			if x, found := t.Unit(c.UnitID); found && x.Type.Level() == org.VillageLevel {
				id, ok = commune[x.ParentID]
			}
		}
		if !ok { // the province's own bodies
			extra[c.Code] = append(extra[c.Code], c.Value)
			continue
		}
		k := key{c.Code, id}
		byCommune[k] = byCommune[k].Add(c.Value)
	}
	out := make([]Line, 0, len(cat))
	for _, ind := range cat {
		vs := make([]indicator.Value, len(communes))
		l := Line{Indicator: ind}
		for i, c := range communes {
			if v, ok := byCommune[key{ind.Code, c.ID}]; ok {
				vs[i] = v
				l.Reporting++
			}
		}
		if ind.Agg != indicator.Share { // the province's own bodies are no commune to count
			vs = append(vs, extra[ind.Code]...)
		}
		l.Value = ind.Roll(vs)
		l.Figure, l.Has = ind.Figure(l.Value)
		if ind.Target != nil && l.Has {
			l.Reached = ind.Target.Reached(l.Figure)
		}
		out = append(out, l)
	}
	return out, nil
}
