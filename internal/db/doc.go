// Package db opens the one SQL database danchu keeps its state in: embedded SQLite
// (modernc.org/sqlite, pure Go) by default, or PostgreSQL (pgx) from a DSN. It holds
// the embedded migrations of both dialects, transactions with retry, ID generation,
// and the test harness Each that runs a store test on both engines.
//
// SQL text is shared by both engines: $1, $2… placeholders, application-generated
// int64 IDs, booleans, epoch-millisecond timestamps, ISO civil dates as text.
package db
