package consultation

import (
	"strings"
	"testing"
)

// The comment list is written without html/template: every text must come out inert.
func TestListHTMLEscapes(t *testing.T) {
	evil := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	for _, tt := range []struct {
		name string
		row  row
		want string
	}{
		{"body", row{CommentView: CommentView{ID: 1, Body: evil}}, "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"name", row{CommentView: CommentView{ID: 2, DisplayName: evil, Body: "x"}}, "&#34;&gt;&lt;script&gt;"},
		{"answer", row{CommentView: CommentView{ID: 3, Body: "x", AnswerKind: Explained, AnswerBody: evil}, AnswerLabel: "Giải trình"},
			"<strong>Giải trình</strong>: &#34;&gt;&lt;script&gt;"},
		{"hidden", row{CommentView: CommentView{ID: 4, Body: evil, HiddenReason: "abuse"}, HiddenLabel: "Lời lẽ xúc phạm"},
			"<em>Ý kiến đã bị ẩn: Lời lẽ xúc phạm</em>"},
		{"labels", row{CommentView: CommentView{ID: 5, Body: "x"}, PartLabel: evil, StanceLabel: evil, When: evil}, `<li id="y-kien-5">`},
	} {
		got := string(listHTML([]row{tt.row}, "Ý kiến đã bị ẩn:"))
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s lacks %s", tt.name, got, tt.want)
		}
		if strings.Contains(got, "<script") || strings.Contains(got, "<img") {
			t.Errorf("%s: markup got through: %s", tt.name, got)
		}
	}
}
