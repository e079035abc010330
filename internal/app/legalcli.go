package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"danchu/internal/legal"
)

// badInput is a wrong argument of a command that needs no database: one line,
// exit status 2.
type badInput struct{ msg string }

func (e *badInput) Error() string { return e.msg }

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseAll parses flags that may come before or after positional arguments.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// calendarOf is the statutory calendar with the shipped decisions and, when file
// is not "", the overrides of that CSV file on top.
func calendarOf(file string) (*legal.Calendar, error) {
	if file == "" {
		return legal.NewCalendar(legal.Decided()), nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, &badInput{fmt.Sprintf("không mở được tệp lịch %s (%v) / cannot open calendar file", file, err)}
	}
	defer f.Close()
	ov, err := legal.ParseOverrides(f)
	if err != nil {
		return nil, &badInput{fmt.Sprintf("tệp lịch %s có lỗi / calendar file has errors: %v", file, err)}
	}
	return legal.NewCalendar(legal.Decided(), ov), nil
}

const deadlineSynopsis = "deadline --rule ID --from YYYY-MM-DD [--complex] [--remote] [--multi-site] [--extensions N] [--extended] [--calendar FILE] | deadline --list"

func runDeadline(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deadline", deadlineSynopsis, stderr)
	var o legal.Options
	var id, from, file string
	var list bool
	fs.StringVar(&id, "rule", "", "rule ID (see --list)")
	fs.StringVar(&from, "from", "", "date of the event, YYYY-MM-DD")
	fs.BoolVar(&o.Complex, "complex", false, "complex case (vụ việc phức tạp)")
	fs.BoolVar(&o.Remote, "remote", false, "remote area (vùng sâu, vùng xa)")
	fs.BoolVar(&o.MultiSite, "multi-site", false, "several sites (nhiều địa điểm)")
	fs.IntVar(&o.Extensions, "extensions", 0, "number of extensions (gia hạn), 0–2")
	fs.BoolVar(&o.Extended, "extended", false, "extended (gia hạn) information request")
	fs.StringVar(&file, "calendar", "", "CSV date,kind,name of days off / working days on top of the defaults")
	fs.BoolVar(&list, "list", false, "print the catalogue of rules")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &badInput{fmt.Sprintf("thừa tham số %q / unexpected argument", pos[0])}
	}
	cat := legal.DefaultCatalogue()
	if list {
		for _, r := range cat.Rules() {
			dir := ""
			switch r.Dir {
			case legal.Backward:
				dir = " trước (chậm nhất)"
			case legal.Window:
				dir = " tối thiểu"
			}
			line := fmt.Sprintf("%-30s %3d %s%s\t%s — %s", r.ID, r.Base, r.Unit, dir, r.Name, r.Article)
			if r.Variant != "" {
				line += "; " + r.Variant
			}
			if len(r.Flags) > 0 {
				line += " [--" + strings.Join(r.Flags, " --") + "]"
			}
			fmt.Fprintln(stdout, line)
		}
		return nil
	}
	if id == "" || from == "" {
		return &badInput{"cần --rule và --from / --rule and --from are required (danchu deadline --list lists the rules)"}
	}
	d, err := legal.ParseDate(from)
	if err != nil {
		return &badInput{err.Error()}
	}
	cal, err := calendarOf(file)
	if err != nil {
		return err
	}
	res, err := cat.Compute(cal, id, d, o)
	if err != nil {
		return &badInput{err.Error()}
	}
	for _, l := range res.Lines {
		fmt.Fprintln(stdout, l)
	}
	fmt.Fprintln(stdout, res.Due)
	return nil
}

func runHolidays(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("holidays", "holidays --year YYYY [--calendar FILE]", stderr)
	var year int
	var file string
	fs.IntVar(&year, "year", 0, "the year")
	fs.StringVar(&file, "calendar", "", "CSV date,kind,name on top of the defaults")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &badInput{fmt.Sprintf("thừa tham số %q / unexpected argument", pos[0])}
	}
	if year < legal.FirstYear || year > legal.LastYear {
		return &badInput{fmt.Sprintf("--year phải trong khoảng %d–%d / --year must be in %d–%d", legal.FirstYear, legal.LastYear, legal.FirstYear, legal.LastYear)}
	}
	cal, err := calendarOf(file)
	if err != nil {
		return err
	}
	for _, h := range cal.Holidays(year) {
		fmt.Fprintf(stdout, "%s\t%s\n", h.Date, h.Name)
	}
	return nil
}

func runLunar(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("lunar", "lunar YYYY-MM-DD | lunar --to-solar DD/MM/YYYY [--leap]", stderr)
	var toSolar string
	var leap bool
	fs.StringVar(&toSolar, "to-solar", "", "lunar date DD/MM/YYYY to convert to the solar calendar")
	fs.BoolVar(&leap, "leap", false, "with --to-solar: the date is in a leap month")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if toSolar != "" {
		if len(pos) > 0 {
			return &badInput{fmt.Sprintf("thừa tham số %q / unexpected argument", pos[0])}
		}
		var l legal.LunarDate
		var rest string
		if n, _ := fmt.Sscanf(toSolar, "%d/%d/%d%s", &l.Day, &l.Month, &l.Year, &rest); n != 3 {
			return &badInput{fmt.Sprintf("ngày âm %q không đúng dạng DD/MM/YYYY / lunar date must be DD/MM/YYYY", toSolar)}
		}
		l.Leap = leap
		d, err := legal.ToSolar(l)
		if err != nil {
			return &badInput{err.Error()}
		}
		fmt.Fprintln(stdout, d)
		return nil
	}
	if leap {
		return &badInput{"--leap chỉ dùng với --to-solar / --leap goes with --to-solar"}
	}
	if len(pos) != 1 {
		return &badInput{"cần một ngày YYYY-MM-DD / one date YYYY-MM-DD is needed"}
	}
	d, err := legal.ParseDate(pos[0])
	if err != nil {
		return &badInput{err.Error()}
	}
	l, err := legal.ToLunar(d)
	if err != nil {
		return &badInput{err.Error()}
	}
	fmt.Fprintln(stdout, l)
	return nil
}
