package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// decode undoes a Content-Encoding.
func decode(t *testing.T, enc string, body string) string {
	t.Helper()
	var r io.Reader = strings.NewReader(body)
	switch enc {
	case "":
		return body
	case "gzip":
		gr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = gr
	case "br":
		r = brotli.NewReader(r)
	default:
		t.Fatalf("unknown coding %q", enc)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return string(b)
}

// TestCompressionFollowsAcceptEncoding: a page is sent in the coding the
// client takes (brotli first, q-values honoured, q=0 refused), decodes to the
// identity bytes, carries Vary: Accept-Encoding and the identity tag with the
// coding's suffix; a repeat visit with either form of the tag is a 304 that
// names the form the client sent; HEAD has the headers of GET.
func TestCompressionFollowsAcceptEncoding(t *testing.T) {
	srv := deliveryServer(t, 60*time.Second)
	plain, identity := get(t, srv, "GET", "/xa/19885", nil)
	tag := plain.Header.Get("ETag")
	if plain.Header.Get("Content-Encoding") != "" || len(identity) < 2000 {
		t.Fatalf("identity: %q, %d bytes", plain.Header.Get("Content-Encoding"), len(identity))
	}
	tests := []struct{ accept, want string }{
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br, zstd", "br"},
		{"GZIP", "gzip"},
		{"x-gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"br;q=0.5, gzip;q=0.8", "gzip"},
		{"br;q=0.8, gzip;q=0.8", "br"},
		{"gzip;q=0", ""},
		{"gzip;q=0, br;q=0", ""},
		{"*", "br"},
		{"*;q=0", ""},
		{"*;q=0, gzip", "gzip"},
		{"identity", ""},
		{"deflate", ""},
		{"gzip;q=nonsense", ""},
		{"gzip;q=2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			resp, body := get(t, srv, "GET", "/xa/19885", map[string]string{"Accept-Encoding": tt.accept})
			h := resp.Header
			if got := h.Get("Content-Encoding"); got != tt.want {
				t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
			}
			if v := h.Values("Vary"); len(v) != 1 || v[0] != "Cookie, Accept-Encoding" {
				t.Errorf("Vary %q, want one line (nginx 1.22 reads one)", v)
			}
			if decode(t, tt.want, body) != identity {
				t.Fatalf("the %s body does not decode to the identity bytes", tt.want)
			}
			wantTag := tag
			if tt.want != "" {
				wantTag = strings.TrimSuffix(tag, `"`) + map[string]string{"gzip": "-gz", "br": "-br"}[tt.want] + `"`
				if len(body) >= len(identity)/3 {
					t.Errorf("%s: %d bytes of %d", tt.want, len(body), len(identity))
				}
				if h.Get("Content-Length") != "" && h.Get("Content-Length") != strconv.Itoa(len(body)) {
					t.Errorf("Content-Length %s of %d bytes sent", h.Get("Content-Length"), len(body))
				}
			}
			if h.Get("ETag") != wantTag {
				t.Errorf("ETag %q, want %q", h.Get("ETag"), wantTag)
			}
			head, hb := get(t, srv, "HEAD", "/xa/19885", map[string]string{"Accept-Encoding": tt.accept})
			if hb != "" || head.Header.Get("Content-Encoding") != tt.want || head.Header.Get("ETag") != wantTag {
				t.Errorf("HEAD: %d bytes, %q, %q", len(hb), head.Header.Get("Content-Encoding"), head.Header.Get("ETag"))
			}
			// The tag received, or the identity tag of a copy kept from before: 304 with that form.
			for _, sent := range []string{wantTag, tag, "W/" + wantTag} {
				again, b := get(t, srv, "GET", "/xa/19885", map[string]string{"Accept-Encoding": tt.accept, "If-None-Match": sent})
				if again.StatusCode != http.StatusNotModified || b != "" || again.Header.Get("ETag") != strings.TrimPrefix(sent, "W/") && again.Header.Get("ETag") != sent {
					t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q", sent, again.StatusCode, len(b), again.Header.Get("ETag"))
				}
				if again.Header.Get("Content-Encoding") != "" || !strings.Contains(strings.Join(again.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Errorf("304: Content-Encoding %q, Vary %q", again.Header.Get("Content-Encoding"), again.Header.Values("Vary"))
				}
			}
			if other, _ := get(t, srv, "GET", "/xa/19885", map[string]string{"Accept-Encoding": tt.accept, "If-None-Match": `"other-gz"`}); other.StatusCode != 200 {
				t.Errorf("another tag: %d", other.StatusCode)
			}
		})
	}
}

// TestWhatIsNotCompressed: a small body, an image, a PDF, a range of a text
// file and an answer to a client that asks for no coding are sent as they
// are; a whole text file is compressed with its tag suffixed, and its 304
// works from either form.
func TestWhatIsNotCompressed(t *testing.T) {
	srv := deliveryServer(t, 60*time.Second)
	gz := map[string]string{"Accept-Encoding": "gzip, br"}
	tests := []struct {
		name, path string
		header     map[string]string
		status     int
		enc        string
		vary       bool
		body       string // the identity bytes expected
	}{
		{"SmallFeed", "/xa/19885/cong-khai.atom", gz, 200, "", true, ""},
		{"Image", "/tep/c.png", gz, 200, "", false, string(testFiles["c.png"].body)},
		{"PDF", "/tep/a.pdf", gz, 200, "", false, string(testFiles["a.pdf"].body)},
		{"TextFile", "/tep/b.txt", gz, 200, "br", true, string(testFiles["b.txt"].body)},
		{"TextFileRange", "/tep/b.txt", map[string]string{"Accept-Encoding": "gzip, br", "Range": "bytes=0-9"}, 206, "", true, string(testFiles["b.txt"].body[:10])},
		{"TextFileRangeNone", "/tep/b.txt", map[string]string{"Accept-Encoding": "gzip, br", "Range": "bytes=999999-"}, 416, "", true, ""},
		{"NotFoundPageCompressed", "/khong-co", gz, 404, "br", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv, "GET", tt.path, tt.header)
			h := resp.Header
			if resp.StatusCode != tt.status || h.Get("Content-Encoding") != tt.enc {
				t.Fatalf("%s: %d %q, want %d %q", tt.path, resp.StatusCode, h.Get("Content-Encoding"), tt.status, tt.enc)
			}
			if got := strings.Contains(strings.Join(h.Values("Vary"), ","), "Accept-Encoding"); got != tt.vary {
				t.Errorf("Vary %q, want Accept-Encoding: %v", h.Values("Vary"), tt.vary)
			}
			if tt.body != "" && decode(t, tt.enc, body) != tt.body {
				t.Errorf("body is not the file's bytes")
			}
		})
	}
	// The whole text file, compressed: its tag gets the suffix, and both forms revalidate.
	resp, _ := get(t, srv, "GET", "/tep/b.txt", map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("ETag") != `"txt456-gz"` {
		t.Fatalf("text file ETag %q", resp.Header.Get("ETag"))
	}
	for _, sent := range []string{`"txt456-gz"`, `"txt456"`} {
		again, b := get(t, srv, "GET", "/tep/b.txt", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": sent})
		if again.StatusCode != http.StatusNotModified || b != "" || again.Header.Get("ETag") != sent {
			t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q", sent, again.StatusCode, len(b), again.Header.Get("ETag"))
		}
	}
	// A compressed body is a few bytes long when the identity one is a few KB.
	if resp, body := get(t, srv, "GET", "/tep/b.txt", map[string]string{"Accept-Encoding": "br"}); !bytes.Equal([]byte(decode(t, "br", body)), testFiles["b.txt"].body) || len(body) > 200 {
		t.Errorf("brotli text file: %q, %d bytes", resp.Header.Get("Content-Encoding"), len(body))
	}
}
