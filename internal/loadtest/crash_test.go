package loadtest

import (
	"bytes"
	"image/png"
	"slices"
	"testing"
)

// The crash test finds a write by the marker inside its text, keeps only the
// server's database flags for danchu verify, and reads verify's files line.
func TestCrashHelpers(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Cống bị tắc. [crash s7 feedback#12]", "[crash s7 feedback#12]"},
		{"[crash s7 comment#1] trước", "[crash s7 comment#1]"},
		{"Không có dấu", ""},
		{"[crash s7 cut", ""},
	} {
		if got := markerOf(tc.text); got != tc.want {
			t.Errorf("markerOf(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	for _, tc := range []struct{ args, want []string }{
		{[]string{"--db", "sqlite:/x.db", "--data-dir", "/d", "--limit-writes", "9"}, []string{"--db", "sqlite:/x.db", "--data-dir", "/d"}},
		{[]string{"--db=postgres://h/db", "--page-cache", "0", "--data-dir=/d"}, []string{"--db=postgres://h/db", "--data-dir=/d"}},
		{[]string{"--limit-writes", "9"}, nil},
	} {
		if got := dbArgs(tc.args); !slices.Equal(got, tc.want) {
			t.Errorf("dbArgs(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
	for _, tc := range []struct {
		out           string
		missing, unre int
		ok            bool
	}{
		{"danchu verify: tệp: 2 thiếu, 15 không được dùng / files: 2 missing, 15 unreferenced", 2, 15, true},
		{"Sổ công khai đúng / public record OK: 3 mục / entries", 0, 0, false},
	} {
		m, u, ok := VerifyFiles(tc.out)
		if m != tc.missing || u != tc.unre || ok != tc.ok {
			t.Errorf("VerifyFiles(%q) = %d, %d, %v; want %d, %d, %v", tc.out, m, u, ok, tc.missing, tc.unre, tc.ok)
		}
	}
}

// Every write's file is a valid PNG of its own.
func TestMarkedPNG(t *testing.T) {
	a, b := MarkedPNG("[crash s1 disclosure#1]", 64, 48), MarkedPNG("[crash s1 disclosure#2]", 64, 48)
	if bytes.Equal(a, b) {
		t.Fatal("two markers gave the same PNG")
	}
	for _, p := range [][]byte{a, b} {
		img, err := png.Decode(bytes.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		if r := img.Bounds(); r.Dx() != 64 || r.Dy() != 48 {
			t.Fatalf("size %v, want 64×48", r)
		}
	}
}
