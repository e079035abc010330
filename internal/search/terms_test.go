package search

import (
	"slices"
	"testing"
)

func TestIndexTextAndTerms(t *testing.T) {
	if got := IndexText("Quy chế dân chủ (sửa đổi) — Đợt 2/2026", "ĐẤT ĐAI"); got != "quy che dan chu sua doi dot 2 2026 dat dai" {
		t.Errorf("IndexText = %q", got)
	}
	if got := Terms("  dat   dai, ĐẤT <script> "); !slices.Equal(got, []string{"dat", "dai", "script"}) {
		t.Errorf("Terms = %q", got)
	}
	if got := Terms("a b c d e f g h i j k l"); len(got) != MaxTerms {
		t.Errorf("%d terms, want %d", len(got), MaxTerms)
	}
}

func TestHighlight(t *testing.T) {
	for _, tt := range []struct {
		s     string
		terms []string
		want  string
	}{
		{"Quy chế dân chủ ở cơ sở", []string{"che", "dan"}, "Quy <mark>chế</mark> <mark>dân</mark> chủ ở cơ sở"},
		{"Đất đai <b>xã</b>", []string{"dat"}, "<mark>Đất</mark> đai &lt;b&gt;xã&lt;/b&gt;"},
		{"dânchủ", []string{"dan"}, "dânchủ"},
	} {
		if got := string(Highlight(tt.s, tt.terms)); got != tt.want {
			t.Errorf("Highlight(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
