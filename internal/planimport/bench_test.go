package planimport

import "testing"

// BenchmarkParse001 parses the longest seed (the 42 KB project 02-ĐA/TU).
func BenchmarkParse001(b *testing.B) {
	text := seed(b, "001")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}
