package web

import (
	"net/http"
	"testing"
)

// Vary stays one header line whatever was there (nginx 1.22 reads only the last).
func TestAddVaryKeepsOneLine(t *testing.T) {
	for _, tt := range []struct {
		name   string
		before []string
		field  string
		want   string
	}{
		{"Empty", nil, "Cookie", "Cookie"},
		{"Appended", []string{"Cookie"}, "Accept-Encoding", "Cookie, Accept-Encoding"},
		{"LinesJoined", []string{"Cookie", "Origin"}, "Accept-Encoding", "Cookie, Origin, Accept-Encoding"},
		{"AlreadyThereAnyCase", []string{"cookie", "Accept-Encoding"}, "Cookie", "cookie, Accept-Encoding"},
		{"ListInOneLine", []string{"Cookie,Accept-Encoding"}, "Accept-Encoding", "Cookie, Accept-Encoding"},
		{"Star", []string{"*"}, "Cookie", "*"},
		{"EmptyItems", []string{" , Cookie,,"}, "Accept-Encoding", "Cookie, Accept-Encoding"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.before {
				h.Add("Vary", v)
			}
			addVary(h, tt.field)
			if got := h.Values("Vary"); len(got) != 1 || got[0] != tt.want {
				t.Errorf("Vary %q, want the one line %q", got, tt.want)
			}
		})
	}
}
