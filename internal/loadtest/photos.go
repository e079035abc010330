package loadtest

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// PNG16 is a valid w×h PNG of 16-bit RGBA (8 bytes a pixel once decoded) whose
// rows repeat, so that it compresses to a few hundred KB: the cheapest file
// that costs a decoder the most memory.
func PNG16(w, h int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(kind))
		c.Write(data)
		out.WriteString(kind)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // bit depth, colour type RGBA
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+w*8)
	for x := range w {
		row[1+x*8], row[1+x*8+2], row[1+x*8+4], row[1+x*8+6] = byte(x), 0x80, byte(x>>8), 0xFF
	}
	zw.Write(row)
	up := make([]byte, 1+w*8) // filter "up", no change: the same row again
	up[0] = 2
	for range h - 1 {
		zw.Write(up)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// NoisePNG is a valid w×h PNG of 8-bit NRGBA random pixels stored without
// compression: its file is as large as its pixels (4 bytes each, 9.7 MB for
// 1560×1560), the photo that costs a server the most bytes to receive and hold.
func NoisePNG(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for i := 0; i < len(img.Pix); i += 8 {
		binary.LittleEndian.PutUint64(img.Pix[i:min(i+8, len(img.Pix))], r.Uint64())
	}
	var out bytes.Buffer
	(&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&out, img)
	return out.Bytes()
}

// PhotoPostScenario posts the feedback form of a commune anonymously (a
// visitor's CSRF cookie) with n copies of photo: what anyone on the Internet
// can send without signing in.
func PhotoPostScenario(communeCode string, photo []byte, n int) Scenario {
	var seq atomic.Int64
	const token = "PHOTOFLOODVISITORCSRFTOKEN00000000000000000000000000" // 52 characters, like a visitor's cookie
	return Scenario{Name: "anonymous post, photos", OK: http.StatusSeeOther, Request: func(_ *rand.Rand, base string) *http.Request {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"csrf": token, "kind": "feedback", "category": "moi-truong", "anonymous": "1",
			"key": fmt.Sprintf("photo%d", seq.Add(1)), "description": "Rác thải đổ trộm ven đường liên thôn, xin xem ảnh đính kèm."} {
			mw.WriteField(k, v)
		}
		for i := range n {
			fw, _ := mw.CreateFormFile("photos", fmt.Sprintf("anh%d.png", i+1))
			fw.Write(photo)
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, base+"/xa/"+communeCode+"/phan-anh", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "danchu_csrf", Value: token})
		return req
	}}
}

// Flood is what Background measured: answers by status and their latency.
type Flood struct {
	Status   map[int]int
	Failed   int // no answer (connection error or the client's time limit)
	P50, P99 time.Duration
}

func (f Flood) String() string {
	return fmt.Sprintf("answers by status %v, %d without an answer, p50 %s, p99 %s", f.Status, f.Failed, round(f.P50), round(f.P99))
}

// Background sends s from conns workers, each one request after the other,
// until ctx ends; done gets what they measured once every worker has stopped.
func Background(ctx context.Context, base string, s Scenario, conns int) (done <-chan Flood) {
	out := make(chan Flood, 1)
	client := &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var mu sync.Mutex
	f := Flood{Status: map[int]int{}}
	var lat []time.Duration
	var wg sync.WaitGroup
	for w := range conns {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 3))
			for ctx.Err() == nil {
				req := s.Request(r, base).WithContext(ctx)
				start := time.Now()
				resp, err := client.Do(req)
				took := time.Since(start)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil {
						f.Failed++
					}
				} else {
					f.Status[resp.StatusCode]++
					lat = append(lat, took)
				}
				mu.Unlock()
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		})
	}
	go func() {
		wg.Wait()
		slices.Sort(lat)
		if len(lat) > 0 {
			f.P50, f.P99 = lat[len(lat)/2], lat[min(len(lat)*99/100, len(lat)-1)]
		}
		out <- f
	}()
	return out
}
