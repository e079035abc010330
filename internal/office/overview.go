package office

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/search"
	"danchu/internal/sheet"
)

// tableColumn is a column of the province table: a room's column and where its
// figure sits in that room's answer.
type tableColumn struct {
	Column
	room, index int
}

// cell is one figure as the table shows it.
type cell struct {
	Text  string  // "12", "87%", "—"
	Value float64 // for sorting
	Empty bool    // no figure ("—"): sorted last either way
}

// communeRow is a commune's line of the table.
type communeRow struct {
	Unit  org.Unit
	Link  string
	Cells []cell
}

// sortLink is a column heading: its link sorts by it (the other way when it is
// the current order), and aria-sort says the current order.
type sortLink struct {
	Key, Label, Href, AriaSort string
	Percent                    bool
}

// provinceTable is the province's table of communes.
type provinceTable struct {
	Heads []sortLink
	Rows  []communeRow
	Sort  string
	From  string // the quarter's first and last day, dd/mm/yyyy
	To    string
	XLSX  string
}

// columns lists every room's columns in the order the rooms were given.
func (h *handlers) columns() []tableColumn {
	var out []tableColumn
	for i, room := range h.rooms {
		for j, c := range room.Columns() {
			out = append(out, tableColumn{c, i, j})
		}
	}
	return out
}

// nameKey is the ?sort= value of the communes' names.
const nameKey = "ten"

// percent shows n of of in whole per cent, rounded half up.
func percent(n, of int) string { return fmt.Sprintf("%d%%", (n*200+of)/(2*of)) }

// figureCell is the cell of a figure (ok is false when the room has no row).
func figureCell(c Column, f Figure, ok bool) cell {
	switch {
	case c.Percent && (!ok || f.Of == 0):
		return cell{Text: "—", Empty: true}
	case c.Percent:
		return cell{Text: percent(f.N, f.Of), Value: float64(f.N) / float64(f.Of)}
	}
	return cell{Text: fmt.Sprint(f.N), Value: float64(f.N)}
}

// table reads every room's figures of the province's communes (one query per
// room) and sorts the rows by sortKey ("-key": descending; a key not in the
// whitelist of column keys sorts by name).
func (h *handlers) table(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, per Period, sortKey string) ([]tableColumn, []communeRow, string, error) {
	cols := h.columns()
	figs := make([]map[int64][]Figure, len(h.rooms))
	for i, room := range h.rooms {
		m, err := room.Figures(ctx, t, province, communes, per)
		if err != nil {
			return nil, nil, "", fmt.Errorf("figures: %w", err)
		}
		figs[i] = m
	}
	rows := make([]communeRow, len(communes))
	for i, u := range communes {
		rows[i] = communeRow{Unit: u, Link: UnitURL(u, OverviewPage)}
		for _, c := range cols {
			fs, ok := figs[c.room][u.ID]
			var f Figure
			if ok && c.index < len(fs) {
				f = fs[c.index]
			} else {
				ok = false
			}
			rows[i].Cells = append(rows[i].Cells, figureCell(c.Column, f, ok))
		}
	}
	key, desc := strings.TrimPrefix(sortKey, "-"), strings.HasPrefix(sortKey, "-")
	col := slices.IndexFunc(cols, func(c tableColumn) bool { return c.Key == key })
	if col < 0 && key != nameKey {
		key, desc = nameKey, false
	}
	names := make(map[int64]string, len(rows))
	for _, r := range rows {
		names[r.Unit.ID] = search.Fold(r.Unit.Name)
	}
	byName := func(x, y communeRow) int {
		return cmp.Or(cmp.Compare(names[x.Unit.ID], names[y.Unit.ID]), cmp.Compare(x.Unit.Code, y.Unit.Code))
	}
	slices.SortStableFunc(rows, func(x, y communeRow) int {
		if col < 0 {
			if desc {
				return byName(y, x)
			}
			return byName(x, y)
		}
		a, b := x.Cells[col], y.Cells[col]
		switch {
		case a.Empty != b.Empty: // no figure: last, whichever the order
			if a.Empty {
				return 1
			}
			return -1
		case a.Value != b.Value:
			if desc {
				return cmp.Compare(b.Value, a.Value)
			}
			return cmp.Compare(a.Value, b.Value)
		}
		return byName(x, y)
	})
	if desc {
		key = "-" + key
	}
	return cols, rows, key, nil
}

// heads are the table's column headings with their sort links.
func (h *handlers) heads(r *http.Request, u org.Unit, cols []tableColumn, current string) []sortLink {
	link := func(key, labelKey string, percent bool) sortLink {
		s := sortLink{Key: key, Label: h.web.T(r, labelKey), Href: UnitURL(u, OverviewPage) + "?sort=" + key, Percent: percent}
		switch current {
		case key:
			s.AriaSort, s.Href = "ascending", UnitURL(u, OverviewPage)+"?sort=-"+key
		case "-" + key:
			s.AriaSort = "descending"
		}
		return s
	}
	out := []sortLink{link(nameKey, "office.overview.commune", false)}
	for _, c := range cols {
		out = append(out, link(c.Key, c.Label, c.Percent))
	}
	return out
}

// fact is a figure with its label.
type fact struct{ Label, Value string }

// overviewPage is a unit's overview: the work waiting there and, for a
// province, the table of its communes; for a commune, its own figures.
type overviewPage struct {
	Unit     org.Unit
	Work     []workLine
	Province *provinceTable
	Commune  []fact // a commune's figures this quarter
}

// communesOf lists the communes in force directly below a province.
func communesOf(t *org.Tree, province org.Unit) []org.Unit {
	var out []org.Unit
	for _, c := range t.Descendants(province.ID) {
		if c.ParentID == province.ID && c.Type.Level() == org.CommuneLevel {
			out = append(out, c)
		}
	}
	return out
}

// overview answers GET /quan-tri/don-vi/{unit}/tong-quan(.xlsx): any official
// holding a role on the unit (or above it) reads it; elsewhere it is not found.
func (h *handlers) overview(xlsx bool) func(http.ResponseWriter, *http.Request, *auth.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		u, ok := h.ah.Unit(w, r, a, auth.ViewBackOffice)
		if !ok {
			return
		}
		ctx := r.Context()
		t, err := h.units.Tree(ctx)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		if xlsx && u.Type.Level() != org.ProvinceLevel {
			h.web.NotFound(w, r)
			return
		}
		p := overviewPage{Unit: u}
		per := PeriodOf(legal.Today(h.now()))
		from, to := per.From, per.To
		switch u.Type.Level() {
		case org.ProvinceLevel:
			communes := communesOf(t, u)
			cols, rows, key, err := h.table(ctx, t, u, communes, per, r.URL.Query().Get("sort"))
			if err != nil {
				h.web.Error(w, r, err)
				return
			}
			if xlsx {
				h.sendTable(w, r, u, cols, rows, from, to)
				return
			}
			p.Province = &provinceTable{Heads: h.heads(r, u, cols, key), Rows: rows, Sort: key, From: from.VN(), To: to.AddDays(-1).VN(),
				XLSX: UnitURL(u, OverviewPage+".xlsx") + "?sort=" + key}
		case org.CommuneLevel:
			province, _ := t.Unit(u.ParentID)
			cols, rows, _, err := h.table(ctx, t, province, []org.Unit{u}, per, "")
			if err != nil {
				h.web.Error(w, r, err)
				return
			}
			for i, c := range cols {
				p.Commune = append(p.Commune, fact{h.web.T(r, c.Label), rows[0].Cells[i].Text})
			}
		}
		if p.Work, err = h.work(ctx, t, a, []org.Unit{u}); err != nil {
			h.web.Error(w, r, err)
			return
		}
		h.web.RenderStatus(w, r, h.pages["overview"], http.StatusOK, h.web.T(r, "office.overview.title", u.Name), p)
	}
}

// sendTable writes the province's table as a workbook, in the page's order.
func (h *handlers) sendTable(w http.ResponseWriter, r *http.Request, u org.Unit, cols []tableColumn, rows []communeRow, from, to legal.Date) {
	tb := sheet.Table{Name: "Tổng quan", Title: strings.ToUpper(h.web.T(r, "office.overview.title", u.Name)),
		Note:   h.web.T(r, "office.overview.period", from.VN(), to.AddDays(-1).VN()),
		Head:   []string{h.web.T(r, "office.overview.code"), h.web.T(r, "office.overview.commune")},
		Widths: []float64{10, 28}}
	for _, c := range cols {
		label := h.web.T(r, c.Label)
		if c.Percent {
			label += " (%)"
		}
		tb.Head = append(tb.Head, label)
		tb.Widths = append(tb.Widths, 16)
	}
	for _, row := range rows {
		line := []any{row.Unit.Code, row.Unit.Name}
		for i, c := range row.Cells {
			switch {
			case c.Empty:
				line = append(line, nil) // no value: an empty cell, as the page's "—"
			case cols[i].Percent:
				line = append(line, float64(int(c.Value*1000+0.5))/10)
			default:
				line = append(line, int(c.Value))
			}
		}
		tb.Rows = append(tb.Rows, line)
	}
	b, err := sheet.XLSX(tb)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("tong-quan-%s-%s.xlsx", u.Code, legal.Today(h.now()).String()), b)
}
