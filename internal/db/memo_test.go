package db

import (
	"testing"
	"testing/synctest"
	"time"
)

// In a synctest bubble the clock is fake: the wait past maxAge takes no time.
func TestMemo(t *testing.T) { synctest.Test(t, testMemo) }

func testMemo(t *testing.T) {
	m := NewMemo[int, string](50*time.Millisecond, 2)
	if _, ok := m.Get(1); ok {
		t.Fatal("a value before any Put")
	}
	m.Put(1, "một")
	if v, ok := m.Get(1); !ok || v != "một" {
		t.Fatalf("Get(1) = %q %v", v, ok)
	}
	m.Forget(1)
	if _, ok := m.Get(1); ok {
		t.Error("Forget kept the value")
	}
	m.Put(1, "một")
	m.Put(2, "hai")
	m.Put(3, "ba") // full: starts afresh
	if _, ok := m.Get(1); ok {
		t.Error("the memo grew past its size")
	}
	if v, _ := m.Get(3); v != "ba" {
		t.Errorf("Get(3) = %q", v)
	}
	time.Sleep(60 * time.Millisecond)
	if _, ok := m.Get(3); ok {
		t.Error("an entry outlived maxAge")
	}
}
