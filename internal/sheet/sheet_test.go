package sheet

import (
	"bytes"
	"errors"
	"math"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"danchu/internal/legal"

	"github.com/xuri/excelize/v2"
)

func TestXLSX(t *testing.T) {
	b, err := XLSX(
		Table{Name: "Tổng hợp", Title: "BÁO CÁO", Note: "ghi chú", Head: []string{"Phần", "Đồng ý"}, Widths: []float64{30, 10},
			Rows: [][]any{{"Điều 1", 3}, {"Điều 2", 0}}},
		Table{Name: "Ý kiến", Title: "Ý KIẾN", Head: []string{"STT", "Nội dung"}, Rows: [][]any{{1, "<script>x</script>"}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Tổng hợp" || got[1] != "Ý kiến" {
		t.Fatalf("sheets = %q", got)
	}
	for _, c := range []struct{ sheet, cell, want string }{
		{"Tổng hợp", "A1", "BÁO CÁO"}, {"Tổng hợp", "A2", "ghi chú"}, {"Tổng hợp", "B4", "Đồng ý"},
		{"Tổng hợp", "A6", "Điều 2"}, {"Tổng hợp", "B5", "3"}, {"Ý kiến", "B5", "<script>x</script>"},
	} {
		if v, _ := f.GetCellValue(c.sheet, c.cell); v != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, v, c.want)
		}
	}
	if _, err := XLSX(Table{Name: "bad/name"}); !errors.Is(err, excelize.ErrSheetNameInvalid) {
		t.Errorf("a sheet name with /: %v, want refused as an invalid name", err)
	}
}

func TestSend(t *testing.T) {
	rec := httptest.NewRecorder()
	Send(rec, "tổng hợp.xlsx", []byte("x"))
	if rec.Header().Get("Content-Type") != ContentType {
		t.Errorf("content type %q", rec.Header().Get("Content-Type"))
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != "attachment; filename*=utf-8''t%E1%BB%95ng%20h%E1%BB%A3p.xlsx" {
		t.Errorf("content disposition %q", cd)
	}
}

// TestDatesAreDateCells reads a workbook back: a date is a number with the
// dd/mm/yyyy format (formatted as Excel shows it), a time is in Vietnam's
// clock, and a missing value is an empty cell, not text.
func TestDatesAreDateCells(t *testing.T) {
	late := time.Date(2026, 11, 20, 18, 30, 0, 0, time.UTC) // 21/11/2026 01:30 in Vietnam
	b, err := XLSX(Table{Name: "Ngày", Title: "T", Head: []string{"a", "b", "c", "d", "e", "f", "g", "h"},
		Rows: [][]any{{Day(legal.DateOf(2026, 11, 20)), DayOf("2026-01-02"), Time(late), Millis(late.UnixMilli()),
			Day(legal.Date{}), DayOf(""), Millis(0), 12.5, "", nil}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		cell, shown, format string
		raw                 float64
	}{
		{"A5", "20/11/2026", DateFormat, 46346},
		{"B5", "02/01/2026", DateFormat, 46024},
		{"C5", "21/11/2026 01:30", TimeFormat, 46347 + 1.5/24},
		{"D5", "21/11/2026 01:30", TimeFormat, 46347 + 1.5/24},
		{"H5", "12.5", "", 12.5},
	} {
		shown, _ := f.GetCellValue("Ngày", c.cell)
		raw, _ := f.GetCellValue("Ngày", c.cell, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType("Ngày", c.cell)
		n, err := strconv.ParseFloat(raw, 64)
		if shown != c.shown || err != nil || math.Abs(n-c.raw) > 1e-9 || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Errorf("%s: shown %q raw %q type %v, want %q, number %v", c.cell, shown, raw, typ, c.shown, c.raw)
		}
		if c.format == "" {
			continue
		}
		id, _ := f.GetCellStyle("Ngày", c.cell)
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != c.format {
			t.Errorf("%s: style %+v (%v), want number format %q", c.cell, st, err, c.format)
		}
	}
	for _, cell := range []string{"E5", "F5", "G5", "I5", "J5"} {
		v, _ := f.GetCellValue("Ngày", cell, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType("Ngày", cell)
		if v != "" || typ != excelize.CellTypeUnset {
			t.Errorf("%s = %q (type %v), want an empty cell", cell, v, typ)
		}
	}
}
