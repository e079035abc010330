// Command danchu is the grassroots democracy platform: web server, migrations,
// imports and demo data in one binary. See `danchu -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"danchu/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
