package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/backup"
	"danchu/internal/config"
	"danchu/internal/demo"
	"danchu/internal/org"
	"danchu/internal/vault"
)

// Version is set at build time with -ldflags "-X danchu/internal/app.Version=…".
var Version = "dev"

const usage = `danchu — thực hiện dân chủ ở cơ sở / grassroots democracy

Cách dùng / usage:
  danchu serve [--addr A] [--db DSN] [--data-dir D] [--demo]   chạy máy chủ web / run the web server
  danchu migrate [--db DSN]                                   cập nhật lược đồ CSDL / migrate the schema
  danchu seed --demo [--db DSN]                               nạp dữ liệu mẫu / load demo data
  danchu import units FILE.csv [--db DSN]                     nhập danh mục đơn vị hành chính / import units
  danchu import households VILLAGE_CODE FILE.csv [--db DSN]   nhập sổ hộ gia đình của thôn / import households
  danchu plan import --unit CODE [--body SHORTNAME] FILE      nhập kế hoạch (.txt, .md, .docx) / import a plan
  danchu plan export --format docx|pdf --out FILE ID          xuất kế hoạch ra Word, PDF / export a plan
  danchu report rollup --unit CODE --period 2026-Q3 --from-facts [--format json|csv]
                                                              chỉ tiêu của đơn vị trong kỳ, cộng dồn từ cấp dưới / a unit's indicators rolled up
  danchu user add --unit CODE --role ROLE --email E --name "HỌ TÊN" [--phone P]
                                                              tạo tài khoản cán bộ, in đường liên kết kích hoạt / create an official
  danchu deadline --rule ID --from YYYY-MM-DD [--complex] [--remote] [--multi-site] [--extensions N] [--extended] [--calendar FILE]
                                                              thời hạn luật định / a statutory deadline (--list: the rules)
  danchu holidays --year YYYY [--calendar FILE]               ngày nghỉ trong năm / days off of a year
  danchu lunar YYYY-MM-DD | --to-solar DD/MM/YYYY [--leap]    đổi ngày âm, dương / lunar and solar dates
  danchu bench [--scale N] [--conns C] [--duration D]          đo tải trên dữ liệu sinh ra / load test on generated data
  danchu verify [--db DSN] [--data-dir D] [--hash-files]      kiểm tra chuỗi băm của sổ công khai và các tệp đã tải lên / check the public record's hash chain and the uploaded files
  danchu backup --out FILE [--force] [--db DSN] [--data-dir D] sao lưu khi máy chủ đang chạy / an online backup
  danchu restore FILE [--files-only] [--db DSN] [--data-dir D] khôi phục vào thư mục trống / restore into an empty folder
  danchu vault-key FILE                                       thêm khóa mới (khóa hiện hành) vào tệp khóa kho bí mật / add a new current key to the vault's key file
  danchu vault-rotate --vault-key FILE [--db DSN] [--data-dir D]
                                                              mã hóa lại kho bí mật bằng khóa hiện hành / seal the vault again under its current key
  danchu openapi                                              in tài liệu OpenAPI của API / print the API's OpenAPI document
  danchu version                                              phiên bản / version

Mỗi lệnh có -h. Each command has -h.
`

// Main runs the command line and returns the exit status: 0 done, 1 failed,
// 2 bad usage or configuration.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, rest, stdout, stderr, getenv)
	case "migrate":
		err = runMigrate(ctx, rest, stdout, stderr, getenv)
	case "seed":
		err = runSeed(ctx, rest, stdout, stderr, getenv)
	case "import":
		err = runImport(ctx, rest, stdout, stderr, getenv)
	case "plan":
		err = runPlan(ctx, rest, stdout, stderr, getenv)
	case "user":
		err = runUser(ctx, rest, stdout, stderr, getenv)
	case "report":
		err = runReport(ctx, rest, stdout, stderr, getenv)
	case "verify":
		err = runVerify(ctx, rest, stdout, stderr, getenv)
	case "backup":
		err = runBackup(ctx, rest, stdout, stderr, getenv)
	case "restore":
		err = runRestore(ctx, rest, stdout, stderr, getenv)
	case "deadline":
		err = runDeadline(ctx, rest, stdout, stderr)
	case "holidays":
		err = runHolidays(ctx, rest, stdout, stderr)
	case "lunar":
		err = runLunar(ctx, rest, stdout, stderr)
	case "bench":
		err = runBench(ctx, rest, stdout, stderr)
	case "bench-bytes": // the bare baseline started by bench
		err = runBenchBytes(ctx, rest, stderr)
	case "openapi":
		err = runOpenAPI(ctx, rest, stdout, stderr)
	case "vault-key":
		err = runVaultKey(rest, stdout, stderr)
	case "vault-rotate":
		err = runVaultRotate(ctx, rest, stdout, stderr, getenv)
	case "version":
		fmt.Fprintln(stdout, "danchu", versionString())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "danchu: không có lệnh %q / unknown command %q\n\n%s", cmd, cmd, usage)
		return 2
	}
	return report(stderr, err)
}

// report prints err as one line and returns the exit status it deserves.
func report(stderr io.Writer, err error) int {
	var ce *apperr.ConfigError
	var ie *org.ImportError
	var pe audit.Problems
	var bi *badInput
	switch {
	case errors.As(err, &bi):
		fmt.Fprintf(stderr, "danchu: %s\n", oneLine(bi.msg))
		return 2
	case errors.As(err, &pe):
		for _, p := range pe {
			fmt.Fprintf(stderr, "danchu verify: SAI / BROKEN — %s\n", oneLine(p.Error()))
		}
		fmt.Fprintf(stderr, "danchu verify: %d mục sai / %d broken entries\n", len(pe), len(pe))
		return 1
	case errors.Is(err, errFilesMissing):
		return 1
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "danchu: %s\n", oneLine(ce.Error()))
		return 2
	case errors.As(err, &ie):
		for i, l := range ie.Lines {
			if i == 50 {
				fmt.Fprintf(stderr, "… và %d dòng lỗi khác / and %d more\n", len(ie.Lines)-50, len(ie.Lines)-50)
				break
			}
			fmt.Fprintf(stderr, "dòng %d: %s\n", l.Line, l.Message)
		}
		fmt.Fprintf(stderr, "danchu: tệp có %d dòng lỗi, không ghi gì vào cơ sở dữ liệu / %d bad lines, nothing written\n", len(ie.Lines), len(ie.Lines))
		return 1
	}
	if apperr.CodeOf(err) != apperr.CodeInternal {
		fmt.Fprintf(stderr, "danchu: %s\n", oneLine(vietnamese(err)))
		return 1
	}
	fmt.Fprintf(stderr, "danchu: lỗi / error: %s\n", oneLine(err.Error()))
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// vietnamese is a coded error as the command line shows it, from the catalog of
// the room whose key it carries (identity's for "user add", the register's for
// the imports).
func vietnamese(err error) string {
	if strings.HasPrefix(apperr.KeyOf(err), "backup.") {
		return backup.Message(err) // Vietnamese / English
	}
	if k := apperr.KeyOf(err); strings.HasPrefix(k, "plans.") || strings.HasPrefix(k, "planimport.") {
		return planMessage(err)
	}
	if strings.HasPrefix(apperr.KeyOf(err), "auth.") {
		return auth.Vietnamese(err)
	}
	return org.Vietnamese(err)
}

var errUsage = errors.New("usage")

func versionString() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return Version
}

// flags parses a subcommand's flags; positional arguments may come before them.
func flags(name, synopsis string, args []string, stderr io.Writer, getenv func(string) string, extra func(*flag.FlagSet)) (*config.Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := config.Register(fs, getenv)
	if err != nil {
		return nil, nil, err
	}
	if extra != nil {
		extra(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, nil, err
			}
			return nil, nil, errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return cfg, pos, nil
}

// openWith parses a subcommand's flags, refuses positional arguments beyond
// wantPos, and opens the application; the caller closes it.
func openWith(ctx context.Context, name, synopsis string, args []string, stderr io.Writer, getenv func(string) string,
	extra func(*flag.FlagSet), wantPos int) (*App, []string, error) {
	cfg, pos, err := flags(name, synopsis, args, stderr, getenv, extra)
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != wantPos {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", synopsis)
		return nil, nil, errUsage
	}
	a, err := Open(ctx, cfg, NewLogger(stderr, cfg.LogFormat))
	if err != nil {
		return nil, nil, err
	}
	return a, pos, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var withDemo bool
	cfg, pos, err := flags("serve", "serve [flags]", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&withDemo, "demo", false, "load demo data into an empty database")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "danchu serve: thừa tham số %q / unexpected argument\n", pos[0])
		return errUsage
	}
	log := NewLogger(stderr, cfg.LogFormat)
	if withDemo && cfg.VaultKey == "" {
		// The demo's casework needs a vault: a key file in the data folder,
		// made once (a real deployment keeps it elsewhere, see OPERATIONS).
		cfg.VaultKey = filepath.Join(cfg.DataDir, "vault.key")
		if _, err := os.Stat(cfg.VaultKey); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
				return err
			}
			if _, err := vault.AppendKey(cfg.VaultKey); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Khóa kho bí mật mẫu / demo vault key: %s\n", cfg.VaultKey)
		}
	}
	a, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return err
	}
	if withDemo {
		if err := seedDemo(ctx, a, stdout, a.URL()); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "danchu %s — CSDL / database: %s\nMở / open %s (Ctrl+C để dừng / to stop)\n", versionString(), a.DB.Target, a.URL())
	if addr := getenv("DANCHU_PPROF"); addr != "" {
		// Profiling for operators, on a separate (local) address only: a job,
		// so that it stops with the server.
		a.Jobs = append(a.Jobs, Job{Name: "pprof", Run: func(ctx context.Context) error {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			stop := context.AfterFunc(ctx, func() { srv.Close() })
			defer stop()
			log.Warn("pprof listening", "addr", addr)
			if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		}})
	}
	return a.Serve(ctx)
}

func seedDemo(ctx context.Context, a *App, stdout io.Writer, base string) error {
	start := time.Now()
	sum, err := demo.Seed(ctx, demo.Services{DB: a.DB, Units: a.Units, Auth: a.Auth, Disclose: a.Disclose, Consult: a.Consult,
		Decide: a.Decide, Feedback: a.Feedback, Steer: a.Steer, Plans: a.Plans, Cases: a.Cases, Receive: a.Receive, Oversee: a.Oversee, Surveys: a.Surveys})
	if err != nil {
		return err
	}
	if !sum.Loaded {
		fmt.Fprintln(stdout, "Dữ liệu mẫu: CSDL đã có dữ liệu, không nạp thêm / demo data: database not empty, nothing loaded")
		return nil
	}
	fmt.Fprintf(stdout, "Dữ liệu mẫu / demo data (%.1f s): %d đơn vị / units, %d tài khoản cán bộ / official accounts, %d công dân / citizens\n",
		time.Since(start).Seconds(), sum.Units, len(demo.Accounts), len(sum.Citizens))
	for _, c := range sum.Communes {
		fmt.Fprintf(stdout, "  %s: %d thôn, %d hộ đang hoạt động (%d hộ trong sổ) / %d villages, %d active households (%d registered)\n",
			c.Name, c.Villages, c.Active, c.Households, c.Villages, c.Active, c.Households)
	}
	fmt.Fprintf(stdout, "  60 ngày hoạt động / 60 days of activity: %d nội dung công khai / disclosures, %d cuộc lấy ý kiến / consultations, "+
		"%d việc Nhân dân quyết định / matters, %d phản ánh, kiến nghị / feedback items\n", sum.Disclosures, sum.Consultations, sum.Matters, sum.Feedback)
	x := base + "/xa/" + demo.CommuneCode
	fmt.Fprintf(stdout, "Xem / where to look:\n")
	for _, l := range [][2]string{
		{"Thành phố Huế, bảng các xã / the province", base + "/tinh/46"},
		{"Xã Đan Điền", x},
		{"  Công khai (có sửa đổi, công khai muộn, đã rút) / disclosures", x + "/cong-khai"},
		{"  Lưu trữ / archive", x + "/cong-khai/luu-tru"},
		{"  Lấy ý kiến / consultations", x + "/lay-y-kien"},
		{"    đang lấy ý kiến / open", fmt.Sprintf("%s/lay-y-kien/%d", base, sum.OpenConsultation)},
		{"    đã công bố tổng hợp / synthesis published", fmt.Sprintf("%s/lay-y-kien/%d", base, sum.ClosedConsultation)},
		{"  Nhân dân quyết định (mọi trạng thái) / decisions, every state", x + "/quyet-dinh"},
		{"  Phản ánh, kiến nghị / feedback", x + "/phan-anh"},
		{"  Thống kê phản ánh / feedback statistics", x + "/phan-anh/thong-ke"},
		{"Xã Quảng Điền", base + "/xa/" + demo.SecondCode},
		{"Minh bạch (sổ công khai) / public record", base + "/minh-bach"},
		{"Cán bộ / back office", base + "/quan-tri"},
	} {
		fmt.Fprintf(stdout, "  %-62s %s\n", l[0], l[1])
	}
	fmt.Fprintf(stdout, "Cán bộ đăng nhập / officials sign in at %s/dang-nhap — mật khẩu chung / shared password: %q\n", base, demo.Password)
	for _, acc := range demo.Accounts {
		fmt.Fprintf(stdout, "    %-24s %s — %s\n", acc.Email, acc.Role.Label(), acc.Use)
	}
	if a.Auth.Policy().Require2FA {
		fmt.Fprintln(stdout, "  Vai trò công bố, quyết định phải bật xác thực hai lớp khi đăng nhập lần đầu (cần ứng dụng xác thực);")
		fmt.Fprintln(stdout, "  roles that publish or decide must set up a second factor at first sign-in (an authenticator app); xem@danchu.demo needs none.")
	}
	if len(sum.Citizens) > 0 {
		fmt.Fprintf(stdout, "Công dân / citizens: %s … %s (đại diện hộ, bỏ phiếu trực tuyến / household representatives who vote online)\n",
			sum.Citizens[0], sum.Citizens[len(sum.Citizens)-1])
		fmt.Fprintf(stdout, "  đăng nhập bằng mã tại / sign in with a code at %s/cong-dan/dang-nhap; mã ghi trong nhật ký máy chủ / the code is in the server log\n", base)
	}
	return nil
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	a, _, err := openWith(ctx, "migrate", "migrate [--db DSN]", args, stderr, getenv, nil, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "Lược đồ đã cập nhật / schema up to date: %s\n", a.DB.Target)
	return nil
}

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var withDemo bool
	cfg, _, err := flags("seed", "seed --demo [--db DSN]", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&withDemo, "demo", false, "load demo data into an empty database")
	})
	if err != nil {
		return err
	}
	if !withDemo {
		fmt.Fprintln(stderr, "danchu seed: cần --demo / needs --demo")
		return errUsage
	}
	a, err := Open(ctx, cfg, NewLogger(stderr, cfg.LogFormat))
	if err != nil {
		return err
	}
	defer a.Close()
	return seedDemo(ctx, a, stdout, "")
}

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var in auth.NewOfficial
	var role string
	a, pos, err := openWith(ctx, "user", `user add --unit CODE --role ROLE --email E --name "HỌ TÊN" [--phone P]`, args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&in.UnitCode, "unit", "", "official code of the unit the role is bound to (none for sysadmin: the whole country)")
		fs.StringVar(&role, "role", "", "role: sysadmin, province_admin, commune_official, village_head, front_officer, supervisor, agency_head, enterprise_rep, viewer")
		fs.StringVar(&in.Email, "email", "", "e-mail of the official")
		fs.StringVar(&in.FullName, "name", "", "full name of the official")
		fs.StringVar(&in.Phone, "phone", "", "mobile number (optional)")
	}, 1)
	if err != nil {
		return err
	}
	defer a.Close()
	if pos[0] != "add" {
		fmt.Fprintln(stderr, `Cách dùng / usage: danchu user add --unit CODE --role ROLE --email E --name "HỌ TÊN"`)
		return errUsage
	}
	in.Role = auth.Role(role)
	if in.FullName == "" {
		in.FullName = in.Email
	}
	res, err := a.Auth.CreateOfficial(ctx, nil, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã giao vai trò / role granted: %s (%s) → %s\n", res.Grant.Role, res.Grant.Role.Label(), res.Account.Email)
	switch {
	case res.ActivationLink != "": // the first link of an account this command created
		fmt.Fprintf(stdout, "Đường liên kết kích hoạt, dùng một lần, hết hạn sau %d giờ / one-time activation link, expires in %d hours:\n%s\n",
			int(a.Auth.Policy().ActivationTTL.Hours()), int(a.Auth.Policy().ActivationTTL.Hours()), res.ActivationLink)
	case res.Mailed:
		fmt.Fprintln(stdout, "Tài khoản chưa kích hoạt: đường liên kết kích hoạt mới đã được xếp gửi tới hộp thư của người dùng / not activated yet: a new activation link was queued to the user's mailbox")
	default:
		fmt.Fprintln(stdout, "Tài khoản đã kích hoạt từ trước / the account was already active")
	}
	return nil
}

// runOpenAPI prints the JSON API's OpenAPI document (what /api/openapi.json
// serves), built by a server on a throwaway SQLite database: the document
// depends on the code only, never on the data.
func runOpenAPI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "Cách dùng / usage: danchu openapi")
		return errUsage
	}
	dir, err := os.MkdirTemp("", "danchu-openapi-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := config.Default()
	cfg.DataDir, cfg.DB = dir, "sqlite:"+filepath.Join(dir, "danchu.db")
	a, err := Open(ctx, cfg, NewLogger(io.Discard, "text"))
	if err != nil {
		return err
	}
	defer a.Close()
	doc, err := a.OpenAPI()
	if err != nil {
		return err
	}
	_, err = stdout.Write(doc)
	return err
}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var hash bool
	a, _, err := openWith(ctx, "verify", "verify [--db DSN] [--data-dir D] [--hash-files]", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&hash, "hash-files", false, "also read every referenced file through and check its SHA-256 (slow on many files); without it, each file's presence and size")
	}, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	n, head, chainErr := a.Audit.Verify(ctx)
	var pe audit.Problems
	if chainErr != nil && !errors.As(chainErr, &pe) {
		return chainErr
	}
	if chainErr == nil {
		fmt.Fprintf(stdout, "Sổ công khai đúng / public record OK: %d mục / entries, mã băm đầu chuỗi / head hash %s\n", n, head)
	}
	// The files the rows reference, whatever the chain says: both are reported.
	fr, err := a.CheckFiles(ctx, hash)
	if err != nil {
		return err
	}
	for i, p := range fr.Problems {
		if i == 50 {
			fmt.Fprintf(stderr, "… và %d tệp khác / and %d more\n", len(fr.Problems)-50, len(fr.Problems)-50)
			break
		}
		where := p.Path
		if rel, err := filepath.Rel(a.Config.DataDir, p.Path); err == nil && p.Path != "" {
			where = rel
		}
		fmt.Fprintf(stderr, "danchu verify: TỆP SAI / BAD FILE — %s %s: %s\n", p.SHA256, where, fileWhy(p.Why))
	}
	fmt.Fprintf(stdout, "danchu verify: tệp: %d thiếu, %d không được dùng / files: %d missing, %d unreferenced\n",
		len(fr.Problems), fr.Unreferenced, len(fr.Problems), fr.Unreferenced)
	if chainErr != nil {
		return chainErr
	}
	if len(fr.Problems) > 0 {
		return errFilesMissing
	}
	return nil
}

// fileWhy is a files.Problem's reason in both languages.
func fileWhy(why string) string {
	switch {
	case why == "missing":
		return "không có trên đĩa / missing"
	case strings.HasPrefix(why, "size "):
		return "sai kích thước / wrong " + why
	case strings.HasPrefix(why, "content"):
		return "nội dung không khớp mã băm / " + why
	}
	return why
}

// errFilesMissing: `danchu verify` found referenced files missing or damaged
// (listed already); its exit status is 1.
var errFilesMissing = errors.New("referenced files missing")

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, pos, err := flags("import", "import units FILE.csv | import households VILLAGE_CODE FILE.csv [--db DSN]", args, stderr, getenv, nil)
	if err != nil {
		return err
	}
	kind := ""
	if len(pos) > 0 {
		kind = pos[0]
	}
	switch {
	case kind == "units" && len(pos) == 2, kind == "households" && len(pos) == 3:
	default:
		fmt.Fprintln(stderr, "Cách dùng / usage: danchu import units FILE.csv | danchu import households VILLAGE_CODE FILE.csv")
		return errUsage
	}
	f, err := os.Open(pos[len(pos)-1])
	if err != nil {
		return &apperr.ConfigError{VI: fmt.Sprintf("không mở được tệp %s (%v)", pos[len(pos)-1], err), EN: fmt.Sprintf("cannot open file %s", pos[len(pos)-1])}
	}
	defer f.Close()
	a, err := Open(ctx, cfg, NewLogger(stderr, cfg.LogFormat))
	if err != nil {
		return err
	}
	defer a.Close()
	if kind == "households" {
		res, err := a.Units.ImportHouseholds(ctx, pos[1], f)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã nhập / imported %d hộ gia đình / households vào / into %s\n", res.Written, pos[1])
		return nil
	}
	bar := newProgress(stderr)
	res, err := a.Units.ImportUnits(ctx, f, bar.update)
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã nhập / imported %d đơn vị / units:\n", res.Written)
	for _, t := range org.Types {
		if n := res.ByType[t]; n > 0 {
			fmt.Fprintf(stdout, "  %-16s %6d\n", t.Label(), n)
		}
	}
	fmt.Fprintf(stdout, "  tỉnh, thành phố / provinces: %d; xã, phường, đặc khu / communes: %d\n",
		res.ByType[org.Province]+res.ByType[org.City], res.ByType[org.Commune]+res.ByType[org.Ward]+res.ByType[org.SpecialZone])
	return nil
}

// progress draws a bar on a terminal and nothing elsewhere.
type progress struct {
	w    io.Writer
	on   bool
	last int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	on := false
	if ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progress{w: w, on: on}
}

func (p *progress) update(done, total int) {
	if !p.on || total == 0 {
		return
	}
	pct := done * 100 / total
	if pct == p.last && done != total {
		return
	}
	p.last = pct
	const width = 30
	fill := pct * width / 100
	fmt.Fprintf(p.w, "\rĐang ghi / writing [%s%s] %3d%% %d/%d", strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct, done, total)
}

func (p *progress) done() {
	if p.on && p.last > 0 {
		fmt.Fprintln(p.w)
	}
}

// runVaultKey adds a new current key to the vault's key file (made, mode 600,
// when missing): a first key, or the first step of a rotation.
func runVaultKey(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "Cách dùng / usage: danchu vault-key FILE")
		return errUsage
	}
	id, err := vault.AppendKey(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã thêm khóa số %d (khóa hiện hành) vào %s / key %d added as the current key\n", id, args[0], id)
	return nil
}

// runVaultRotate seals everything the vault holds again under its current
// key (the last line of --vault-key): the cases' sealed values, original
// files and lodgers' tags, and the outbox's sealed notes. Then the older
// lines may leave the key file (docs/OPERATIONS.md).
func runVaultRotate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	a, _, err := openWith(ctx, "vault-rotate", "vault-rotate --vault-key FILE [--db DSN] [--data-dir D]", args, stderr, getenv, nil, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	if !a.Cases.Enabled() {
		return &badInput{msg: "vault-rotate: thiếu --vault-key / --vault-key is required"}
	}
	n, err := a.Cases.Reseal(ctx)
	if err != nil {
		return err
	}
	notes, err := a.Outbox.Reseal(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã mã hóa lại / sealed again: %d giá trị / values, %d tệp / files, %d thẻ người gửi / lodger tags, %d thông báo / outbox notes\n",
		n.Values, n.Files, n.Tags, notes)
	return nil
}
