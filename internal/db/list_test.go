package db_test

import (
	"context"
	"slices"
	"testing"

	"danchu/internal/db"
)

// TestIDList numbers the placeholders after the arguments already there, and
// the clause it writes selects the same rows on both engines (an empty list
// none).
func TestIDList(t *testing.T) {
	for _, c := range []struct {
		before []any
		ids    []int64
		want   string
	}{
		{nil, []int64{7}, "$1"},
		{[]any{"x", 2}, []int64{7, 8, 9}, "$3, $4, $5"},
		{[]any{"x"}, nil, "0"},
	} {
		args := slices.Clone(c.before)
		if got := db.IDList(&args, c.ids); got != c.want || len(args) != len(c.before)+len(c.ids) {
			t.Errorf("IDList(%v after %v) = %q with %d args, want %q", c.ids, c.before, got, len(args), c.want)
		}
	}
	db.Each(t, func(t *testing.T, d *db.DB) {
		for _, c := range []struct {
			ids  []int64
			want int
		}{{[]int64{1, 3}, 2}, {[]int64{5}, 0}, {nil, 0}} {
			args := []any{int64(2)}
			q := "select count(*) from (select 1 as n union all select 2 union all select 3) t where n <> $1 and n in (" + db.IDList(&args, c.ids) + ")"
			var n int
			if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil || n != c.want {
				t.Errorf("ids %v: %d rows (%v), want %d", c.ids, n, err, c.want)
			}
		}
	})
}

// TestTextList is IDList for codes: numbered after the arguments already
// there, the same rows on both engines, an empty list none.
func TestTextList(t *testing.T) {
	args := []any{"x"}
	if got := db.TextList(&args, []string{"a", "b"}); got != "$2, $3" || len(args) != 3 {
		t.Errorf("TextList = %q with %d args", got, len(args))
	}
	db.Each(t, func(t *testing.T, d *db.DB) {
		for _, c := range []struct {
			codes []string
			want  int
		}{{[]string{"a", "c"}, 2}, {[]string{"b"}, 0}, {nil, 0}} {
			args := []any{"b"}
			q := "select count(*) from (select 'a' as c union all select 'b' union all select 'c') t where c <> $1 and c in (" + db.TextList(&args, c.codes) + ")"
			var n int
			if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil || n != c.want {
				t.Errorf("codes %v: %d rows (%v), want %d", c.codes, n, err, c.want)
			}
		}
	})
}
