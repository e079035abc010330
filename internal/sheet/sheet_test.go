package sheet

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"

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
