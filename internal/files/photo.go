package files

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"strings"

	"golang.org/x/image/draw"

	"danchu/internal/apperr"
)

// Photo limits: the longest side kept, the most pixels decoded (a small file can
// claim a huge picture), and the JPEG quality written.
const (
	PhotoSide      = 1600
	PhotoMaxPixels = 50_000_000
	photoQuality   = 82
)

// PutPhoto reads an uploaded photo (up to max bytes), accepts only JPEG and PNG
// recognised by their content, turns it upright as its camera recorded, scales it
// so its longer side is at most PhotoSide, and stores it as a new JPEG: writing
// the picture afresh drops EXIF (camera, time, GPS position) and every other
// metadata block of the original.
func (b *Blobs) PutPhoto(name string, r io.Reader, max int64) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return File{}, fmt.Errorf("read photo: %w", err)
	}
	shown := strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
	switch t, ok := sniff(data); {
	case int64(len(data)) > max:
		return File{}, apperr.Invalid(fmt.Sprintf("Ảnh %q lớn quá %d MB; hãy chụp lại ở cỡ nhỏ hơn hoặc gửi ảnh khác.", shown, max>>20), map[string]string{"photos": "too_large"})
	case len(data) == 0:
		return File{}, apperr.Invalid(fmt.Sprintf("Tệp %q rỗng.", shown), map[string]string{"photos": "empty"})
	case !ok || (t != typeJPEG && t != typePNG):
		return File{}, apperr.Invalid(fmt.Sprintf("Tệp %q không phải ảnh JPEG hay PNG (kiểm tra theo nội dung tệp, không theo tên); chỉ gửi được ảnh.", shown), map[string]string{"photos": "type"})
	}
	bad := apperr.Invalid(fmt.Sprintf("Không đọc được ảnh %q (tệp hỏng hoặc quá lớn); hãy gửi ảnh khác.", shown), map[string]string{"photos": "unreadable"})
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > PhotoMaxPixels {
		return File{}, bad
	}
	var img image.Image
	if bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
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

// Scale returns img shrunk so that its longer side is at most side (never enlarged).
func Scale(img image.Image, side int) image.Image {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w <= side && h <= side {
		return img
	}
	nw, nh := side, h*side/w
	if h > w {
		nw, nh = w*side/h, side
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(nw, 1), max(nh, 1)))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
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
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}
