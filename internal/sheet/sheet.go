// Package sheet writes tables as XLSX workbooks that officials open in Excel:
// a bold title, a note, a shaded header row that stays in view, wrapped cells.
// Every capability's export goes through it.
package sheet

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"

	"github.com/xuri/excelize/v2"
)

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
	for i, t := range tables {
		if err := writeTable(f, i, t, bold, wrap, titleStyle); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", t.Name, err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

func writeTable(f *excelize.File, i int, t Table, bold, wrap, titleStyle int) error {
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
	sw.SetRow("A1", styled(titleStyle, []any{t.Title}))
	if t.Note != "" {
		sw.SetRow("A2", []any{t.Note})
	}
	head := make([]any, len(t.Head))
	for k, h := range t.Head {
		head[k] = h
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", headRow), styled(bold, head)); err != nil {
		return err
	}
	for r, row := range t.Rows {
		if err := sw.SetRow(fmt.Sprintf("A%d", r+headRow+1), styled(wrap, row)); err != nil {
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
