package loadtest

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestReadResponse(t *testing.T) {
	for _, tt := range []struct {
		name   string
		raw    string
		status int
		n      int64
		keep   bool
		err    string // "": none
	}{
		{"length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/html\r\n\r\nhelloNEXT", 200, 5, true, ""},
		{"chunked", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nNEXT", 200, 5, true, ""},
		{"redirect without body", "HTTP/1.1 303 See Other\r\nLocation: /x\r\nContent-Length: 0\r\n\r\nNEXT", 303, 0, true, ""},
		{"close", "HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 2\r\n\r\nnoNEXT", 429, 2, false, ""},
		{"until EOF", "HTTP/1.0 200 OK\r\n\r\nabc", 200, 3, false, ""},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 200, 3, false, "EOF"},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n", 0, 0, false, "bad status line"},
	} {
		br := bufio.NewReader(strings.NewReader(tt.raw))
		status, n, keep, err := readResponse(br)
		if status != tt.status || n != tt.n || keep != tt.keep || (err != nil) != (tt.err != "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: status %d n %d keep %v err %v", tt.name, status, n, keep, err)
			continue
		}
		if tt.keep {
			if rest, _ := br.ReadString(0); rest != "NEXT" {
				t.Errorf("%s: the next response would start at %q", tt.name, rest)
			}
		}
	}
}

// The popularity model reads the newest disclosures most, as its share says.
func TestPopularDetail(t *testing.T) {
	const n, draws = 100_000, 200_000
	ds := Dataset{IDs: make([]int64, n)}
	for i := range ds.IDs {
		ds.IDs[i] = int64(1000 + i) // oldest first
	}
	s := PopularDetail(ds)
	r := rand.New(rand.NewPCG(1, 2))
	reads := map[int64]int{}
	top := 0
	for range draws {
		var id int64
		if _, err := fmt.Sscanf(s.Next(r), "/cong-khai/%d", &id); err != nil || id < 1000 || id >= 1000+n {
			t.Fatalf("path of no disclosure: %v %d", err, id)
		}
		reads[id]++
		if id >= 1000+n-1000 {
			top++
		}
	}
	newest := int64(1000 + n - 1)
	for id, c := range reads {
		if c > reads[newest] {
			t.Fatalf("disclosure %d read %d times, more than the newest (%d)", id, c, reads[newest])
		}
	}
	got, want := float64(top)/draws, ZipfShare(1000, n)
	if math.Abs(got-want) > 0.02 || want < 0.6 || want > 0.9 {
		t.Errorf("the newest 1,000 took %.3f of the reads, the model says %.3f", got, want)
	}
	if len(reads) < 10_000 {
		t.Errorf("only %d distinct disclosures read: the tail is missing", len(reads))
	}
}
