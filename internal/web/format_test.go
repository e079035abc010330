package web_test

import (
	"testing"
	"time"

	"danchu/internal/legal"
	"danchu/internal/web"
)

func TestFormatDate(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   any
		want string
	}{
		{"CivilDate", legal.DateOf(2026, 3, 5), "05/03/2026"},
		{"ZeroDate", legal.Date{}, ""},
		{"StoredText", "2026-03-05", "05/03/2026"},
		{"RFC3339", "2026-03-05T10:00:00+07:00", "05/03/2026"},
		{"NotADate", "Thường xuyên", "Thường xuyên"},
		{"AlreadyVietnamese", "05/03/2026", "05/03/2026"},
		{"MillisInVietnam", time.Date(2026, 3, 4, 18, 0, 0, 0, time.UTC).UnixMilli(), "05/03/2026"},
		{"Time", time.Date(2026, 3, 4, 18, 0, 0, 0, time.UTC), "05/03/2026"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := web.FormatDate(tt.in); got != tt.want {
				t.Errorf("FormatDate(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		n, of int
		want  string
	}{{0, 0, "—"}, {0, 3, "0%"}, {1, 3, "33%"}, {2, 3, "67%"}, {5, 5, "100%"}} {
		if got := web.Percent(tt.n, tt.of); got != tt.want {
			t.Errorf("Percent(%d, %d) = %q, want %q", tt.n, tt.of, got, tt.want)
		}
	}
}

func TestRatio(t *testing.T) {
	for _, tt := range []struct {
		n, of int
		want  string
	}{{0, 0, "—"}, {0, 1, "0/1"}, {3, 5, "3/5"}} {
		if got := web.Ratio(tt.n, tt.of); got != tt.want {
			t.Errorf("Ratio(%d, %d) = %q, want %q", tt.n, tt.of, got, tt.want)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, tt := range []struct {
		lang   string
		places int
		f      float64
		want   string
	}{{"vi", 1, 4.25, "4,2"}, {"vi", 2, 3.456, "3,46"}, {"vi", 0, 4, "4"}, {"en", 1, 4.26, "4.3"}, {"", 1, 1.5, "1,5"}} {
		if got := web.Decimal(tt.lang, tt.places, tt.f); got != tt.want {
			t.Errorf("Decimal(%q, %d, %v) = %q, want %q", tt.lang, tt.places, tt.f, got, tt.want)
		}
	}
}

func TestMarkdownTextAndLine(t *testing.T) {
	src := "## Điều 1\n- Chi **đúng mục đích**, *tiết kiệm*\n1. Xem [văn bản](https://x.vn/a)\n<b>x</b>"
	if got, want := web.MarkdownText(src), "Điều 1 Chi đúng mục đích, tiết kiệm Xem văn bản <b>x</b>"; got != want {
		t.Errorf("MarkdownText = %q, want %q", got, want)
	}
	for _, tt := range []struct{ in, want string }{
		{"- Chi **đúng**", "• Chi <strong>đúng</strong>"},
		{"2. Hai", "2. Hai"},
		{"## Điều 1", "<strong>Điều 1</strong>"},
		{"<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"},
	} {
		if got := string(web.MarkdownLine(tt.in)); got != tt.want {
			t.Errorf("MarkdownLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
