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
	"sync"
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

// DecodeBudget is the memory all big photos being decoded at once in this
// process may take together (their files' bytes and what decoding them
// costs); a photo waits for its share at most DecodeWait, then the sender is
// told the server is busy. Twenty people sending five photos each then cost at
// most this much at a time, not twenty times the largest photo.
//
// Small photos (a sender's costliest at most SmallPhoto: file and decoding)
// have a lane of their own, SmallBudget, and do not wait for the decoders: a
// few senders of big photos cannot hold back everyone's snapshot of a pothole.
const (
	DecodeBudget = 160 << 20
	DecodeWait   = 20 * time.Second
	SmallPhoto   = 16 << 20
	SmallBudget  = 32 << 20
)

// photoHead is how much of a photo is read to check it before its sender holds
// budget for it: the signature and header (image.DecodeConfig reads through
// the file and keeps only its small buffers; the cost reads the frame header
// in place).
const photoHead = 64 << 10

var (
	decodes      = semaphore.NewWeighted(DecodeBudget)
	smallDecodes = semaphore.NewWeighted(SmallBudget)
)

// decoders bounds how many senders' big photos are decoded at once: half the
// processors (at least one), so that decoding, which uses a processor fully,
// leaves the others to answer pages.
var decoders = semaphore.NewWeighted(int64(max(1, runtime.NumCPU()/2)))

// senders holds, for each sender (WithSender: the client's IP address) whose
// big photos are being decoded or wait for a decoder, a one-slot lock: one
// sender has at most one post of big photos in the decoders' queue, so a
// sender who posts six at once waits behind their own, not everyone behind
// them. The sender's further posts wait (within DecodeWait) rather than being
// refused at once: people behind one address (a family, a café, a carrier's
// NAT) still get through one after the other.
var senders = struct {
	sync.Mutex
	m map[string]*sender
}{m: map[string]*sender{}}

type sender struct {
	slot  chan struct{}
	users int
}

type senderKey struct{}

// WithSender returns ctx carrying who sends photos (the client's IP address),
// which PutPhotos uses to queue one sender's posts behind each other.
func WithSender(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, senderKey{}, who)
}

// lockSender waits (with ctx) until no other post of who's big photos is
// being decoded or queued; the function it returns unlocks. An unknown sender
// ("") is not queued.
func lockSender(ctx context.Context, who string) (func(), error) {
	if who == "" {
		return func() {}, nil
	}
	senders.Lock()
	s := senders.m[who]
	if s == nil {
		s = &sender{slot: make(chan struct{}, 1)}
		senders.m[who] = s
	}
	s.users++
	senders.Unlock()
	done := func() {
		senders.Lock()
		if s.users--; s.users == 0 {
			delete(senders.m, who)
		}
		senders.Unlock()
	}
	select {
	case s.slot <- struct{}{}:
		return func() { <-s.slot; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// Photo is an uploaded photo: the name it was sent with and its content. A
// content that is also an io.ReaderAt and io.Seeker (a multipart file, on disk
// or in memory; a bytes.Reader) is read only as far as its header until the
// sender holds budget for it; another reader is read whole first.
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

// photoFile is what PutPhotos reads a photo from.
type photoFile interface {
	io.ReaderAt
	io.Seeker
}

// PutPhotos reads uploaded photos (up to max bytes each), accepts only JPEG and
// PNG recognised by their content, turns each upright as its camera recorded,
// scales it so its longer side is at most PhotoSide, and stores it as a new
// JPEG: writing the picture afresh drops EXIF (camera, time, GPS position) and
// every other metadata block of the original.
//
// Every photo is checked (size, type, what decoding it costs: more than
// PhotoMaxMemory is refused) from its header alone, before any is read whole.
// Then the sender holds the share of the budget that the costliest photo needs
// (its file's bytes and its decoding) — of SmallBudget when that is at most
// SmallPhoto, else of DecodeBudget together with one of the decoders and the
// sender's own lock (lockSender) — waited for with ctx at most DecodeWait, and
// the photos are read, decoded and re-encoded one after the other: a sender's
// photos go through together or the sender is told the server is busy, before
// any work is spent and while holding no more than their headers.
func (b *Blobs) PutPhotos(ctx context.Context, photos []Photo, limit int64) ([]File, error) {
	type checked struct {
		name string
		f    photoFile
		size int64
		bad  error
	}
	var all []checked
	var need int64
	for _, p := range photos {
		shown := strings.TrimSpace(path.Base(strings.ReplaceAll(p.Name, "\\", "/")))
		f, ok := p.R.(photoFile)
		if !ok {
			data, err := io.ReadAll(io.LimitReader(p.R, limit+1))
			if err != nil {
				return nil, fmt.Errorf("read photo: %w", err)
			}
			f = bytes.NewReader(data)
		}
		size, err := f.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, fmt.Errorf("read photo: %w", err)
		}
		head := make([]byte, min(size, photoHead))
		if _, err := f.ReadAt(head, 0); err != nil && err != io.EOF {
			return nil, fmt.Errorf("read photo: %w", err)
		}
		switch t, ok := sniff(head); {
		case size > limit:
			return nil, apperr.New(apperr.CodeInvalid, "files.err.photo_too_large", shown, limit>>20).Mark("photos")
		case size == 0:
			return nil, apperr.New(apperr.CodeInvalid, "files.err.empty", shown).Mark("photos")
		case !ok || (t != typeJPEG && t != typePNG):
			return nil, apperr.New(apperr.CodeInvalid, "files.err.photo_type", shown).Mark("photos")
		}
		bad := apperr.New(apperr.CodeInvalid, "files.err.photo_unreadable", shown).Mark("photos")
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(f, 0, size))
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
			return nil, bad
		}
		cost := decodeCost(f, size, cfg)
		if cfg.Width*cfg.Height > PhotoMaxPixels || cost > PhotoMaxMemory {
			return nil, apperr.New(apperr.CodeInvalid, "files.err.photo_too_big",
				shown, cfg.Width, cfg.Height, (cost+1<<20-1)>>20, PhotoMaxMemory>>20).Mark("photos")
		}
		need = max(need, size+cost)
		all = append(all, checked{p.Name, f, size, bad})
	}
	if len(all) == 0 {
		return nil, nil
	}
	release, err := acquire(ctx, need)
	if err != nil {
		return nil, err
	}
	defer release()
	out := make([]File, 0, len(all))
	for _, c := range all {
		data := make([]byte, c.size)
		if _, err := c.f.ReadAt(data, 0); err != nil && err != io.EOF {
			return nil, fmt.Errorf("read photo: %w", err)
		}
		f, err := b.putDecoded(c.name, data, c.bad)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
		data = nil
		// What was decoded is garbage now: collect it before the next decoding
		// (this sender's or the next one's) allocates, or the heap grows to
		// twice what the budget bounds before the collector runs on its own.
		debug.FreeOSMemory()
	}
	return out, nil
}

// acquire waits (with ctx, at most DecodeWait) for need bytes of the small
// lane or, for a bigger need, the sender's lock, a decoder and need bytes of
// DecodeBudget; it returns what gives them back.
func acquire(ctx context.Context, need int64) (func(), error) {
	wait, cancel := context.WithTimeout(ctx, DecodeWait)
	defer cancel()
	var release func()
	var err error
	if need <= SmallPhoto {
		if err = smallDecodes.Acquire(wait, need); err == nil {
			release = func() { smallDecodes.Release(need) }
		}
	} else {
		who, _ := ctx.Value(senderKey{}).(string)
		var unlock func()
		if unlock, err = lockSender(wait, who); err == nil {
			if err = decoders.Acquire(wait, 1); err == nil {
				if err = decodes.Acquire(wait, need); err == nil {
					release = func() { decodes.Release(need); decoders.Release(1); unlock() }
				} else {
					decoders.Release(1)
				}
			}
			if err != nil {
				unlock()
			}
		}
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("wait to decode photos: %w", ctx.Err())
	case err != nil:
		return nil, apperr.New(apperr.CodeTooMany, "files.err.busy").After(DecodeWait)
	}
	return release, nil
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
	return decodeCost(bytes.NewReader(data), int64(len(data)), cfg)
}

// decodeCost is DecodeCost reading the photo's headers in place from r (size
// bytes).
func decodeCost(r io.ReaderAt, size int64, cfg image.Config) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	var cost int64
	var sig [2]byte
	r.ReadAt(sig[:], 0)
	if sig == [2]byte{0xFF, 0xD8} {
		cost = jpegCost(r, size, w, h)
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
		var interlace [1]byte
		if size > 28 {
			r.ReadAt(interlace[:], 28)
		}
		if interlace[0] == 1 { // IHDR's interlace method: Adam7
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

// jpegCost reads the frame header (SOF) of a JPEG, walking its segments in
// place; without one it assumes the worst (three full components,
// progressive).
func jpegCost(r io.ReaderAt, size, w, h int64) int64 {
	var hdr [4]byte
	seg := make([]byte, 0, 6+3*255)
	for i := int64(2); i+4 <= size; {
		if _, err := r.ReadAt(hdr[:], i); err != nil || hdr[0] != 0xFF {
			break
		}
		marker, n := hdr[1], int64(binary.BigEndian.Uint16(hdr[2:]))
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || n < 2 || i+2+n > size {
			break
		}
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC && n-2 >= 6 {
			seg = seg[:min(n-2, int64(cap(seg)))]
			if _, err := r.ReadAt(seg, i+4); err != nil {
				break
			}
			return sofCost(marker, seg, w, h)
		}
		i += 2 + n
	}
	return w * h * 3 * 5
}

// sofCost is what decoding a JPEG whose frame header is seg costs.
func sofCost(marker byte, seg []byte, w, h int64) int64 {
	n := int(seg[5])
	if n < 1 || len(seg) < 6+3*n {
		return w * h * 3 * 5
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
