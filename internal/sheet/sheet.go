// Package sheet writes tables as XLSX workbooks that officials open in Excel:
// a bold title, a note, a shaded header row that stays in view, wrapped cells.
// Every capability's export goes through it.
//
// A row's values are numbers (int, float64: number cells Excel can sum), text,
// nil or "" (an empty cell: no value, never "—"), and the dates of Day, Time and
// Millis: date cells (Excel's serial day number) shown dd/mm/yyyy, or
// dd/mm/yyyy hh:mm in Vietnam's time, so a column of dates sorts and filters
// as dates.
package sheet

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"danchu/internal/legal"
	"danchu/internal/web"
)

// DateFormat and TimeFormat are the number formats of the date cells.
const (
	DateFormat = "dd/mm/yyyy"
	TimeFormat = "dd/mm/yyyy hh:mm"
)

// day and moment are date cells: Excel's serial number of a day (days since
// 30/12/1899, the 1900 date system) and of a moment (plus the fraction of the day).
type day float64
type moment float64

// epoch is day 0 of Excel's 1900 date system (its leap day of 1900 that never
// was makes 1 March 1900 day 61: counting from 30/12/1899 gives that for every
// date after it, which is every date danchu stores).
var epoch = legal.DateOf(1899, time.December, 30).JDN()

// Day is a civil date as a date cell; the zero Date is an empty cell.
func Day(d legal.Date) any {
	if d.IsZero() {
		return nil
	}
	return day(d.JDN() - epoch)
}

// DayOf is Day of a date written YYYY-MM-DD (as stored) or DD/MM/YYYY (as shown,
// legal.ParseDate reads both); an empty or unreadable text is an
// empty cell.
func DayOf(iso string) any {
	d, err := legal.ParseDate(iso)
	if err != nil {
		return nil
	}
	return Day(d)
}

// Time is a moment as a date and time cell, on Vietnam's clock (UTC+7); the
// zero time is an empty cell.
func Time(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	v := t.In(web.Vietnam)
	d := legal.DateOf(v.Year(), v.Month(), v.Day()).JDN() - epoch
	secs := v.Hour()*3600 + v.Minute()*60 + v.Second()
	return moment(float64(d) + float64(secs)/86400)
}

// Millis is Time of a stored timestamp (epoch milliseconds); 0 is an empty cell.
func Millis(ms int64) any {
	if ms == 0 {
		return nil
	}
	return Time(time.UnixMilli(ms))
}

// Table is one worksheet.
type Table struct {
	Name   string    // the tab's name (at most 31 characters, no []:*?/\)
	Title  string    // row 1, bold
	Note   string    // row 2
	Head   []string  // row 4
	Widths []float64 // column widths, in characters; missing ones keep Excel's default
	Rows   [][]any   // from row 5
}

// ContentType is the media type of an XLSX file.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// headRow is where the column headings go; the data starts on the row below.
const headRow = 4

// XLSX writes the tables, one worksheet each, as a workbook. Rows are streamed,
// so a table of 100,000 comments does not hold a cell object per value.
func XLSX(tables ...Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF5"}}})
	if err != nil {
		return nil, err
	}
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	dateFmt, timeFmt := DateFormat, TimeFormat
	st := styles{bold: bold, wrap: wrap, title: titleStyle}
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return nil, err
	}
	if st.time, err = f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return nil, err
	}
	for i, t := range tables {
		if err := writeTable(f, i, t, st); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", t.Name, err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// styles are the workbook's cell styles.
type styles struct{ bold, wrap, title, date, time int }

// cell is a value with its style: a date cell gets its number format.
func (st styles) cell(v any) excelize.Cell {
	switch v := v.(type) {
	case day:
		return excelize.Cell{StyleID: st.date, Value: float64(v)}
	case moment:
		return excelize.Cell{StyleID: st.time, Value: float64(v)}
	case string:
		if v == "" { // no text: an empty cell, not a cell holding ""
			return excelize.Cell{StyleID: st.wrap}
		}
	}
	return excelize.Cell{StyleID: st.wrap, Value: v}
}

func writeTable(f *excelize.File, i int, t Table, st styles) error {
	if i == 0 {
		if err := f.SetSheetName("Sheet1", t.Name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(t.Name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.Name)
	if err != nil {
		return err
	}
	for j, w := range t.Widths {
		if err := sw.SetColWidth(j+1, j+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: "A5", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	styled := func(style int, vals []any) []any {
		out := make([]any, len(vals))
		for k, v := range vals {
			out[k] = excelize.Cell{StyleID: style, Value: v}
		}
		return out
	}
	sw.SetRow("A1", styled(st.title, []any{t.Title}))
	if t.Note != "" {
		sw.SetRow("A2", []any{t.Note})
	}
	head := make([]any, len(t.Head))
	for k, h := range t.Head {
		head[k] = h
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", headRow), styled(st.bold, head)); err != nil {
		return err
	}
	for r, row := range t.Rows {
		cells := make([]any, len(row))
		for k, v := range row {
			cells[k] = st.cell(v)
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r+headRow+1), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// Send writes a workbook as a download named filename.
func Send(w http.ResponseWriter, filename string, b []byte) {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Write(b)
}
