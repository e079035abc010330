package org

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"danchu/internal/apperr"
	"danchu/internal/web"
)

// LineError is what is wrong with one line of an imported file.
type LineError struct {
	Line    int
	Message string
}

// ImportError lists every bad line of a file; nothing of the file was written.
type ImportError struct{ Lines []LineError }

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tệp có %d dòng lỗi, chưa ghi gì", len(e.Lines))
	for i, l := range e.Lines {
		if i == 3 {
			b.WriteString("; …")
			break
		}
		fmt.Fprintf(&b, "; dòng %d: %s", l.Line, l.Message)
	}
	return b.String()
}

// Unwrap lets apperr classify an import error as invalid input.
func (e *ImportError) Unwrap() error {
	return apperr.New(apperr.CodeInvalid, "org.err.import_lines")
}

// ImportResult counts what an import wrote.
type ImportResult struct {
	Written int
	ByType  map[Type]int
}

// csvTable reads a CSV file with a header line into records keyed by column name.
type csvTable struct {
	header map[string]int
	rows   [][]string
	lines  []int
}

func (t csvTable) get(row int, col string) string {
	i, ok := t.header[col]
	if !ok || i >= len(t.rows[row]) {
		return ""
	}
	return strings.TrimSpace(t.rows[row][i]) // in NFC since readCSV
}

// readCSV reads the whole file; required names the columns the header must have.
func readCSV(r io.Reader, required ...string) (csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	t := csvTable{header: map[string]int{}}
	head, err := cr.Read()
	if err == io.EOF {
		return t, &ImportError{Lines: []LineError{{1, "tệp rỗng: dòng đầu phải là tên cột (" + strings.Join(required, ",") + ")"}}}
	}
	if err != nil {
		return t, csvError(err)
	}
	for i, h := range head {
		if _, err := web.Text("", h); err != nil {
			return t, &ImportError{Lines: []LineError{{1, Vietnamese(err)}}}
		}
		t.header[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := t.header[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return t, &ImportError{Lines: []LineError{{1, "thiếu cột " + strings.Join(missing, ", ") + " ở dòng tên cột"}}}
	}
	names := make([]string, len(head))
	for h, i := range t.header {
		names[i] = h
	}
	// Every field passes the same check as a form's (web.Text: UTF-8, no control
	// characters, NFC); every bad line is listed with its number.
	var bad []LineError
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return t, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		for i, f := range rec {
			col := ""
			if i < len(names) {
				col = names[i]
			}
			if rec[i], err = web.Text(col, f); err != nil {
				bad = append(bad, LineError{line, Vietnamese(err)})
				break
			}
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if len(bad) > 0 {
		return t, &ImportError{Lines: bad}
	}
	return t, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ImportError{Lines: []LineError{{pe.Line, "không đọc được CSV: " + pe.Err.Error()}}}
	}
	return fmt.Errorf("read csv: %w", err)
}

// fieldErrors turns a validation error into one message for a line.
func fieldErrors(err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err.Error()
	}
	return joinFields(ae.FieldMsgs)
}

// viCatalog is this room's catalog, for the import report: the import runs from
// the command line, in Vietnamese, with no request to take a language from.
var viCatalog = sync.OnceValues(func() (web.Catalog, error) { return web.LoadCatalog(files) })

// Vietnamese is err as the command line shows it: a coded error of this room
// rendered from its Vietnamese catalog, anything else as err.Error().
func Vietnamese(err error) string {
	var ae *apperr.Error
	cat, cerr := viCatalog()
	if !errors.As(err, &ae) || ae.Msg.Key == "" || cerr != nil {
		return err.Error()
	}
	if _, ok := cat[web.LangVI][ae.Msg.Key]; !ok {
		return err.Error()
	}
	return cat.T(web.LangVI, ae.Msg.Key, ae.Msg.Args...)
}

// joinFields writes field messages in column order, in Vietnamese: "code: … name: …".
func joinFields(fields map[string]apperr.Msg) string {
	cat, err := viCatalog()
	var parts []string
	for _, k := range []string{"code", "name", "type", "short_name", "parent_code", "valid_from", "head_name", "address", "members", "representative_name", "active"} {
		if m, ok := fields[k]; ok {
			text := m.String()
			if err == nil {
				text = cat.T(web.LangVI, m.Key, m.Args...)
			}
			parts = append(parts, k+": "+text)
		}
	}
	return strings.Join(parts, " ")
}

// plannedUnit is a unit of the file with its parent resolved.
type plannedUnit struct {
	Unit
	line       int
	parentCode string
}

// planUnits checks every line of an official-list file against itself and the units
// already in force (existing, by code) and orders them parents first. It is pure:
// it returns all line errors or the units to insert (IDs, paths unset).
func planUnits(t csvTable, existing map[string]Unit) ([]plannedUnit, []LineError) {
	var errs []LineError
	byCode := map[string]*plannedUnit{}
	byShort := map[string]int{} // parent code, NUL, short name -> line
	var all []*plannedUnit
	for i := range t.rows {
		p := &plannedUnit{line: t.lines[i], parentCode: t.get(i, "parent_code")}
		p.Code, p.Name, p.Type = t.get(i, "code"), t.get(i, "name"), Type(t.get(i, "type"))
		p.ValidFrom, p.ShortName = t.get(i, "valid_from"), t.get(i, "short_name")
		if p.ValidFrom == "" {
			p.ValidFrom = OfficialListDate
		}
		if err := p.Validate(); err != nil {
			errs = append(errs, LineError{p.line, fieldErrors(err)})
			continue
		}
		if p.Code != "" {
			if prev, dup := byCode[p.Code]; dup {
				errs = append(errs, LineError{p.line, fmt.Sprintf("mã %s trùng với dòng %d", p.Code, prev.line)})
				continue
			}
			if _, ok := existing[p.Code]; ok {
				errs = append(errs, LineError{p.line, fmt.Sprintf("mã %s đã có trong cơ sở dữ liệu", p.Code)})
				continue
			}
			byCode[p.Code] = p
		}
		if p.ShortName != "" && p.Type.Level() == Attached && p.parentCode != "" {
			k := p.parentCode + "\x00" + p.ShortName
			if prev, dup := byShort[k]; dup {
				errs = append(errs, LineError{p.line, fmt.Sprintf("tên viết tắt %s trùng với dòng %d (cùng đơn vị cha %s)", p.ShortName, prev, p.parentCode)})
				continue
			}
			byShort[k] = p.line
		}
		all = append(all, p)
	}
	// Resolve parents and depth; a parent may come later in the file.
	depth := map[*plannedUnit]int{}
	var resolve func(p *plannedUnit, seen int) (int, string)
	resolve = func(p *plannedUnit, seen int) (int, string) {
		if d, ok := depth[p]; ok {
			return d, ""
		}
		if seen > 8 {
			return 0, "vòng lặp đơn vị cha"
		}
		var parentType Type
		d := 0
		if p.parentCode != "" {
			if q, ok := byCode[p.parentCode]; ok {
				pd, msg := resolve(q, seen+1)
				if msg != "" {
					return 0, msg
				}
				parentType, d = q.Type, pd+1
			} else if u, ok := existing[p.parentCode]; ok {
				parentType, d = u.Type, u.Depth+1
			} else {
				return 0, fmt.Sprintf("không có đơn vị cha mã %s (trong tệp hay trong cơ sở dữ liệu)", p.parentCode)
			}
		}
		if !AllowedParent(p.Type, parentType) {
			if parentType == "" {
				return 0, fmt.Sprintf("%s (%s) phải có đơn vị cha (cột parent_code)", p.Type.Label(), p.Type)
			}
			return 0, fmt.Sprintf("%s (%s) không thể trực thuộc %s (%s)", p.Type.Label(), p.Type, parentType.Label(), parentType)
		}
		depth[p] = d
		return d, ""
	}
	var ok []plannedUnit
	for _, p := range all {
		d, msg := resolve(p, 0)
		if msg != "" {
			errs = append(errs, LineError{p.line, msg})
			continue
		}
		p.Depth = d
		ok = append(ok, *p)
	}
	if len(errs) > 0 {
		sortLineErrors(errs)
		return nil, errs
	}
	// Parents first: stable by depth keeps the file's order within a level.
	sortByDepth(ok)
	return ok, nil
}

func sortLineErrors(errs []LineError) {
	slices.SortStableFunc(errs, func(a, b LineError) int { return a.Line - b.Line })
}

func sortByDepth(us []plannedUnit) {
	slices.SortStableFunc(us, func(a, b plannedUnit) int { return a.Depth - b.Depth })
}

// parseBool reads an active flag: empty means yes.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "", "1", "true", "co", "có", "x", "yes":
		return true, true
	case "0", "false", "khong", "không", "no":
		return false, true
	}
	return false, false
}

// planHouseholds checks a household file for a village whose registered codes are existing.
func planHouseholds(t csvTable, villageID int64, existing map[string]bool) ([]Household, []LineError) {
	var errs []LineError
	seen := map[string]int{}
	var hs []Household
	for i := range t.rows {
		line := t.lines[i]
		h := Household{VillageID: villageID, Code: t.get(i, "code"), HeadName: t.get(i, "head_name"),
			Address: t.get(i, "address"), RepresentativeName: t.get(i, "representative_name")}
		fields := map[string]apperr.Msg{}
		var ae *apperr.Error
		m, atoiErr := strconv.Atoi(t.get(i, "members"))
		h.Members = m
		var okBool bool
		h.Active, okBool = parseBool(t.get(i, "active"))
		if err := h.Validate(); errors.As(err, &ae) {
			maps.Copy(fields, ae.FieldMsgs)
		}
		if strings.Trim(t.get(i, "members"), "0123456789") != "" { // "+4" is not read as 4 (found by FuzzImportHouseholds)
			atoiErr = strconv.ErrSyntax
		}
		if atoiErr != nil {
			fields["members"] = apperr.M("org.err.f.members_number", t.get(i, "members"))
		}
		if !okBool {
			fields["active"] = apperr.M("org.err.f.active", t.get(i, "active"))
		}
		if prev, dup := seen[h.Code]; dup && h.Code != "" {
			fields["code"] = apperr.M("org.err.f.code_dup_line", h.Code, prev)
		} else if existing[h.Code] {
			fields["code"] = apperr.M("org.err.f.code_in_register", h.Code)
		}
		seen[h.Code] = line
		if len(fields) > 0 {
			errs = append(errs, LineError{line, joinFields(fields)})
			continue
		}
		hs = append(hs, h)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return hs, nil
}
