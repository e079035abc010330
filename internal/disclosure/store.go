package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	store "danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/search"
)

// Store is the SQL of disclosures, their versions, files and channels, the same
// text on SQLite and PostgreSQL (search aside: FTS5 or a tsvector index).
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const disclosureCols = `id, unit_id, board_id, staff_only, category, status, version, title, body, decision_date, due_date, posting_start,
	min_end, late, published_at, updated_at, coalesce(archived_at, 0), coalesce(withdrawn_at, 0), withdraw_reason, created_by`

type scanner interface{ Scan(dest ...any) error }

func scanDisclosure(r scanner) (Disclosure, error) {
	var x Disclosure
	var dec, due, start, minEnd string
	err := r.Scan(&x.ID, &x.UnitID, &x.BoardID, &x.StaffOnly, &x.Category, &x.Status, &x.Version, &x.Title, &x.Body, &dec, &due, &start,
		&minEnd, &x.Late, &x.PublishedAt, &x.UpdatedAt, &x.ArchivedAt, &x.WithdrawnAt, &x.WithdrawReason, &x.CreatedBy)
	if err != nil {
		return x, err
	}
	x.DecisionDate, _ = legal.ParseDate(dec)
	x.Due, _ = legal.ParseDate(due)
	x.PostingStart, _ = legal.ParseDate(start)
	if minEnd != "" {
		x.MinEnd, _ = legal.ParseDate(minEnd)
	}
	return x, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func loadFiles(ctx context.Context, q querier, id int64) (map[int][]File, error) {
	rows, err := q.QueryContext(ctx, "select version, sha256, name, content_type, size from disclosure_files where disclosure_id = $1 order by version, position", id)
	if err != nil {
		return nil, fmt.Errorf("files of %d: %w", id, err)
	}
	defer rows.Close()
	m := map[int][]File{}
	for rows.Next() {
		var v int
		var f File
		if err := rows.Scan(&v, &f.SHA256, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		m[v] = append(m[v], f)
	}
	return m, rows.Err()
}

// find returns a disclosure with its files, versions and channels.
func find(ctx context.Context, q querier, id int64) (Disclosure, error) {
	x, err := scanDisclosure(q.QueryRowContext(ctx, "select "+disclosureCols+" from disclosures where id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, apperr.New(apperr.CodeNotFound, "disclosure.err.not_found")
	}
	if err != nil {
		return x, fmt.Errorf("disclosure %d: %w", id, err)
	}
	files, err := loadFiles(ctx, q, id)
	if err != nil {
		return x, err
	}
	x.Files = files[x.Version]
	if x.Version == 1 {
		// One version: it is the row itself (saves a query on most pages).
		x.Versions = []Version{{N: 1, Title: x.Title, Body: x.Body, CreatedAt: x.PublishedAt, Files: files[1]}}
	} else {
		rows, err := q.QueryContext(ctx, "select version, title, body, reason, diff, created_at from disclosure_versions where disclosure_id = $1 order by version", id)
		if err != nil {
			return x, fmt.Errorf("versions of %d: %w", id, err)
		}
		for rows.Next() {
			var v Version
			if err := rows.Scan(&v.N, &v.Title, &v.Body, &v.Reason, &v.script, &v.CreatedAt); err != nil {
				rows.Close()
				return x, err
			}
			v.Files = files[v.N]
			x.Versions = append(x.Versions, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return x, err
		}
	}
	crows, err := q.QueryContext(ctx, "select channel, start_date, end_date, note from disclosure_channels where disclosure_id = $1 order by channel", id)
	if err != nil {
		return x, fmt.Errorf("channels of %d: %w", id, err)
	}
	defer crows.Close()
	for crows.Next() {
		var c Channel
		var start, end string
		if err := crows.Scan(&c.ID, &start, &end, &c.Note); err != nil {
			return x, err
		}
		c.Start, _ = legal.ParseDate(start)
		if end != "" {
			c.End, _ = legal.ParseDate(end)
		}
		x.Channels = append(x.Channels, c)
	}
	return x, crows.Err()
}

// unitOf returns the unit a disclosure belongs to.
func (s *Store) unitOf(ctx context.Context, id int64) (int64, error) {
	var unit int64
	err := s.db.QueryRowContext(ctx, "select unit_id from disclosures where id = $1", id).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.New(apperr.CodeNotFound, "disclosure.err.not_found")
	}
	if err != nil {
		return 0, fmt.Errorf("disclosure %d: %w", id, err)
	}
	return unit, nil
}

// insertDisclosure writes a new disclosure (its first version apart), by accountID at now.
func insertDisclosure(ctx context.Context, tx *sql.Tx, x Disclosure, accountID, now int64) error {
	if _, err := tx.ExecContext(ctx, `insert into disclosures (id, unit_id, board_id, staff_only, category, status, version, title, body,
			decision_date, due_date, posting_start, min_end, late, search_text, published_at, updated_at, withdraw_reason, created_by)
			values ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, '', $16)`,
		x.ID, x.UnitID, x.BoardID, x.StaffOnly, x.Category, x.Status, x.Title, x.Body, x.DecisionDate.String(), x.Due.String(),
		x.PostingStart.String(), dateOrEmpty(x.MinEnd), x.Late, search.IndexText(x.Title, x.Body), now, accountID); err != nil {
		return fmt.Errorf("insert disclosure: %w", err)
	}
	return nil
}

// insertVersion stores a version; script is its comparison with the version
// before (none for the first).
func insertVersion(ctx context.Context, tx *sql.Tx, id int64, n int, title, body, reason string, script sql.NullString, by, now int64, files []File) error {
	if _, err := tx.ExecContext(ctx, `insert into disclosure_versions (disclosure_id, version, title, body, reason, diff, created_by, created_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8)`, id, n, title, body, reason, script, by, now); err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	for i, f := range files {
		if _, err := tx.ExecContext(ctx, `insert into disclosure_files (disclosure_id, version, position, sha256, name, content_type, size)
			values ($1, $2, $3, $4, $5, $6, $7)`, id, n, i+1, f.SHA256, f.Name, f.ContentType, f.Size); err != nil {
			return fmt.Errorf("insert file: %w", err)
		}
	}
	return nil
}

func replaceChannels(ctx context.Context, tx *sql.Tx, id int64, cs []Channel) error {
	if _, err := tx.ExecContext(ctx, "delete from disclosure_channels where disclosure_id = $1", id); err != nil {
		return err
	}
	for _, c := range cs {
		if _, err := tx.ExecContext(ctx, `insert into disclosure_channels (disclosure_id, channel, start_date, end_date, note) values ($1, $2, $3, $4, $5)`,
			id, c.ID, c.Start.String(), dateOrEmpty(c.End), c.Note); err != nil {
			return fmt.Errorf("insert channel: %w", err)
		}
	}
	return nil
}

// moved reports whether a conditional write found its row as it was read.
func moved(res sql.Result) bool {
	n, err := res.RowsAffected()
	return err == nil && n == 1
}

// updateVersion makes x's version current if the disclosure is still at
// version was in status.
func updateVersion(ctx context.Context, tx *sql.Tx, x Disclosure, was int, status string) (bool, error) {
	res, err := tx.ExecContext(ctx, `update disclosures set version = $1, title = $2, body = $3, category = $4, decision_date = $5, due_date = $6,
			search_text = $7, updated_at = $8 where id = $9 and version = $10 and status = $11`, x.Version, x.Title, x.Body, x.Category, x.DecisionDate.String(), x.Due.String(),
		search.IndexText(x.Title, x.Body), x.UpdatedAt, x.ID, was, status)
	if err != nil {
		return false, fmt.Errorf("amend disclosure: %w", err)
	}
	return moved(res), nil
}

// setWithdrawn withdraws x if it is still in status from.
func setWithdrawn(ctx context.Context, tx *sql.Tx, x Disclosure, from string) (bool, error) {
	res, err := tx.ExecContext(ctx, "update disclosures set status = $1, withdraw_reason = $2, withdrawn_at = $3, updated_at = $3 where id = $4 and status = $5",
		Withdrawn, x.WithdrawReason, x.WithdrawnAt, x.ID, from)
	if err != nil {
		return false, fmt.Errorf("withdraw disclosure: %w", err)
	}
	return moved(res), nil
}

// setArchived archives x if it is still posted.
func setArchived(ctx context.Context, tx *sql.Tx, x Disclosure) (bool, error) {
	res, err := tx.ExecContext(ctx, "update disclosures set status = $1, archived_at = $2, updated_at = $2 where id = $3 and status = $4", Archived, x.ArchivedAt, x.ID, Posted)
	if err != nil {
		return false, fmt.Errorf("archive disclosure: %w", err)
	}
	return moved(res), nil
}

const itemCols = `d.id, d.unit_id, d.board_id, d.category, d.status, d.version, d.title, d.late, d.posting_start, d.published_at, d.updated_at`

func (s *Store) items(ctx context.Context, query string, args ...any) ([]Item, error) {
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

// boardSignature is the sum of change times and the number of a board's items
// (read from an index): it moves with every change.
func (s *Store) boardSignature(ctx context.Context, u org.Unit) (at, n int64, err error) {
	err = s.db.Cached().QueryRowContext(ctx, "select coalesce(sum(updated_at), 0), count(*) from disclosures where "+boardColumn(u)+" = $1", u.ID).
		Scan(&at, &n)
	return at, n, err
}

// pageVersion is what a disclosure's public page is rendered from, in one
// row read by its key: its change time, version and status ("" when there
// is none or it is on a staff board: that page is never cached).
func (s *Store) pageVersion(ctx context.Context, id int64) (string, error) {
	var at int64
	var version int
	var status string
	var staff bool
	err := s.db.Cached().QueryRowContext(ctx, "select updated_at, version, status, staff_only from disclosures where id = $1", id).
		Scan(&at, &version, &status, &staff)
	if errors.Is(err, sql.ErrNoRows) || staff {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("version of disclosure %d: %w", id, err)
	}
	return strconv.FormatInt(at, 10) + "." + strconv.Itoa(version) + "." + status, nil
}

// boardItems lists the public disclosures with status of u's board, newest first.
func (s *Store) boardItems(ctx context.Context, u org.Unit, status string, before int64, limit int) ([]Item, error) {
	return s.items(ctx, "select "+itemCols+" from disclosures d where d."+boardColumn(u)+` = $1 and d.status = $2 and not d.staff_only
		and (cast($3 as bigint) = 0 or d.id < $3) order by d.id desc limit $4`, u.ID, status, before, limit)
}

// snippetLen is how many characters of a body a feed entry reads.
const snippetLen = 400

// feedItems lists the newest posted public disclosures of u's board with the
// start of their bodies (Snippet, 400 characters: whole characters on both engines).
func (s *Store) feedItems(ctx context.Context, u org.Unit, limit int) ([]Item, error) {
	rows, err := s.db.Cached().QueryContext(ctx, "select "+itemCols+", substr(d.body, 1, $3) from disclosures d where d."+boardColumn(u)+` = $1
		and d.status = 'posted' and not d.staff_only order by d.id desc limit $2`, u.ID, limit, snippetLen)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.ID, &it.UnitID, &it.BoardID, &it.Category, &it.Status, &it.Version, &it.Title, &it.Late, &it.PostingStart,
			&it.PublishedAt, &it.UpdatedAt, &it.Snippet); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// boardChanged is the last change of any public disclosure of u's board, in
// any status (an archived or withdrawn one left the feed then); 0 if it never
// had one. Staff-only disclosures are not counted: their times are not public.
func (s *Store) boardChanged(ctx context.Context, u org.Unit) (int64, error) {
	var at int64
	err := s.db.Cached().QueryRowContext(ctx, "select updated_at from disclosures where "+boardColumn(u)+` = $1 and not staff_only
		order by updated_at desc limit 1`, u.ID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return at, err
}

// UnitItems lists every disclosure of a unit (any status, staff boards included)
// for its officials, newest first: at most limit of them, after the disclosure
// before (0: from the newest).
func (s *Store) UnitItems(ctx context.Context, u org.Unit, before int64, limit int) ([]Item, error) {
	return s.items(ctx, "select "+itemCols+" from disclosures d where d."+boardColumn(u)+` = $1
		and (cast($2 as bigint) = 0 or (d.published_at, d.id) < (select published_at, id from disclosures where id = $2))
		order by d.published_at desc, d.id desc limit $3`, u.ID, before, limit)
}

// candidates are the newest SearchCandidates public disclosures (posted or
// archived) whose folded text has every term, within the subtree of unit (zero:
// the whole portal), scored. IDs are time-ordered, so "newest" is the highest
// ID, which FTS5 can walk backwards without sorting every match.
func (s *Store) candidates(ctx context.Context, q string, terms []string, unit org.Unit) ([]Hit, error) {
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
		return nil, fmt.Errorf("search %q: %w", q, err)
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var folded string
		if err := rows.Scan(&h.ID, &h.UnitID, &h.BoardID, &h.Category, &h.Status, &h.Version, &h.Title, &h.Late, &h.PostingStart,
			&h.PublishedAt, &h.UpdatedAt, &folded, &h.Snippet); err != nil {
			return nil, err
		}
		h.Terms = terms
		h.Score = score(terms, h.Title, folded)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return hits, nil
}

// unitJoin joins the units only when the search is limited to one's subtree.
func unitJoin(unit org.Unit) string {
	if unit.ID == 0 {
		return ""
	}
	return " join units u on u.id = d.unit_id"
}

// registerLine is a disclosure of the register as stored.
type registerLine struct {
	RegisterRow
	unitOf int64
	cat    int
	minEnd string
	staff  bool
}

// registerWhere picks the disclosures of unit's board whose posting began in [from, to).
func registerWhere(unit org.Unit) string {
	return "d." + boardColumn(unit) + " = $1 and d.posting_start >= $2 and d.posting_start < $3"
}

// registerLines lists the disclosures of unit's board whose posting began in [from, to).
func (s *Store) registerLines(ctx context.Context, unit org.Unit, from, to legal.Date) ([]registerLine, error) {
	rows, err := s.db.QueryContext(ctx, `select d.id, d.unit_id, d.category, d.title, d.decision_date, d.due_date, d.posting_start, d.min_end,
		d.status, d.late, d.version, d.staff_only from disclosures d where `+registerWhere(unit)+` order by d.posting_start, d.id`, unit.ID, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	defer rows.Close()
	var out []registerLine
	for rows.Next() {
		var l registerLine
		r := &l.RegisterRow
		if err := rows.Scan(&r.ID, &l.unitOf, &l.cat, &r.Title, &r.DecisionDate, &r.Due, &r.PostingStart, &l.minEnd, &r.Status, &r.Late, &r.Versions, &l.staff); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// registerChannel is a channel of a disclosure of the register.
type registerChannel struct {
	id                  int64
	channel, start, end string
}

// registerChannels lists the channels of the disclosures registerLines lists.
func (s *Store) registerChannels(ctx context.Context, unit org.Unit, from, to legal.Date) ([]registerChannel, error) {
	rows, err := s.db.QueryContext(ctx, `select ch.disclosure_id, ch.channel, ch.start_date, ch.end_date from disclosure_channels ch
		join disclosures d on d.id = ch.disclosure_id where `+registerWhere(unit)+` order by ch.channel`, unit.ID, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registerChannel
	for rows.Next() {
		var c registerChannel
		if err := rows.Scan(&c.id, &c.channel, &c.start, &c.end); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// versionText returns the title and body of a version (found false: no such version).
func (s *Store) versionText(ctx context.Context, id int64, version int) (title, body string, found bool, err error) {
	err = s.db.QueryRowContext(ctx, "select title, body from disclosure_versions where disclosure_id = $1 and version = $2",
		id, version).Scan(&title, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return title, body, err == nil, err
}

// shown is what the public page and the board render of a disclosure: the
// disclosures row's version, title, body and category, with the newest version
// on file (found false: no such row).
func (s *Store) shown(ctx context.Context, id int64) (version, newest, category int, title, body string, found bool, err error) {
	err = s.db.QueryRowContext(ctx, `select d.version, coalesce((select max(v.version) from disclosure_versions v where v.disclosure_id = d.id), 0),
		d.category, d.title, d.body from disclosures d where d.id = $1`, id).Scan(&version, &newest, &category, &title, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, 0, "", "", false, nil
	}
	return version, newest, category, title, body, err == nil, err
}

// versionFiles lists the files of a version as "sha256 name", in order.
func (s *Store) versionFiles(ctx context.Context, id int64, version int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "select sha256, name from disclosure_files where disclosure_id = $1 and version = $2 order by position",
		id, version)
	if err != nil {
		return nil, fmt.Errorf("read disclosure %d files: %w", id, err)
	}
	defer rows.Close()
	var files []string
	for rows.Next() {
		var sum, name string
		if err := rows.Scan(&sum, &name); err != nil {
			return nil, err
		}
		files = append(files, sum+" "+name)
	}
	return files, rows.Err()
}

// PassOn is a disclosure posted on a public board that reaches households
// through the village head, with the days of that channel.
type PassOn struct {
	ID          int64
	UnitID      int64
	Title       string
	Category    int
	Start, End  legal.Date // End zero: a single day
	PublishedAt int64
}

// passOn returns the posted disclosures of a commune and of one of its
// villages whose channels include the village head, the latest channel start
// first, at most limit.
func (s *Store) passOn(ctx context.Context, communeID, villageID int64, limit int) ([]PassOn, error) {
	rows, err := s.db.QueryContext(ctx, `select d.id, d.unit_id, d.title, d.category, c.start_date, c.end_date, d.published_at
		from disclosures d join disclosure_channels c on c.disclosure_id = d.id and c.channel = $1
		where d.board_id = $2 and (d.unit_id = $2 or d.unit_id = $3) and d.status = $4 and not d.staff_only
		order by c.start_date desc, d.id desc limit $5`, ChannelVillageHead, communeID, villageID, Posted, limit)
	if err != nil {
		return nil, fmt.Errorf("disclosures to pass on in %d: %w", villageID, err)
	}
	defer rows.Close()
	var out []PassOn
	for rows.Next() {
		var p PassOn
		var start, end string
		if err := rows.Scan(&p.ID, &p.UnitID, &p.Title, &p.Category, &start, &end, &p.PublishedAt); err != nil {
			return nil, err
		}
		p.Start, _ = legal.ParseDate(start)
		p.End, _ = legal.ParseDate(end)
		out = append(out, p)
	}
	return out, rows.Err()
}

// blobRefs calls each with every stored file the rows reference (every
// version's, withdrawn and archived ones included: the record keeps them)
// and the size recorded for it.
func (s *Store) blobRefs(ctx context.Context) (store.Refs, error) {
	return store.QueryRefs(ctx, s.db, "select distinct sha256, size from disclosure_files")
}
