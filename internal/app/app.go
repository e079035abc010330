// Package app wires danchu together: configuration → database → services → web
// server, and the command line. It is the only package that imports every other.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/calendar"
	"danchu/internal/casework"
	"danchu/internal/config"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/home"
	"danchu/internal/notify"
	"danchu/internal/office"
	"danchu/internal/opendata"
	"danchu/internal/org"
	"danchu/internal/plans"
	"danchu/internal/reception"
	"danchu/internal/reporting"
	"danchu/internal/steering"
	"danchu/internal/supervision"
	"danchu/internal/survey"
	"danchu/internal/vault"
	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// App is a running danchu: its database, services and HTTP server.
type App struct {
	Config   *config.Config
	DB       *db.DB
	Units    *org.Service
	Audit    *audit.Service
	Auth     *auth.Service
	Calendar *calendar.Service
	Disclose *disclosure.Service
	Consult  *consultation.Service
	Decide   *decision.Service
	Feedback *feedback.Service
	Plans    *plans.Service
	Steer    *steering.Service
	Cases    *casework.Service
	Receive  *reception.Service
	Oversee  *supervision.Service
	Surveys  *survey.Service
	Reports  *reporting.Service
	// PlanImporter reads a plan, pasted or its file (planimport.Parse,
	// FileText), and PlanWriter lays a plan out as DOCX and PDF (the document
	// writers); a test may set its own before Handler.
	PlanImporter plans.Importer
	PlanWriter   plans.Writer
	Outbox       *notify.Outbox // e-mail and SMS to people, sent after their transaction commits
	Log          *slog.Logger

	// Jobs is the background work Serve runs beside the server (set by New);
	// a caller may add its own before Serve.
	Jobs []Job

	handler http.Handler
	srv     *http.Server
	ln      net.Listener
	// /metrics on an address of its own (metrics.go)
	metrics   http.Handler
	metricsLn net.Listener
	openapi   []byte     // the JSON API's OpenAPI document, merged at start
	backup    *backupJob // the scheduled backup (--backup-every), nil when off
}

// OpenAPI is the OpenAPI 3.1 document of the JSON API (/api/openapi.json):
// the kernel's base with every room's paths and schemas.
func (a *App) OpenAPI() ([]byte, error) {
	if _, err := a.Handler(); err != nil {
		return nil, err
	}
	return a.openapi, nil
}

// NewLogger returns the structured logger for format "text" or "json".
func NewLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// Open connects to the database, migrates it and builds the services.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if err := cfg.CheckDataDir(); err != nil {
		return nil, err
	}
	var keys *vault.Keyring
	if cfg.VaultKey != "" {
		var err error
		if keys, err = vault.Load(cfg.VaultKey); err != nil {
			return nil, &apperr.ConfigError{VI: "--vault-key (DANCHU_VAULT_KEY): " + err.Error(), EN: "--vault-key (DANCHU_VAULT_KEY): " + err.Error()}
		}
	}
	if cfg.SMTP != "" {
		if _, err := notify.ParseSMTP(cfg.SMTP); err != nil {
			return nil, &apperr.ConfigError{VI: "--smtp (DANCHU_SMTP) không hợp lệ: " + err.Error(), EN: "invalid --smtp (DANCHU_SMTP): " + err.Error()}
		}
	}
	d, err := db.Open(ctx, cfg.DB, db.Options{Node: cfg.Node, SyncFull: cfg.SQLiteSync != "normal"})
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate %s: %w", d.Target, err)
	}
	if len(applied) > 0 {
		log.Info("schema migrated", "db", d.Target, "applied", applied)
	}
	a := New(cfg, d, log)
	if keys != nil {
		a.SetVault(keys)
	} else {
		log.Warn("no --vault-key: complaints and denunciations are off (their pages say so)")
	}
	return a, nil
}

// SetVault gives casework and the outbox the vault's keys.
func (a *App) SetVault(k *vault.Keyring) {
	a.Cases.SetVault(k)
	a.Receive.SetVault(k)
	a.Outbox.SetSealer(k)
}

// New builds the services on an open, migrated database.
func New(cfg *config.Config, d *db.DB, log *slog.Logger) *App {
	a := &App{Config: cfg, DB: d, Units: org.NewService(d), Audit: audit.NewService(d), Log: log}
	var mail notify.Mailer = notify.LogSender{Log: log}
	if cfg.SMTP != "" {
		if m, err := notify.ParseSMTP(cfg.SMTP); err == nil {
			mail = m
		}
	}
	p := auth.DefaultPolicy()
	p.Require2FA = cfg.Require2FA
	p.BaseURL = cfg.PublicURL()
	p.SecureCookies = strings.HasPrefix(p.BaseURL, "https://")
	if cfg.LimitSignIn > 0 {
		p.SignInPerMinute = cfg.LimitSignIn
	}
	if cfg.LimitWrites > 0 {
		p.WritesPerMinute = cfg.LimitWrites
	}
	var sms notify.SMS = notify.LogSender{Log: log} // no SMS gateway is wired yet
	a.Auth = auth.NewService(d, a.Units, a.Audit, p, mail, sms)
	a.Outbox = notify.NewOutbox(d, mail, sms, cfg.PublicURL(), log)
	a.Auth.SetOutbox(a.Outbox) // links and codes go out after their transaction commits
	a.Calendar = calendar.NewService(d, a.Auth.Guard())
	a.Consult = consultation.NewService(d, a.Units, a.Auth.Guard(), a.Audit, a.Calendar, a.Outbox)
	a.Decide = decision.NewService(d, a.Units, a.Auth.Guard(), a.Audit, a.Calendar, a.Consult)
	a.Disclose = disclosure.NewService(d, a.Units, a.Auth.Guard(), a.Audit, a.Calendar, filepath.Join(cfg.UploadsDir(), "files"))
	// What `danchu verify` checks beyond the chain: the rows the record vouches for.
	a.Audit.Vouch("disclosure.", a.Disclose.RecordCheck())
	a.Audit.Vouch("decision.", a.Decide.RecordCheck())
	a.Feedback = feedback.NewService(d, a.Units, a.Auth.Guard(), a.Calendar, a.Outbox, filepath.Join(cfg.UploadsDir(), "photos"))
	// Evidence files of progress reports share the disclosures' folder (content-addressed).
	a.Plans = plans.NewService(d, a.Units, a.Auth.Guard(), a.Audit, a.Outbox, filepath.Join(cfg.UploadsDir(), "files"))
	a.Audit.Vouch("plan.", a.Plans.RecordCheck())
	a.PlanImporter, a.PlanWriter = planReader{}, documents{}
	// Steering committees keep their regulations and signed minutes beside the disclosures' files.
	a.Steer = steering.NewService(d, a.Units, a.Auth.Guard(), filepath.Join(cfg.UploadsDir(), "files"))
	// Complaints and denunciations: working copies beside the disclosures' files, sealed originals apart.
	a.Cases = casework.NewService(d, a.Units, a.Auth.Guard(), a.Calendar, a.Outbox, filepath.Join(cfg.UploadsDir(), "files"),
		filepath.Join(cfg.UploadsDir(), "vault"))
	a.Cases.Redactor, a.Cases.Record = redactor{}, a.Audit
	// A feedback item that is really a complaint or a denunciation becomes a case.
	a.Cases.Feedback, a.Feedback.ConvertURL = caseFeedback{a.Feedback}, convertURL
	// Citizen reception: an answer that takes a petition up opens its case in casework or feedback.
	a.Receive = reception.NewService(d, a.Units, a.Auth.Guard(), a.Calendar, a.Outbox)
	a.Receive.Record, a.Receive.Intake = a.Audit, receptionIntake{cases: a.Cases, feedback: a.Feedback, units: a.Units}
	a.Cases.MassFrom, a.Receive.MassFrom, a.Receive.Online = cfg.Mass(), cfg.Mass(), cfg.OnlineReception
	// Supervision by the people: inspection boards take their members from the villages' elections.
	a.Oversee = supervision.NewService(d, a.Units, a.Auth.Guard(), a.Calendar)
	a.Oversee.Record, a.Oversee.Elections, a.Oversee.Accounts = a.Audit, boardElections{a.Decide}, a.Auth
	// Satisfaction surveys: the households' representatives answer.
	a.Surveys = survey.NewService(d, a.Units, a.Auth.Guard(), a.Units)
	// Satisfaction ratings: the sender of an answered feedback item, one received at the reception.
	a.Surveys.SetInteractions(interactions{feedback: a.Feedback, reception: a.Receive})
	a.Feedback.RateOfficialsURL = func(ctx context.Context, who *auth.Actor, c string) string {
		return a.Surveys.RateLink(ctx, who, survey.FeedbackRating, c)
	}
	a.Receive.RateURL = func(ctx context.Context, who *auth.Actor, c string) string {
		return a.Surveys.RateLink(ctx, who, survey.ReceptionRating, c)
	}
	// Periodic reporting: the capabilities' indicators, counted as facts happen.
	a.Reports = reporting.NewService(d, a.Units, a.Feedback, a.Receive, a.Surveys)
	if cfg.BackupEvery > 0 {
		a.backup = newBackupJob(a)
	}
	a.Feedback.Open311Repeat = cfg.Open311Repeat
	a.Jobs = a.jobs()
	return a
}

// How often the jobs of the server run.
const (
	// PruneIdemEvery is how often idempotency keys older than db.IdemKeep are deleted.
	PruneIdemEvery = time.Hour

	// OutboxEvery is how often the server looks for notifications to retry (new
	// ones are sent as soon as their transaction commits).
	OutboxEvery = 30 * time.Second
	// SweepEvery is how often the server sends feedback deadline reminders and
	// closes answered feedback whose reopening window has passed.
	SweepEvery = 5 * time.Minute
	// CloseEvery is how often consultation windows that ended are closed.
	CloseEvery = time.Minute
	// RemindPlansEvery is how often task reminders and late notes are queued.
	RemindPlansEvery = 15 * time.Minute
)

// jobs is the background work of a server: none of it runs inside a request.
func (a *App) jobs() []Job {
	jobs := []Job{
		{Name: "outbox", Every: OutboxEvery, Wake: a.Outbox.Woken(), Gather: notify.Gather, Run: a.Outbox.DeliverDue},
		// A sign-out in another process takes effect here within auth.SessionMaxAge.
		{Name: "session changes", Every: auth.PollSessionsEvery, Run: a.Auth.PollSessionChanges},
		{Name: "session use", Every: auth.WriteSeenEvery, Final: true, Run: a.Auth.WriteSeen},
		{Name: "session change log pruning", Every: auth.PruneSessionEvery, Run: a.Auth.PruneSessionChanges},
		{Name: "close consultations", Every: CloseEvery, Run: func(ctx context.Context) error { _, err := a.Consult.CloseDue(ctx); return err }},
		{Name: "plan reminders", Every: RemindPlansEvery, Run: func(ctx context.Context) error { _, _, err := a.Plans.Remind(ctx); return err }},
		{Name: "reception reminders", Every: RemindPlansEvery, Run: func(ctx context.Context) error { _, err := a.Receive.Remind(ctx); return err }},
		{Name: "feedback sweep", Every: SweepEvery, Run: func(ctx context.Context) error { _, _, err := a.Feedback.Sweep(ctx); return err }},
		// Uploads whose transaction failed or was killed, after --orphan-grace (orphans.go).
		{Name: "orphan files", Every: OrphanEvery(a.Config.Orphans()), Run: func(ctx context.Context) error { _, err := a.CollectOrphans(ctx); return err }},
		// A retry comes within minutes: keys older than db.IdemKeep (a week) are dropped.
		{Name: "idempotency key pruning", Every: PruneIdemEvery, Run: func(ctx context.Context) error {
			_, err := a.DB.PruneIdem(ctx, a.DB.Now().Add(-db.IdemKeep).UnixMilli())
			return err
		}},
	}
	if a.backup != nil {
		jobs = append(jobs, a.backup.job())
	}
	return jobs
}

// Handler builds the web server with every capability's routes.
func (a *App) Handler() (http.Handler, error) {
	if a.handler != nil {
		return a.handler, nil
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(a.DB.Raw(), string(a.DB.Dialect)))
	if a.backup != nil {
		reg.MustRegister(a.backup.collectors()...)
	}
	s, err := web.NewServer(a.Log, reg, newReadiness(ReadyProbeEvery, a.ready).Ready)
	if err != nil {
		return nil, err
	}
	proxies, err := a.Config.Proxies()
	if err != nil {
		return nil, err
	}
	s.TrustProxies(proxies)
	s.SetPublicMaxAge(a.Config.PublicMaxAge)
	s.SetPageCacheBytes(a.Config.PageCacheBytes())
	s.SetPageCacheCheck(a.Config.PageCacheCheck)
	if a.Config.BaseURL != "" {
		s.Public = a.Config.PublicURL()
	}
	ah, err := auth.RegisterRoutes(s, a.Auth, a.Units)
	if err != nil {
		return nil, err
	}
	ah.API("/api/") // the read-only JSON API: the same answer for everyone, no session read, no cookie set
	if err := office.RegisterRoutes(s, ah, a.Auth, a.Units, a.Audit, a.Disclose, a.Consult, a.Decide, a.Feedback, a.Plans, a.Cases, a.Receive, a.Oversee, a.Surveys); err != nil {
		return nil, err
	}
	if c := a.Config; c.OIDCIssuer != "" {
		ah.OIDC = auth.NewOIDC(a.Auth, auth.OIDCConfig{Name: c.OIDCName, Issuer: c.OIDCIssuer, ClientID: c.OIDCClientID,
			ClientSecret: c.OIDCClientSecret, RedirectURL: c.PublicURL() + "/cong-dan/oidc/ve"})
	}
	if err := calendar.RegisterRoutes(s, ah, a.Calendar); err != nil {
		return nil, err
	}
	// Each commune's calendar (/xa/{code}/lich.ics): the rooms with dated public events lend them.
	calendar.RegisterEvents(s, a.Units, a.DB.Now, a.Consult, a.Decide)
	if err := disclosure.RegisterRoutes(s, ah, a.Disclose, a.Units); err != nil {
		return nil, err
	}
	if err := consultation.RegisterRoutes(s, ah, a.Consult, a.Units); err != nil {
		return nil, err
	}
	if err := decision.RegisterRoutes(s, ah, a.Decide, a.Units); err != nil {
		return nil, err
	}
	if err := feedback.RegisterRoutes(s, ah, a.Feedback, a.Units); err != nil {
		return nil, err
	}
	ph, err := plans.RegisterRoutes(s, ah, a.Plans, a.Units)
	if err != nil {
		return nil, err
	}
	ph.Importer, ph.Writer = a.PlanImporter, a.PlanWriter
	// The decision and the minutes as Word and PDF.
	if err := steering.RegisterRoutes(s, ah, a.Steer, documents{}); err != nil {
		return nil, err
	}
	if err := casework.RegisterRoutes(s, ah, a.Cases, a.Units, documents{}); err != nil {
		return nil, err
	}
	if err := reception.RegisterRoutes(s, ah, a.Receive, a.Units, documents{}); err != nil {
		return nil, err
	}
	if err := supervision.RegisterRoutes(s, ah, a.Oversee, a.Units); err != nil {
		return nil, err
	}
	if err := survey.RegisterRoutes(s, ah, a.Surveys, a.Units); err != nil {
		return nil, err
	}
	// The citizen's page and the village head's: each room lends its lists.
	if err := home.RegisterRoutes(s, ah, a.Units, []home.Citizen{a.Consult, a.Feedback, a.Decide},
		[]home.Village{a.Disclose, a.Consult, a.Decide}); err != nil {
		return nil, err
	}
	// The open data page and catalogue: each room lends its datasets.
	if err := opendata.RegisterRoutes(s, a.Units, []opendata.Source{a.Disclose, a.Consult, a.Decide, a.Feedback, a.Plans, a.Cases, a.Receive, a.Oversee, a.Surveys}); err != nil {
		return nil, err
	}
	// A province's and a commune's pages link the rooms' public pages of them.
	if err := org.RegisterRoutes(s, a.Units, a.Plans, a.Cases, a.Receive, a.Oversee, a.Surveys); err != nil {
		return nil, err
	}
	if err := audit.RegisterRoutes(s, a.Audit); err != nil {
		return nil, err
	}
	if a.Config.MetricsToken != "" {
		s.ServeMetricsWithToken(a.Config.MetricsToken)
	}
	a.metrics = s.MetricsHandler()
	if a.openapi, err = s.OpenAPI(); err != nil { // every room has added its paths: the document is whole
		return nil, err
	}
	a.handler = s.Handler()
	return a.handler, nil
}

// Listen opens the listening socket, so that a port in use is reported before
// anything else starts.
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return &apperr.ConfigError{
				VI: fmt.Sprintf("cổng %s đang được chương trình khác dùng — dừng chương trình đó hoặc chọn --addr khác", a.Config.Addr),
				EN: fmt.Sprintf("address %s is already in use — stop the other program or choose another --addr", a.Config.Addr),
			}
		}
		return &apperr.ConfigError{
			VI: fmt.Sprintf("không mở được địa chỉ nghe %s (%v) — kiểm tra --addr", a.Config.Addr, err),
			EN: fmt.Sprintf("cannot listen on %s (%v) — check --addr", a.Config.Addr, err),
		}
	}
	a.ln = ln
	if err := a.listenMetrics(); err != nil {
		ln.Close()
		return err
	}
	return nil
}

// URL is the address the server listens on, once Listen has succeeded.
func (a *App) URL() string { return "http://" + a.ln.Addr().String() }

// Serve answers requests and runs the jobs until ctx ends, then stops
// accepting, lets requests in flight finish (up to 20 s), stops the jobs and
// returns once every one of them has returned: the caller may then Close.
func (a *App) Serve(ctx context.Context) error {
	h, err := a.Handler()
	if err != nil {
		return err
	}
	a.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	// The jobs outlive ctx until the requests in flight have finished: the
	// last of them write what those requests left (the sessions' use).
	jctx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	jobs := make(chan error, 1)
	all := a.Jobs
	if a.metricsLn != nil {
		all = append(all, Job{Name: "metrics listener", Run: a.serveMetrics})
	}
	go func() { jobs <- RunJobs(jctx, a.Log, all...) }()
	errc := make(chan error, 1)
	go func() { errc <- a.srv.Serve(a.ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		a.Log.Info("shutting down: finishing requests in flight")
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := a.srv.Shutdown(sctx); err != nil {
			serveErr = fmt.Errorf("shutdown: %w", err)
		}
	}
	stopJobs()
	<-jobs
	a.Log.Info("jobs stopped", "jobs", len(all))
	return serveErr
}

// Close writes what the group commits hold and releases the database; after
// Serve has returned (its jobs are joined by then).
func (a *App) Close() error {
	a.Consult.Close()  // writes the comments still queued
	a.Decide.Close()   // and the ballots
	a.Feedback.Close() // and the feedback
	return a.DB.Close()
}
