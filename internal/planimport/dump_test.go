package planimport

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestDump(t *testing.T) {
	if os.Getenv("PLANDUMP") == "" {
		t.Skip("PLANDUMP unset")
	}
	files, _ := filepath.Glob("testdata/" + os.Getenv("PLANDUMP") + "*.txt")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		d, err := Parse(string(b))
		fmt.Println("=====", f, err)
		doc := d.Doc
		fmt.Printf("style=%d parent=%q issuer=%q number=%q symbol=%q place=%q date=%v kind=%q titleby=%q\nsummary=%q\n", doc.Style, doc.Parent, doc.Issuer, doc.Number, doc.Symbol, doc.Place, doc.Date, doc.Kind, d.TitleBy, doc.Summary)
		for _, b := range doc.Bases {
			fmt.Printf("BASE %.100q\n", b)
		}
		for i, b := range doc.Body {
			fmt.Printf("%3d k%d L%d %-8q %.110q\n", i, b.Kind, b.Level, b.Number, b.Text)
		}
		for _, r := range doc.Recipients {
			fmt.Printf("RCPT %q %q\n", r.Name, r.Note)
		}
		fmt.Printf("SIG %q %q\n", doc.Signature.Lines, doc.Signature.Name)
		for _, tk := range d.Tasks {
			fmt.Printf("TASK b%d s=%s lead=%q with=%q dl=%q rec=%s :: %.60q\n", tk.Block, tk.Section, tk.Lead, tk.With, tk.Deadline, tk.Recurrence, tk.Title)
		}
		for _, tg := range d.Targets {
			fmt.Printf("TARGET b%d v=%q dl=%q :: %.60q\n", tg.Block, tg.Value, tg.Deadline, tg.Text)
		}
		for _, w := range d.Warnings {
			fmt.Printf("WARN %d %v %.60q\n", w.Line, w.Msg, w.Text)
		}
	}
}
