package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"danchu/internal/apperr"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// BusyRetry is the wait told to a client when SQLite stayed locked by another
// process longer than the busy timeout (a backup, a maintenance command): the
// lock is usually gone in seconds.
const BusyRetry = 5 * time.Second

func init() { apperr.RegisterUnavailable(UnavailableWait) }

// UnavailableWait reports whether err means that the database cannot take the
// request now, and how long a client should wait before retrying (0: it does
// not; the error is a bug or bad data, a 500). It is what makes a request that
// meets a stopped PostgreSQL or a full disk a 503 with Retry-After (see
// apperr.CodeUnavailable): nothing stored is lost, and the same request may
// succeed once the database is back.
//
//   - PostgreSQL: a connection that cannot be made, is refused, reset or closed
//     under the query (EOF), or times out; SQLSTATE class 08 (connection
//     exception), 57P01–57P03 (the server shuts down or is starting), class 53
//     (insufficient resources: 53100 disk full, 53200 out of memory, 53300 too
//     many connections), 25006 (a read-only standby during a failover).
//   - SQLite: SQLITE_FULL (the disk or max_page_count), SQLITE_BUSY and
//     SQLITE_LOCKED after the busy timeout and RunInTx's retries (another
//     process holds the file: BusyRetry), and the I/O errors of writing to the
//     disk (IOERR_WRITE, _FSYNC, _DIR_FSYNC, _TRUNCATE, _SHMSIZE: a full or
//     failing disk). Other I/O errors (reading a damaged file) and corruption
//     stay 500s for the operator: retrying them helps nobody.
//   - The file system: ENOSPC, EDQUOT, EROFS (also recognised by apperr itself).
//
// A request cancelled by its own client is not unavailability (nobody is
// waiting for the answer); a deadline that passed while waiting for the
// database is.
func UnavailableWait(err error) time.Duration {
	if err == nil || errors.Is(err, context.Canceled) {
		return 0
	}
	// Every error of the tree counts, not only the first of a type: a group
	// commit's "commit: no transaction is active" wraps, beside it, the
	// SQLITE_FULL that rolled the transaction back.
	var wait time.Duration
	walk(err, func(e error) { wait = max(wait, waitOf(e)) })
	return wait
}

// walk calls fn on err and every error it wraps, depth first.
func walk(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, fn)
		}
	}
}

// waitOf classifies one error of a tree by itself (not what it wraps).
func waitOf(err error) time.Duration {
	switch e := err.(type) {
	case *pgconn.PgError:
		switch c := e.Code; {
		case strings.HasPrefix(c, "08"), strings.HasPrefix(c, "53"),
			c == "57P01", c == "57P02", c == "57P03", c == "25006":
			return apperr.UnavailableRetry
		}
		return 0
	case *sqlite.Error:
		switch e.Code() {
		case sqlite3.SQLITE_IOERR_WRITE, sqlite3.SQLITE_IOERR_FSYNC, sqlite3.SQLITE_IOERR_DIR_FSYNC,
			sqlite3.SQLITE_IOERR_TRUNCATE, sqlite3.SQLITE_IOERR_SHMSIZE:
			return apperr.UnavailableRetry
		}
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return apperr.UnavailableRetry
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return BusyRetry
		}
		return 0
	case *pgconn.ConnectError, net.Error:
		return apperr.UnavailableRetry
	case syscall.Errno:
		switch e {
		case syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS:
			return apperr.UnavailableRetry
		}
		return 0
	}
	switch err {
	case driver.ErrBadConn, sql.ErrConnDone, context.DeadlineExceeded:
		return apperr.UnavailableRetry
	case io.ErrUnexpectedEOF:
		// pgx reports a connection closed under a query (the server stopped,
		// the network cut) as a bare unexpected EOF, which the stores wrap.
		// No request body reaches a store unparsed (the shell parses forms,
		// the file layer codes its own errors), so here it is the database's.
		return apperr.UnavailableRetry
	}
	return 0
}

// unavailable wraps err as apperr.CodeUnavailable when it means the database
// cannot take the request now; other errors are returned as they are.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var e *apperr.Error
	if errors.As(err, &e) && e.Code != apperr.CodeInternal {
		return err // already coded: a refusal of the write function itself
	}
	if d := UnavailableWait(err); d > 0 {
		return apperr.Unavailable(err, d)
	}
	return err
}
