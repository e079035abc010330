package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/legal"
)

// Store is the SQL of feedback items, their steps, photos, routes, settings,
// counters and Open311 keys, the same text on SQLite and PostgreSQL. Its public
// methods are reads anyone may make (the Service embeds them); the reads a
// guard stands before (an official's queue, an item's detail, a unit's keys)
// are lowercase and reached through the service's checked methods.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const itemColumns = `id, code, kind, category, status, unit_id, handler_id, description, address, lat, lon, author_id, contact, due_on,
	answer, coalesce(answered_at, 0), rating, rating_note, reopened, merged_into, photos, created_at, updated_at, handler_since`

type scanner interface{ Scan(dest ...any) error }

func scanItem(r scanner) (Item, error) {
	var it Item
	var due string
	err := r.Scan(&it.ID, &it.Code, &it.Kind, &it.Category, &it.Status, &it.UnitID, &it.HandlerID, &it.Description, &it.Address, &it.Lat, &it.Lon,
		&it.AuthorID, &it.Contact, &due, &it.Answer, &it.AnsweredAt, &it.Rating, &it.RatingNote, &it.Reopened, &it.MergedInto, &it.Photos,
		&it.CreatedAt, &it.UpdatedAt, &it.Since)
	if err == nil {
		it.DueOn, _ = legal.ParseDate(due)
	}
	return it, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func loadItem(ctx context.Context, q querier, where string, arg any) (Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, "select "+itemColumns+" from feedback_items where "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return it, apperr.New(apperr.CodeNotFound, "feedback.err.not_found")
	}
	if err != nil {
		return it, fmt.Errorf("load feedback: %w", err)
	}
	return it, nil
}

func listItems(ctx context.Context, q querier, query string, args ...any) ([]Item, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// item returns the item with id, as last written.
func (s *Store) item(ctx context.Context, id int64) (Item, error) {
	return loadItem(ctx, s.db, "id = $1", id)
}

// itemByCode returns the item with a tracking code (already parsed).
func (s *Store) itemByCode(ctx context.Context, code string) (Item, error) {
	return loadItem(ctx, s.db, "code = $1", code)
}

// openItems are a unit's open items by due date, after the item (due, id), a page of limit.
func (s *Store) openItems(ctx context.Context, unitID int64, due string, id int64, limit int) ([]Item, error) {
	return listItems(ctx, s.db, "select "+itemColumns+` from feedback_items
		where handler_id = $1 and status in `+OpenStatuses.SQL()+` and (due_on > $2 or (due_on = $2 and id > $3))
		order by due_on, id limit $4`, unitID, due, id, limit)
}

// closedItems are a unit's most recently changed items that are no longer open.
func (s *Store) closedItems(ctx context.Context, unitID int64, limit int) ([]Item, error) {
	return listItems(ctx, s.db, "select "+itemColumns+` from feedback_items where handler_id = $1 and status in `+ClosedStatuses.SQL()+`
		order by updated_at desc limit $2`, unitID, limit)
}

// mergedInto are the duplicates merged into item id, by id.
func mergedInto(ctx context.Context, q querier, id int64) ([]Item, error) {
	return listItems(ctx, q, "select "+itemColumns+" from feedback_items where merged_into = $1 order by id", id)
}

// photos are the photos of item id, in order.
func (s *Store) photos(ctx context.Context, id int64) ([]Photo, error) {
	rows, err := s.db.QueryContext(ctx, "select n, sha256, name, size from feedback_photos where item_id = $1 order by n", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Photo
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.N, &p.SHA256, &p.Name, &p.Size); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// events are the steps of an item, the first being its receipt at created.
func (s *Store) events(ctx context.Context, id, created int64) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, "select at, status, note, actor_id from feedback_events where item_id = $1 order by at, id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{{At: created, Kind: EvReceive, Status: Received}}
	for rows.Next() {
		var e Event
		var actor int64
		if err := rows.Scan(&e.At, &e.Status, &e.Note, &actor); err != nil {
			return nil, err
		}
		e.Kind = EventKind(e.Status, e.Note, actor)
		out = append(out, e)
	}
	return out, rows.Err()
}

// public reads the public view of the item with a tracking code (already
// parsed), without its events; id and created are for reading them.
func (s *Store) public(ctx context.Context, c string) (p Public, id, created int64, err error) {
	var author, merged int64
	var due string
	err = s.db.QueryRowContext(ctx, `select id, code, kind, category, status, unit_id, handler_id, due_on, answer, author_id, merged_into,
		coalesce(answered_at, 0), rating, reopened, created_at from feedback_items where code = $1`, c).
		Scan(&id, &p.Code, &p.Kind, &p.Category, &p.Status, &p.UnitID, &p.HandlerID, &due, &p.Answer, &author, &merged, &p.AnsweredAt, &p.Rating, &p.Reopened, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return p, 0, 0, apperr.New(apperr.CodeNotFound, "feedback.err.no_code", c)
	}
	if err != nil {
		return p, 0, 0, fmt.Errorf("track %s: %w", c, err)
	}
	p.DueOn, _ = legal.ParseDate(due)
	p.Anonymous = author == 0
	if merged != 0 {
		if err := s.db.QueryRowContext(ctx, "select code from feedback_items where id = $1", merged).Scan(&p.MergedInto); err != nil {
			return p, 0, 0, fmt.Errorf("track %s: %w", c, err)
		}
	}
	return p, id, created, nil
}

// Answered returns a unit's latest answered items for its public page (their
// codes, categories, places and answers; never the description or the sender).
func (s *Store) Answered(ctx context.Context, unitID int64, limit int) ([]Item, error) {
	return listItems(ctx, s.db, "select "+itemColumns+` from feedback_items where handler_id = $1 and status in `+AnsweredStatuses.SQL()+`
		and merged_into = 0 and answered_at is not null order by updated_at desc limit $2`, unitID, limit)
}

// RequestFilter selects items for Open311's list of requests.
type RequestFilter struct {
	Places     []int64    // the units the items are about (at least one)
	Start, End int64      // created between, inclusive (epoch ms)
	Categories []string   // nil for any
	Statuses   StatusList // nil for any
	Limit      int
}

// Requests returns the items a filter selects, newest first.
func (s *Store) Requests(ctx context.Context, f RequestFilter) ([]Item, error) {
	var args []any
	where := "unit_id in (" + db.IDList(&args, f.Places) + ")"
	args = append(args, f.Start, f.End)
	where += fmt.Sprintf(" and created_at >= $%d and created_at <= $%d", len(args)-1, len(args))
	if len(f.Categories) > 0 {
		where += " and category in (" + db.TextList(&args, f.Categories) + ")"
	}
	if f.Statuses != nil {
		where += " and status in " + f.Statuses.SQL()
	}
	return listItems(ctx, s.db, "select "+itemColumns+" from feedback_items where "+where+" order by created_at desc limit "+strconv.Itoa(f.Limit), args...)
}

// answeredBefore are the answered items whose answer is older than before.
func (s *Store) answeredBefore(ctx context.Context, before int64) ([]int64, error) {
	return db.Int64s(ctx, s.db, "select id from feedback_items where status = 'answered' and answered_at < $1", before)
}

// --- writes of items ---

// prepareInsertItem prepares, in tx, the insert of a new item; an item whose
// (author, form key) is stored already inserts nothing.
func prepareInsertItem(ctx context.Context, d *db.DB, tx *sql.Tx) (*sql.Stmt, error) {
	return d.Cached().In(ctx, tx, `insert into feedback_items (id, code, kind, category, unit_id, handler_id, description, address, lat, lon,
		author_id, contact, status, due_on, answer, rating, rating_note, reopened, idem_key, created_at, updated_at, handler_since, photos, via_key)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $13, '', 0, '', false, $14, $15, $15, $15, $16, $17)
		on conflict (author_id, idem_key) do nothing`)
}

// insertItem writes it with ins (prepareInsertItem) and reports whether it is new.
func insertItem(ctx context.Context, ins *sql.Stmt, it item) (bool, error) {
	res, err := ins.ExecContext(ctx, it.ID, it.Code, it.Kind, it.Category, it.UnitID, it.HandlerID, it.Description, it.Address, it.Lat, it.Lon,
		it.AuthorID, it.Contact, it.DueOn, it.IdemKey, it.At, len(it.Photos), it.ViaKey)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// storedCode is the code of the item stored under an author's form key.
func storedCode(ctx context.Context, tx *sql.Tx, author int64, key string) (string, error) {
	var c string
	err := tx.QueryRowContext(ctx, "select code from feedback_items where author_id = $1 and idem_key = $2", author, key).Scan(&c)
	return c, err
}

func insertPhotos(ctx context.Context, tx *sql.Tx, id int64, photos []files.File) error {
	for i, f := range photos {
		if _, err := tx.ExecContext(ctx, "insert into feedback_photos (item_id, n, sha256, name, size) values ($1, $2, $3, $4, $5)",
			id, i+1, f.SHA256, f.Name, f.Size); err != nil {
			return err
		}
	}
	return nil
}

// addDaily adds n arrivals of a category in a place on a day (hot spots).
func addDaily(ctx context.Context, tx *sql.Tx, unit int64, category, day string, n int) error {
	_, err := tx.ExecContext(ctx, `insert into feedback_daily (unit_id, category, day, n) values ($1, $2, $3, $4)
			on conflict (day, unit_id, category) do update set n = feedback_daily.n + excluded.n`, unit, category, day, n)
	return err
}

// addReceived adds n received items to a handling unit's counter.
func addReceived(ctx context.Context, tx *sql.Tx, unit int64, n int) error {
	_, err := tx.ExecContext(ctx, `insert into feedback_counters (unit_id, received, answered, on_time, rated, satisfied) values ($1, $2, 0, 0, 0, 0)
			on conflict (unit_id) do update set received = feedback_counters.received + excluded.received`, unit, n)
	return err
}

// counterColumns are the kept counters a step may move.
var counterColumns = map[string]bool{"received": true, "answered": true, "on_time": true, "rated": true, "satisfied": true, "refused": true, "merged": true}

// count moves one of a unit's kept counters by by.
func count(ctx context.Context, tx *sql.Tx, unit int64, column string, by int) error {
	if !counterColumns[column] {
		return fmt.Errorf("unknown counter %q", column)
	}
	_, err := tx.ExecContext(ctx, `insert into feedback_counters (unit_id, received, answered, on_time, rated, satisfied, refused, merged)
		values ($1, 0, 0, 0, 0, 0, 0, 0) on conflict (unit_id) do nothing`, unit)
	if err == nil {
		_, err = tx.ExecContext(ctx, "update feedback_counters set "+column+" = "+column+" + $1 where unit_id = $2", by, unit)
	}
	return err
}

// addAnswerDay counts an answer given after days in a unit's histogram (the median).
func addAnswerDay(ctx context.Context, tx *sql.Tx, unit int64, days int) error {
	_, err := tx.ExecContext(ctx, `insert into feedback_answer_days (unit_id, days, n) values ($1, $2, 1)
			on conflict (unit_id, days) do update set n = feedback_answer_days.n + 1`, unit, days)
	return err
}

// insertEvent records a step of an item.
func insertEvent(ctx context.Context, tx *sql.Tx, id, itemID, at int64, status, note string, actor int64) error {
	_, err := tx.ExecContext(ctx, "insert into feedback_events (id, item_id, at, status, note, actor_id) values ($1, $2, $3, $4, $5, $6)",
		id, itemID, at, status, note, actor)
	return err
}

// affected reports whether an update moved a row.
func affected(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// moveStatus moves item id from status from to status to; false if it is no longer in from.
func moveStatus(ctx context.Context, tx *sql.Tx, id int64, from, to string, now int64) (bool, error) {
	return affected(tx.ExecContext(ctx, "update feedback_items set status = $1, updated_at = $2 where id = $3 and status = $4", to, now, id, from))
}

// transferItem gives item id, handled by from, to another unit with a new
// deadline; false if its handler changed meanwhile.
func transferItem(ctx context.Context, tx *sql.Tx, id, from, to, now int64, due string) (bool, error) {
	return affected(tx.ExecContext(ctx, "update feedback_items set handler_id = $1, handler_since = $2, due_on = $3, reminded = false where id = $4 and handler_id = $5",
		to, now, due, id, from))
}

// scrubItem replaces an item's description with text and removes its
// contact, place and photos (their files go with the orphan collector): a
// conversion into a denunciation, whose case keeps them sealed.
func scrubItem(ctx context.Context, tx *sql.Tx, id int64, text string) error {
	if _, err := tx.ExecContext(ctx, "update feedback_items set description = $1, contact = '', address = '', lat = null, lon = null, photos = 0 where id = $2", text, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "delete from feedback_photos where item_id = $1", id)
	return err
}

// convertItem closes item id, converted into a case, if its status and
// handler are still from and handler.
func convertItem(ctx context.Context, tx *sql.Tx, id int64, from string, handler, now int64) (bool, error) {
	return affected(tx.ExecContext(ctx, "update feedback_items set status = $1, updated_at = $2 where id = $3 and status = $4 and handler_id = $5",
		Refused, now, id, from, handler))
}

// setRefusal stores the reason an item is not taken up, shown as its answer.
func setRefusal(ctx context.Context, tx *sql.Tx, id int64, reason string) error {
	_, err := tx.ExecContext(ctx, "update feedback_items set answer = $1 where id = $2", reason, id)
	return err
}

// setAnswer stores the answer of item id and of the duplicates merged into it.
func setAnswer(ctx context.Context, tx *sql.Tx, id int64, text string, now int64) error {
	_, err := tx.ExecContext(ctx, "update feedback_items set answer = $1, answered_at = $2 where id = $3 or merged_into = $3", text, now, id)
	return err
}

// mergeItem closes item id, in status from, as a duplicate of kept and moves
// the duplicates merged into it to kept; false if its status changed meanwhile.
func mergeItem(ctx context.Context, tx *sql.Tx, id int64, from string, kept, now int64) (bool, error) {
	ok, err := affected(tx.ExecContext(ctx, "update feedback_items set status = 'closed', merged_into = $1, updated_at = $2 where id = $3 and status = $4",
		kept, now, id, from))
	if err != nil || !ok {
		return ok, err
	}
	_, err = tx.ExecContext(ctx, "update feedback_items set merged_into = $1 where merged_into = $2", kept, id)
	return err == nil, err
}

// rateItem stores the reporter's rating; false if it was rated meanwhile.
func rateItem(ctx context.Context, tx *sql.Tx, id int64, stars int, note string, now int64) (bool, error) {
	return affected(tx.ExecContext(ctx, "update feedback_items set rating = $1, rating_note = $2, updated_at = $3 where id = $4 and rating = 0",
		stars, note, now, id))
}

// reopenItem reopens item id, in status from, with a new deadline; false if it
// was reopened or moved meanwhile.
func reopenItem(ctx context.Context, tx *sql.Tx, id int64, from, due string, now int64) (bool, error) {
	return affected(tx.ExecContext(ctx, "update feedback_items set status = 'reopened', reopened = true, due_on = $1, reminded = false, updated_at = $2 where id = $3 and reopened = false and status = $4",
		due, now, id, from))
}

// closeAnsweredItem closes item id if it is still answered.
func closeAnsweredItem(ctx context.Context, tx *sql.Tx, id, now int64) (bool, error) {
	return affected(tx.ExecContext(ctx, "update feedback_items set status = 'closed', updated_at = $1 where id = $2 and status = 'answered'", now, id))
}

// dueSoon is a unit's open items not reminded of, due by a day.
type dueSoon struct {
	unit     int64
	n        int
	earliest string
}

// dueForReminder are, per handling unit, the open items due by limit whose unit was not reminded of them.
func dueForReminder(ctx context.Context, tx *sql.Tx, limit string) ([]dueSoon, error) {
	rows, err := tx.QueryContext(ctx, `select handler_id, count(*), min(due_on) from feedback_items
			where status in `+OpenStatuses.SQL()+` and due_on <= $1 and reminded = false group by handler_id`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var dues []dueSoon
	for rows.Next() {
		var d dueSoon
		if err := rows.Scan(&d.unit, &d.n, &d.earliest); err != nil {
			return nil, err
		}
		dues = append(dues, d)
	}
	return dues, rows.Err()
}

// markReminded marks a unit's open items due by limit as reminded, and says how many.
func markReminded(ctx context.Context, tx *sql.Tx, unit int64, limit string) (int, error) {
	res, err := tx.ExecContext(ctx, `update feedback_items set reminded = true where handler_id = $1
				and status in `+OpenStatuses.SQL()+` and due_on <= $2 and reminded = false`, unit, limit)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// --- routes and settings ---

// routeTable reads the routing table.
func (s *Store) routeTable(ctx context.Context) ([]Route, error) {
	rows, err := s.db.QueryContext(ctx, "select category, unit_id, to_unit_id from feedback_routes order by unit_id, category")
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	defer rows.Close()
	var rs []Route
	for rows.Next() {
		var r Route
		if err := rows.Scan(&r.Category, &r.UnitID, &r.To); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// setRoute replaces the line of a category from a unit; to = 0 removes it.
func setRoute(ctx context.Context, tx *sql.Tx, category string, from, to, by, now int64) error {
	if _, err := tx.ExecContext(ctx, "delete from feedback_routes where unit_id = $1 and category = $2", from, category); err != nil {
		return err
	}
	if to == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, "insert into feedback_routes (category, unit_id, to_unit_id, created_by, created_at) values ($1, $2, $3, $4, $5)",
		category, from, to, by, now)
	return err
}

// provinceSettings reads a province's own categories (none: the defaults) and
// hot-spot rule (none: the default).
func (s *Store) provinceSettings(ctx context.Context, province int64) (settings, error) {
	v := settings{Hot: DefaultHotSpot}
	rows, err := s.db.QueryContext(ctx, "select code, name, parent, days from feedback_categories where province_id = $1 order by position", province)
	if err != nil {
		return v, fmt.Errorf("feedback categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.Code, &c.Name, &c.Parent, &c.Days); err != nil {
			return v, err
		}
		v.Categories = append(v.Categories, c)
	}
	if err := rows.Err(); err != nil {
		return v, err
	}
	if len(v.Categories) == 0 {
		v.Categories = DefaultCategories
	}
	err = s.db.QueryRowContext(ctx, "select hot_n, hot_days from feedback_settings where province_id = $1", province).Scan(&v.Hot.N, &v.Hot.Days)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("feedback settings: %w", err)
	}
	return v, nil
}

// saveSettings replaces a province's categories and hot-spot rule.
func saveSettings(ctx context.Context, d *db.DB, tx *sql.Tx, province int64, cats []Category, hot HotSpot, by, now int64) error {
	if _, err := tx.ExecContext(ctx, "delete from feedback_categories where province_id = $1", province); err != nil {
		return err
	}
	if err := d.InsertBatches(ctx, tx, "feedback_categories", []string{"province_id", "code", "name", "parent", "days", "position"}, len(cats),
		func(i int) []any { c := cats[i]; return []any{province, c.Code, c.Name, c.Parent, c.Days, i + 1} }, nil); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `insert into feedback_settings (province_id, hot_n, hot_days, updated_by, updated_at) values ($1, $2, $3, $4, $5)
			on conflict (province_id) do update set hot_n = excluded.hot_n, hot_days = excluded.hot_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		province, hot.N, hot.Days, by, now)
	return err
}

// --- statistics ---

// counters reads the kept counters of units (absent: no item yet), MedianDays -1.
func (s *Store) counters(ctx context.Context, units []int64) (map[int64]Stats, error) {
	var args []any
	in := db.IDList(&args, units)
	rows, err := s.db.QueryContext(ctx, "select unit_id, received, answered, on_time, rated, satisfied, refused, merged from feedback_counters where unit_id in ("+in+")", args...)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	out := map[int64]Stats{}
	for rows.Next() {
		var id int64
		var st Stats
		if err := rows.Scan(&id, &st.Received, &st.Answered, &st.OnTime, &st.Rated, &st.Satisfied, &st.Refused, &st.Merged); err != nil {
			return nil, err
		}
		st.MedianDays = -1
		out[id] = st
	}
	return out, rows.Err()
}

// answerDays reads the units' histograms of answers by days, sorted by days.
func (s *Store) answerDays(ctx context.Context, units []int64) (map[int64][][2]int, error) {
	var args []any
	in := db.IDList(&args, units)
	rows, err := s.db.QueryContext(ctx, "select unit_id, days, n from feedback_answer_days where unit_id in ("+in+") order by unit_id, days", args...)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	hist := map[int64][][2]int{}
	for rows.Next() {
		var id int64
		var d, n int
		if err := rows.Scan(&id, &d, &n); err != nil {
			return nil, err
		}
		hist[id] = append(hist[id], [2]int{d, n})
	}
	return hist, rows.Err()
}

// arrivals are the places (nil: every place) and categories with at least n
// arrivals since the day from, read by place (an index per place and day), 500
// places a statement.
func (s *Store) arrivals(ctx context.Context, places []int64, from string, n int) ([]Spot, error) {
	var out []Spot
	scan := func(where string, args ...any) error {
		rows, err := s.db.QueryContext(ctx, `select unit_id, category, sum(n) from feedback_daily where `+where+`
			group by unit_id, category having sum(n) >= $2`, args...)
		if err != nil {
			return fmt.Errorf("hot spots: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var sp Spot
			if err := rows.Scan(&sp.UnitID, &sp.Category, &sp.N); err != nil {
				return err
			}
			out = append(out, sp)
		}
		return rows.Err()
	}
	var err error
	if places == nil {
		err = scan("day >= $1", from, n)
	}
	for start := 0; start < len(places) && err == nil; start += 500 {
		chunk := places[start:min(start+500, len(places))]
		args := []any{from, n}
		in := db.IDList(&args, chunk)
		err = scan("day >= $1 and unit_id in ("+in+")", args...)
	}
	return out, err
}

// --- Open311 keys ---

// unitKeys are a unit's keys, newest first.
func (s *Store) unitKeys(ctx context.Context, unitID int64) ([]Key, error) {
	rows, err := s.db.QueryContext(ctx, "select id, unit_id, name, created_at, coalesce(revoked_at, 0) from open311_keys where unit_id = $1 order by created_at desc", unitID)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer rows.Close()
	var out []Key
	for rows.Next() {
		var k Key
		if err := rows.Scan(&k.ID, &k.UnitID, &k.Name, &k.CreatedAt, &k.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// keyByHash is the key in force with a hash (id 0: none).
func (s *Store) keyByHash(ctx context.Context, h string) (keyed, error) {
	var v keyed
	err := s.db.QueryRowContext(ctx, "select id, unit_id from open311_keys where key_hash = $1 and revoked_at is null", h).Scan(&v.id, &v.unit)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("api key: %w", err)
	}
	return v, nil
}

func insertKey(ctx context.Context, tx *sql.Tx, id int64, hash string, unitID int64, name string, by, now int64) error {
	_, err := tx.ExecContext(ctx, "insert into open311_keys (id, key_hash, unit_id, name, created_by, created_at) values ($1, $2, $3, $4, $5, $6)",
		id, hash, unitID, name, by, now)
	return err
}

// revokeKey revokes key id of a unit and returns its hash; false if there is
// no such key in force.
func revokeKey(ctx context.Context, tx *sql.Tx, id, unitID, now int64) (hash string, ok bool, err error) {
	if err := tx.QueryRowContext(ctx, "select key_hash from open311_keys where id = $1", id).Scan(&hash); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", false, err
	}
	ok, err = affected(tx.ExecContext(ctx, "update open311_keys set revoked_at = $1 where id = $2 and unit_id = $3 and revoked_at is null", now, id, unitID))
	return hash, ok, err
}

// itemsOfAuthor returns the items a signed-in citizen sent, newest first, at most limit.
func (s *Store) itemsOfAuthor(ctx context.Context, authorID int64, limit int) ([]Item, error) {
	return listItems(ctx, s.db, "select "+itemColumns+` from feedback_items where author_id = $1
		order by created_at desc, id desc limit $2`, authorID, limit)
}

// blobRefs calls each with every stored photo the rows reference (merged and
// closed items' included) and the size recorded for it.
func (s *Store) blobRefs(ctx context.Context) (files.Refs, error) {
	return files.QueryRefs(ctx, s.db, "select distinct sha256, size from feedback_photos")
}
