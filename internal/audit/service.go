package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"danchu/internal/db"
)

// Outcomes of an audited action.
const (
	OK     = "ok"
	Denied = "denied"
)

// Entry is one line of the audit log.
type Entry struct {
	ID         int64
	At         int64 // milliseconds
	ActorID    int64
	ActorName  string
	Role       string
	UnitID     int64
	Action     string
	ObjectType string
	ObjectID   string
	BeforeHash string
	AfterHash  string
	Outcome    string
	IP         string
	RequestID  string
	Detail     string
}

// Service writes and reads the audit log and the public record. The reads come
// from the embedded Store; the writes go through Log and Append, inside the
// caller's transaction.
type Service struct {
	*Store
	db       *db.DB
	vouchers []voucher
}

type voucher struct {
	prefix string
	v      Voucher
}

// A Voucher checks the rows that entries of the public record vouch for (a
// disclosure's text against the body_sha256 its entry holds, a vote's receipts
// against their digest): each capability implements it for its kinds and app
// registers it with Vouch, since audit does not know the capabilities' tables.
type Voucher interface {
	// Check returns what in the database differs from what entry r says ("" when
	// it matches); err is a failure to read, which stops the verification.
	Check(ctx context.Context, r Record) (problem string, err error)
}

// Vouch makes Verify check every entry whose kind starts with prefix (e.g.
// "disclosure.") with v.
func (s *Service) Vouch(prefix string, v Voucher) {
	s.vouchers = append(s.vouchers, voucher{prefix, v})
}

// NewService returns the service on d.
func NewService(d *db.DB) *Service { return &Service{Store: NewStore(d), db: d} }

// Log appends e to the audit log, inside tx when the action has one (so that the
// action and its record stand or fall together), in a transaction of its own
// otherwise (tx nil: a refusal, which changes nothing else).
func (s *Service) Log(ctx context.Context, tx *sql.Tx, e Entry) error {
	if tx == nil {
		return s.db.RunInTx(ctx, func(tx *sql.Tx) error { return s.Log(ctx, tx, e) })
	}
	q := tx
	if e.Outcome == "" {
		e.Outcome = OK
	}
	if e.At == 0 {
		e.At = s.db.NowMillis()
	}
	e.ID = s.db.NewID()
	if err := insertEntry(ctx, q, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Append adds r to the public record inside tx and returns it sealed. Appends
// queue on the head row (its update locks it until tx ends), so concurrent
// processes extend one chain and never fork it.
func (s *Service) Append(ctx context.Context, tx *sql.Tx, r Record) (Record, error) {
	if r.At == 0 {
		r.At = s.db.NowMillis()
	}
	if r.Data != nil && !json.Valid(r.Data) {
		return r, fmt.Errorf("public record %s: data is not JSON", r.Kind)
	}
	for _, t := range []string{r.Kind, r.ObjectType, r.ObjectID, r.Summary, string(r.Data)} {
		if !utf8.ValidString(t) { // web.Text keeps such text out; this keeps it off the record whatever the caller
			return r, fmt.Errorf("public record %s: text is not UTF-8", r.Kind)
		}
	}
	seq, prev, err := advanceHead(ctx, tx)
	if err != nil {
		return r, err
	}
	r.Seq = seq
	r, err = seal(r, prev)
	if err != nil {
		return r, err
	}
	if err := insertRecord(ctx, tx, r); err != nil {
		return r, err
	}
	return r, nil
}

// AppendData is Append with data given as a value to encode as JSON.
func (s *Service) AppendData(ctx context.Context, tx *sql.Tx, r Record, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("public record %s: %w", r.Kind, err)
	}
	r.Data = b
	_, err = s.Append(ctx, tx, r)
	return err
}

// AppendOne appends r in a transaction of its own.
func (s *Service) AppendOne(ctx context.Context, r Record) (Record, error) {
	var out Record
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.Append(ctx, tx, r)
		return err
	})
	return out, err
}

// Problem is an entry of the public record that does not check out.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("mục %d / entry %d: %s", p.Seq, p.Seq, p.Reason)
}

// Problems is every entry that does not check out, in order; errors.As finds
// the first *Problem in it.
type Problems []*Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As and errors.Is see each problem.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// Verify recomputes the whole chain from the database, and checks the rows that
// entries vouch for (see Vouch); it returns the number of entries and the head
// hash, or Problems naming every entry that does not match. A broken entry does
// not stop the walk: the next one is checked against what is stored, so that a
// later alteration is not hidden behind an earlier one.
func (s *Service) Verify(ctx context.Context) (n int64, head string, err error) {
	prevSeq, prev := int64(0), GenesisHash
	var problems Problems
	for {
		rs, err := s.Range(ctx, prevSeq+1, 1000)
		if err != nil {
			return n, "", err
		}
		if len(rs) == 0 {
			break
		}
		for _, r := range rs {
			whys := check(r, prevSeq, prev)
			for _, v := range s.vouchers {
				if !strings.HasPrefix(r.Kind, v.prefix) {
					continue
				}
				why, err := v.v.Check(ctx, r)
				if err != nil {
					return n, "", fmt.Errorf("check public record entry %d (%s): %w", r.Seq, r.Kind, err)
				}
				if why != "" {
					whys = append(whys, why)
				}
			}
			if len(whys) > 0 {
				problems = append(problems, &Problem{Seq: r.Seq, Reason: strings.Join(whys, "; ")})
			}
			prevSeq, prev = r.Seq, r.Hash
			n++
		}
	}
	var hs int64
	var hh string
	hs, hh, err = s.Head(ctx)
	if err != nil {
		return n, "", err
	}
	if hs != prevSeq || hh != prev {
		problems = append(problems, &Problem{Seq: hs, Reason: fmt.Sprintf("đầu chuỗi ghi mục %d nhưng chuỗi dừng ở mục %d: mục cuối bị xóa / the head says %d but the chain ends at %d: entries were removed", hs, prevSeq, hs, prevSeq)})
	}
	if len(problems) > 0 {
		return n, "", problems
	}
	return n, prev, nil
}

// IsProblem reports whether err is a broken chain (rather than a failure to read it).
func IsProblem(err error) bool {
	var p *Problem
	return errors.As(err, &p)
}
