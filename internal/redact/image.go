package redact

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"

	"danchu/internal/apperr"
	"danchu/internal/files"
)

// imageQuality is the JPEG quality a redacted photo is written at: a
// verifier reads the rest of it closely.
const imageQuality = 90

var (
	jpegSig = []byte{0xFF, 0xD8, 0xFF}
	pngSig  = []byte("\x89PNG\r\n\x1a\n")
)

// Image returns a JPEG or PNG (recognised by its content) with boxes (all on
// page 0) filled opaque black, as a new file of the same type, and its
// content type. The picture is turned upright as its EXIF orientation says
// (the official marked it as a browser shows it) and written afresh, which
// drops EXIF (camera, time, GPS position) and every other metadata block.
//
// A picture whose decoding would cost more than files.PhotoMaxMemory
// (files.DecodeCost, read from its header) or that has more than
// files.PhotoMaxPixels pixels is refused before it is decoded.
func Image(data []byte, boxes []Box) ([]byte, string, error) {
	boxes, err := check(boxes, 1)
	if err != nil {
		if apperr.KeyOf(err) == "redact.err.no_page" {
			return nil, "", apperr.New(apperr.CodeInvalid, "redact.err.image_page")
		}
		return nil, "", err
	}
	isJPEG := bytes.HasPrefix(data, jpegSig)
	if !isJPEG && !bytes.HasPrefix(data, pngSig) {
		return nil, "", apperr.New(apperr.CodeInvalid, "redact.err.image_type")
	}
	bad := apperr.New(apperr.CodeInvalid, "redact.err.image_unreadable")
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", bad
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	o := files.Orientation(data)
	cost := files.DecodeCost(data, cfg)
	if o > 1 {
		cost += 2 * 4 * w * h // files.Upright's two full-size copies (DecodeCost counts them scaled)
	}
	if pal, ok := cfg.ColorModel.(color.Palette); ok && blackIndex(pal) < 0 && len(pal) == 256 {
		cost += 4 * w * h // no room for black in the palette: redrawn in colour
	}
	if w*h > files.PhotoMaxPixels || cost > files.PhotoMaxMemory {
		return nil, "", apperr.New(apperr.CodeInvalid, "redact.err.image_too_big",
			cfg.Width, cfg.Height, (cost+1<<20-1)>>20, files.PhotoMaxMemory>>20)
	}
	var img image.Image
	if isJPEG {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, "", bad
	}
	img = files.Upright(img, o)
	img = fill(img, boxes)
	var out bytes.Buffer
	if isJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: imageQuality})
	} else {
		err = png.Encode(&out, img)
	}
	if err != nil {
		return nil, "", fmt.Errorf("encode redacted image: %w", err)
	}
	if isJPEG {
		return out.Bytes(), "image/jpeg", nil
	}
	return out.Bytes(), "image/png", nil
}

// fill paints boxes opaque black on img, in place where img can be drawn on
// (a JPEG's YCbCr planes directly), else on a colour copy; it returns the
// picture painted.
func fill(img image.Image, boxes []Box) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if p, ok := img.(*image.Paletted); ok {
		i := blackIndex(p.Palette)
		if i < 0 && len(p.Palette) < 256 {
			p.Palette = append(p.Palette, color.RGBA{A: 0xff})
			i = len(p.Palette) - 1
		}
		if i < 0 {
			rgba := image.NewNRGBA(b)
			draw.Draw(rgba, b, img, b.Min, draw.Src)
			img = rgba
		} else {
			for _, bx := range boxes {
				x0, y0, x1, y1 := bx.rect(w, h)
				for y := y0; y < y1; y++ {
					row := p.Pix[p.PixOffset(b.Min.X+x0, b.Min.Y+y):][:x1-x0]
					for k := range row {
						row[k] = uint8(i)
					}
				}
			}
			return p
		}
	}
	switch m := img.(type) {
	case *image.YCbCr:
		for _, bx := range boxes {
			x0, y0, x1, y1 := bx.rect(w, h)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					m.Y[m.YOffset(b.Min.X+x, b.Min.Y+y)] = 0
					c := m.COffset(b.Min.X+x, b.Min.Y+y)
					m.Cb[c], m.Cr[c] = 128, 128
				}
			}
		}
		return m
	case draw.Image:
		for _, bx := range boxes {
			x0, y0, x1, y1 := bx.rect(w, h)
			r := image.Rect(x0, y0, x1, y1).Add(b.Min)
			draw.Draw(m, r, image.NewUniform(color.Black), image.Point{}, draw.Src)
		}
		return m
	}
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	return fill(rgba, boxes)
}

// blackIndex is the index of opaque black in pal, or -1.
func blackIndex(pal color.Palette) int {
	for i, c := range pal {
		if r, g, b, a := c.RGBA(); r == 0 && g == 0 && b == 0 && a == 0xffff {
			return i
		}
	}
	return -1
}
