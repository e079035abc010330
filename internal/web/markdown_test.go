package web

import "testing"

func TestMarkdown(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Dòng một\ndòng hai\n\nĐoạn **hai**", "<p>Dòng một<br>\ndòng hai</p>\n<p>Đoạn <strong>hai</strong></p>\n"},
		{"# Tiêu đề\n- một\n- *hai*\n1. ba", "<h2>Tiêu đề</h2>\n<ul>\n<li>một</li>\n<li><em>hai</em></li>\n</ul>\n<ol>\n<li>ba</li>\n</ol>\n"},
		{`<script>alert(1)</script><img src=x onerror="alert(2)">`, "<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(2)&#34;&gt;</p>\n"},
		{"[quyết định](https://hue.gov.vn/qd?a=1&b=2) [x](javascript:alert(1)) [y](data:text/html,hi)", `<p><a href="https://hue.gov.vn/qd?a=1&amp;b=2" rel="nofollow noopener">quyết định</a> x) y</p>` + "\n"},
		// A quote cannot close the attribute: it arrives escaped and stays so.
		{`[a" onmouseover="x](https://e.vn/"x)`, `<p><a href="https://e.vn/&amp;#34;x" rel="nofollow noopener">a&#34; onmouseover=&#34;x</a></p>` + "\n"},
	} {
		if got := string(Markdown(tt.in)); got != tt.want {
			t.Errorf("Markdown(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"Ngắn gọn.", 20, "Ngắn gọn."},
		{"  hai\n\ndòng  ", 20, "hai dòng"},
		{"Công khai ngân sách, đất đai", 18, "Công khai ngân…"}, // cut at the last space, its comma dropped
		{"Đườngbêtôngthônđôngphước", 10, "Đườngbêtôn…"},         // no space: cut at n characters, never inside one
		{"ab cdefghijklmnopqrstuvwxyz", 10, "ab cdefghi…"},      // the space is too early to cut at
		{"Điều 1. Phạm vi, điều chỉnh", 16, "Điều 1. Phạm vi…"}, // trailing punctuation before "…" dropped
	} {
		if got := Excerpt(tt.in, tt.n); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
