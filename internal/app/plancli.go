package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/document"
	"danchu/internal/org"
	"danchu/internal/planimport"
	"danchu/internal/plans"
	"danchu/internal/web"
)

// operator is who acts for `danchu plan` on the server: the person running it
// holds the machine, so the command acts with the whole country's rights; the
// activity log names it "dòng lệnh (command line)", account 0.
var operator = &auth.Actor{Name: "dòng lệnh (command line)", Kind: auth.Official, Grants: []auth.Grant{{Role: auth.SysAdmin}}}

const planSynopsis = "plan import --unit CODE [--body SHORTNAME] FILE | plan export --format docx|pdf --out FILE ID [--db DSN]"

// runPlan is `danchu plan import` and `danchu plan export` (a contract other
// tools call: its arguments and its last line do not change).
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", planSynopsis)
		return errUsage
	}
	if args[0] == "import" {
		return runPlanImport(ctx, args[1:], stdout, stderr, getenv)
	}
	return runPlanExport(ctx, args[1:], stdout, stderr, getenv)
}

// runPlanImport reads FILE (.txt, .md or .docx), stores it as a plan of the
// unit (or of its attached body with that short name) and prints a summary
// whose last line is "plan ID: N sections, M tasks, K recipients". A file it
// cannot read is refused naming the line (exit 2), and nothing is stored.
func runPlanImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var unitCode, body string
	a, pos, err := openWith(ctx, "plan import", planSynopsis, args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&unitCode, "unit", "", "the issuing unit's `code` (official list)")
		fs.StringVar(&body, "body", "", "the `short name` of the unit's attached body that issues it (BCS, TU, VP…)")
	}, 1)
	if err != nil {
		return err
	}
	defer a.Close()
	if unitCode == "" {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", planSynopsis)
		return errUsage
	}
	issuer, err := planIssuer(ctx, a, unitCode, body)
	if err != nil {
		return err
	}
	name := pos[0]
	f, err := os.Open(name)
	if err != nil {
		return &apperr.ConfigError{VI: fmt.Sprintf("không mở được tệp %s (%v)", name, err), EN: fmt.Sprintf("cannot open file %s", name)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	d, err := planimport.ParseFile(filepath.Base(name), f, st.Size())
	if err != nil {
		return &badInput{msg: name + ": " + planMessage(err)}
	}
	p := plans.NewFromDraft(issuer.ID, d)
	saved, err := a.Plans.Create(ctx, operator, plans.Draft{UnitID: issuer.ID, Plan: p})
	if err != nil {
		if apperr.CodeOf(err) == apperr.CodeInvalid {
			return &badInput{msg: name + ": " + planMessage(err)}
		}
		return err
	}
	sections := 0
	for _, b := range saved.Doc.Body {
		if b.Kind == document.Heading {
			sections++
		}
	}
	fmt.Fprintln(stdout, strings.Join(nonEmpty(saved.Doc.Kind, saved.Number, saved.Summary), " — "))
	fmt.Fprintf(stdout, "đơn vị ban hành / issuer: %s\n", issuer.Name)
	for _, w := range d.Warnings {
		msg, ok := web.BilingualMsg(w.Msg, planimport.Locales)
		if !ok {
			msg = w.Text
		}
		fmt.Fprintf(stdout, "cần xem lại / check: dòng %d: %s\n", w.Line, msg)
	}
	fmt.Fprintf(stdout, "plan %d: %d sections, %d tasks, %d recipients\n", saved.ID, sections, len(saved.Tasks), len(saved.Doc.Recipients))
	return nil
}

// planIssuer is the unit of code, or its attached body whose short name is body.
func planIssuer(ctx context.Context, a *App, code, body string) (org.Unit, error) {
	t, err := a.Units.Tree(ctx)
	if err != nil {
		return org.Unit{}, err
	}
	u, ok := t.ByCode(code)
	if !ok {
		return org.Unit{}, &badInput{msg: fmt.Sprintf("không có đơn vị mã %q / no unit with code %q", code, code)}
	}
	if body == "" {
		return u, nil
	}
	// Any body attached below the unit (Ban Cán sự Đảng sits under the Tỉnh ủy),
	// not a territorial unit below it (every commune is "UBND").
	// A body reached through a commune below (its own MTTQ, its VP) is that
	// commune's: every unit between the body and u must itself be attached.
	attachedTo := func(b org.Unit) bool {
		for p, ok := t.Unit(b.ParentID); ok; p, ok = t.Unit(p.ParentID) {
			if p.ID == u.ID {
				return true
			}
			if p.Type.Level() != org.Attached {
				return false
			}
		}
		return false
	}
	var found []org.Unit
	for _, b := range t.Descendants(u.ID) {
		if b.Type.Level() == org.Attached && b.Current() && strings.EqualFold(b.ShortName, body) && attachedTo(b) {
			found = append(found, b)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return org.Unit{}, &badInput{msg: fmt.Sprintf("%s không có tổ chức trực thuộc tên viết tắt %q / %s has no attached body with short name %q", u.Name, body, u.Name, body)}
	}
	var names []string
	for _, b := range found {
		parent, _ := t.Unit(b.ParentID)
		names = append(names, b.Name+" ("+parent.Name+")")
	}
	return org.Unit{}, &badInput{msg: fmt.Sprintf("tên viết tắt %q chỉ nhiều tổ chức: %s; dùng --unit của tổ chức cấp trên trực tiếp / short name %q names several bodies; give --unit of the one directly above",
		body, strings.Join(names, "; "), body)}
}

// runPlanExport writes plan ID as a Word or PDF file in the official layout.
func runPlanExport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var format, out string
	a, pos, err := openWith(ctx, "plan export", planSynopsis, args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "", "docx or pdf")
		fs.StringVar(&out, "out", "", "the `file` to write (it must not exist)")
	}, 1)
	if err != nil {
		return err
	}
	defer a.Close()
	id, idErr := strconv.ParseInt(pos[0], 10, 64)
	if (format != "docx" && format != "pdf") || out == "" || idErr != nil || id <= 0 {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", planSynopsis)
		return errUsage
	}
	p, err := a.Plans.Get(ctx, operator, id)
	if err != nil {
		if apperr.CodeOf(err) == apperr.CodeNotFound {
			return &badInput{msg: fmt.Sprintf("không có kế hoạch %d / no plan %d", id, id)}
		}
		return err
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return &apperr.ConfigError{VI: fmt.Sprintf("không tạo được tệp %s (%v)", out, err), EN: fmt.Sprintf("cannot create file %s", out)}
	}
	write := document.WritePDF
	if format == "docx" {
		write = document.WriteDOCX
	}
	doc := p.Document()
	err = write(f, doc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("plan export: %w", err)
	}
	st, _ := os.Stat(out)
	fmt.Fprintf(stdout, "%s: %s, %d bytes\n", out, strings.Join(nonEmpty(doc.Kind, doc.Number), " "), st.Size())
	return nil
}

// planMessage is a plan's or the reader's coded error in Vietnamese and English.
func planMessage(err error) string {
	if errors.Is(err, context.Canceled) {
		return err.Error()
	}
	return web.Bilingual(err, planimport.Locales, plans.Catalog())
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
