package app

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"

	"danchu/internal/apperr"
	"danchu/internal/reporting"
)

const reportSynopsis = "report rollup --unit CODE --period 2026-Q3 --from-facts [--format json|csv] [--db DSN]"

// runReport prints every indicator of a unit (a province or a commune) and a
// period as rolled up from its subtree (a contract): JSON objects {"code",
// "value", "target", "units_reporting"} one per line, or CSV with those
// columns; value and target are empty (null) when there is none. The
// values come from the counters the capabilities keep (--from-facts); the
// submitted reports they will also come from are not built yet, so the flag
// is required for now.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "rollup" {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", reportSynopsis)
		return errUsage
	}
	var unitCode, periodCode, format string
	var fromFacts bool
	a, _, err := openWith(ctx, "report rollup", reportSynopsis, args[1:], stderr, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&unitCode, "unit", "", "the `code` of the province or commune (official list)")
		fs.StringVar(&periodCode, "period", "", "the `period`: 2026, 2026-9M, 2026-H1, 2026-Q3 or 2026-M07")
		fs.StringVar(&format, "format", "json", "json (one object a line) or csv")
		fs.BoolVar(&fromFacts, "from-facts", false, "the values computed from the capabilities' counters")
	}, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	switch {
	case unitCode == "" || periodCode == "" || (format != "json" && format != "csv"):
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", reportSynopsis)
		return errUsage
	case !fromFacts:
		return &badInput{msg: "chưa có báo cáo nào được gửi để cộng dồn (chức năng gửi báo cáo đang được xây dựng): dùng --from-facts / " +
			"no submitted reports to roll up yet (reports are being built): use --from-facts"}
	}
	p, err := reporting.ParsePeriod(periodCode)
	if err != nil {
		return &badInput{msg: fmt.Sprintf("--period %q: dùng 2026, 2026-9M, 2026-H1, 2026-Q3 hoặc 2026-M07 / use 2026, 2026-9M, 2026-H1, 2026-Q3 or 2026-M07", periodCode)}
	}
	t, err := a.Units.Tree(ctx)
	if err != nil {
		return err
	}
	u, ok := t.ByCode(unitCode)
	lines, err := a.Reports.FromFacts(ctx, u, p)
	if !ok || apperr.CodeOf(err) == apperr.CodeNotFound {
		return &badInput{msg: fmt.Sprintf("--unit %q: không có tỉnh hoặc xã này / no such province or commune", unitCode)}
	}
	if err != nil {
		return err
	}
	num := func(f float64, has bool) string {
		if !has {
			return ""
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if format == "csv" {
		w := csv.NewWriter(stdout)
		_ = w.Write([]string{"code", "value", "target", "units_reporting"})
		for _, l := range lines {
			target := ""
			if l.Indicator.Target != nil {
				target = num(l.Indicator.Target.Value, true)
			}
			_ = w.Write([]string{l.Indicator.Code, num(l.Figure, l.Has), target, strconv.Itoa(l.Reporting)})
		}
		w.Flush()
		return w.Error()
	}
	enc := json.NewEncoder(stdout)
	for _, l := range lines {
		row := struct {
			Code   string   `json:"code"`
			Value  *float64 `json:"value"`
			Target *float64 `json:"target"`
			Units  int      `json:"units_reporting"`
		}{Code: l.Indicator.Code, Units: l.Reporting}
		if l.Has {
			row.Value = &l.Figure
		}
		if l.Indicator.Target != nil {
			row.Target = &l.Indicator.Target.Value
		}
		if err := enc.Encode(row); err != nil {
			return err
		}
	}
	return nil
}
