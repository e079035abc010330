package app

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/loadtest"
	"danchu/internal/org"
)

const benchSynopsis = "bench [--scenarios crash --cycles N [--seed S]] [--scale N] [--conns C] [--duration D] [--warm-up D] [--popularity uniform|zipf|both] [--dir DIR]"

// runBench generates a dataset into a fresh SQLite database, starts `danchu
// serve` on it as another process and measures it from this one.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", benchSynopsis, stderr)
	scale := fs.Int("scale", 100_000, "number of disclosures to generate")
	conns := fs.Int("conns", 32, "concurrent connections")
	dur := fs.Duration("duration", 15*time.Second, "measuring time per scenario")
	dir := fs.String("dir", "", "folder for the database (default: a new temporary folder, removed afterwards)")
	comments := fs.Int("comments", 100_000, "comments already on the consultation the intake scenario posts to")
	engine := fs.String("db", "sqlite", "sqlite (a new file), postgres (a new local cluster with fsync on, removed afterwards) or the URL of an empty PostgreSQL database")
	scen := fs.String("scenarios", "disclosures,comments", "comma-separated: crash (alone: kill -9 under a mixed write load, restart, check every acknowledged write; see --cycles), disclosures (detail, board, search, bare baseline), comments (durable comment intake), votes (online ballots, one per household), feedback (durable feedback intake and a commune's queue page), photos (a flood of anonymous posts with 16-bit photos; the disclosure page's latency meanwhile and the server's peak memory)")
	items := fs.Int("feedback", 100_000, "open items already in the queue of the commune the feedback scenario sends to")
	openFirst := fs.Bool("open-first", true, "votes: every representative opens the vote page once before the ballots are measured, as voters do (false: each ballot comes from a session the server has never read)")
	households := fs.Int("households", 200_000, "households of the village the votes scenario votes in (one ballot each)")
	popularity := fs.String("popularity", "both", "disclosures: which disclosure pages readers open: uniform (any alike), zipf (the newest most, Zipf s=1.1 over rank = newness) or both, one after the other")
	pageCache := fs.String("page-cache", "", "the measured server's --page-cache (e.g. 0: off, to compare); empty: its default")
	warmUp := fs.Duration("warm-up", 0, "disclosures: requests sent before each disclosure page scenario is measured, not counted (a running server's page cache is warm); 0: a fifth of --duration, at most 2s")
	listen := fs.String("listen", "127.0.0.1:0", "the address the measured server listens on (port 0: any free port)")
	server := fs.String("server", "", "the danchu binary to measure (default: this one), e.g. an older build for a baseline in the same run")
	photoConns := fs.Int("photo-conns", 20, "photos: anonymous senders at once, each posting the feedback form with 5 photos, one post after the other")
	photoW := fs.Int("photo-width", 3400, "photos: width of each PNG")
	photoH := fs.Int("photo-height", 3000, "photos: height of each PNG")
	photoKind := fs.String("photo-kind", "bomb", "photos: bomb (16-bit RGBA that compresses to a few KB: the most decoding per byte) or noise (uncompressed 8-bit random pixels, e.g. 1560×1560 = 9.7 MB: the most bytes per photo)")
	cycles := fs.Int("cycles", 10, "crash: how many times the server is killed (kill -9) under the write load and restarted")
	seed := fs.Uint64("seed", 0, "crash: the seed of the kill moments and the writes (0: a new one, printed)")
	killPG := fs.Int("kill-postgres", 0, "crash with --db postgres: kill -9 the run's own PostgreSQL postmaster too every N-th cycle (0: never)")
	keyless := fs.Bool("keyless", false, "crash: the server under test (--server, an older build) keeps no idempotency key for disclosures and Open311 posts: theirs whose answer was lost are not sent again and must be stored at most once")
	if _, err := parseAll(fs, args); err != nil {
		return err
	}
	if *scen == "crash" {
		if *cycles < 1 {
			return &badInput{"--cycles phải lớn hơn 0 / --cycles must be positive"}
		}
		if *killPG < 0 || *killPG > 0 && *engine != "postgres" {
			return &badInput{"--kill-postgres chỉ dùng với --db postgres (cụm riêng của lần chạy) và không được âm / --kill-postgres needs --db postgres (the run's own cluster) and cannot be negative"}
		}
		return benchCrash(ctx, *engine, *dir, *server, *cycles, *seed, *keyless, *killPG, stdout, stderr)
	}
	if *popularity != loadtest.Uniform && *popularity != loadtest.Zipf && *popularity != "both" {
		return &badInput{"--popularity là uniform, zipf hoặc both / --popularity is uniform, zipf or both"}
	}
	if *photoKind != "bomb" && *photoKind != "noise" {
		return &badInput{"--photo-kind là bomb hoặc noise / --photo-kind is bomb or noise"}
	}
	if *warmUp < 0 {
		return &badInput{"--warm-up không được âm / --warm-up cannot be negative"}
	}
	if *scale < 1 || *conns < 1 || *dur < time.Second {
		return &badInput{"--scale, --conns phải lớn hơn 0 và --duration ít nhất 1s / --scale and --conns must be positive, --duration at least 1s"}
	}
	work := *dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "danchu-bench-*"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	dsn := "sqlite:" + filepath.Join(work, "bench.db")
	switch {
	case *engine == "postgres":
		var err error
		if dsn, err = db.StartScratchPostgres(true); err != nil {
			return fmt.Errorf("start a PostgreSQL cluster for the run: %w", err)
		}
	case strings.HasPrefix(*engine, "postgres://"):
		dsn = *engine
	case *engine != "sqlite":
		return &badInput{"--db phải là sqlite, postgres hoặc postgres://… / --db must be sqlite, postgres or postgres://…"}
	}
	log := NewLogger(io.Discard, "text")
	a, err := Open(ctx, &config.Config{DB: dsn, DataDir: work, LogFormat: "text", Addr: "127.0.0.1:0"}, log)
	if err != nil {
		return err
	}
	var have int
	if err := a.DB.QueryRowContext(ctx, "select count(*) from units").Scan(&have); err != nil || have > 0 {
		a.Close()
		return &badInput{fmt.Sprintf("cơ sở dữ liệu %s đã có dữ liệu (%d đơn vị); hãy dùng một cơ sở dữ liệu trống / the database already holds data (%d units): give an empty one (%v)",
			a.DB.Target, have, have, err)}
	}
	start := time.Now()
	if _, err := a.Units.ImportUnits(ctx, bytes.NewReader(org.OfficialList), nil); err != nil {
		a.Close()
		return err
	}
	bar := newProgress(stderr)
	ds, err := loadtest.GenerateDisclosures(ctx, a.DB, a.Units, *scale, bar.update)
	bar.done()
	if err != nil {
		a.Close()
		return err
	}
	citizens, err := loadtest.GenerateCommentTarget(ctx, a.DB, a.Units, 1000, *comments)
	if err != nil {
		a.Close()
		return err
	}
	want := map[string]bool{}
	for _, x := range strings.Split(*scen, ",") {
		want[strings.TrimSpace(x)] = true
	}
	var voters loadtest.Voters
	if want["votes"] {
		if voters, err = loadtest.GenerateVoteTarget(ctx, a.DB, a.Units, *households); err != nil {
			a.Close()
			return err
		}
	}
	var reporters loadtest.Reporters
	if want["feedback"] {
		if reporters, err = loadtest.GenerateFeedbackTarget(ctx, a.DB, a.Units, 1000, *items); err != nil {
			a.Close()
			return err
		}
	}
	if a.DB.Dialect == db.SQLite {
		// Fold the generator's write-ahead log into the file now, not during the
		// measurements: a checkpoint cannot run inside a transaction, so on the raw pool.
		if _, err := a.DB.Raw().ExecContext(ctx, "pragma wal_checkpoint(TRUNCATE)"); err != nil {
			a.Close()
			return err
		}
	}
	a.Close()
	fmt.Fprintf(stdout, "dataset: %d disclosures over %d communes in %s (%s)\n", *scale, len(ds.Communes), time.Since(start).Round(time.Second), dsn)
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	serverExe := exe
	if *server != "" {
		serverExe = *server
	}
	serverArgs := []string{"--db", dsn, "--data-dir", work, "--limit-writes", "1000000"}
	if *pageCache != "" {
		serverArgs = append(serverArgs, "--page-cache", *pageCache)
	}
	srv, err := loadtest.StartServer(ctx, *listen, serverExe, serverArgs...)
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Fprintf(stdout, "server: %s (separate process), %d connections, %s per scenario, page cache %s\n", srv.URL, *conns, *dur,
		cmp.Or(*pageCache, config.DefaultPageCache))
	results := map[string]loadtest.Result{}
	var posted loadtest.Result
	if want["comments"] {
		posted = loadtest.Run(ctx, srv.URL, loadtest.CommentScenario(citizens), *conns, *dur)
		fmt.Fprintln(stdout, posted)
		for _, s := range loadtest.PageScenarios(citizens) {
			fmt.Fprintln(stdout, loadtest.Run(ctx, srv.URL, s, *conns, *dur))
		}
	}
	var cast loadtest.Result
	if want["votes"] {
		if *openFirst {
			fmt.Fprintln(stdout, loadtest.Run(ctx, srv.URL, loadtest.VotePageScenario(voters), *conns, time.Hour))
		}
		cast = loadtest.Run(ctx, srv.URL, loadtest.VoteScenario(voters), *conns, *dur)
		fmt.Fprintln(stdout, cast)
	}
	var sent loadtest.Result
	if want["feedback"] {
		sent = loadtest.Run(ctx, srv.URL, loadtest.FeedbackScenario(reporters), *conns, *dur)
		fmt.Fprintln(stdout, sent)
		fmt.Fprintln(stdout, loadtest.Run(ctx, srv.URL, loadtest.QueueScenario(reporters), min(*conns, QueueConns), *dur))
	}
	if want["photos"] {
		photoFlood(ctx, srv, ds, *photoConns, *photoKind, *photoW, *photoH, *dur, stdout)
	}
	tally := tallies{citizens, posted, voters, cast, reporters, sent}
	if !want["disclosures"] {
		return counts(ctx, srv, dsn, want, tally, stdout)
	}
	pages := loadtest.DisclosureScenarios(ds)
	detail, board := pages[0], pages[1]
	var runs []loadtest.Scenario
	if *popularity != loadtest.Zipf {
		runs = append(runs, detail)
	}
	popular := loadtest.PopularDetail(ds)
	if *popularity != loadtest.Uniform {
		runs = append(runs, popular)
		fmt.Fprintf(stdout, "popularity: Zipf s=%.1f over %d disclosures, newest first: the newest 1,000 take %.0f%% of the reads, the newest 10,000 %.0f%%\n",
			loadtest.ZipfS, len(ds.IDs), 100*loadtest.ZipfShare(1000, len(ds.IDs)), 100*loadtest.ZipfShare(10_000, len(ds.IDs)))
	}
	runs = append(runs, pages[1:]...)
	if *warmUp > 0 {
		fmt.Fprintf(stdout, "warm-up: %s of requests before each disclosure scenario, not measured\n", *warmUp)
		for i := range runs {
			runs[i].Warm = *warmUp
		}
	}
	for _, s := range runs {
		res := loadtest.Run(ctx, srv.URL, s, *conns, *dur)
		results[s.Name] = res
		fmt.Fprint(stdout, res)
		if rss, _, err := srv.Memory(); err == nil {
			fmt.Fprintf(stdout, "  RSS %.0f MB", rss)
		}
		fmt.Fprintln(stdout)
	}
	rss, peak, err := srv.Memory()
	if err == nil {
		fmt.Fprintf(stdout, "server memory after the run: RSS %.0f MB (peak %.0f MB)\n", rss, peak)
	}
	// The same bytes from memory, by a bare net/http handler in another process:
	// one disclosure's page (the baseline of both popularity models) and one board.
	for _, s := range []loadtest.Scenario{detail, board} {
		resp, err := http.Get(srv.URL + s.Next(rand.New(rand.NewPCG(1, 1))))
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		file := filepath.Join(work, "page.html")
		if err := os.WriteFile(file, page, 0o600); err != nil {
			return err
		}
		bare, stop, err := startBare(exe, file, bareAddr(*listen))
		if err != nil {
			return err
		}
		res := loadtest.Run(ctx, bare, loadtest.Scenario{Name: "bare " + s.Name, Next: func(*rand.Rand) string { return "/" }}, *conns, *dur)
		stop()
		for _, name := range []string{s.Name, popular.Name} {
			if got, ok := results[name]; ok && (name == s.Name || s.Name == detail.Name) {
				fmt.Fprintf(stdout, "%s   ratio %s/bare %.2f\n", res, name, got.RPS()/res.RPS())
			}
		}
	}
	return counts(ctx, srv, dsn, want, tally, stdout)
}

// photoFlood measures the disclosure page alone, then while conns anonymous
// senders post the feedback form with five w×h PNGs each (kind: 16-bit bombs
// or uncompressed noise), one post after the other, and prints the server's
// peak memory after each.
func photoFlood(ctx context.Context, srv *loadtest.Server, ds loadtest.Dataset, conns int, kind string, w, h int, d time.Duration, stdout io.Writer) {
	photo, what, decoded := loadtest.PNG16(w, h), "16-bit RGBA", w*h*8
	if kind == "noise" {
		photo, what, decoded = loadtest.NoisePNG(w, h), "uncompressed 8-bit noise", w*h*4
	}
	page := loadtest.DisclosureScenarios(ds)[0]
	memory := func(when string) {
		if rss, peak, err := srv.Memory(); err == nil {
			fmt.Fprintf(stdout, "server memory %s: RSS %.0f MB, peak (VmHWM) %.0f MB\n", when, rss, peak)
		}
	}
	fmt.Fprintln(stdout, "alone:", loadtest.Run(ctx, srv.URL, page, 4, d))
	memory("before the flood")
	fctx, stop := context.WithCancel(ctx)
	done := loadtest.Background(fctx, srv.URL, loadtest.PhotoPostScenario(ds.Communes[0], photo, 5), conns)
	fmt.Fprintln(stdout, "flood:", loadtest.Run(ctx, srv.URL, page, 4, d))
	stop()
	f := <-done
	fmt.Fprintf(stdout, "photo flood: %d senders × 5 photos of %d×%d %s (%d KB each, %d MB decoded each): %s\n",
		conns, w, h, what, len(photo)>>10, decoded>>20, f)
	memory("after the flood")
}

// QueueConns is how many officials read a queue at once in the feedback
// scenario: a commune's reception desk, not a crowd.
const QueueConns = 8

// tallies are the targets of the write scenarios and what they measured.
type tallies struct {
	c         loadtest.Citizens
	posted    loadtest.Result
	v         loadtest.Voters
	cast      loadtest.Result
	reporters loadtest.Reporters
	sent      loadtest.Result
}

// counts stops the server (which writes what it has queued) and checks that
// every comment, ballot and feedback item answered as stored is in the database.
func counts(ctx context.Context, srv *loadtest.Server, dsn string, want map[string]bool, t tallies, stdout io.Writer) error {
	if !want["comments"] && !want["votes"] && !want["feedback"] {
		return nil
	}
	c, posted, v, cast := t.c, t.posted, t.v, t.cast
	srv.Stop()
	d, err := db.Open(ctx, dsn, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	if want["comments"] {
		if err := countComments(ctx, d, c, posted, stdout); err != nil {
			return err
		}
	}
	if want["votes"] {
		var rows, counted int
		if err := d.QueryRowContext(ctx, "select count(*) from vote_ballots where vote_id = $1", v.VoteID).Scan(&rows); err != nil {
			return err
		}
		d.QueryRowContext(ctx, "select agree + disagree + other from votes where id = $1", v.VoteID).Scan(&counted)
		accepted := cast.Requests - cast.Errors + cast.WarmOK
		fmt.Fprintf(stdout, "ballots: %d answered as stored (warm-up included), %d rows in the database after the run (counters %d), lost %d; %d households\n",
			accepted, rows, counted, max(accepted-rows, 0), len(v.Tokens))
	}
	if want["feedback"] {
		var rows, counter int
		if err := d.QueryRowContext(ctx, "select count(*) from feedback_items where handler_id = $1", t.reporters.CommuneID).Scan(&rows); err != nil {
			return err
		}
		d.QueryRowContext(ctx, "select received from feedback_counters where unit_id = $1", t.reporters.CommuneID).Scan(&counter)
		accepted := t.sent.Requests - t.sent.Errors + t.sent.WarmOK
		rows -= t.reporters.Prefilled
		counter -= t.reporters.Prefilled
		fmt.Fprintf(stdout, "feedback: %d answered as stored (warm-up included), %d new rows in the database after the run (counter %d), lost %d; %d were in the queue before\n",
			accepted, rows, counter, max(accepted-rows, 0), t.reporters.Prefilled)
	}
	return nil
}

// countComments checks that every comment answered as stored is in the database.
func countComments(ctx context.Context, d *db.DB, c loadtest.Citizens, posted loadtest.Result, stdout io.Writer) error {
	id := c.ConsultationID
	var rows, counter int
	if err := d.QueryRowContext(ctx, "select count(*) from consultation_comments where consultation_id = $1", id).Scan(&rows); err != nil {
		return err
	}
	d.QueryRowContext(ctx, "select comments from consultations where id = $1", id).Scan(&counter)
	accepted := posted.Requests - posted.Errors + posted.WarmOK
	rows -= c.Prefilled
	counter -= c.Prefilled
	fmt.Fprintf(stdout, "comments: %d answered as stored (warm-up included), %d new rows in the database after the run (counter %d), lost %d; %d were there before\n",
		accepted, rows, counter, max(accepted-rows, 0), c.Prefilled)
	return nil
}

// bareAddr is where the bare baseline listens: the port after the measured
// server's when that one is given, else any free port.
func bareAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if n, perr := strconv.Atoi(port); err == nil && perr == nil && n > 0 && n < 65535 {
		return net.JoinHostPort(host, strconv.Itoa(n+1))
	}
	return "127.0.0.1:0"
}

// startBare runs `danchu bench-bytes FILE` on addr and returns its address and how to stop it.
func startBare(exe, file, addr string) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	addr = ln.Addr().String()
	ln.Close()
	cmd := exec.Command(exe, "bench-bytes", "--addr", addr, file)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("bare server did not start")
}

// runBenchBytes serves one file's bytes from memory at every path: the bare
// net/http baseline of `danchu bench`.
func runBenchBytes(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench-bytes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return errUsage
	}
	page, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		return err
	}
	return nil
}
