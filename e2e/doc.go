// Package e2e drives the real server with Debian's headless Chromium. The tests
// carry the build tag e2e and run with `go test -tags e2e ./e2e/` (.ci/run does).
package e2e
