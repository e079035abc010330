package loadtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
)

// The crash test (`danchu bench --scenarios crash`): a mixed write load over
// HTTP through the real forms, kill -9 of the server at a random moment,
// a restart on the same database and data folder, the writes whose answer was
// lost sent again with the same idempotency key, and a check that every
// acknowledged write is stored once and unchanged, that the kept counters
// match the rows, and that the database and the public record are sound.

// Crash kinds of write, each through the form (or API) a person uses.
const (
	KindFeedback   = "feedback"   // a citizen's feedback with two photos (the web form)
	KindComment    = "comment"    // a consultation comment
	KindBallot     = "ballot"     // a household's online ballot
	KindDisclosure = "disclosure" // an official's disclosure with a PNG attachment
	KindOpen311    = "open311"    // an Open311 POST with an API key
)

// CrashKinds are the kinds in the order the report lists them.
var CrashKinds = []string{KindFeedback, KindComment, KindBallot, KindDisclosure, KindOpen311}

// CrashTarget is what the writes go to.
type CrashTarget struct {
	Commune   Reporters // citizens sending feedback, and the commune's official who publishes
	Comments  Citizens
	Voters    Voters
	Open311   string // an API key issued for the commune
	ShownUnit string // the commune's code
}

// GenerateCrashTarget writes the fixtures of the crash test: citizens and an
// official of the first commune, an open consultation, an online vote of a
// village of households, and an Open311 key.
func GenerateCrashTarget(ctx context.Context, d *db.DB, units *org.Service, households int) (CrashTarget, error) {
	var t CrashTarget
	var err error
	if t.Comments, err = GenerateCommentTarget(ctx, d, units, 64, 0); err != nil {
		return t, err
	}
	if t.Commune, err = GenerateFeedbackTarget(ctx, d, units, 64, 0); err != nil {
		return t, err
	}
	if t.Voters, err = GenerateVoteTarget(ctx, d, units, households); err != nil {
		return t, err
	}
	t.Open311, t.ShownUnit = "CRASHOPEN311KEY0000000000000000000000000000", t.Commune.CommuneCode
	sum := sha256.Sum256([]byte(t.Open311))
	err = d.RunInTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "insert into open311_keys (id, key_hash, unit_id, name, created_by, created_at) values ($1, $2, $3, $4, 0, $5)",
			d.NewID(), hex.EncodeToString(sum[:]), t.Commune.CommuneID, "Ứng dụng thử (crash)", d.NowMillis())
		return err
	})
	return t, err
}

// CrashOptions tune a crash run.
type CrashOptions struct {
	Exe        string   // the danchu binary to run as the server
	ServerArgs []string // --db, --data-dir and the rest, given to every start
	DSN        string   // the database, for the checks
	UploadsDir string   // the server's uploads folder (files/ and photos/)
	Cycles     int
	Seed       uint64
	Writers    int // concurrent writers per kind (default 2)
	// Keyless: the server under test keeps no idempotency key for
	// disclosures and Open311 posts (builds before issue 18): their writes
	// whose answer was lost are not sent again and must be stored at most
	// once. Otherwise every kind's lost writes are sent again with their key
	// (the disclosure form's key, Open311's Idempotency-Key header).
	Keyless bool
	// MinLoad and MaxLoad bound the random moment of the kill after the load
	// starts (default 200 ms to 2.5 s).
	MinLoad, MaxLoad time.Duration
	// KillDatabase, when set, kills the database server too (kill -9 of the
	// PostgreSQL postmaster, just before danchu's) every KillDatabaseEvery-th
	// cycle, and returns what starts it again.
	KillDatabase      func(ctx context.Context) (restart func() error, err error)
	KillDatabaseEvery int
	Out               io.Writer
}

// CrashSummary is what a run found.
type CrashSummary struct {
	Cycles                     int
	DatabaseKills              int            // cycles in which the database server was killed too
	Acked                      map[string]int // acknowledged writes by kind (retried ones included)
	Lost, Retried, Unconfirmed int            // answers lost; of them sent again; lost and not retried (at most once)
	Refused                    int            // answers that refuse the write (4xx): the client's or the server's bug
	Answered                   map[string]int // of the lost: answered with an error (5xx, 503) rather than cut, by "kind status"
	UnconfirmedStored          int            // of the lost not retried: stored all the same (committed, the answer cut)
	Duplicates, Missing        int
	Altered, CounterErrors     int
	IntegrityFailed            int // cycles whose PRAGMA integrity_check was not "ok" (SQLite)
	VerifyFailed               int // cycles whose `danchu verify` failed
	LastVerify                 string
	Orphans, TempFiles         int // blob files no row references, and temporary upload files, at the end
	// OrphansAfterGrace is the count once a server started with a short
	// --orphan-grace has collected them (-1: the server has no collector).
	OrphansAfterGrace   int
	TempFilesAfterGrace int
	MissingFiles        int      // files rows reference that are not on disk, as danchu verify counts them
	Problems            []string // the first problems, described
	seen                map[*crashWrite]bool
	Elapsed             time.Duration
}

// OK reports whether nothing was lost, doubled, altered or broken.
func (s CrashSummary) OK() bool {
	return s.Duplicates == 0 && s.Missing == 0 && s.Altered == 0 && s.CounterErrors == 0 && s.IntegrityFailed == 0 &&
		s.VerifyFailed == 0 && s.Refused == 0 && s.MissingFiles == 0 && s.OrphansAfterGrace <= 0 && s.TempFilesAfterGrace == 0
}

func (s CrashSummary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "crash: %d cycles in %s", s.Cycles, s.Elapsed.Round(time.Second))
	if s.DatabaseKills > 0 {
		fmt.Fprintf(&b, " (PostgreSQL's postmaster killed too in %d)", s.DatabaseKills)
	}
	fmt.Fprint(&b, "; acknowledged writes:")
	total := 0
	for _, k := range CrashKinds {
		fmt.Fprintf(&b, " %s %d", k, s.Acked[k])
		total += s.Acked[k]
	}
	fmt.Fprintf(&b, " (total %d)\n", total)
	fmt.Fprintf(&b, "crash: answers lost %d: retried with the same key %d, not retried (must be stored at most once) %d, of which stored %d; refused %d\n",
		s.Lost, s.Retried, s.Unconfirmed, s.UnconfirmedStored, s.Refused)
	if len(s.Answered) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(s.Answered)) {
			parts = append(parts, fmt.Sprintf("%s ×%d", k, s.Answered[k]))
		}
		fmt.Fprintf(&b, "crash: of the answers lost, error answers (the rest were cut by the kill): %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "crash: duplicates %d, missing %d, altered %d, counters wrong %d, integrity_check failed %d, danchu verify failed %d, files missing on disk %d\n",
		s.Duplicates, s.Missing, s.Altered, s.CounterErrors, s.IntegrityFailed, s.VerifyFailed, s.MissingFiles)
	fmt.Fprintf(&b, "crash: blobs on disk no row references after the last kill: %d; temporary upload files left: %d\n", s.Orphans, s.TempFiles)
	if s.OrphansAfterGrace >= 0 {
		fmt.Fprintf(&b, "crash: after a restart with --orphan-grace 1s: %d unreferenced, %d temporary upload files\n", s.OrphansAfterGrace, s.TempFilesAfterGrace)
	} else {
		fmt.Fprintf(&b, "crash: the server has no --orphan-grace (no collector of unreferenced blobs): not collected\n")
	}
	if s.LastVerify != "" {
		fmt.Fprintf(&b, "crash: last danchu verify: %s\n", s.LastVerify)
	}
	for _, p := range s.Problems {
		fmt.Fprintf(&b, "crash: PROBLEM %s\n", p)
	}
	return b.String()
}

func (s *CrashSummary) problem(counter *int, format string, args ...any) {
	if counter != nil {
		*counter++
	}
	if len(s.Problems) < 40 {
		s.Problems = append(s.Problems, fmt.Sprintf(format, args...))
	}
}

// writeProblem counts a problem of one write once, in the first check that
// sees it (the later cycles' checks see it again).
func (s *CrashSummary) writeProblem(w *crashWrite, counter *int, format string, args ...any) {
	if s.seen == nil {
		s.seen = map[*crashWrite]bool{}
	}
	if s.seen[w] {
		return
	}
	s.seen[w] = true
	s.problem(counter, format, args...)
}

// crashWrite is one write of the run: its request's bytes (sent again the same
// on a retry) and what must be stored.
type crashWrite struct {
	kind, marker string
	method, path string
	header       http.Header
	body         []byte
	text         string   // the description, body or opinion, marker included
	field        string   // the category, part, choice
	files        [][]byte // the attachments sent
	account      int64    // ballots: the representative's account
	state        int32    // writePending, writeAcked, writeLost, writeRefused
	status       int
}

const (
	writePending = iota
	writeAcked
	writeLost
	writeRefused
)

// retryable: the kind carries an idempotency key the server keeps.
func (w *crashWrite) retryable(keyless bool) bool {
	return !keyless || (w.kind != KindDisclosure && w.kind != KindOpen311)
}

// done reports whether status answers the write as stored: the forms redirect
// (303), Open311 answers 200; a ballot sent again answers "already voted" (409).
func (w *crashWrite) done(status int, retry bool) bool {
	switch w.kind {
	case KindOpen311:
		return status == http.StatusOK
	case KindBallot:
		return status == http.StatusSeeOther || retry && status == http.StatusConflict
	}
	return status == http.StatusSeeOther
}

func (w *crashWrite) request(base string) *http.Request {
	req, _ := http.NewRequest(w.method, base+w.path, bytes.NewReader(w.body))
	req.Header = w.header.Clone()
	return req
}

// crashRun holds the writes of a run and makes new ones.
type crashRun struct {
	t      CrashTarget
	seed   uint64
	mu     sync.Mutex
	writes []*crashWrite
	seq    map[string]int
	voter  atomic.Int64 // the next household's representative
	ids    []int64      // voters' account ids, by index
	today  string
}

func (c *crashRun) add(w *crashWrite) *crashWrite {
	c.mu.Lock()
	c.writes = append(c.writes, w)
	c.mu.Unlock()
	return w
}

func (c *crashRun) marker(kind string) string {
	c.mu.Lock()
	c.seq[kind]++
	n := c.seq[kind]
	c.mu.Unlock()
	return fmt.Sprintf("[crash s%d %s#%d]", c.seed, kind, n)
}

// MarkedPNG is a small valid PNG whose pixels come from marker: every write's
// file differs, so that each is a blob of its own.
func MarkedPNG(marker string, w, h int) []byte {
	sum := sha256.Sum256([]byte(marker))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := (x + y*w) % 30
			img.SetNRGBA(x, y, color.NRGBA{sum[i], sum[i+1], byte(x * y), 255})
		}
	}
	var out bytes.Buffer
	png.Encode(&out, img)
	return out.Bytes()
}

func multipartBody(fields [][2]string, fileField string, files [][]byte) ([]byte, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	for i, b := range files {
		fw, _ := mw.CreateFormFile(fileField, fmt.Sprintf("anh%d.png", i+1))
		fw.Write(b)
	}
	mw.Close()
	return body.Bytes(), mw.FormDataContentType()
}

func sessionHeader(token, csrf string) http.Header {
	h := http.Header{}
	h.Set("X-CSRF-Token", csrf)
	h.Set("Sec-Fetch-Site", "same-origin")
	h.Set("Cookie", (&http.Cookie{Name: auth.SessionCookie, Value: token}).String())
	return h
}

var crashCategories = []string{"moi-truong", "giao-thong", "dien-nuoc", "an-ninh"}

// next makes the next write of kind (nil: none left, the households have all voted).
func (c *crashRun) next(kind string, r *rand.Rand) *crashWrite {
	m := c.marker(kind)
	w := &crashWrite{kind: kind, marker: m, method: http.MethodPost}
	key := strings.NewReplacer("[", "", "]", "", " ", "-", "#", "-").Replace(m) // crash-s7-feedback-12
	switch kind {
	case KindFeedback:
		i := r.IntN(len(c.t.Commune.Tokens))
		w.field = crashCategories[r.IntN(len(crashCategories))]
		w.text = "Cống thoát nước trước chợ bị tắc, nước tràn ra đường khi mưa. " + m
		w.files = [][]byte{MarkedPNG(m+"/1", 48, 32), MarkedPNG(m+"/2", 40, 30)}
		body, ct := multipartBody([][2]string{{"kind", "feedback"}, {"category", w.field}, {"key", key}, {"description", w.text}}, "photos", w.files)
		w.path, w.body, w.header = "/xa/"+c.t.Commune.CommuneCode+"/phan-anh", body, sessionHeader(c.t.Commune.Tokens[i], c.t.Commune.CSRF[i])
		w.header.Set("Content-Type", ct)
	case KindComment:
		i := r.IntN(len(c.t.Comments.Tokens))
		w.field = fmt.Sprint(1 + r.IntN(3))
		w.text = "Đề nghị bổ sung quy định về công khai ngân sách thôn hằng quý. " + m
		form := url.Values{"part": {w.field}, "stance": {"suggest"}, "key": {key}, "body": {w.text}}
		w.path, w.body = fmt.Sprintf("/lay-y-kien/%d/gop-y", c.t.Comments.ConsultationID), []byte(form.Encode())
		w.header = sessionHeader(c.t.Comments.Tokens[i], c.t.Comments.CSRF[i])
		w.header.Set("Content-Type", "application/x-www-form-urlencoded")
	case KindBallot:
		i := int(c.voter.Add(1) - 1)
		if i >= len(c.t.Voters.Tokens) {
			return nil
		}
		w.account = c.ids[i]
		w.field = []string{"agree", "agree", "disagree", "other"}[r.IntN(4)]
		form := url.Values{"choice": {w.field}}
		if w.field == "other" {
			w.text = "Đề nghị mở cửa thêm buổi tối thứ Bảy. " + m
			form.Set("opinion", w.text)
		}
		w.path, w.body = fmt.Sprintf("/bieu-quyet/%d", c.t.Voters.VoteID), []byte(form.Encode())
		w.header = sessionHeader(c.t.Voters.Tokens[i], c.t.Voters.CSRF[i])
		w.header.Set("Content-Type", "application/x-www-form-urlencoded")
	case KindDisclosure:
		w.field = fmt.Sprint(1 + r.IntN(14))
		w.text = "Ủy ban nhân dân xã thông báo để Nhân dân biết, theo dõi và giám sát. " + m
		w.files = [][]byte{MarkedPNG(m, 64, 48)}
		body, ct := multipartBody([][2]string{{"category", w.field}, {"title", "Thông báo " + m}, {"body", w.text},
			{"decision_date", c.today}, {"key", key}}, "files", w.files)
		w.path, w.body = "/quan-tri/don-vi/"+c.t.Commune.CommuneCode+"/cong-khai", body
		w.header = sessionHeader(c.t.Commune.OfficialToken, "FEEDOFFICIALCSRF")
		w.header.Set("Content-Type", ct)
	case KindOpen311:
		w.field = crashCategories[r.IntN(len(crashCategories))]
		w.text = "Đèn đường trước nhà văn hóa thôn bị hỏng. " + m
		form := url.Values{"api_key": {c.t.Open311}, "service_code": {w.field}, "description": {w.text}, "address_string": {"Thôn Đông"},
			"email": {"nguoidan@example.vn"}}
		w.path, w.body = "/open311/v2/requests.json", []byte(form.Encode())
		w.header = http.Header{}
		w.header.Set("Content-Type", "application/x-www-form-urlencoded")
		w.header.Set("Idempotency-Key", key)
	}
	return c.add(w)
}

// crashClient sends one request and reads its whole answer: a write counts as
// acknowledged only once its success answer has been received to the end.
var crashClient = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func send(w *crashWrite, base string) (int, error) {
	resp, err := crashClient.Do(w.request(base))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, nil
}

// Recheck runs the checks of a finished crash run again on the database as it
// is now (a test breaks a row to see the checks fail).
type Recheck func(ctx context.Context) CrashSummary

// Crash runs the crash test: o.Cycles times a mixed write load, a kill -9 at
// a seeded random moment, a restart, retries and the checks. The fixtures must
// be in the database already (GenerateCrashTarget).
func Crash(ctx context.Context, t CrashTarget, o CrashOptions) (CrashSummary, Recheck, error) {
	sum, run, err := crash(ctx, t, o)
	recheck := func(ctx context.Context) CrashSummary {
		again := CrashSummary{Acked: map[string]int{}, OrphansAfterGrace: -1}
		if run == nil {
			again.problem(nil, "no run to check")
			return again
		}
		if err := crashCheck(ctx, run, o, &again, 0); err != nil {
			again.problem(nil, "check: %v", err)
		}
		return again
	}
	return sum, recheck, err
}

func crash(ctx context.Context, t CrashTarget, o CrashOptions) (CrashSummary, *crashRun, error) {
	start := time.Now()
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	if o.Writers < 1 {
		o.Writers = 2
	}
	if o.MinLoad <= 0 {
		o.MinLoad = 200 * time.Millisecond
	}
	if o.MaxLoad <= o.MinLoad {
		o.MaxLoad = max(2500*time.Millisecond, o.MinLoad+time.Millisecond)
	}
	d, err := db.Open(ctx, o.DSN, db.Options{})
	if err != nil {
		return CrashSummary{}, nil, err
	}
	ids, err := voterAccounts(ctx, d, t.Voters)
	d.Close()
	if err != nil {
		return CrashSummary{}, nil, err
	}
	run := &crashRun{t: t, seed: o.Seed, seq: map[string]int{}, ids: ids, today: time.Now().AddDate(0, 0, -1).Format("2006-01-02")}
	sum := CrashSummary{Acked: map[string]int{}, Answered: map[string]int{}, OrphansAfterGrace: -1}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	fmt.Fprintf(out, "crash: seed %d, %d cycles, %d writers per kind (%s), lost disclosures and Open311 posts sent again: %v\n",
		o.Seed, o.Cycles, o.Writers, strings.Join(CrashKinds, ", "), !o.Keyless)
	srv, err := StartServer(ctx, "127.0.0.1:0", o.Exe, o.ServerArgs...)
	if err != nil {
		return sum, run, err
	}
	defer func() { srv.Stop() }()
	for cycle := 1; cycle <= o.Cycles; cycle++ {
		load := o.MinLoad + time.Duration(rng.Int64N(int64(o.MaxLoad-o.MinLoad)))
		var stop atomic.Bool
		var wg sync.WaitGroup
		before := len(run.writes)
		base := srv.URL
		for k, kind := range CrashKinds {
			for wn := range o.Writers {
				r := rand.New(rand.NewPCG(o.Seed, uint64(cycle*1000+k*10+wn)))
				wg.Go(func() {
					for !stop.Load() {
						w := run.next(kind, r)
						if w == nil {
							return
						}
						status, err := send(w, base)
						w.status = status
						switch {
						case err == nil && w.done(status, false):
							atomic.StoreInt32(&w.state, writeAcked)
						case err == nil && status >= 400 && status < 500 && status != http.StatusTooManyRequests:
							atomic.StoreInt32(&w.state, writeRefused)
						default: // no answer, or 5xx / 503: not acknowledged
							atomic.StoreInt32(&w.state, writeLost)
						}
					}
				})
			}
		}
		time.Sleep(load)
		// No new request from now: the kill cuts the ones in flight (a
		// request sent after it would only be refused a connection).
		stop.Store(true)
		var restartDB func() error
		if o.KillDatabase != nil && o.KillDatabaseEvery > 0 && cycle%o.KillDatabaseEvery == 0 {
			var err error
			if restartDB, err = o.KillDatabase(ctx); err != nil {
				srv.Kill()
				wg.Wait()
				return sum, run, fmt.Errorf("cycle %d: kill -9 of the database server: %w", cycle, err)
			}
		}
		if err := srv.Kill(); err != nil {
			wg.Wait()
			return sum, run, fmt.Errorf("cycle %d: kill -9: %w", cycle, err)
		}
		wg.Wait()
		restart := time.Now()
		also := ""
		if restartDB != nil {
			if err := restartDB(); err != nil {
				return sum, run, fmt.Errorf("cycle %d: %w", cycle, err)
			}
			sum.DatabaseKills++
			also = " (and of PostgreSQL's postmaster)"
		}
		if srv, err = StartServer(ctx, "127.0.0.1:0", o.Exe, o.ServerArgs...); err != nil {
			return sum, run, fmt.Errorf("cycle %d: restart after kill -9: %w", cycle, err)
		}
		restarted := time.Since(restart)
		// The answers lost are sent again, as a person presses the button again.
		cycleWrites := run.writes[before:]
		acked, lost, retried, refused := map[string]int{}, 0, 0, 0
		answered := map[string]int{} // lost writes that got an answer, not a success: by kind and status
		for _, w := range cycleWrites {
			switch w.state {
			case writeRefused:
				refused++
				sum.problem(&sum.Refused, "cycle %d: %s %s refused with %d", cycle, w.kind, w.marker, w.status)
			case writeLost:
				lost++
				if w.status != 0 {
					answered[fmt.Sprintf("%s %d", w.kind, w.status)]++
				}
				if !w.retryable(o.Keyless) {
					sum.Unconfirmed++
					continue
				}
				if err := retry(w, srv.URL); err != nil {
					return sum, run, fmt.Errorf("cycle %d: retry of %s %s after the restart: %w", cycle, w.kind, w.marker, err)
				}
				retried++
				w.state = writeAcked
			}
			if w.state == writeAcked {
				acked[w.kind]++
			}
		}
		sum.Lost += lost
		sum.Retried += retried
		for k, n := range acked {
			sum.Acked[k] += n
		}
		issues := len(sum.Problems)
		before4 := [4]int{sum.Duplicates, sum.Missing, sum.Altered, sum.CounterErrors}
		if err := crashCheck(ctx, run, o, &sum, cycle); err != nil {
			return sum, run, fmt.Errorf("cycle %d: check: %w", cycle, err)
		}
		sum.Cycles = cycle
		verdict := "ok"
		if len(sum.Problems) > issues || before4 != [4]int{sum.Duplicates, sum.Missing, sum.Altered, sum.CounterErrors} {
			verdict = "PROBLEMS"
		}
		var parts []string
		for _, k := range CrashKinds {
			parts = append(parts, fmt.Sprintf("%s %d", k, acked[k]))
		}
		var statuses []string
		for _, k := range slices.Sorted(maps.Keys(answered)) {
			statuses = append(statuses, fmt.Sprintf("%s ×%d", k, answered[k]))
			sum.Answered[k] += answered[k]
		}
		note := ""
		if len(statuses) > 0 {
			note = " [answered but not stored: " + strings.Join(statuses, ", ") + "]"
		}
		fmt.Fprintf(out, "cycle %3d: kill -9%s after %4d ms; acknowledged %s; lost answers %d (retried %d)%s; refused %d; restart %s; check %s\n",
			cycle, also, load.Milliseconds(), strings.Join(parts, ", "), lost, retried, note, refused, restarted.Round(10*time.Millisecond), verdict)
	}
	sum.Elapsed = time.Since(start)
	return sum, run, nil
}

// retry sends w again until it is answered as stored (the server is up again).
func retry(w *crashWrite, base string) error {
	var last string
	for attempt := range 20 {
		status, err := send(w, base)
		if err == nil && w.done(status, true) {
			w.status = status
			return nil
		}
		last = fmt.Sprintf("status %d, %v", status, err)
		if err == nil && status >= 400 && status < 500 && status != http.StatusTooManyRequests {
			return fmt.Errorf("refused: %s", last)
		}
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
	return fmt.Errorf("not stored after 20 attempts (%s)", last)
}

func voterAccounts(ctx context.Context, d *db.DB, v Voters) ([]int64, error) {
	ids := make([]int64, len(v.Tokens))
	for i, tok := range v.Tokens {
		if err := d.QueryRowContext(ctx, "select account_id from sessions where hash = $1", auth.HashToken(tok)).Scan(&ids[i]); err != nil {
			return nil, fmt.Errorf("voter %d's account: %w", i, err)
		}
	}
	return ids, nil
}

// stored is a row found by its marker.
type stored struct {
	text, field string
	files       []storedFile
}

type storedFile struct {
	sha  string
	size int64
}

// markerOf finds a write's marker in a stored text ("" when there is none).
func markerOf(s string) string {
	i := strings.Index(s, "[crash s")
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], ']')
	if j < 0 {
		return ""
	}
	return s[i : i+j+1]
}

// crashCheck compares the database with the writes of the run so far.
func crashCheck(ctx context.Context, run *crashRun, o CrashOptions, sum *CrashSummary, cycle int) error {
	d, err := db.Open(ctx, o.DSN, db.Options{MaxOpenConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	t := run.t
	found := map[string][]stored{} // marker → rows
	photos := map[int64][]storedFile{}
	rows, err := d.QueryContext(ctx, `select p.item_id, p.sha256, p.size from feedback_photos p join feedback_items i on i.id = p.item_id
		where i.unit_id = $1 order by p.item_id, p.n`, t.Commune.CommuneID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var f storedFile
		if err := rows.Scan(&id, &f.sha, &f.size); err != nil {
			rows.Close()
			return err
		}
		photos[id] = append(photos[id], f)
	}
	rows.Close()
	var items int
	if err := scanAll(ctx, d, "select id, description, category from feedback_items where unit_id = $1", []any{t.Commune.CommuneID}, func(r *sql.Rows) error {
		var id int64
		var s stored
		if err := r.Scan(&id, &s.text, &s.field); err != nil {
			return err
		}
		items++
		s.files = photos[id]
		found[markerOf(s.text)] = append(found[markerOf(s.text)], s)
		return nil
	}); err != nil {
		return err
	}
	var comments int
	if err := scanAll(ctx, d, "select body, part from consultation_comments where consultation_id = $1", []any{t.Comments.ConsultationID}, func(r *sql.Rows) error {
		var s stored
		var part int
		if err := r.Scan(&s.text, &part); err != nil {
			return err
		}
		comments++
		s.field = fmt.Sprint(part)
		found[markerOf(s.text)] = append(found[markerOf(s.text)], s)
		return nil
	}); err != nil {
		return err
	}
	files := map[int64][]storedFile{}
	if err := scanAll(ctx, d, `select f.disclosure_id, f.sha256, f.size from disclosure_files f join disclosures x on x.id = f.disclosure_id
		where x.unit_id = $1 order by f.disclosure_id, f.version, f.position`, []any{t.Commune.CommuneID}, func(r *sql.Rows) error {
		var id int64
		var f storedFile
		if err := r.Scan(&id, &f.sha, &f.size); err != nil {
			return err
		}
		files[id] = append(files[id], f)
		return nil
	}); err != nil {
		return err
	}
	if err := scanAll(ctx, d, "select id, body, category from disclosures where unit_id = $1", []any{t.Commune.CommuneID}, func(r *sql.Rows) error {
		var id int64
		var s stored
		var cat int
		if err := r.Scan(&id, &s.text, &cat); err != nil {
			return err
		}
		s.field, s.files = fmt.Sprint(cat), files[id]
		found[markerOf(s.text)] = append(found[markerOf(s.text)], s)
		return nil
	}); err != nil {
		return err
	}
	ballots := map[int64][]stored{}
	tally := map[string]int{}
	if err := scanAll(ctx, d, "select account_id, choice, opinion from vote_ballots where vote_id = $1", []any{t.Voters.VoteID}, func(r *sql.Rows) error {
		var acct int64
		var s stored
		if err := r.Scan(&acct, &s.field, &s.text); err != nil {
			return err
		}
		tally[s.field]++
		ballots[acct] = append(ballots[acct], s)
		return nil
	}); err != nil {
		return err
	}
	// Every acknowledged write once and unchanged; a lost one not retried at most once.
	run.mu.Lock()
	writes := slices.Clone(run.writes)
	run.mu.Unlock()
	var unconfirmed [2]int // lost, not retried: not stored, stored
	defer func() { sum.UnconfirmedStored = unconfirmed[1] }()
	for _, w := range writes {
		var got []stored
		if w.kind == KindBallot {
			got = ballots[w.account]
		} else {
			got = found[w.marker]
		}
		switch {
		case w.state == writeRefused && len(got) > 0:
			sum.writeProblem(w, &sum.Duplicates, "cycle %d: %s %s was refused (%d) yet stored %d times", cycle, w.kind, w.marker, w.status, len(got))
			continue
		case w.state == writeRefused:
			continue
		case w.state == writeLost && len(got) == 0:
			unconfirmed[0]++
			continue
		case w.state == writeLost:
			unconfirmed[1]++
		case len(got) == 0:
			sum.writeProblem(w, &sum.Missing, "cycle %d: %s %s acknowledged (%d) but not stored", cycle, w.kind, w.marker, w.status)
			continue
		case len(got) > 1:
			sum.writeProblem(w, &sum.Duplicates, "cycle %d: %s %s stored %d times", cycle, w.kind, w.marker, len(got))
		}
		if why := differs(w, got[0], o.UploadsDir); why != "" {
			sum.writeProblem(w, &sum.Altered, "cycle %d: %s %s stored altered: %s", cycle, w.kind, w.marker, why)
		}
	}
	// The kept counters match the rows.
	var counter, received, daily int
	var agree, disagree, other int
	if err := d.QueryRowContext(ctx, "select comments from consultations where id = $1", t.Comments.ConsultationID).Scan(&counter); err != nil {
		return err
	}
	if counter != comments {
		sum.problem(&sum.CounterErrors, "cycle %d: the consultation counts %d comments, %d rows", cycle, counter, comments)
	}
	if err := d.QueryRowContext(ctx, "select received from feedback_counters where unit_id = $1", t.Commune.CommuneID).Scan(&received); err != nil {
		return err
	}
	if err := d.QueryRowContext(ctx, "select coalesce(sum(n), 0) from feedback_daily where unit_id = $1", t.Commune.CommuneID).Scan(&daily); err != nil {
		return err
	}
	var handled int
	if err := d.QueryRowContext(ctx, "select count(*) from feedback_items where handler_id = $1", t.Commune.CommuneID).Scan(&handled); err != nil {
		return err
	}
	if received != handled || daily != items {
		sum.problem(&sum.CounterErrors, "cycle %d: feedback counters: received %d for %d items handled, daily counts %d for %d items", cycle, received, handled, daily, items)
	}
	if err := d.QueryRowContext(ctx, "select agree, disagree, other from votes where id = $1", t.Voters.VoteID).Scan(&agree, &disagree, &other); err != nil {
		return err
	}
	if agree != tally["agree"] || disagree != tally["disagree"] || other != tally["other"] {
		sum.problem(&sum.CounterErrors, "cycle %d: vote tally %d/%d/%d, ballots %d/%d/%d", cycle, agree, disagree, other, tally["agree"], tally["disagree"], tally["other"])
	}
	// SQLite: the file is sound, on a fresh connection (a pooled one that has
	// read the FTS5 tables may report false errors).
	if d.Dialect == db.SQLite {
		fresh, err := db.Open(ctx, o.DSN, db.Options{MaxOpenConns: 1})
		if err != nil {
			return err
		}
		var res []string
		err = scanAll(ctx, fresh, "pragma integrity_check", nil, func(r *sql.Rows) error {
			var s string
			err := r.Scan(&s)
			res = append(res, s)
			return err
		})
		fresh.Close()
		if err != nil {
			return err
		}
		if len(res) != 1 || res[0] != "ok" {
			sum.problem(&sum.IntegrityFailed, "cycle %d: PRAGMA integrity_check: %s", cycle, strings.Join(res[:min(len(res), 5)], "; "))
		}
	}
	v, err := Verify(ctx, o.Exe, o.ServerArgs)
	sum.LastVerify = v
	if err != nil {
		sum.problem(&sum.VerifyFailed, "cycle %d: danchu verify: %v: %s", cycle, err, v)
	}
	if missing, _, ok := VerifyFiles(v); ok && missing > 0 {
		sum.problem(&sum.MissingFiles, "cycle %d: danchu verify: %d files missing on disk", cycle, missing)
	}
	return nil
}

var verifyFiles = regexp.MustCompile(`files: (\d+) missing, (\d+) unreferenced`)

// VerifyFiles reads the files line of danchu verify ("files: N missing, M
// unreferenced"); ok is false when it prints none (a build without the check).
func VerifyFiles(out string) (missing, unreferenced int, ok bool) {
	m := verifyFiles.FindStringSubmatch(out)
	if m == nil {
		return 0, 0, false
	}
	missing, _ = strconv.Atoi(m[1])
	unreferenced, _ = strconv.Atoi(m[2])
	return missing, unreferenced, true
}

// Verify runs `danchu verify` with the server's --db and --data-dir and
// returns what it printed.
func Verify(ctx context.Context, exe string, serverArgs []string) (string, error) {
	out, err := execOutput(ctx, exe, append([]string{"verify"}, dbArgs(serverArgs)...)...)
	return strings.TrimSpace(out), err
}

// dbArgs keeps --db and --data-dir (and their values) of the server's arguments.
func dbArgs(args []string) []string {
	var keep []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(a, "=")
		if name != "--db" && name != "--data-dir" {
			continue
		}
		keep = append(keep, a)
		if !hasValue && i+1 < len(args) {
			keep = append(keep, args[i+1])
			i++
		}
	}
	return keep
}

func differs(w *crashWrite, s stored, uploads string) string {
	if w.kind == KindBallot {
		if s.field != w.field || s.text != w.text {
			return fmt.Sprintf("choice %q opinion %q, sent %q %q", s.field, s.text, w.field, w.text)
		}
		return ""
	}
	if s.text != w.text {
		return fmt.Sprintf("text %q, sent %q", s.text, w.text)
	}
	if s.field != w.field {
		return fmt.Sprintf("category/part %q, sent %q", s.field, w.field)
	}
	if len(s.files) != len(w.files) {
		return fmt.Sprintf("%d files, sent %d", len(s.files), len(w.files))
	}
	sub := "photos"
	if w.kind == KindDisclosure {
		sub = "files"
	}
	for i, f := range s.files {
		data, err := readBlob(uploads, sub, f.sha)
		if err != nil {
			return fmt.Sprintf("file %d: %v", i+1, err)
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != f.sha || int64(len(data)) != f.size {
			return fmt.Sprintf("file %d on disk does not match its row (%d bytes)", i+1, len(data))
		}
		// A disclosure's file is kept as sent; a photo is written afresh (EXIF dropped).
		if w.kind == KindDisclosure && !bytes.Equal(data, w.files[i]) {
			return fmt.Sprintf("file %d differs from the bytes sent", i+1)
		}
	}
	return ""
}

func scanAll(ctx context.Context, d *db.DB, q string, args []any, each func(*sql.Rows) error) error {
	rows, err := d.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Orphans counts the blob files under the uploads folder that no row
// references, and the temporary files of uploads (".upload-*") left behind.
func Orphans(ctx context.Context, dsn, uploads string) (orphans, temps int, err error) {
	d, err := db.Open(ctx, dsn, db.Options{MaxOpenConns: 2})
	if err != nil {
		return 0, 0, err
	}
	defer d.Close()
	used := map[string]bool{}
	for _, q := range []string{"select sha256 from disclosure_files", "select sha256 from feedback_photos", "select minutes_sha256 from matters",
		"select sha256 from plan_report_files", "select regulation_sha256 from steering_committees where regulation_sha256 is not null",
		"select minutes_sha256 from steering_meetings where minutes_sha256 is not null"} {
		if err := scanAll(ctx, d, q, nil, func(r *sql.Rows) error {
			var s string
			err := r.Scan(&s)
			used[s] = true
			return err
		}); err != nil {
			return 0, 0, err
		}
	}
	names, err := blobNames(uploads)
	if err != nil {
		return 0, 0, err
	}
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, ".upload-"):
			temps++
		case !used[n]:
			orphans++
		}
	}
	return orphans, temps, nil
}

// readBlob reads a stored blob: uploads/<sub>/ab/cd/<sha256>.
func readBlob(uploads, sub, sum string) ([]byte, error) {
	if len(sum) != 64 {
		return nil, fmt.Errorf("bad sha256 %q", sum)
	}
	return os.ReadFile(filepath.Join(uploads, sub, sum[:2], sum[2:4], sum))
}

// blobNames lists the names of the files under uploads/files and uploads/photos.
func blobNames(uploads string) ([]string, error) {
	var names []string
	for _, sub := range []string{"files", "photos"} {
		err := filepath.WalkDir(filepath.Join(uploads, sub), func(p string, e fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			if !e.IsDir() {
				names = append(names, e.Name())
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return names, nil
}

func execOutput(ctx context.Context, exe string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, exe, args...).CombinedOutput()
	return string(out), err
}
