package files_test

import (
	"bytes"
	"fmt"
	"testing"

	"danchu/internal/files"
	"danchu/internal/files/filestest"
)

// BenchmarkPut measures storing a PDF of about 200 KB: new (checked, written,
// file and folder synced; a new folder pair now and then) and sent again
// (checked, found, touched).
func BenchmarkPut(b *testing.B) {
	pad := bytes.Repeat([]byte("Nội dung công khai. "), 10_000)
	doc := func(i int) []byte { return filestest.PDF(fmt.Sprintf("%d %s", i, pad)) }
	b.Run("New", func(b *testing.B) {
		s := &files.Blobs{Dir: b.TempDir()}
		docs := make([][]byte, b.N)
		for i := range docs {
			docs[i] = doc(i)
		}
		b.SetBytes(int64(len(docs[0])))
		b.ResetTimer()
		for i := range b.N {
			if _, err := s.Put("a.pdf", bytes.NewReader(docs[i])); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Again", func(b *testing.B) {
		s := &files.Blobs{Dir: b.TempDir()}
		d := doc(0)
		if _, err := s.Put("a.pdf", bytes.NewReader(d)); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(d)))
		b.ResetTimer()
		for range b.N {
			if _, err := s.Put("a.pdf", bytes.NewReader(d)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
