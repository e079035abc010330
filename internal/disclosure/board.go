package disclosure

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"danchu/internal/org"
	"danchu/internal/search"
)

// Item is a line of a board, an archive or a search result (no body).
type Item struct {
	ID, UnitID, BoardID int64
	Category            int
	Status              string
	Version             int
	Title               string
	Late                bool
	PostingStart        string
	PublishedAt         int64
	UpdatedAt           int64
	Snippet             string // search and feed only: the start of the body
}

// Board returns the public disclosures with status of a commune's board (u is the
// commune: its own and its villages') or of one village (u a village), newest
// first, at most limit after the disclosure before (0: from the newest). A
// board's first page is kept in memory, one per board and status, at the
// largest limit asked, and reread only when its signature (sum of change
// times and number of items, read from an index) moved, so every process sees
// every change at once. A later page (a cursor, which a reader of the API may
// make up) is read from the database, so no request can fill the memory with
// copies of one board.
func (s *Service) Board(ctx context.Context, u org.Unit, status string, before int64, limit int) ([]Item, error) {
	if before != 0 {
		its, err := s.boardItems(ctx, u, status, before, limit)
		if err != nil {
			return nil, fmt.Errorf("board of %d: %w", u.ID, err)
		}
		return its, nil
	}
	var sig struct{ at, n int64 }
	var err error
	if sig.at, sig.n, err = s.boardSignature(ctx, u); err != nil {
		return nil, fmt.Errorf("board of %d: %w", u.ID, err)
	}
	key := boardColumn(u) + "/" + strconv.FormatInt(u.ID, 10) + "/" + status
	if e, ok := s.boards.get(key); ok && e.at == sig.at && e.n == sig.n && (limit <= e.limit || len(e.items) < e.limit) {
		return slices.Clip(e.items[:min(limit, len(e.items))]), nil
	}
	its, err := s.boardItems(ctx, u, status, 0, limit)
	if err != nil {
		return nil, fmt.Errorf("board of %d: %w", u.ID, err)
	}
	s.boards.put(key, boardEntry{at: sig.at, n: sig.n, limit: limit, items: its})
	return slices.Clip(its), nil
}

// Feed returns what a board's Atom feed says: the newest posted public
// disclosures (with the start of their bodies) and the board's last change
// (epoch ms; 0 if it never had a public disclosure).
func (s *Service) Feed(ctx context.Context, u org.Unit, limit int) ([]Item, int64, error) {
	items, err := s.feedItems(ctx, u, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("feed of %d: %w", u.ID, err)
	}
	at, err := s.boardChanged(ctx, u)
	if err != nil {
		return nil, 0, fmt.Errorf("feed of %d: %w", u.ID, err)
	}
	return items, at, nil
}

// PageVersion is the signature of a disclosure's public page for the page
// cache (web.CachedPage): the row's change time, version and status, which
// every write of the disclosure moves, and the version of the unit tree the
// page's trail is drawn from. "" for a disclosure that is not there or is on
// a staff board: its page is never cached.
func (s *Service) PageVersion(ctx context.Context, id int64) (string, error) {
	v, err := s.pageVersion(ctx, id)
	if err != nil || v == "" {
		return "", err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return "", err
	}
	return v + "/" + strconv.FormatInt(t.Version, 10), nil
}

// BoardVersion is the signature of a board's pages for the page cache: the
// board's signature (as Board reads it) and the unit tree's version.
func (s *Service) BoardVersion(ctx context.Context, u org.Unit) (string, error) {
	at, n, err := s.boardSignature(ctx, u)
	if err != nil {
		return "", fmt.Errorf("board of %d: %w", u.ID, err)
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(at, 10) + "." + strconv.FormatInt(n, 10) + "/" + strconv.FormatInt(t.Version, 10), nil
}

// boardEntry is a board in memory with the signature it was read at.
type boardEntry struct {
	at, n int64
	limit int // how many were asked for: a board with fewer is whole
	items []Item
}

// boardCache holds boards; when it is full it starts again (boards are small and
// rebuilt from one indexed query).
type boardCache struct {
	mu sync.RWMutex
	m  map[string]boardEntry
}

// maxBoards bounds the number of boards the cache holds (first pages only,
// one per board and status: at most every public disclosure once).
const maxBoards = 8000

func (c *boardCache) get(k string) (boardEntry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[k]
	return e, ok
}

func (c *boardCache) put(k string, e boardEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxBoards {
		c.m = map[string]boardEntry{}
	}
	c.m[k] = e
}

// SearchCandidates is how many of the newest matches (highest IDs: IDs are
// time-ordered) are ranked.
const SearchCandidates = 100

// Hit is a search result with its score.
type Hit struct {
	Item
	Score int
	Terms []string
}

// Search finds public disclosures (posted or archived) whose folded text has every
// word of q, within the subtree of unit (zero: the whole portal). The engine's
// full-text index (FTS5 or a GIN tsvector index) selects the newest
// SearchCandidates matches; they are ranked here, the same way on both engines:
// words in the title count three, in the body one, then newer first.
func (s *Service) Search(ctx context.Context, q string, unit org.Unit, limit, offset int) ([]Hit, int, error) {
	terms := search.Terms(q)
	if len(terms) == 0 {
		return nil, 0, nil
	}
	hits, err := s.candidates(ctx, q, terms, unit)
	if err != nil {
		return nil, 0, err
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID > hits[j].ID
	})
	total := len(hits)
	if offset >= total {
		return nil, total, nil
	}
	return hits[offset:min(offset+limit, total)], total, nil
}

// score counts the query's words in the title (×3) and in the start of the
// folded text (title and body, as indexed).
func score(terms []string, title, folded string) int {
	count := func(words []string) map[string]int {
		m := map[string]int{}
		for _, w := range words {
			m[w]++
		}
		return m
	}
	t, b := count(strings.Fields(search.IndexText(title))), count(strings.Fields(folded))
	n := 0
	for _, w := range terms {
		n += 3*t[w] + min(b[w], 5)
	}
	return n
}
