// Package search folds Vietnamese text for accent-insensitive search.
//
// Neither SQLite nor PostgreSQL folds "đ" the same way on its own, so the text is
// folded in Go, stored beside the original, and queries are folded the same way:
// both engines then return the same hits.
package search
