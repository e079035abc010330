package planimport

import (
	"bytes"
	"testing"

	"danchu/internal/apperr"
)

// FuzzParse: Parse never panics; it returns a draft that holds its invariants
// (checkDraft: tasks and targets point at blocks of the right kind, no markup
// or invalid UTF-8 kept, warnings with a line) or a CodeInvalid refusal.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"000", "001", "002", "003", "004"} {
		f.Add(seed(f, s))
	}
	f.Add("KẾ HOẠCH\n\nVề việc\n\nI. MỤC TIÊU\n\n- 100% đơn vị\n\nII. NHIỆM VỤ\n\n1. Sở Nội vụ chủ trì, phối hợp với Công an tỉnh.\n\nNơi nhận:\n- Như trên;\n\nTM. UBND\n\nNguyễn Văn A\n")
	f.Add("**KẾ HOẠCH***\n## I.\n**1. a****b\\*\\*c##d")
	f.Fuzz(func(t *testing.T, text string) {
		d, err := Parse(text)
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("refusal %v is not CodeInvalid", err)
			}
			return
		}
		checkDraft(t, d)
	})
}

// FuzzParseFile: an uploaded file (a zip is read as a .docx) never panics; a
// refusal is CodeInvalid, a draft holds its invariants. Its seeds are
// .docx zips: fuzz it with -fuzzminimizetime 1000x (docs/ARCHITECTURE.md,
// Fuzzing), or each new input is minimized for up to 60 s.
func FuzzParseFile(f *testing.F) {
	small := "KẾ HOẠCH\n\nVề việc\n\nI. NHIỆM VỤ\n\n1. Sở Nội vụ chủ trì.\n\nNơi nhận:\n- Như trên;\n"
	f.Add([]byte(small))
	f.Add(makeDOCX(f, seedDocument(small), ""))
	f.Add(makeDOCX(f, seedDocument(seed(f, "004")), ""))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseFile("ke-hoach.docx", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("refusal %v is not CodeInvalid", err)
			}
			return
		}
		checkDraft(t, d)
	})
}
