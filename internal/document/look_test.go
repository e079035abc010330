package document

import (
	"bytes"
	"os"
	"testing"
)

func TestLookTmp(t *testing.T) {
	dir := os.Getenv("LOOKDIR")
	if dir == "" {
		t.Skip()
	}
	for name, d := range map[string]Doc{"state": stateSample(), "party": partySample(), "long": longPlan()} {
		var b bytes.Buffer
		if err := WritePDF(&b, d); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, name+".pdf", b.Bytes())
		b.Reset()
		if err := WriteDOCX(&b, d); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, name+".docx", b.Bytes())
	}
}
