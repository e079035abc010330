package files_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"os"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/files"
	"danchu/internal/files/filestest"
	"danchu/internal/web/webtest"
)

// wholeDocuments are real documents as their writers lay them out: a PDF
// printed by Chromium (testdata), PDFs with a cross-reference table, with a
// cross-reference stream and with an incremental update, and Office files.
func wholeDocuments(t *testing.T) map[string][]byte {
	t.Helper()
	chromium, err := os.ReadFile("testdata/quyet-dinh-chromium.pdf")
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"chromium.pdf":    chromium,
		"table.pdf":       filestest.PDF("Quyết định số 12/QĐ-UBND"),
		"stream.pdf":      filestest.PDFXRefStream("Kế hoạch sử dụng đất"),
		"updated.pdf":     filestest.Update(filestest.PDF("Dự toán"), "Đã sửa đổi"),
		"twice.pdf":       filestest.Update(filestest.Update(filestest.PDF("Dự toán"), "sửa lần 1"), "sửa lần 2"),
		"bien-ban.docx":   filestest.DOCX("Biên bản họp thôn\nNgày 12 tháng 3"),
		"du-toan.xlsx":    filestest.XLSX("Dự toán thu chi"),
		"trailing-ws.pdf": append(filestest.PDF("có khoảng trắng sau %%EOF"), "\r\n \n\x00\n"...),
	}
}

// putOK stores data and fails unless it is accepted.
func putOK(t *testing.T, name string, data []byte) files.File {
	t.Helper()
	b := &files.Blobs{Dir: t.TempDir()}
	f, err := b.Put(name, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s (%d bytes) refused: %v", name, len(data), err)
	}
	return f
}

// refusedDamaged fails unless storing data is refused as damaged (invalid,
// files.err.damaged, naming the file and the type to save it as again) with
// nothing left in the store.
func refusedDamaged(t *testing.T, name string, data []byte, label string) {
	t.Helper()
	dir := t.TempDir()
	b := &files.Blobs{Dir: dir}
	_, err := b.Put(name, bytes.NewReader(data))
	if apperr.CodeOf(err) != apperr.CodeInvalid || apperr.KeyOf(err) != "files.err.damaged" {
		t.Fatalf("%s (%d bytes): err = %v, want invalid files.err.damaged", name, len(data), err)
	}
	text := webtest.Vietnamese(t, err)
	if !strings.Contains(text, "bị hỏng hoặc chưa trọn vẹn") || !strings.Contains(text, name) || !strings.Contains(text, "lưu lại thành "+label) {
		t.Errorf("message %q does not say the file is damaged and to save it again as %s", text, label)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a refused file left %d entries in the store", len(ents))
	}
}

func TestPutAcceptsWholeDocuments(t *testing.T) {
	for name, data := range wholeDocuments(t) {
		t.Run(name, func(t *testing.T) {
			f := putOK(t, name, data)
			if f.Size != int64(len(data)) {
				t.Errorf("stored %d bytes of %d", f.Size, len(data))
			}
		})
	}
}

// Every document cut anywhere (in its first bytes, its middle, just before
// its end, in its %%EOF) is refused as damaged; so is one whose cut lost only
// the last byte of its zip directory.
func TestPutRefusesCutDocuments(t *testing.T) {
	labels := map[string]string{".pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX"}
	for name, data := range wholeDocuments(t) {
		label := labels[name[len(name)-4:]]
		n := len(data)
		if label == "PDF" {
			n = len(bytes.TrimRight(data, " \r\n\t\f\x00")) // cutting the white space after %%EOF leaves it whole
		}
		for _, cut := range []struct {
			name string
			at   int
		}{
			{"Header", 12}, {"Tenth", n / 10}, {"Half", n / 2}, {"NineTenths", n * 9 / 10},
			{"LastKB", n - 1024}, {"InTheEnd", n - 4}, {"LastByte", n - 1},
		} {
			if cut.at < 8 || cut.at >= n {
				continue
			}
			t.Run(name+"/"+cut.name, func(t *testing.T) {
				refusedDamaged(t, name, data[:cut.at], label)
			})
		}
	}
}

// A PDF updated incrementally and cut inside its update is refused; cut right
// after the first revision's %%EOF it is that revision, whole, and accepted.
func TestPutIncrementalUpdateCut(t *testing.T) {
	first := filestest.PDF("Bản đầu")
	updated := filestest.Update(first, "Bản sửa")
	putOK(t, "ban-dau.pdf", updated[:len(first)])
	for _, at := range []int{len(first) + 10, len(first) + (len(updated)-len(first))/2, len(updated) - 30} {
		refusedDamaged(t, "ban-sua.pdf", updated[:at], "PDF")
	}
}

// Whole-looking PDFs whose skeleton is wrong: each is refused as damaged.
func TestPutRefusesBrokenPDFSkeleton(t *testing.T) {
	good := filestest.PDF("Thông báo")
	sx := bytes.LastIndex(good, []byte("startxref"))
	stream := filestest.PDFXRefStream("Thông báo")
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"OnlyHeaderAndEOF", []byte("%PDF-1.4\n%%EOF\n")},
		{"FakeTrailer", []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")},
		{"NoStartxref", bytes.Replace(good, []byte("startxref"), []byte("startxxxx"), 1)},
		{"StartxrefPastEnd", append(append([]byte{}, good[:sx]...), "startxref\n999999\n%%EOF\n"...)},
		{"StartxrefIntoAnObject", append(append([]byte{}, good[:sx]...), "startxref\n30\n%%EOF\n"...)},
		{"StartxrefZero", append(append([]byte{}, good[:sx]...), "startxref\n0\n%%EOF\n"...)},
		{"TrailerWithoutRoot", bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Info 1 0 R"), 1)},
		{"RootNotAReference", bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Root 1    "), 1)},
		{"TrailerCut", bytes.Replace(good, []byte(" >>\nstartxref"), []byte("   \nstartxref"), 1)},
		{"ObjectPastStartxref", bytes.Replace(good, []byte("0000000015 00000 n"), []byte("0000099999 00000 n"), 1)},
		{"XRefStreamLengthTooLong", replaceLast(stream, "/Length 49 >>", "/Length 999>>")},
		{"XRefStreamNotXRef", replaceLast(stream, "/Type /XRef", "/Type /XObj")},
		{"XRefStreamWithoutRoot", bytes.Replace(stream, []byte("/Root 1 0 R"), []byte("/Info 1 0 R"), 1)},
		{"PrevLoops", loopingPrev(t)},
		{"GarbageAfterEOF", append(append([]byte{}, good...), "<html>"...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if bytes.Equal(tc.data, good) || bytes.Equal(tc.data, stream) {
				t.Fatal("the case did not change the document")
			}
			refusedDamaged(t, "thong-bao.pdf", tc.data, "PDF")
		})
	}
}

// replaceLast replaces the last old in b by new, of the same length (so
// that no offset moves); it panics if there is none.
func replaceLast(b []byte, old, new string) []byte {
	i := bytes.LastIndex(b, []byte(old))
	if i < 0 || len(old) != len(new) {
		panic("replaceLast: " + old)
	}
	out := append([]byte{}, b...)
	copy(out[i:], new)
	return out
}

// loopingPrev is an updated PDF whose update's /Prev names its own section.
func loopingPrev(t *testing.T) []byte {
	u := filestest.Update(filestest.PDF("x"), "y")
	sx := bytes.LastIndex(u, []byte("startxref"))
	own := strings.TrimSpace(strings.TrimSuffix(string(u[sx+len("startxref"):]), "%%EOF\n"))
	i := bytes.LastIndex(u, []byte("/Prev "))
	j := i + len("/Prev ")
	k := j + bytes.IndexByte(u[j:], ' ')
	// The trailer comes after the section it ends: editing it moves no offset.
	return append(append(append([]byte{}, u[:j]...), own...), u[k:]...)
}

// Office files: a zip whose entry's local header is not where the directory
// says, and one whose main part inflates to more than it declares (a zip
// bomb posing as a small part: the reader stops at the declared size), are
// refused as damaged; a large entry that is not a main part is never
// inflated, and the file is taken.
func TestPutOfficeZipChecks(t *testing.T) {
	docx := filestest.DOCX("Biên bản")
	// Move the local header signature of the main part: the directory points at garbage.
	moved := append([]byte{}, docx...)
	i := bytes.Index(moved, []byte("PK\x03\x04\x14\x00\x08\x00\x08\x00"))
	j := bytes.Index(moved[i+4:], []byte("PK\x03\x04"))
	if i < 0 || j < 0 {
		t.Fatal("no second local header in the generated DOCX")
	}
	moved[i+4+j+1] = 'X'
	refusedDamaged(t, "bien-ban.docx", moved, "DOCX")

	// word/document.xml says 100 bytes and inflates to 64 MB.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, p := range [][2]string{{"[Content_Types].xml", "<Types/>"}, {"_rels/.rels", "<Relationships/>"}} {
		w, _ := zw.Create(p[0])
		w.Write([]byte(p[1]))
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate, CRC32: 0x12345678,
		CompressedSize64: uint64(len(deflatedZeros(t, 64<<20))), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflatedZeros(t, 64<<20))
	zw.Close()
	refusedDamaged(t, "bom.docx", bomb.Bytes(), "DOCX")

	// A whole DOCX carrying a 64 MB (inflated) picture: located, not inflated, taken.
	var big bytes.Buffer
	zw = zip.NewWriter(&big)
	r, _ := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	for _, f := range r.File {
		zw.Copy(f)
	}
	z := deflatedZeros(t, 64<<20)
	w, _ = zw.CreateRaw(&zip.FileHeader{Name: "word/media/image1.png", Method: zip.Deflate, CRC32: crcZeros(64 << 20),
		CompressedSize64: uint64(len(z)), UncompressedSize64: 64 << 20})
	w.Write(z)
	zw.Close()
	putOK(t, "co-anh.docx", big.Bytes())
}

var zerosCache = map[int][]byte{}

func deflatedZeros(t *testing.T, n int) []byte {
	if b, ok := zerosCache[n]; ok {
		return b
	}
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestSpeed)
	zero := make([]byte, 1<<20)
	for range n >> 20 {
		w.Write(zero)
	}
	w.Close()
	zerosCache[n] = out.Bytes()
	return out.Bytes()
}

func crcZeros(n int) uint32 { return crc32.ChecksumIEEE(make([]byte, n)) }
