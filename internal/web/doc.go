// Package web is the HTTP shell every capability plugs into: the server and its
// middleware (request log, metrics, recovery, security headers, cross-origin
// protection, language), page rendering on one base layout, embedded static
// assets, the Vietnamese/English message catalogs, health and metrics endpoints,
// and the one place where coded errors become HTTP statuses.
package web
