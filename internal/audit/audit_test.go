package audit_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"danchu/internal/audit"
	"danchu/internal/db"
)

// TestMain doubles as the "other process" of TestAppendsFromSeveralProcesses: with
// DANCHU_AUDIT_APPEND_DSN set it appends entries to that database and exits.
func TestMain(m *testing.M) {
	if dsn := os.Getenv("DANCHU_AUDIT_APPEND_DSN"); dsn != "" {
		os.Exit(appendFromProcess(dsn))
	}
	os.Exit(m.Run())
}

func appendFromProcess(dsn string) int {
	node, _ := strconv.Atoi(os.Getenv("DANCHU_AUDIT_NODE"))
	n, _ := strconv.Atoi(os.Getenv("DANCHU_AUDIT_COUNT"))
	ctx := context.Background()
	d, err := db.Open(ctx, dsn, db.Options{Node: node, MaxOpenConns: 4})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer d.Close()
	s := audit.NewService(d)
	for i := range n {
		if _, err := s.AppendOne(ctx, audit.Record{Kind: "test.append", ObjectType: "process", ObjectID: strconv.Itoa(node),
			Summary: fmt.Sprintf("process %d entry %d", node, i)}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

func appendN(t *testing.T, s *audit.Service, n int) []audit.Record {
	t.Helper()
	var out []audit.Record
	for i := range n {
		data, _ := json.Marshal(map[string]any{"i": i, "title": "Công khai dự toán <b>2026</b>"})
		r, err := s.AppendOne(context.Background(), audit.Record{UnitID: 0, Kind: "disclosure.posted", ObjectType: "disclosure",
			ObjectID: strconv.Itoa(100 + i), Summary: fmt.Sprintf("Đăng công khai số %d", i), Data: data})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestAppendAndVerify(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := audit.NewService(d)
		if n, head, err := s.Verify(ctx); err != nil || n != 0 || head != audit.GenesisHash {
			t.Fatalf("empty chain: %d, %s, %v", n, head, err)
		}
		rs := appendN(t, s, 20)
		for i, r := range rs {
			if r.Seq != int64(i+1) {
				t.Fatalf("entry %d has seq %d", i, r.Seq)
			}
			prev := audit.GenesisHash
			if i > 0 {
				prev = rs[i-1].Hash
			}
			if r.PrevHash != prev || r.Hash != audit.ChainHash(prev, audit.Sum(r.Content)) {
				t.Fatalf("entry %d is not chained: %+v", r.Seq, r)
			}
		}
		n, head, err := s.Verify(ctx)
		if err != nil || n != 20 || head != rs[19].Hash {
			t.Fatalf("verify = %d, %s, %v; want 20, %s", n, head, err, rs[19].Hash)
		}
		got, err := s.Records(ctx, 0, 5)
		if err != nil || len(got) != 5 || got[0].Seq != 20 || got[4].Seq != 16 {
			t.Fatalf("newest five = %v (%v)", got, err)
		}
		if string(got[0].Data) != string(rs[19].Data) {
			t.Errorf("data read back %s, want %s", got[0].Data, rs[19].Data)
		}
		// An append rolled back with its transaction leaves no gap.
		failed := errors.New("the action failed")
		err = d.RunInTx(ctx, func(tx *sql.Tx) error {
			if _, err := s.Append(ctx, tx, audit.Record{Kind: "x", ObjectType: "x", ObjectID: "1", Summary: "rolled back"}); err != nil {
				return err
			}
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatalf("the transaction: %v, want the action's failure", err)
		}
		r, err := s.AppendOne(ctx, audit.Record{Kind: "x", ObjectType: "x", ObjectID: "2", Summary: "kept"})
		if err != nil || r.Seq != 21 {
			t.Fatalf("after a rollback the next seq is %d (%v), want 21", r.Seq, err)
		}
		if _, err := s.AppendOne(ctx, audit.Record{Kind: "x", Data: json.RawMessage("{not json")}); err == nil || !strings.Contains(err.Error(), "data is not JSON") {
			t.Errorf("invalid data: %v, want refused as not JSON", err)
		}
		if n, _, err := s.Verify(ctx); err != nil || n != 21 {
			t.Errorf("verify after rollback = %d, %v", n, err)
		}
	})
}

// The application cannot change or remove entries of either log.
func TestLogsAreAppendOnly(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := audit.NewService(d)
		appendN(t, s, 2)
		if err := s.Log(ctx, nil, audit.Entry{ActorID: 1, ActorName: "A", Role: "commune_official", Action: "x", ObjectType: "y", ObjectID: "1"}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"update public_record set summary = 'changed' where seq = 1",
			"delete from public_record where seq = 2",
			"update audit_log set actor_name = 'someone else'",
			"delete from audit_log",
		} {
			if _, err := d.Raw().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want append-only refusal", q, err)
			}
		}
		if n, _, err := s.Verify(ctx); err != nil || n != 2 {
			t.Errorf("verify = %d, %v", n, err)
		}
	})
}

// allowTampering removes the append-only guard, as someone with the database
// password could: verify must still catch what they do.
func allowTampering(t *testing.T, d *db.DB) {
	t.Helper()
	qs := []string{"drop trigger public_record_no_update", "drop trigger public_record_no_delete"}
	if d.Dialect == db.Postgres {
		qs = []string{"alter table public_record disable trigger user"}
	}
	for _, q := range qs {
		if _, err := d.Raw().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	restamp := func(seq int) string {
		// Rewrites entry seq consistently in itself (content, both hashes), as a
		// careful forger would: the break then shows at the next entry.
		return fmt.Sprintf(`update public_record set content = replace(content, 'Đăng', 'Gỡ'), summary = replace(summary, 'Đăng', 'Gỡ') where seq = %d`, seq)
	}
	cases := []struct {
		name    string
		tamper  func(t *testing.T, d *db.DB, rs []audit.Record)
		wantSeq int64
	}{
		{"SummaryColumn", func(t *testing.T, d *db.DB, _ []audit.Record) {
			mustExec(t, d, "update public_record set summary = 'Không có gì' where seq = 7")
		}, 7},
		{"Content", func(t *testing.T, d *db.DB, _ []audit.Record) {
			mustExec(t, d, restamp(7))
		}, 7},
		{"ContentAndItsHash", func(t *testing.T, d *db.DB, _ []audit.Record) {
			mustExec(t, d, restamp(7))
			c := mustContent(t, d, 7)
			mustExec(t, d, "update public_record set content_hash = $1 where seq = 7", audit.Sum(c))
		}, 7},
		{"WholeEntryRehashed", func(t *testing.T, d *db.DB, rs []audit.Record) {
			mustExec(t, d, restamp(7))
			c := mustContent(t, d, 7)
			mustExec(t, d, "update public_record set content_hash = $1, hash = $2 where seq = 7", audit.Sum(c), audit.ChainHash(rs[5].Hash, audit.Sum(c)))
		}, 8},
		{"EntryRemoved", func(t *testing.T, d *db.DB, _ []audit.Record) {
			mustExec(t, d, "delete from public_record where seq = 7")
		}, 8},
		{"LastEntryRemoved", func(t *testing.T, d *db.DB, _ []audit.Record) {
			mustExec(t, d, "delete from public_record where seq = 12")
		}, 12},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db.Each(t, func(t *testing.T, d *db.DB) {
				s := audit.NewService(d)
				rs := appendN(t, s, 12)
				allowTampering(t, d)
				tc.tamper(t, d, rs)
				_, _, err := s.Verify(context.Background())
				var p *audit.Problem
				if !errors.As(err, &p) || p.Seq != tc.wantSeq {
					t.Fatalf("verify = %v, want a problem at entry %d", err, tc.wantSeq)
				}
			})
		})
	}
}

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	res, err := d.Raw().Exec(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s changed %d rows", q, n)
	}
}

func mustContent(t *testing.T, d *db.DB, seq int) string {
	t.Helper()
	var c string
	if err := d.QueryRow("select content from public_record where seq = $1", seq).Scan(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// Several processes appending at once extend one chain: no seq twice, no fork.
func TestAppendsFromSeveralProcesses(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		const procs, each = 4, 40
		var wg sync.WaitGroup
		errs := make([]error, procs)
		for p := range procs {
			wg.Go(func() {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "DANCHU_AUDIT_APPEND_DSN="+d.DSN(), fmt.Sprintf("DANCHU_AUDIT_NODE=%d", p+1),
					fmt.Sprintf("DANCHU_AUDIT_COUNT=%d", each))
				if out, err := cmd.CombinedOutput(); err != nil {
					errs[p] = fmt.Errorf("process %d: %v: %s", p+1, err, out)
				}
			})
		}
		// This process appends too, meanwhile.
		s := audit.NewService(d)
		appendN(t, s, each)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, _, err := s.Verify(context.Background())
		if err != nil || n != (procs+1)*each {
			t.Fatalf("verify = %d entries, %v; want %d", n, err, (procs+1)*each)
		}
	})
}

func TestAuditLogBySubtree(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// Two communes under one province, written directly: the audit package reads units by path.
		for _, u := range []struct {
			id   int64
			path string
		}{{1, "/1/"}, {2, "/1/2/"}, {3, "/1/3/"}, {4, "/1/2/4/"}} {
			if _, err := d.Raw().Exec(`insert into units (id, name, name_folded, type, parent_id, path, depth, valid_from, created_at, updated_at)
				values ($1, 'u', 'u', 'xa', null, $2, 0, '2025-07-01', 0, 0)`, u.id, u.path); err != nil {
				t.Fatal(err)
			}
		}
		s := audit.NewService(d)
		for i, unit := range []int64{2, 3, 4, 2} {
			if err := s.Log(ctx, nil, audit.Entry{ActorID: 9, ActorName: "Cán bộ", Role: "commune_official", UnitID: unit,
				Action: "test", ObjectType: "unit", ObjectID: strconv.Itoa(i), IP: "127.0.0.1", RequestID: "r" + strconv.Itoa(i)}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			path string
			want string
		}{{"/1/2/", "3,2,0"}, {"/1/3/", "1"}, {"/1/", "3,2,1,0"}, {"", "3,2,1,0"}} {
			es, err := s.Entries(ctx, tt.path, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.ObjectID)
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("entries under %q = %v, want %s", tt.path, got, tt.want)
			}
		}
		es, _ := s.Entries(ctx, "/1/", 0, 2)
		older, err := s.Entries(ctx, "/1/", es[1].ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(older) != 2 || older[0].ObjectID != "1" {
			t.Errorf("second page = %+v", older)
		}
	})
}
