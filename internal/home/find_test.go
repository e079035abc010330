package home_test

import (
	"slices"
	"testing"

	"danchu/internal/home"
	"danchu/internal/org"
)

// TestFind: the household search folds marks, đ and case, and wants every
// typed word to start a word of the code, head, address or representative.
func TestFind(t *testing.T) {
	hs := []org.Household{
		{Code: "19885-01-H001", HeadName: "Nguyễn Văn An", Address: "Xóm Đông", RepresentativeName: "Nguyễn Thị Bình"},
		{Code: "19885-01-H002", HeadName: "Trần Đức Tân", Address: "Xóm Tây", RepresentativeName: "Trần Đức Tân"},
		{Code: "19885-01-H010", HeadName: "Lê Thị Hoa", Address: "Đội 3, xóm Đông", RepresentativeName: "Lê Văn Đạt"},
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"", []string{"19885-01-H001", "19885-01-H002", "19885-01-H010"}},
		{"nguyen van", []string{"19885-01-H001"}},
		{"NGUYỄN bình", []string{"19885-01-H001"}},
		{"duc tan", []string{"19885-01-H002"}},
		{"dong", []string{"19885-01-H001", "19885-01-H010"}},
		{"dat", []string{"19885-01-H010"}},
		{"an", []string{"19885-01-H001"}}, // a word that starts "an", not "tân"
		{"h00", []string{"19885-01-H001", "19885-01-H002"}},
		{"h010", []string{"19885-01-H010"}},
		{"nguyen tay", nil},
	} {
		var got []string
		for _, h := range home.Find(hs, tt.q) {
			got = append(got, h.Code)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Find(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}
