package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"danchu/internal/apperr"
)

// listenMetrics opens the separate /metrics address (--metrics-addr), if any.
func (a *App) listenMetrics() error {
	if a.Config.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", a.Config.MetricsAddr)
	if err != nil {
		return &apperr.ConfigError{
			VI: fmt.Sprintf("không mở được địa chỉ %s cho /metrics (%v) — kiểm tra --metrics-addr", a.Config.MetricsAddr, err),
			EN: fmt.Sprintf("cannot listen on %s for /metrics (%v) — check --metrics-addr", a.Config.MetricsAddr, err),
		}
	}
	a.metricsLn = ln
	return nil
}

// MetricsURL is the address of /metrics on its own listener ("" without one).
func (a *App) MetricsURL() string {
	if a.metricsLn == nil {
		return ""
	}
	return "http://" + a.metricsLn.Addr().String() + "/metrics"
}

// serveMetrics answers GET /metrics on the metrics listener until ctx ends (a job of Serve).
func (a *App) serveMetrics(ctx context.Context) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	stop := context.AfterFunc(ctx, func() { srv.Close() })
	defer stop()
	if err := srv.Serve(a.metricsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
