package app_test

import (
	"context"
	"encoding/xml"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/web/webtest"
)

// atomDoc is what RFC 4287 requires of a feed, read back: id, title and updated
// on the feed and on every entry, an author on the feed or on every entry.
type atomDoc struct {
	XMLName xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string       `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string       `xml:"id"`
	Title   string       `xml:"title"`
	Updated string       `xml:"updated"`
	Authors []atomAuthor `xml:"author"`
	Links   []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string       `xml:"id"`
		Title     string       `xml:"title"`
		Updated   string       `xml:"updated"`
		Published string       `xml:"published"`
		Authors   []atomAuthor `xml:"author"`
		Summary   struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
		Category struct {
			Term  string `xml:"term,attr"`
			Label string `xml:"label,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri"`
}

// readAtom parses a feed and checks the structure RFC 4287 §4.1 requires.
func readAtom(t *testing.T, url, body string) atomDoc {
	t.Helper()
	var f atomDoc
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%s: not an Atom feed: %v\n%s", url, err, body)
	}
	date := func(what, v string) time.Time {
		d, err := time.Parse(time.RFC3339, v)
		if err != nil || d.Year() < 2000 {
			t.Errorf("%s: %s %q is not a true RFC 3339 date (%v)", url, what, v, err)
		}
		return d
	}
	if f.ID == "" || f.Title == "" || f.Lang != "vi" {
		t.Errorf("%s: feed id %q, title %q, xml:lang %q", url, f.ID, f.Title, f.Lang)
	}
	updated := date("feed updated", f.Updated)
	self := false
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && strings.HasSuffix(l.Href, ".atom"))
	}
	if !self {
		t.Errorf("%s: no rel=self link: %+v", url, f.Links)
	}
	for i, e := range f.Entries {
		if e.ID == "" || e.Title == "" || e.Summary.Text == "" || e.Summary.Type != "text" {
			t.Errorf("%s: entry %d id %q title %q summary %+v", url, i, e.ID, e.Title, e.Summary)
		}
		up, pub := date("entry updated", e.Updated), date("entry published", e.Published)
		if up.Before(pub) || updated.Before(up) {
			t.Errorf("%s: entry %d published %s, updated %s, feed updated %s", url, i, e.Published, e.Updated, f.Updated)
		}
		if len(f.Authors) == 0 && len(e.Authors) == 0 {
			t.Errorf("%s: entry %d has no author and neither has the feed", url, i)
		}
	}
	return f
}

// xmllint validates documents against RFC 4287's schema (testdata/atom.rng).
// Without xmllint the check is skipped, unless DANCHU_REQUIRE_XMLLINT is set
// (CI sets it and installs libxml2-utils): then it fails.
func xmllint(t *testing.T, docs map[string]string) map[string]string {
	t.Helper()
	bin, err := osexec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("DANCHU_REQUIRE_XMLLINT") != "" {
			t.Fatal("xmllint is not installed and DANCHU_REQUIRE_XMLLINT is set")
		}
		t.Skip("xmllint is not installed (apt-get install libxml2-utils)")
	}
	dir := t.TempDir()
	out := map[string]string{}
	for name, doc := range docs {
		p := filepath.Join(dir, strings.NewReplacer("/", "_").Replace(name)+".xml")
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		msg, err := osexec.Command(bin, "--noout", "--relaxng", "testdata/atom.rng", p).CombinedOutput()
		if err != nil {
			out[name] = string(msg)
			if len(msg) == 0 || strings.Contains(string(msg), "failed to compile") || strings.Contains(string(msg), "parser error : ") && strings.Contains(string(msg), "atom.rng") {
				t.Fatalf("xmllint could not run the schema: %v %s", err, msg)
			}
		}
	}
	return out
}

func TestAtomFeeds(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		official := officialActor(t, a, "xa@danchu.demo")
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		village, err := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		if err != nil {
			t.Fatal(err)
		}
		visitor := webtest.New(t, srv.URL)
		feeds := map[string]string{}
		get := func(path string) atomDoc {
			t.Helper()
			code, body, h := visitor.Get(path)
			if code != 200 || h.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
				t.Fatalf("%s: %d %s", path, code, h.Get("Content-Type"))
			}
			if h.Get("Set-Cookie") != "" {
				t.Errorf("%s sets a cookie: %s", path, h.Get("Set-Cookie"))
			}
			feeds[path] = body
			return readAtom(t, path, body)
		}

		// A board that never had a disclosure: empty since the unit came into being, not since 1970.
		empty := "/xa/" + demo.SecondCode + "/cong-khai.atom"
		second, err := a.Units.UnitByCode(ctx, demo.SecondCode)
		if err != nil {
			t.Fatal(err)
		}
		f := get(empty)
		if len(f.Entries) != 0 || len(f.Authors) != 1 || f.Authors[0].Name != second.Name {
			t.Errorf("empty feed: %d entries, authors %+v", len(f.Entries), f.Authors)
		}
		from, _ := time.Parse("2006-01-02", second.ValidFrom)
		if got, _ := time.Parse(time.RFC3339, f.Updated); !got.Equal(from.Add(-7 * time.Hour)) {
			t.Errorf("empty feed updated %s, want %s (midnight of %s in Vietnam)", f.Updated, from.Add(-7*time.Hour).Format(time.RFC3339), second.ValidFrom)
		}

		long := "## Điều 1. Phạm vi điều chỉnh\n\nQuy chế này quy định **việc công khai** thông tin ở xã Đan Điền, " +
			strings.Repeat("bao gồm ngân sách, đất đai, quy hoạch và các khoản đóng góp của nhân dân; ", 8)
		posted := []struct {
			unit  int64
			title string
			body  string
		}{
			{commune.ID, "Quy chế công khai của xã", long},
			{village.ID, "Kế hoạch làm đường thôn Đông Phước", "Thôn làm 300 m đường bê tông."},
		}
		var ids []int64
		for _, p := range posted {
			x, err := a.Disclose.Publish(ctx, official, disclosure.Draft{UnitID: p.unit, Category: 4, Title: p.title, Body: p.body, DecisionDate: "2026-03-09"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.ID)
		}
		f = get("/xa/" + demo.CommuneCode + "/cong-khai.atom")
		if len(f.Entries) != 2 || len(f.Authors) != 1 || f.Authors[0].Name != commune.Name || !strings.HasSuffix(f.Authors[0].URI, "/xa/"+demo.CommuneCode) {
			t.Fatalf("commune feed: %d entries, authors %+v", len(f.Entries), f.Authors)
		}
		vil, com := f.Entries[0], f.Entries[1] // newest first
		if len(vil.Authors) != 1 || vil.Authors[0].Name != village.Name || len(com.Authors) != 0 {
			t.Errorf("the village's entry is by %+v, the commune's by %+v; want the village, then the feed's author", vil.Authors, com.Authors)
		}
		if vil.Summary.Text != "Thôn làm 300 m đường bê tông." || vil.Category.Term != "4" || vil.Category.Label == "" {
			t.Errorf("village entry: summary %q, category %+v", vil.Summary.Text, vil.Category)
		}
		if s := com.Summary.Text; !strings.HasPrefix(s, "Điều 1. Phạm vi điều chỉnh Quy chế này quy định việc công khai") || !strings.HasSuffix(s, "…") ||
			strings.ContainsAny(s, "#*") || len([]rune(s)) > 281 {
			t.Errorf("commune entry's summary is not the first words of its text: %q", s)
		}
		if v := get("/thon/" + village.Code + "/cong-khai.atom"); len(v.Entries) != 1 || v.Authors[0].Name != village.Name || len(v.Entries[0].Authors) != 0 {
			t.Errorf("village feed: %d entries, authors %+v", len(v.Entries), v.Authors)
		}

		// Withdrawing the commune's disclosure takes it out of the feed, and the feed changed then.
		before := time.Now().Truncate(time.Second)
		if err := a.Disclose.Withdraw(ctx, official, ids[0], "Đăng nhầm tệp"); err != nil {
			t.Fatal(err)
		}
		f = get("/xa/" + demo.CommuneCode + "/cong-khai.atom")
		if up, _ := time.Parse(time.RFC3339, f.Updated); len(f.Entries) != 1 || up.Before(before) {
			t.Errorf("after a withdrawal: %d entries, feed updated %s (withdrawn at or after %s)", len(f.Entries), f.Updated, before.UTC().Format(time.RFC3339))
		}

		t.Run("xmllint", func(t *testing.T) {
			// The schema catches what it should: a feed without its updated is refused.
			broken := strings.Replace(feeds[empty], "<updated>", "<published>", 1)
			broken = strings.Replace(broken, "</updated>", "</published>", 1)
			feeds["broken"] = broken
			bad := xmllint(t, feeds)
			if _, ok := bad["broken"]; !ok {
				t.Errorf("xmllint accepted a feed without updated:\n%s", broken)
			}
			delete(bad, "broken")
			for name, msg := range bad {
				t.Errorf("%s is not valid Atom (RFC 4287 schema): %s\n%s", name, msg, feeds[name])
			}
		})
	})
}
