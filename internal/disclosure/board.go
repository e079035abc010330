package disclosure

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"danchu/internal/db"
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
	Snippet             string // search only: the start of the body
}

const itemCols = `d.id, d.unit_id, d.board_id, d.category, d.status, d.version, d.title, d.late, d.posting_start, d.published_at, d.updated_at`

func (s *Service) items(ctx context.Context, query string, args ...any) ([]Item, error) {
	rows, err := s.db.Cached().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.ID, &it.UnitID, &it.BoardID, &it.Category, &it.Status, &it.Version, &it.Title, &it.Late, &it.PostingStart,
			&it.PublishedAt, &it.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// boardColumn is the column that picks a unit's disclosures: a commune's board
// holds its own and its villages'; a village's, its own.
func boardColumn(u org.Unit) string {
	if u.Type.Level() == org.VillageLevel {
		return "unit_id"
	}
	return "board_id"
}

// Board returns the public disclosures with status of a commune's board (u is the
// commune: its own and its villages') or of one village (u a village), newest
// first, at most limit. Boards are kept in memory and reread only when their
// signature (sum of change times and number of items, read from an index) moved, so
// every process sees every change at once.
func (s *Service) Board(ctx context.Context, u org.Unit, status string, before int64, limit int) ([]Item, error) {
	col := boardColumn(u)
	var sig struct{ at, n int64 }
	if err := s.db.Cached().QueryRowContext(ctx, "select coalesce(sum(updated_at), 0), count(*) from disclosures where "+col+" = $1", u.ID).
		Scan(&sig.at, &sig.n); err != nil {
		return nil, fmt.Errorf("board of %d: %w", u.ID, err)
	}
	key := fmt.Sprintf("%s/%d/%s/%d/%d", col, u.ID, status, before, limit)
	if e, ok := s.boards.get(key); ok && e.at == sig.at && e.n == sig.n {
		return e.items, nil
	}
	its, err := s.items(ctx, "select "+itemCols+" from disclosures d where d."+col+` = $1 and d.status = $2 and not d.staff_only
		and (cast($3 as bigint) = 0 or d.id < $3) order by d.id desc limit $4`, u.ID, status, before, limit)
	if err != nil {
		return nil, fmt.Errorf("board of %d: %w", u.ID, err)
	}
	s.boards.put(key, boardEntry{at: sig.at, n: sig.n, items: its})
	return its, nil
}

// boardEntry is a board in memory with the signature it was read at.
type boardEntry struct {
	at, n int64
	items []Item
}

// boardCache holds boards; when it is full it starts again (boards are small and
// rebuilt from one indexed query).
type boardCache struct {
	mu sync.RWMutex
	m  map[string]boardEntry
}

// maxBoards bounds the memory of the cache (about 30 items of 200 bytes each).
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

// UnitItems lists every disclosure of a unit (any status, staff boards included)
// for its officials, newest first.
// At most limit of them, after the disclosure before (0: from the newest).
func (s *Service) UnitItems(ctx context.Context, u org.Unit, before int64, limit int) ([]Item, error) {
	return s.items(ctx, "select "+itemCols+" from disclosures d where d."+boardColumn(u)+` = $1
		and (cast($2 as bigint) = 0 or (d.published_at, d.id) < (select published_at, id from disclosures where id = $2))
		order by d.published_at desc, d.id desc limit $3`, u.ID, before, limit)
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
	// Candidates are the newest matches: IDs are time-ordered, so "newest" is the
	// highest ID, which FTS5 can walk backwards without sorting every match.
	var sqlText, match string
	if s.db.Dialect == db.SQLite {
		quoted := make([]string, len(terms))
		for i, t := range terms {
			quoted[i] = `"` + t + `"`
		}
		match = strings.Join(quoted, " ")
		sqlText = "select " + itemCols + `, substr(d.search_text, 1, 600), substr(d.body, 1, 400) from disclosures_fts f
			join disclosures d on d.id = f.rowid` + unitJoin(unit) + ` where disclosures_fts match $1`
	} else {
		match = strings.Join(terms, " & ")
		sqlText = "select " + itemCols + `, substr(d.search_text, 1, 600), substr(d.body, 1, 400) from disclosures d` +
			unitJoin(unit) + ` where to_tsvector('simple', d.search_text) @@ to_tsquery('simple', $1)`
	}
	sqlText += " and d.status <> 'withdrawn' and not d.staff_only"
	args := []any{match}
	if unit.ID != 0 {
		sqlText += " and u.path >= $2 and u.path < $3"
		args = append(args, unit.Path, unit.Path[:len(unit.Path)-1]+"0")
	}
	args = append(args, SearchCandidates)
	order := "d.id desc"
	if s.db.Dialect == db.SQLite {
		order = "f.rowid desc"
	}
	sqlText += fmt.Sprintf(" order by %s limit $%d", order, len(args))
	rows, err := s.db.Cached().QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q, err)
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var folded string
		if err := rows.Scan(&h.ID, &h.UnitID, &h.BoardID, &h.Category, &h.Status, &h.Version, &h.Title, &h.Late, &h.PostingStart,
			&h.PublishedAt, &h.UpdatedAt, &folded, &h.Snippet); err != nil {
			return nil, 0, err
		}
		h.Terms = terms
		h.Score = score(terms, h.Title, folded)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
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

// unitJoin joins the units only when the search is limited to one's subtree.
func unitJoin(unit org.Unit) string {
	if unit.ID == 0 {
		return ""
	}
	return " join units u on u.id = d.unit_id"
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
