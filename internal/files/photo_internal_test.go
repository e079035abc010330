package files

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"
	"testing/synctest"

	"danchu/internal/apperr"
)

// DecodeCost is checked against what decoding, scaling and turning really
// allocate, for each colour model the decoders produce.
func TestDecodeCostCoversAllocation(t *testing.T) {
	const w, h = 2000, 1500
	rect := image.Rect(0, 0, w, h)
	pal := image.NewPaletted(rect, color.Palette{color.Black, color.White})
	encPNG := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	encJPEG := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"PNGGray", encPNG(image.NewGray(rect))},
		{"PNGGray16", encPNG(image.NewGray16(rect))},
		{"PNGPaletted", encPNG(pal)},
		{"PNGRGBA", encPNG(image.NewRGBA(rect))},
		{"PNGNRGBA64", encPNG(image.NewNRGBA64(rect))},
		{"JPEGGray", encJPEG(image.NewGray(rect))},
		{"JPEGColour420", encJPEG(image.NewRGBA(rect))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			want := DecodeCost(tc.data, cfg)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			img, err := decodePhoto(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			_ = Upright(Scale(img, PhotoSide), 6)
			runtime.ReadMemStats(&after)
			got := int64(after.TotalAlloc - before.TotalAlloc)
			// The decoders' own buffers (rows, Huffman tables, zlib window) are small.
			if got > want+want/10+1<<20 || got < want/2 {
				t.Errorf("allocated %d bytes, DecodeCost says %d", got, want)
			}
		})
	}
}

// With the budget taken, a photo waits DecodeWait and is refused as "busy",
// and what was taken is given back.
func TestPutPhotoBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if !decodes.TryAcquire(DecodeBudget) || !smallDecodes.TryAcquire(SmallBudget) {
			t.Fatal("the budget is in use")
		}
		defer smallDecodes.Release(SmallBudget)
		var p bytes.Buffer
		png.Encode(&p, image.NewRGBA(image.Rect(0, 0, 64, 64)))
		dir := t.TempDir()
		_, err := (&Blobs{Dir: dir}).PutPhoto(context.Background(), "anh.png", &p, 10<<20)
		decodes.Release(DecodeBudget)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeTooMany || e.RetryAfter <= 0 {
			t.Fatalf("err = %v, want too_many with a retry time", err)
		}
		if !decodes.TryAcquire(DecodeBudget) {
			t.Fatal("the refused photo kept part of the budget")
		}
		decodes.Release(DecodeBudget)
	})
}

// Scaling reads 16-bit pictures by hand: the result matches the same picture
// read through image/draw.
func TestScaleSixteenBitMatchesDraw(t *testing.T) {
	const w, h = 400, 300
	rgba64, nrgba64 := image.NewRGBA64(image.Rect(0, 0, w, h)), image.NewNRGBA64(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint16(0xffff - x*90)
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 160), uint16(y * 210), 0x8000, a})
			rgba64.Set(x, y, nrgba64.At(x, y))
		}
	}
	for _, img := range []image.Image{rgba64, nrgba64} {
		ref := image.NewRGBA(img.Bounds())
		draw.Draw(ref, ref.Rect, img, image.Point{}, draw.Src)
		got, want := Scale(img, 100).(*image.RGBA), Scale(ref, 100).(*image.RGBA)
		for i := range got.Pix {
			if d := int(got.Pix[i]) - int(want.Pix[i]); d < -1 || d > 1 {
				t.Fatalf("%T: byte %d is %d, want %d", img, i, got.Pix[i], want.Pix[i])
			}
		}
	}
}
