package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// created makes one row per create, so that a test counts what was really stored.
func created(ctx context.Context, d *db.DB, tx *sql.Tx, what string) func() (string, error) {
	return func() (string, error) {
		id := d.NewID()
		if _, err := tx.ExecContext(ctx, "insert into idem_things (id, what) values ($1, $2)", id, what); err != nil {
			return "", err
		}
		return fmt.Sprint(id), nil
	}
}

func once(t *testing.T, d *db.DB, k db.Idem, what string) (string, bool, error) {
	t.Helper()
	ctx := context.Background()
	var res string
	var rep bool
	err := d.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, rep, err = d.Once(ctx, tx, k, created(ctx, d, tx, what))
		return err
	})
	return res, rep, err
}

func TestOnce(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := d.Raw().Exec("create table idem_things (id bigint primary key, what text not null)"); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
		d.Now = func() time.Time { return now }
		first := db.Idem{Key: "k-1", Fingerprint: db.Fingerprint("tiêu đề", "nội dung")}.In("test.create", 7, 12)
		r1, rep, err := once(t, d, first, "one")
		if err != nil || rep || r1 == "" {
			t.Fatalf("first: %q %v %v", r1, rep, err)
		}
		cases := []struct {
			name     string
			k        db.Idem
			advance  time.Duration
			code     apperr.Code
			repeated bool
			sameAs1  bool
			rows     int // rows after
		}{
			{"same key, same content: the first result", first, 0, "", true, true, 1},
			{"same key, other content: refused", db.Idem{Key: "k-1", Fingerprint: db.Fingerprint("tiêu đề", "khác")}.In("test.create", 7, 12), 0, apperr.CodeConflict, false, false, 1},
			{"pieces moved between fields: other content", db.Idem{Key: "k-1", Fingerprint: db.Fingerprint("tiêu đềnội", " dung")}.In("test.create", 7, 12), 0, apperr.CodeConflict, false, false, 1},
			{"another account's scope: its own create", db.Idem{Key: "k-1", Fingerprint: first.Fingerprint}.In("test.create", 8, 12), 0, "", false, false, 2},
			{"another action's scope: its own create", db.Idem{Key: "k-1", Fingerprint: first.Fingerprint}.In("test.amend", 7, 12), 0, "", false, false, 3},
			{"no key: always created", db.Idem{Fingerprint: first.Fingerprint}, 0, "", false, false, 4},
			{"key too long", db.Idem{Key: strings.Repeat("a", db.MaxIdemKey+1)}.In("test.create", 7, 12), 0, apperr.CodeInvalid, false, false, 4},
			{"key with a space", db.Idem{Key: "a b"}.In("test.create", 7, 12), 0, apperr.CodeInvalid, false, false, 4},
			{"key not ASCII", db.Idem{Key: "khóa"}.In("test.create", 7, 12), 0, apperr.CodeInvalid, false, false, 4},
			{"key of invalid UTF-8", db.Idem{Key: "k\xff"}.In("test.create", 7, 12), 0, apperr.CodeInvalid, false, false, 4},
			{"within a window: the first result", db.Idem{Key: "k-1", Fingerprint: first.Fingerprint, Within: time.Hour}.In("test.create", 7, 12), 59 * time.Minute, "", true, true, 4},
			{"window passed: a new create", db.Idem{Key: "k-1", Fingerprint: first.Fingerprint, Within: time.Hour}.In("test.create", 7, 12), 2 * time.Minute, "", false, false, 5},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				now = now.Add(c.advance)
				res, rep, err := once(t, d, c.k, c.name)
				if got := apperr.CodeOf(err); (c.code == "" && err != nil) || (c.code != "" && got != c.code) {
					t.Fatalf("err = %v (code %q), want code %q", err, got, c.code)
				}
				if c.code == apperr.CodeConflict && !db.IsKeyReused(err) {
					t.Errorf("err = %v, want ErrKeyReused", err)
				}
				if rep != c.repeated {
					t.Errorf("repeated = %v, want %v", rep, c.repeated)
				}
				if c.sameAs1 != (res == r1) {
					t.Errorf("result %q, first %q: same = %v, want %v", res, r1, res == r1, c.sameAs1)
				}
				if n := db.Count(t, d, "select count(*) from idem_things"); n != c.rows {
					t.Errorf("%d rows, want %d", n, c.rows)
				}
			})
		}
		// Pruning drops what is older than the cut, keeps the rest.
		all := db.Count(t, d, "select count(*) from idempotency_keys")
		n, err := d.PruneIdem(context.Background(), now.UnixMilli())
		if err != nil || n < 1 || int(n) >= all {
			t.Fatalf("PruneIdem = %d, %v (of %d)", n, err, all)
		}
		if left := db.Count(t, d, "select count(*) from idempotency_keys"); left != all-int(n) {
			t.Errorf("%d keys left, want %d", left, all-int(n))
		}
	})
}

// Concurrent posts of one key resolve to one row and one result.
func TestOnceConcurrent(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := d.Raw().Exec("create table idem_things (id bigint primary key, what text not null)"); err != nil {
			t.Fatal(err)
		}
		const n = 12
		k := db.Idem{Key: "same", Fingerprint: db.Fingerprint("x")}.In("test.create", 1)
		var wg sync.WaitGroup
		results := make([]string, n)
		errs := make([]error, n)
		repeats := make([]bool, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				results[i], repeats[i], errs[i] = once(t, d, k, "x")
			})
		}
		close(start)
		wg.Wait()
		fresh := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("post %d: %v", i, errs[i])
			}
			if results[i] != results[0] {
				t.Errorf("post %d answered %q, post 0 %q", i, results[i], results[0])
			}
			if !repeats[i] {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("%d posts created, want 1", fresh)
		}
		if c := db.Count(t, d, "select count(*) from idem_things"); c != 1 {
			t.Errorf("%d rows, want 1", c)
		}
	})
}

// IsKeyRefused is true for Claim's refusals of the key itself only: a key used
// with other content or not a key refuses that one create; a database error
// (the server gone, a cancelled request) loses the whole transaction.
func TestIsKeyRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"reused", fmt.Errorf("claim: %w", db.ErrKeyReused), true},
		{"not a key", db.CheckIdemKey("khóa"), true},
		{"too long", db.CheckIdemKey(strings.Repeat("k", db.MaxIdemKey+1)), true},
		{"database unavailable", fmt.Errorf("claim idempotency key: %w", apperr.New(apperr.CodeUnavailable, "db.err.unavailable")), false},
		{"another conflict", apperr.New(apperr.CodeConflict, "feedback.err.o311_idem_reused"), false},
		{"cancelled", fmt.Errorf("claim idempotency key: %w", context.Canceled), false},
		{"none", nil, false},
	} {
		if got := db.IsKeyRefused(c.err); got != c.want {
			t.Errorf("%s: IsKeyRefused(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
