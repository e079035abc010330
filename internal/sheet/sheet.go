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

// XLSX writes the tables, one worksheet each, as a workbook.
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
		name := t.Name
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("sheet %q: %w", name, err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		f.SetCellValue(name, "A1", t.Title)
		f.SetCellStyle(name, "A1", "A1", titleStyle)
		if t.Note != "" {
			f.SetCellValue(name, "A2", t.Note)
		}
		for j, hd := range t.Head {
			cell, _ := excelize.CoordinatesToCellName(j+1, headRow)
			f.SetCellValue(name, cell, hd)
		}
		if len(t.Head) > 0 {
			last, _ := excelize.CoordinatesToCellName(len(t.Head), headRow)
			f.SetCellStyle(name, "A4", last, bold)
		}
		cols := len(t.Head)
		for r, row := range t.Rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, r+headRow+1)
				if err := f.SetCellValue(name, cell, v); err != nil {
					return nil, fmt.Errorf("sheet %q %s: %w", name, cell, err)
				}
			}
			cols = max(cols, len(row))
		}
		if len(t.Rows) > 0 && cols > 0 {
			last, _ := excelize.CoordinatesToCellName(cols, len(t.Rows)+headRow)
			f.SetCellStyle(name, "A5", last, wrap)
		}
		for j, w := range t.Widths {
			col, _ := excelize.ColumnNumberToName(j + 1)
			f.SetColWidth(name, col, col, w)
		}
		f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: "A5", ActivePane: "bottomLeft"})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// Send writes a workbook as a download named filename.
func Send(w http.ResponseWriter, filename string, b []byte) {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Write(b)
}
