package web_test

import (
	"fmt"
	"runtime"
	"testing"
)

// The budget counts what the entries really hold: the heap grows by about
// the bytes the cache says it keeps (within a fifth), not by more.
func TestPageCacheCountsWhatItHolds(t *testing.T) {
	c := newCacheSite(t, 64<<20)
	for i := range 100 { // the shell's own first allocations, before measuring
		c.get("GET", fmt.Sprintf("/warm/%d", i))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 4000
	for i := range n {
		c.get("GET", fmt.Sprintf("/trang/%d?truoc=%d", i, i*7))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	counted := c.metric(t, "danchu_page_cache_bytes")
	t.Logf("%d entries: heap +%.0f bytes, counted %.0f (%.0f and %.0f per entry)", n, held, counted, held/n, counted/n)
	if c.metric(t, "danchu_page_cache_entries") != n {
		t.Fatalf("%v entries kept, want %d", c.metric(t, "danchu_page_cache_entries"), n)
	}
	if held > counted*1.2 {
		t.Errorf("the heap grew by %.0f bytes for %.0f counted: the budget undercounts", held, counted)
	}
}
