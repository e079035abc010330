package app_test

import (
	"bytes"
	"context"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/planimport"
)

// `danchu plan import` and `danchu plan export` as other tools call them: the
// seeds are stored with their sections, tasks and recipients (the last line
// says how many), a plan imported twice is recognised, a file that is not a
// plan is refused naming the line with exit 2 and stores nothing, and the
// exports are a PDF whose text carries the header and a .docx that reads back
// into the same plan.
func TestPlanCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	dbf := "--db=sqlite:" + filepath.Join(dir, "d.db")
	data := "--data-dir=" + filepath.Join(dir, "data")
	if code, _, errs := run(t, ctx, "seed", "--demo", dbf, data); code != 0 {
		t.Fatalf("seed: %d %s", code, errs)
	}
	seed := func(prefix string) string {
		files, _ := filepath.Glob(filepath.Join("..", "planimport", "testdata", prefix+"_*.txt"))
		if len(files) != 1 {
			t.Fatalf("seed %s: %v", prefix, files)
		}
		return files[0]
	}
	last := regexp.MustCompile(`(?m)^plan (\d+): (\d+) sections, (\d+) tasks, (\d+) recipients\n\z`)
	ids := map[string]string{}
	// The demo's province bodies already issued these seeds (a number and
	// symbol is taken once per issuer): 000 and 004 go to the demo commune's
	// Party committee, 002 (no number) to the province's office again.
	for _, c := range []struct {
		seed, unit, body string
		want             string // sections, tasks, recipients (planimport's TestSeeds counted them from the text)
	}{
		{"000", demo.CommuneCode, "ĐU", "13 sections, 13 tasks, 4 recipients"},
		{"002", "46", "VP", "15 sections, 12 tasks, 6 recipients"},
		{"004", demo.CommuneCode, "ĐU", "8 sections, 12 tasks, 9 recipients"},
		// The province's Front, though the demo commune's Front is also "MTTQ":
		// the body attached to the unit, not one under a commune below it.
		{"003", "46", "MTTQ", "7 sections, 7 tasks, 0 recipients"},
	} {
		code, out, errs := run(t, ctx, "plan", "import", dbf, data, "--unit", c.unit, "--body", c.body, seed(c.seed))
		m := last.FindStringSubmatch(out)
		if code != 0 || m == nil || !strings.Contains(m[0], c.want) {
			t.Fatalf("import %s: exit %d, out %q, err %q; want a last line with %q", c.seed, code, out, errs, c.want)
		}
		ids[c.seed] = m[1]
	}
	refusals := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"imported twice", []string{"plan", "import", dbf, data, "--unit", demo.CommuneCode, "--body", "ĐU", seed("000")}, 1, "162-KH/BCS"},
		{"not a plan", []string{"plan", "import", dbf, data, "--unit", "46", writeText(t, dir, "bad.txt", "xin chào\nhẹn gặp lại\n")}, 2, "dòng 1"},
		{"not UTF-8", []string{"plan", "import", dbf, data, "--unit", "46", writeText(t, dir, "latin1.txt", "K\xc9 HO\xc0CH\n")}, 2, "latin1.txt"},
		{"no such body", []string{"plan", "import", dbf, data, "--unit", "46", "--body", "XYZ", seed("000")}, 2, "XYZ"},
		{"a village", []string{"plan", "import", dbf, data, "--unit", "19885-01", writeText(t, dir, "thon.txt", "KẾ HOẠCH\nThực hiện dân chủ năm 2026\nI. MỤC ĐÍCH\n1. Tuyên truyền\n")}, 2, "không ban hành kế hoạch"},
		{"a directory", []string{"plan", "import", dbf, data, "--unit", "46", dir}, 2, "directory"},
		{"endless input", []string{"plan", "import", dbf, data, "--unit", "46", "/dev/zero"}, 2, "2 MB"},
		{"no such unit", []string{"plan", "import", dbf, data, "--unit", "999999", seed("000")}, 2, "999999"},
		{"no unit", []string{"plan", "import", dbf, data, seed("000")}, 2, "usage"},
		{"no such plan", []string{"plan", "export", dbf, data, "--format", "pdf", "--out", filepath.Join(dir, "none.pdf"), "12345"}, 2, "12345"},
		{"bad format", []string{"plan", "export", dbf, data, "--format", "odt", "--out", filepath.Join(dir, "x.odt"), ids["002"]}, 2, "usage"},
	}
	count := func() (n int) {
		d, err := db.Open(ctx, strings.TrimPrefix(dbf, "--db="), db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := d.QueryRowContext(ctx, "select (select count(*) from plans) + (select count(*) from plan_tasks)").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	if before < 3+13+12+12 {
		t.Fatalf("%d plans and tasks stored by the imports", before)
	}
	for _, r := range refusals {
		code, _, errs := run(t, ctx, r.args...)
		if code != r.code || !strings.Contains(errs, r.contains) {
			t.Errorf("%s: exit %d, %q; want %d naming %q", r.name, code, errs, r.code, r.contains)
		}
	}
	if after := count(); after != before {
		t.Errorf("the refusals stored %d plans and tasks", after-before)
	}

	pdf, docx := filepath.Join(dir, "002.pdf"), filepath.Join(dir, "004.docx")
	if code, out, errs := run(t, ctx, "plan", "export", dbf, data, "--format", "pdf", "--out", pdf, ids["002"]); code != 0 || !strings.Contains(out, "KẾ HOẠCH") {
		t.Fatalf("export pdf: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, ctx, "plan", "export", dbf, data, "--format", "pdf", "--out", pdf, ids["002"]); code != 2 || !strings.Contains(errs, pdf) {
		t.Errorf("export over an existing file: %d %q", code, errs)
	}
	if code, _, errs := run(t, ctx, "plan", "export", dbf, data, "--format", "docx", "--out", docx, ids["004"]); code != 0 {
		t.Fatalf("export docx: %d %q", code, errs)
	}
	b, err := os.ReadFile(docx)
	if err != nil {
		t.Fatal(err)
	}
	back, err := planimport.ParseDOCX(bytes.NewReader(b), int64(len(b)))
	if err != nil || back.Doc.Number != "09-CT/TU" || len(back.Doc.Recipients) != 9 {
		t.Errorf("the exported .docx read back: number %q, %d recipients, %v", back.Doc.Number, len(back.Doc.Recipients), err)
	}
	if p, err := osexec.LookPath("pdftotext"); err == nil || os.Getenv("DANCHU_REQUIRE_DOCTOOLS") != "" {
		out, err := osexec.Command(p, "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "VĂN PHÒNG ỦY BAN NHÂN DÂN THÀNH PHỐ", "KẾ HOẠCH", "MỤC ĐÍCH, YÊU CẦU", "Sở Nội vụ (b/c);", "Nguyễn Cửu"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %q", want)
			}
		}
	}
}

func writeText(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
