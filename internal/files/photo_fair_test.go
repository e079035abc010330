package files

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"

	"danchu/internal/apperr"
)

// noisePNG is an uncompressed w×h 8-bit NRGBA PNG of random pixels: its file
// is as large as its pixels (4 bytes each), the costliest file in bytes.
func noisePNG(t *testing.T, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&out, img); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// spyFile is a photo as a multipart file hands it over (Reader, ReaderAt,
// Seeker); it records the farthest byte read, the moment a read first goes
// beyond the header (order), and may hold such reads until gate is closed.
type spyFile struct {
	*bytes.Reader
	name  string
	mu    sync.Mutex
	far   int64
	gate  chan struct{}
	order *[]string
	omu   *sync.Mutex
	seen  bool
}

func (s *spyFile) touch(end int64) {
	s.mu.Lock()
	first := end > photoHead && !s.seen
	if end > photoHead {
		s.seen = true
	}
	s.far = max(s.far, end)
	s.mu.Unlock()
	if first && s.order != nil {
		s.omu.Lock()
		*s.order = append(*s.order, s.name)
		s.omu.Unlock()
	}
	if first && s.gate != nil {
		<-s.gate
	}
}

func (s *spyFile) Read(p []byte) (int, error) {
	pos, _ := s.Reader.Seek(0, 1)
	s.touch(pos + int64(min(len(p), s.Reader.Len())))
	return s.Reader.Read(p)
}

func (s *spyFile) ReadAt(p []byte, off int64) (int, error) {
	s.touch(off + int64(len(p)))
	return s.Reader.ReadAt(p, off)
}

func (s *spyFile) farthest() int64 { s.mu.Lock(); defer s.mu.Unlock(); return s.far }

// A photo waiting for the decode budget holds only its header: a sender
// cannot make the server keep 10 MB per photo while it waits (twenty waiting
// senders × five photos were 1 GB). Refused as busy, it read no more.
func TestPutPhotosReadsOnlyTheHeaderBeforeTheBudget(t *testing.T) {
	data := noisePNG(t, 1500, 1500) // 9 MB, 27 MB to decode
	synctest.Test(t, func(t *testing.T) {
		if !decodes.TryAcquire(DecodeBudget) {
			t.Fatal("the budget is in use")
		}
		defer decodes.Release(DecodeBudget)
		f := &spyFile{Reader: bytes.NewReader(data)}
		_, err := (&Blobs{Dir: t.TempDir()}).PutPhotos(context.Background(), []Photo{{"anh.png", f}}, 10<<20)
		if apperr.CodeOf(err) != apperr.CodeTooMany {
			t.Fatalf("err = %v, want too_many", err)
		}
		if got := f.farthest(); got > photoHead {
			t.Fatalf("read %d bytes of a %d-byte photo before holding the budget, want at most %d", got, len(data), photoHead)
		}
	})
}

// takeDecoders takes every decoder slot (as big photos being decoded do) and
// returns how many it took.
func takeDecoders() int {
	n := 0
	for decoders.TryAcquire(1) {
		n++
	}
	return n
}

// While every decoder is busy with big photos, a small photo from another
// sender does not wait behind them: it goes through at once.
func TestSmallPhotoPassesBigOnes(t *testing.T) {
	var small bytes.Buffer
	png.Encode(&small, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	synctest.Test(t, func(t *testing.T) {
		n := takeDecoders()
		defer decoders.Release(int64(n))
		if !decodes.TryAcquire(DecodeBudget / 2) {
			t.Fatal("the budget is in use")
		}
		defer decodes.Release(DecodeBudget / 2)
		ctx := WithSender(context.Background(), "203.0.113.2")
		fs, err := (&Blobs{Dir: t.TempDir()}).PutPhotos(ctx, []Photo{{"nho.png", bytes.NewReader(small.Bytes())}}, 10<<20)
		if err != nil || len(fs) != 1 {
			t.Fatalf("small photo: %v, %d files; want it stored", err, len(fs))
		}
	})
}

// One sender's posts of big photos queue behind each other, not in the
// decoders' queue: with one decoder busy with sender A's post, A's second
// post and then C's wait; C is decoded before A's second post. A's post still
// waiting after DecodeWait is told the server is busy.
func TestOneSendersBigPostsQueueBehindEachOther(t *testing.T) {
	data := noisePNG(t, 1500, 1500)
	synctest.Test(t, func(t *testing.T) {
		if n := takeDecoders(); n == 0 {
			t.Fatal("the decoders are in use")
		} else {
			decoders.Release(1) // one decoder left
			defer decoders.Release(int64(n - 1))
		}
		var order []string
		var omu sync.Mutex
		b := &Blobs{Dir: t.TempDir()}
		post := func(who, name string, gate chan struct{}) chan error {
			done := make(chan error, 1)
			f := &spyFile{Reader: bytes.NewReader(data), name: name, gate: gate, order: &order, omu: &omu}
			go func() {
				_, err := b.PutPhotos(WithSender(context.Background(), who), []Photo{{name + ".png", f}}, 10<<20)
				done <- err
			}()
			synctest.Wait()
			return done
		}
		gate := make(chan struct{})
		a1 := post("198.51.100.1", "a1", gate) // holds the decoder, stopped reading
		a2 := post("198.51.100.1", "a2", nil)
		c := post("198.51.100.3", "c", nil)
		close(gate)
		for name, ch := range map[string]chan error{"a1": a1, "a2": a2, "c": c} {
			if err := <-ch; err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if want := []string{"a1", "c", "a2"}; !slicesEqual(order, want) {
			t.Fatalf("decoded in order %v, want %v", order, want)
		}

		// A's second post, still waiting after DecodeWait, is refused as busy.
		gate = make(chan struct{})
		a1 = post("198.51.100.1", "a1", gate)
		a2 = post("198.51.100.1", "a2", nil)
		if err := <-a2; apperr.CodeOf(err) != apperr.CodeTooMany {
			t.Fatalf("a2 behind a1 for DecodeWait: err = %v, want too_many", err)
		}
		close(gate)
		if err := <-a1; err != nil {
			t.Fatalf("a1: %v", err)
		}
		if len(senders.m) != 0 {
			t.Fatalf("senders left locked: %v", senders.m)
		}
	})
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
