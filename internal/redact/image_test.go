package redact_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/redact"
)

// pattern is a w×h picture whose every pixel differs from its neighbours and
// none is black.
func pattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(40 + x%200), uint8(40 + y%200), uint8(40 + (x+y)%150), 0xff})
		}
	}
	return img
}

// inBox reports whether pixel (x, y) of a w×h picture is touched by b.
func inBox(b redact.Box, w, h, x, y int) bool {
	return float64(x+1) > b.X*float64(w) && float64(x) < (b.X+b.W)*float64(w) &&
		float64(y+1) > b.Y*float64(h) && float64(y) < (b.Y+b.H)*float64(h)
}

// pngChunk is one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// withPNGText inserts a tEXt chunk after a PNG's header.
func withPNGText(p []byte, text string) []byte {
	at := 8 + 8 + 13 + 4 // signature, IHDR
	return append(append(append([]byte{}, p[:at]...), pngChunk("tEXt", []byte("Author\x00"+text))...), p[at:]...)
}

// exif is an APP1 segment with EXIF orientation o and a camera make.
func exif(o uint16, make string) []byte {
	var t bytes.Buffer
	t.WriteString("II*\x00")
	binary.Write(&t, binary.LittleEndian, uint32(8))
	binary.Write(&t, binary.LittleEndian, uint16(2))
	// 0x010F Make, ASCII, its text after the IFD
	binary.Write(&t, binary.LittleEndian, []uint16{0x010F, 2})
	binary.Write(&t, binary.LittleEndian, []uint32{uint32(len(make) + 1), 8 + 2 + 2*12 + 4})
	binary.Write(&t, binary.LittleEndian, []uint16{0x0112, 3})
	binary.Write(&t, binary.LittleEndian, uint32(1))
	binary.Write(&t, binary.LittleEndian, []uint16{o, 0})
	binary.Write(&t, binary.LittleEndian, uint32(0))
	t.WriteString(make + "\x00")
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	out := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(len(seg)+2))
	return append(out, seg...)
}

// withEXIF inserts seg after a JPEG's start-of-image marker.
func withEXIF(j, seg []byte) []byte {
	return append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegEncode(w io.Writer, img image.Image) error {
	return jpeg.Encode(w, img, &jpeg.Options{Quality: 95})
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpegEncode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func rgb(c color.Color) (int, int, int, int) {
	r, g, b, a := c.RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8), int(a >> 8)
}

// A PNG comes back a PNG: the boxes' pixels exactly opaque black, every other
// pixel exactly as it was, its text chunks gone. Paletted pictures too, with
// black in their palette, room for it, or a full palette without it.
func TestImagePNG(t *testing.T) {
	const w, h = 200, 120
	boxes := []redact.Box{{0, 0.25, 0.5, 0.25, 0.25}, {0, 0.901, 0, 0.099, 0.013}}
	src := pattern(w, h)
	full := make(color.Palette, 256)
	for i := range full {
		full[i] = color.NRGBA{uint8(i), uint8(255 - i), 128, 0xff}
	}
	tests := []struct {
		name string
		img  image.Image
	}{
		{"colour", src},
		{"paletted with room", paletted(src, color.Palette{color.White, color.NRGBA{200, 30, 30, 0xff}})},
		{"paletted with black", paletted(src, color.Palette{color.White, color.Black, color.NRGBA{200, 30, 30, 0xff}})},
		{"full palette without black", paletted(src, full)},
		{"gray", gray(src)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := withPNGText(encodePNG(t, tt.img), "SECRET-AUTHOR")
			if !bytes.Contains(in, []byte("SECRET-AUTHOR")) {
				t.Fatal("the test picture lacks its text chunk")
			}
			before := decode(t, in)
			out, typ, err := redact.Image(in, boxes)
			if err != nil {
				t.Fatal(err)
			}
			if typ != "image/png" || !bytes.HasPrefix(out, []byte("\x89PNG")) {
				t.Fatalf("content type %q, starts %q; want a PNG", typ, out[:8])
			}
			if bytes.Contains(out, []byte("SECRET-AUTHOR")) || bytes.Contains(out, []byte("tEXt")) {
				t.Error("the text chunk was kept")
			}
			after := decode(t, out)
			if after.Bounds() != before.Bounds() {
				t.Fatalf("bounds %v, want %v", after.Bounds(), before.Bounds())
			}
			black, kept := 0, 0
			for y := range h {
				for x := range w {
					r, g, b, a := rgb(after.At(x, y))
					in := inBox(boxes[0], w, h, x, y) || inBox(boxes[1], w, h, x, y)
					switch {
					case in && (r|g|b != 0 || a != 255):
						t.Fatalf("pixel (%d,%d) in a box is %d,%d,%d,%d", x, y, r, g, b, a)
					case in:
						black++
					case !in && after.At(x, y) != before.At(x, y) && rgbOf(after.At(x, y)) != rgbOf(before.At(x, y)):
						t.Fatalf("pixel (%d,%d) outside the boxes changed from %v to %v", x, y, before.At(x, y), after.At(x, y))
					default:
						kept++
					}
				}
			}
			if want := 50*30 + 20*2; black != want { // 50..99 × 60..89, 180..199 × 0..1
				t.Errorf("%d pixels black, want %d", black, want)
			}
			if kept != w*h-black {
				t.Errorf("%d pixels kept of %d", kept, w*h-black)
			}
		})
	}
}

func rgbOf(c color.Color) [4]int {
	r, g, b, a := rgb(c)
	return [4]int{r, g, b, a}
}

func paletted(src image.Image, pal color.Palette) *image.Paletted {
	p := image.NewPaletted(src.Bounds(), pal)
	b := src.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p.Set(x, y, src.At(x, y))
		}
	}
	return p
}

func gray(src image.Image) *image.Gray {
	g := image.NewGray(src.Bounds())
	b := src.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, src.At(x, y))
		}
	}
	return g
}

// A JPEG comes back a JPEG without its EXIF block: the box near black (the
// re-encoding blurs its edges), the picture away from it as it was, within
// what JPEG keeps.
func TestImageJPEG(t *testing.T) {
	const w, h = 256, 192
	box := redact.Box{Page: 0, X: 0.25, Y: 0.25, W: 0.5, H: 0.5}
	in := withEXIF(encodeJPEG(t, pattern(w, h)), exif(1, "SECRET-CAMERA"))
	if !bytes.Contains(in, []byte("SECRET-CAMERA")) {
		t.Fatal("the test picture lacks its EXIF")
	}
	before := decode(t, in)
	out, typ, err := redact.Image(in, []redact.Box{box})
	if err != nil {
		t.Fatal(err)
	}
	if typ != "image/jpeg" || !bytes.HasPrefix(out, []byte{0xFF, 0xD8}) {
		t.Fatalf("content type %q; want a JPEG", typ)
	}
	if bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte("SECRET-CAMERA")) {
		t.Error("the EXIF block was kept")
	}
	after := decode(t, out)
	if after.Bounds() != before.Bounds() {
		t.Fatalf("bounds %v, want %v", after.Bounds(), before.Bounds())
	}
	x0, y0, x1, y1 := int(box.X*w), int(box.Y*h), int((box.X+box.W)*w), int((box.Y+box.H)*h)
	const margin = 8 // JPEG blurs an edge over its 8×8 blocks
	var far, diff float64
	for y := range h {
		for x := range w {
			r, g, b, _ := rgb(after.At(x, y))
			switch {
			case x >= x0+margin && x < x1-margin && y >= y0+margin && y < y1-margin:
				if max(r, g, b) > 12 {
					t.Fatalf("pixel (%d,%d) inside the box is %d,%d,%d, not black", x, y, r, g, b)
				}
			case x < x0-margin || x >= x1+margin || y < y0-margin || y >= y1+margin:
				r0, g0, b0, _ := rgb(before.At(x, y))
				far++
				diff += math.Abs(float64(r-r0)) + math.Abs(float64(g-g0)) + math.Abs(float64(b-b0))
			}
		}
	}
	if mean := diff / far / 3; mean > 4 {
		t.Errorf("pixels away from the box differ by %.1f on average", mean)
	}
}

// A JPEG its camera recorded as turned is turned upright (its EXIF, which
// said so, is dropped), and the box is where the official saw it: on the
// upright picture.
func TestImageJPEGUpright(t *testing.T) {
	const w, h = 96, 48 // stored landscape; EXIF 6: shown turned right, portrait
	in := withEXIF(encodeJPEG(t, pattern(w, h)), exif(6, "cam"))
	box := redact.Box{Page: 0, X: 0, Y: 0, W: 1, H: 0.25} // the top quarter as shown
	out, _, err := redact.Image(in, []redact.Box{box})
	if err != nil {
		t.Fatal(err)
	}
	after := decode(t, out)
	if b := after.Bounds(); b.Dx() != h || b.Dy() != w {
		t.Fatalf("size %v, want %d×%d (turned upright)", b.Size(), h, w)
	}
	for _, p := range []image.Point{{h / 2, 8}, {8, 12}, {h - 8, 4}} {
		if r, g, b, _ := rgb(after.At(p.X, p.Y)); max(r, g, b) > 12 {
			t.Errorf("pixel %v of the top quarter is %d,%d,%d, not black", p, r, g, b)
		}
	}
	for _, p := range []image.Point{{h / 2, w / 2}, {8, w - 8}} {
		if r, g, b, _ := rgb(after.At(p.X, p.Y)); max(r, g, b) < 30 {
			t.Errorf("pixel %v below the box is %d,%d,%d: blacked out", p, r, g, b)
		}
	}
}

// pngHeader is a PNG of only a signature and an IHDR claiming w×h pixels of
// 8-bit RGBA: nothing to decode.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
}

// jpegHeader is a JPEG of only a JFIF header and a baseline frame header
// claiming w×h pixels of 4:2:0 colour.
func jpegHeader(w, h uint16) []byte {
	sof := []byte{0xFF, 0xC0, 0, 17, 8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}
	jfif := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	return append(append(append([]byte{0xFF, 0xD8}, jfif...), sof...), 0xFF, 0xD9)
}

// A picture whose header claims more than decoding may cost is refused from
// its header (redact.err.image_too_big, not image_unreadable: there is nothing
// to decode behind it); so are bad boxes, other files and damaged pictures.
func TestImageRefused(t *testing.T) {
	good := encodePNG(t, pattern(40, 30))
	one := []redact.Box{{0, 0.1, 0.1, 0.2, 0.2}}
	tests := []struct {
		name  string
		data  []byte
		boxes []redact.Box
		key   string
	}{
		{"PNG bomb", pngHeader(60000, 60000), one, "redact.err.image_too_big"},
		{"PNG wide, over the memory", pngHeader(20000, 2000), one, "redact.err.image_too_big"},
		{"JPEG bomb", jpegHeader(65000, 65000), one, "redact.err.image_too_big"},
		{"page 2 of a picture", good, []redact.Box{{1, 0, 0, 0.5, 0.5}}, "redact.err.image_page"},
		{"box past the edge", good, []redact.Box{{0, 0.6, 0, 0.5, 0.5}}, "redact.err.box"},
		{"NaN box", good, []redact.Box{{0, math.NaN(), 0, 0.5, 0.5}}, "redact.err.box"},
		{"negative box", good, []redact.Box{{0, 0, -0.1, 0.5, 0.5}}, "redact.err.box"},
		{"negative page", good, []redact.Box{{-1, 0, 0, 0.5, 0.5}}, "redact.err.box"},
		{"too many boxes", good, make([]redact.Box, redact.MaxBoxes+1), "redact.err.too_many"},
		{"not a picture", []byte("%PDF-1.7\n"), one, "redact.err.image_type"},
		{"empty", nil, one, "redact.err.image_type"},
		{"damaged PNG", good[:len(good)/2], one, "redact.err.image_unreadable"},
		{"PNG of zero width", pngHeader(0, 10), one, "redact.err.image_unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := redact.Image(tt.data, tt.boxes)
			refused(t, err, apperr.CodeInvalid, tt.key)
			if out != nil {
				t.Error("a refusal returned a picture")
			}
		})
	}
}
