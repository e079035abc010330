// Package sheettest reads workbooks back in tests, as Excel would show them.
package sheettest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Cell is one cell read back: what Excel shows, the stored value (Stored), and the
// number format of its style ("" when it has none of its own).
type Cell struct {
	Shown, Stored, Format string
	Text                  bool // stored as text (a shared or inline string)
}

// Cells reads the named cells ("E5") of a worksheet.
func Cells(t testing.TB, b []byte, sheet string, axes ...string) []Cell {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := make([]Cell, len(axes))
	for i, ax := range axes {
		c := &out[i]
		if c.Shown, err = f.GetCellValue(sheet, ax); err != nil {
			t.Fatalf("%s!%s: %v", sheet, ax, err)
		}
		c.Stored, _ = f.GetCellValue(sheet, ax, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType(sheet, ax)
		c.Text = typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
		id, _ := f.GetCellStyle(sheet, ax)
		if st, err := f.GetStyle(id); err == nil && st.CustomNumFmt != nil {
			c.Format = *st.CustomNumFmt
		}
	}
	return out
}
