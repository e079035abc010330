package config

import (
	"flag"
	"testing"
)

func TestPageCacheSize(t *testing.T) {
	tests := []struct {
		value string
		want  int64
	}{
		{"", 32 << 20}, // not set: the default
		{"0", 0},
		{"32MB", 32 << 20},
		{"32mb", 32 << 20},
		{"512KB", 512 << 10},
		{"1G", 1 << 30},
		{"4096", 4096},
		{"100 MB", 100 << 20},
		{"64GB", 64 << 30},
	}
	for _, tt := range tests {
		c := &Config{PageCache: tt.value}
		if got := c.PageCacheBytes(); got != tt.want {
			t.Errorf("%q: %d bytes, want %d", tt.value, got, tt.want)
		}
	}
	for _, bad := range []string{"lots", "32TB", "-1MB", "1.5MB", "65GB", "MB"} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		c, err := Register(fs, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if err := fs.Set("page-cache", bad); err == nil {
			t.Errorf("--page-cache %q accepted (%d bytes)", bad, c.PageCacheBytes())
		} else if c.PageCache != DefaultPageCache {
			t.Errorf("--page-cache %q refused but kept as %q", bad, c.PageCache)
		}
	}
}
