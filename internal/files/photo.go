package files

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"danchu/internal/apperr"
)

// Photo limits: the longest side kept, the most pixels decoded (a small file can
// claim a huge picture), the most memory decoding one photo may take (a 381 KB
// 16-bit PNG of 7000×7000 decodes to 392 MB: pixels alone are not the cost),
// and the JPEG quality written.
const (
	PhotoSide      = 1600
	PhotoMaxPixels = 50_000_000
	PhotoMaxMemory = 96 << 20
	photoQuality   = 82
)

// DecodeBudget is the memory all photos being decoded at once in this process
// may take together; a photo waits for its share at most DecodeWait, then the
// sender is told the server is busy. Twenty people sending five photos each
// then cost at most this much at a time, not twenty times the largest photo.
const (
	DecodeBudget = 160 << 20
	DecodeWait   = 20 * time.Second
)

var decodes = semaphore.NewWeighted(DecodeBudget)

// decoders bounds how many senders' photos are decoded at once: half the
// processors (at least one), so that decoding, which uses a processor fully,
// leaves the others to answer pages.
var decoders = semaphore.NewWeighted(int64(max(1, runtime.NumCPU()/2)))

// Photo is an uploaded photo: the name it was sent with and its content.
type Photo struct {
	Name string
	R    io.Reader
}

// PutPhoto stores one photo as PutPhotos does.
func (b *Blobs) PutPhoto(ctx context.Context, name string, r io.Reader, max int64) (File, error) {
	fs, err := b.PutPhotos(ctx, []Photo{{name, r}}, max)
	if err != nil {
		return File{}, err
	}
	return fs[0], nil
}

// PutPhotos reads uploaded photos (up to max bytes each), accepts only JPEG and
// PNG recognised by their content, turns each upright as its camera recorded,
// scales it so its longer side is at most PhotoSide, and stores it as a new
// JPEG: writing the picture afresh drops EXIF (camera, time, GPS position) and
// every other metadata block of the original.
//
// Every photo is checked (type, size, what decoding it costs: more than
// PhotoMaxMemory is refused) before any is decoded. Then the photos are decoded
// one after the other, holding the share of DecodeBudget that the costliest
// needs and one of the decoders, waited for with ctx at most DecodeWait: a sender's photos go through
// together or the sender is told the server is busy, before any work is spent.
func (b *Blobs) PutPhotos(ctx context.Context, photos []Photo, limit int64) ([]File, error) {
	type checked struct {
		name string
		data []byte
		bad  error
	}
	var all []checked
	var need int64
	for _, p := range photos {
		data, err := io.ReadAll(io.LimitReader(p.R, limit+1))
		if err != nil {
			return nil, fmt.Errorf("read photo: %w", err)
		}
		shown := strings.TrimSpace(path.Base(strings.ReplaceAll(p.Name, "\\", "/")))
		switch t, ok := sniff(data); {
		case int64(len(data)) > limit:
			return nil, apperr.New(apperr.CodeInvalid, "files.err.photo_too_large", shown, limit>>20).Mark("photos")
		case len(data) == 0:
			return nil, apperr.New(apperr.CodeInvalid, "files.err.empty", shown).Mark("photos")
		case !ok || (t != typeJPEG && t != typePNG):
			return nil, apperr.New(apperr.CodeInvalid, "files.err.photo_type", shown).Mark("photos")
		}
		bad := apperr.New(apperr.CodeInvalid, "files.err.photo_unreadable", shown).Mark("photos")
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
			return nil, bad
		}
		cost := DecodeCost(data, cfg)
		if cfg.Width*cfg.Height > PhotoMaxPixels || cost > PhotoMaxMemory {
			return nil, apperr.New(apperr.CodeInvalid, "files.err.photo_too_big",
				shown, cfg.Width, cfg.Height, (cost+1<<20-1)>>20, PhotoMaxMemory>>20).Mark("photos")
		}
		need = max(need, cost)
		all = append(all, checked{p.Name, data, bad})
	}
	if len(all) == 0 {
		return nil, nil
	}
	wait, cancel := context.WithTimeout(ctx, DecodeWait)
	err := decoders.Acquire(wait, 1)
	if err == nil {
		if err = decodes.Acquire(wait, need); err != nil {
			decoders.Release(1)
		}
	}
	cancel()
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("wait to decode photos: %w", ctx.Err())
	case err != nil:
		return nil, apperr.New(apperr.CodeTooMany, "files.err.busy").After(DecodeWait)
	}
	defer decoders.Release(1)
	defer decodes.Release(need)
	out := make([]File, 0, len(all))
	for _, c := range all {
		f, err := b.putDecoded(c.name, c.data, c.bad)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
		// What was decoded is garbage now: collect it before the next decoding
		// (this sender's or the next one's) allocates, or the heap grows to
		// twice what the budget bounds before the collector runs on its own.
		debug.FreeOSMemory()
	}
	return out, nil
}

// putDecoded decodes, scales, turns and stores one checked photo.
func (b *Blobs) putDecoded(name string, data []byte, bad error) (File, error) {
	img, err := decodePhoto(data)
	if err != nil {
		return File{}, bad
	}
	img = Upright(Scale(img, PhotoSide), Orientation(data))
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: photoQuality}); err != nil {
		return File{}, fmt.Errorf("encode photo: %w", err)
	}
	return b.Put(name, &out)
}

func decodePhoto(data []byte) (image.Image, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
		return jpeg.Decode(bytes.NewReader(data))
	}
	return png.Decode(bytes.NewReader(data))
}

// DecodeCost is how many bytes decoding a JPEG or PNG with header cfg allocates,
// as the standard decoders do it, and what scaling and turning it then add:
//   - PNG: width × height × the bytes per pixel of its colour model (1 for gray
//     or a palette, 2 for 16-bit gray, 4 for 8-bit colour, 8 for 16-bit
//     colour), twice for an interlaced file (each pass is decoded apart);
//   - JPEG: every component's samples at its subsampling (4:2:0 colour is 1.5
//     bytes per pixel), five times that for a progressive file (the decoder
//     keeps 4 bytes of coefficients per sample), and 4 bytes per pixel more for
//     CMYK (converted after decoding);
//   - the scaled copy and its upright copy, 4 bytes per pixel each, and one
//     source row while scaling.
func DecodeCost(data []byte, cfg image.Config) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	var cost int64
	if bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
		cost = jpegCost(data, w, h)
	} else {
		bpp := int64(8)
		switch cfg.ColorModel {
		case color.GrayModel:
			bpp = 1
		case color.Gray16Model:
			bpp = 2
		case color.RGBAModel, color.NRGBAModel:
			bpp = 4
		default:
			if _, ok := cfg.ColorModel.(color.Palette); ok {
				bpp = 1
			}
		}
		cost = w * h * bpp
		if len(data) > 28 && data[28] == 1 { // IHDR's interlace method: Adam7
			cost *= 2
		}
	}
	sw, sh := w, h
	if w > PhotoSide || h > PhotoSide {
		sw, sh = PhotoSide, max(h*PhotoSide/w, 1)
		if h > w {
			sw, sh = max(w*PhotoSide/h, 1), PhotoSide
		}
	}
	return cost + 2*sw*sh*4 + w*4
}

// jpegCost reads the frame header (SOF) of a JPEG; without one it assumes the
// worst (three full components, progressive).
func jpegCost(data []byte, w, h int64) int64 {
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		marker, size := data[i+1], int(binary.BigEndian.Uint16(data[i+2:]))
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || size < 2 || i+2+size > len(data) {
			break
		}
		seg := data[i+4 : i+2+size]
		if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) && len(seg) >= 6 {
			n := int(seg[5])
			if n < 1 || len(seg) < 6+3*n {
				break
			}
			hmax, vmax := int64(1), int64(1)
			for c := range n {
				hv := seg[6+3*c+1]
				hmax, vmax = max(hmax, int64(hv>>4)), max(vmax, int64(hv&15))
			}
			aw, ah := (w+8*hmax-1)/(8*hmax)*8*hmax, (h+8*vmax-1)/(8*vmax)*8*vmax
			var samples int64
			for c := range n {
				hv := seg[6+3*c+1]
				samples += aw * int64(hv>>4) / hmax * (ah * int64(hv&15) / vmax)
			}
			if marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE {
				samples *= 5
			}
			if n == 4 {
				samples += w * h * 4
			}
			return samples
		}
		i += 2 + size
	}
	return w * h * 3 * 5
}

// Scale returns img shrunk so that its longer side is at most side (never
// enlarged). Each pixel of the result is the average of the source pixels it
// covers (a box filter, which does not alias when shrinking a lot); the source
// is read one row at a time, so scaling takes the result and one source row of
// memory, not a buffer the size of the source (golang.org/x/image/draw's
// kernels keep 32 bytes per destination column per source row: 150 MB for a
// 12 MP photo).
func Scale(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	nw, nh := side, max(h*side/w, 1)
	if h > w {
		nw, nh = max(w*side/h, 1), side
	}
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	row := image.NewRGBA(image.Rect(0, 0, w, 1))
	col := make([]int, w) // the destination column of each source column
	for x := range w {
		col[x] = x * nw / w * 4
	}
	sum := make([]uint64, nw*4)
	n := make([]uint64, nw)
	flush := func(dy int) {
		out := dst.Pix[dy*dst.Stride:]
		for i := range sum {
			if c := n[i/4]; c > 0 {
				out[i] = uint8((sum[i] + c/2) / c)
			}
			sum[i] = 0
		}
		clear(n)
	}
	cur := 0
	for y := range h {
		if dy := y * nh / h; dy != cur {
			flush(cur)
			cur = dy
		}
		readRow(row, img, b.Min.Y+y)
		for x, c := range col {
			p := row.Pix[4*x : 4*x+4]
			sum[c] += uint64(p[0])
			sum[c+1] += uint64(p[1])
			sum[c+2] += uint64(p[2])
			sum[c+3] += uint64(p[3])
			n[c/4]++
		}
	}
	flush(cur)
	return dst
}

// readRow converts row y of img into row (premultiplied 8-bit RGBA): 16-bit
// pictures directly (draw's general path costs twice their decoding), the
// others through draw's own fast paths.
func readRow(row *image.RGBA, img image.Image, y int) {
	switch src := img.(type) {
	case *image.RGBA64:
		p := src.Pix[src.PixOffset(src.Rect.Min.X, y):]
		for i := range len(row.Pix) / 4 {
			row.Pix[4*i], row.Pix[4*i+1], row.Pix[4*i+2], row.Pix[4*i+3] = p[8*i], p[8*i+2], p[8*i+4], p[8*i+6]
		}
	case *image.NRGBA64:
		p := src.Pix[src.PixOffset(src.Rect.Min.X, y):]
		for i := range len(row.Pix) / 4 {
			q := p[8*i : 8*i+8]
			a := uint32(q[6])<<8 | uint32(q[7])
			row.Pix[4*i] = uint8((uint32(q[0])<<8 | uint32(q[1])) * a / 0xffff >> 8)
			row.Pix[4*i+1] = uint8((uint32(q[2])<<8 | uint32(q[3])) * a / 0xffff >> 8)
			row.Pix[4*i+2] = uint8((uint32(q[4])<<8 | uint32(q[5])) * a / 0xffff >> 8)
			row.Pix[4*i+3] = q[6]
		}
	default:
		b := img.Bounds()
		draw.Draw(row, row.Rect, img, image.Pt(b.Min.X, y), draw.Src)
	}
}

// Orientation reads the EXIF orientation (1–8) of a JPEG; 1 (as stored) when
// there is none or it cannot be read.
func Orientation(data []byte) int {
	if !bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
		return 1
	}
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		marker, size := data[i+1], int(binary.BigEndian.Uint16(data[i+2:]))
		if marker == 0xDA || size < 2 || i+2+size > len(data) { // start of scan: no more metadata
			return 1
		}
		seg := data[i+4 : i+2+size]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return exifOrientation(seg[6:])
		}
		i += 2 + size
	}
	return 1
}

// exifOrientation finds tag 0x0112 in the first IFD of a TIFF block.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	for k := range n {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// Upright turns img as EXIF orientation o says, so that it shows the right way
// up once the EXIF block is gone.
func Upright(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if o >= 5 {
		tw, th = h, w
	}
	src, ok := img.(*image.RGBA)
	if !ok || b.Min != (image.Point{}) {
		src = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // mirrored, turned
				dx, dy = y, x
			case 6: // turned right: the top goes to the right side
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8: // turned left
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], src.Pix[src.PixOffset(x, y):][:4])
		}
	}
	return dst
}
