package db

import (
	"sync"
	"time"
)

// Memo keeps rows a process has read for a short time, for hot paths (comment
// and ballot intake) that would otherwise read the same row for every request.
// It holds at most size entries and starts afresh when full.
type Memo[K comparable, V any] struct {
	mu     sync.Mutex
	maxAge time.Duration
	size   int
	m      map[K]memoEntry[V]
}

type memoEntry[V any] struct {
	v  V
	at time.Time
}

// NewMemo returns a memo whose entries last maxAge.
func NewMemo[K comparable, V any](maxAge time.Duration, size int) *Memo[K, V] {
	return &Memo[K, V]{maxAge: maxAge, size: size}
}

// Get returns the value kept for k if it is younger than maxAge.
func (m *Memo[K, V]) Get(k K) (V, bool) {
	m.mu.Lock()
	e, ok := m.m[k]
	m.mu.Unlock()
	if !ok || time.Since(e.at) >= m.maxAge {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put keeps v for k.
func (m *Memo[K, V]) Put(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= m.size {
		m.m = map[K]memoEntry[V]{}
	}
	m.m[k] = memoEntry[V]{v, time.Now()}
}

// Forget drops k (after a change made by this process).
func (m *Memo[K, V]) Forget(k K) {
	m.mu.Lock()
	delete(m.m, k)
	m.mu.Unlock()
}
