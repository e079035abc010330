package files_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/files"
	"danchu/internal/files/filestest"
	"danchu/internal/loadtest"
	"danchu/internal/web/webtest"
)

// picture is a w×h image whose top-left quarter is red and the rest blue, so a
// turned copy shows where its top went.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// withExif inserts an APP1 EXIF block holding an orientation and a marker text
// (standing for a camera's GPS position) right after the JPEG's start marker.
func withExif(t *testing.T, jpg []byte, orientation uint16, marker string) []byte {
	t.Helper()
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{orientation, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	tiff.WriteString(marker)
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func stored(t *testing.T, b *files.Blobs, f files.File) (image.Image, []byte) {
	t.Helper()
	r, err := b.Open(f.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, _ := io.ReadAll(r)
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("stored photo is not a JPEG: %v", err)
	}
	return img, data
}

func TestPutPhotoScalesTurnsAndStripsMetadata(t *testing.T) {
	b := &files.Blobs{Dir: t.TempDir()}
	raw := withExif(t, encodeJPEG(t, picture(3200, 2400)), 6, "GPS 16.4637N 107.5909E")
	if files.Orientation(raw) != 6 {
		t.Fatalf("orientation read as %d, want 6", files.Orientation(raw))
	}
	f, err := b.PutPhoto(context.Background(), "IMG_0001.HEIC.jpeg", bytes.NewReader(raw), 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	img, data := stored(t, b, f)
	if got := img.Bounds().Size(); got != image.Pt(1200, 1600) {
		t.Errorf("stored size %v, want 1200×1600 (scaled to 1600 and turned upright)", got)
	}
	if bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, []byte("GPS 16.46")) {
		t.Error("the stored photo still carries the EXIF block")
	}
	// Turned right (orientation 6): the red top-left corner ends at the top right.
	if r, _, bl, _ := img.At(1100, 100).RGBA(); r>>8 < 200 || bl>>8 > 60 {
		t.Errorf("top right is %v, want red", img.At(1100, 100))
	}
	if r, _, _, _ := img.At(100, 100).RGBA(); r>>8 > 60 {
		t.Errorf("top left is %v, want blue", img.At(100, 100))
	}
	if f.ContentType != "image/jpeg" || !strings.HasSuffix(f.Name, ".jpg") {
		t.Errorf("stored as %q %q", f.Name, f.ContentType)
	}
}

func TestPutPhotoKeepsSmallPNGSize(t *testing.T) {
	b := &files.Blobs{Dir: t.TempDir()}
	var p bytes.Buffer
	if err := png.Encode(&p, picture(640, 480)); err != nil {
		t.Fatal(err)
	}
	f, err := b.PutPhoto(context.Background(), "anh.png", &p, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	if img, _ := stored(t, b, f); img.Bounds().Size() != image.Pt(640, 480) {
		t.Errorf("a small photo was resized to %v", img.Bounds().Size())
	}
}

func TestPutPhotoRefuses(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
	big := append(encodeJPEG(t, picture(8, 8)), bytes.Repeat([]byte{0}, 30<<20)...)
	// A PNG header claiming 100,000 × 100,000 pixels.
	var bomb bytes.Buffer
	png.Encode(&bomb, picture(4, 4))
	claim := bomb.Bytes()
	binary.BigEndian.PutUint32(claim[16:], 100000)
	binary.BigEndian.PutUint32(claim[20:], 100000)
	broken := encodeJPEG(t, picture(64, 64))[:200]
	for _, tc := range []struct {
		name string
		data []byte
		key  string
	}{
		{"NotAnImage", pdf, "files.err.photo_type"},
		{"HTMLNamedJPG", []byte("<html><script>alert(1)</script></html>"), "files.err.photo_type"},
		{"ThirtyMB", big, "files.err.photo_too_large"},
		{"Empty", nil, "files.err.empty"},
		{"HugeDimensions", claim, "files.err.photo_unreadable"},
		{"Truncated", broken, "files.err.photo_unreadable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			b := &files.Blobs{Dir: dir}
			_, err := b.PutPhoto(context.Background(), "anh.jpg", bytes.NewReader(tc.data), 10<<20)
			if e := (*apperr.Error)(nil); !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.Msg.Key != tc.key || !strings.HasSuffix(webtest.Vietnamese(t, err), "; photos") {
				t.Fatalf("err = %v, want invalid %s marking photos", err, tc.key)
			}
			if ents, err := os.ReadDir(dir); err != nil || len(ents) != 0 {
				t.Errorf("a refused photo left %d entries in the store (%v)", len(ents), err)
			}
		})
	}
}

// A 16-bit PNG has fewer pixels than PhotoMaxPixels but would take 112 MB to
// decode (8 bytes a pixel): it is refused, by what it costs, before decoding;
// one of the same depth that fits is taken.
func TestPutPhotoBoundsDecodedBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		ok   bool
	}{
		{"SixteenBitOverBudget", 4000, 3500, false},
		{"SixteenBitWithin", 3000, 3000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.w*tc.h > files.PhotoMaxPixels {
				t.Fatalf("the case must be under the pixel limit")
			}
			dir := t.TempDir()
			b := &files.Blobs{Dir: dir}
			raw := loadtest.PNG16(tc.w, tc.h)
			f, err := b.PutPhoto(context.Background(), "anh16.png", bytes.NewReader(raw), 10<<20)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if img, _ := stored(t, b, f); img.Bounds().Dx() != files.PhotoSide {
					t.Errorf("stored %v, want the longer side scaled to %d", img.Bounds().Size(), files.PhotoSide)
				}
				return
			}
			if text := webtest.Vietnamese(t, err); apperr.CodeOf(err) != apperr.CodeInvalid || apperr.KeyOf(err) != "files.err.photo_too_big" ||
				!strings.Contains(text, "lớn quá để xử lý") || !strings.Contains(text, "4000×3500") || !strings.Contains(text, "; photos") {
				t.Fatalf("err = %v (%q), want invalid files.err.photo_too_big saying the size and marking photos (file of %d KB)", err, text, len(raw)>>10)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("a refused photo left %d entries in the store", len(ents))
			}
		})
	}
}

func TestUprightAllOrientations(t *testing.T) {
	src := picture(4, 2) // red at (0,0)–(1,0)
	for _, tc := range []struct {
		o        int
		size     image.Point
		redPoint image.Point
	}{
		{1, image.Pt(4, 2), image.Pt(0, 0)},
		{2, image.Pt(4, 2), image.Pt(3, 0)},
		{3, image.Pt(4, 2), image.Pt(3, 1)},
		{4, image.Pt(4, 2), image.Pt(0, 1)},
		{5, image.Pt(2, 4), image.Pt(0, 0)},
		{6, image.Pt(2, 4), image.Pt(1, 0)},
		{7, image.Pt(2, 4), image.Pt(1, 3)},
		{8, image.Pt(2, 4), image.Pt(0, 3)},
	} {
		got := files.Upright(src, tc.o)
		if got.Bounds().Size() != tc.size {
			t.Errorf("orientation %d: size %v, want %v", tc.o, got.Bounds().Size(), tc.size)
		}
		if r, _, _, _ := got.At(tc.redPoint.X, tc.redPoint.Y).RGBA(); r>>8 != 255 {
			t.Errorf("orientation %d: %v is not red", tc.o, tc.redPoint)
		}
	}
}

// TestReadUploadInspect: a room that reads an upload without keeping it (the
// plans' import) checks it as Put does — the same File, the same refusals —
// and nothing is written.
func TestReadUploadInspect(t *testing.T) {
	dir := t.TempDir()
	b := &files.Blobs{Dir: dir, MaxFile: 1 << 20}
	doc := filestest.DOCX("Kế hoạch")
	data, err := files.ReadUpload("ke-hoach.docx", bytes.NewReader(doc), b.MaxFile)
	if err != nil || !bytes.Equal(data, doc) {
		t.Fatalf("read: %v", err)
	}
	got, err := files.Inspect("ke-hoach.docx", data)
	if err != nil || got.ContentType != files.ContentTypeDOCX {
		t.Fatalf("inspect: %+v %v", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("inspect wrote %d entries", len(entries))
	}
	if put, err := b.Put("ke-hoach.docx", bytes.NewReader(doc)); err != nil || put != got {
		t.Errorf("put %+v %v, inspect %+v", put, err, got)
	}
	for _, tc := range []struct {
		name string
		read bool // refused by ReadUpload, else by Inspect
		data []byte
		key  string
	}{
		{"empty", true, nil, "files.err.empty"},
		{"too large", true, bytes.Repeat([]byte("a"), 1<<20+1), "files.err.file_too_large"},
		{"text", false, []byte("KẾ HOẠCH"), "files.err.file_type"},
		{"cut", false, doc[:len(doc)/2], "files.err.damaged"},
	} {
		var err error
		if tc.read {
			_, err = files.ReadUpload("a.docx", bytes.NewReader(tc.data), b.MaxFile)
		} else {
			_, err = files.Inspect("a.docx", tc.data)
		}
		if apperr.CodeOf(err) != apperr.CodeInvalid || apperr.KeyOf(err) != tc.key {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.key)
		}
	}
}
