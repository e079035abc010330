// Package demo fills an empty database with demonstration data: the official list
// of units (with the real Thành phố Huế and its 40 communes), three villages of one
// commune with synthetic households, and demo officials (Load, LoadAccounts, for
// tests); and, for `danchu serve --demo` and `danchu seed --demo`, a commune that
// lives (Seed, story.go): two months of disclosures, consultations, community
// decisions and feedback written through the services. No real person's data is used.
package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"danchu/internal/auth"
	"danchu/internal/org"
)

// CommuneCode is the commune of Thành phố Huế that gets villages and households.
const CommuneCode = "19885" // Xã Đan Điền

// Village is a demo village with its number of households.
type Village struct {
	Code, Name string
	Households int
}

// Villages are the demo villages of CommuneCode, with their household counts.
var Villages = []Village{
	{CommuneCode + "-01", "Thôn Đông Phước", 97},
	{CommuneCode + "-02", "Thôn Tây Hòa", 103},
	{CommuneCode + "-03", "Thôn Nam Thanh", 100},
}

// Summary says what Load wrote.
type Summary struct {
	Loaded     bool // false when the database already had units
	Units      int
	Households int // in the registers, active or not
	Active     int // active households: what the commune pages count
}

// Load writes the demo data if the database has no units yet.
func Load(ctx context.Context, units *org.Service) (Summary, error) {
	counts, err := units.CountByType(ctx)
	if err != nil {
		return Summary{}, err
	}
	if len(counts) > 0 {
		return Summary{}, nil
	}
	res, err := units.ImportUnits(ctx, bytes.NewReader(org.OfficialList), nil)
	if err != nil {
		return Summary{}, fmt.Errorf("demo units: %w", err)
	}
	sum := Summary{Loaded: true, Units: res.Written}
	commune, err := units.UnitByCode(ctx, CommuneCode)
	if err != nil {
		return Summary{}, fmt.Errorf("demo commune: %w", err)
	}
	if err := loadVillages(ctx, units, commune, Villages, rand.New(rand.NewPCG(2025, 7)), &sum); err != nil {
		return Summary{}, err
	}
	if err := loadBodies(ctx, units, &sum); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// Body is a demo body attached to a unit: a Party body, an agency, the Front
// or a section, with its official short name (the issuer in document symbols).
type Body struct {
	Code, Name, ShortName string
	Type                  org.Type
	Parent                string // the parent's code
}

// ProvinceCode is the demo province (Thành phố Huế, a centrally-run city).
const ProvinceCode = "46"

// Bodies are the bodies the seed documents assign tasks to, for the province
// and the demo commune, parents first.
var Bodies = []Body{
	{ProvinceCode + "-TU", "Thành ủy Huế", "TU", org.PartyBody, ProvinceCode},
	{ProvinceCode + "-BDVTU", "Ban Dân vận Thành ủy", "BDVTU", org.PartyBody, ProvinceCode + "-TU"},
	{ProvinceCode + "-BCS", "Ban Cán sự Đảng Ủy ban nhân dân thành phố", "BCS", org.PartyBody, ProvinceCode + "-TU"},
	{ProvinceCode + "-SNV", "Sở Nội vụ", "SNV", org.Agency, ProvinceCode},
	{ProvinceCode + "-VP", "Văn phòng Ủy ban nhân dân thành phố", "VP", org.Agency, ProvinceCode},
	{ProvinceCode + "-VP-HCTC", "Phòng Hành chính – Tổ chức", "HCTC", org.Section, ProvinceCode + "-VP"},
	{ProvinceCode + "-VP-TH", "Phòng Tổng hợp", "TH", org.Section, ProvinceCode + "-VP"},
	{ProvinceCode + "-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Huế", "MTTQ", org.MassOrg, ProvinceCode},
	{CommuneCode + "-DU", "Đảng ủy xã Đan Điền", "ĐU", org.PartyBody, CommuneCode},
	{CommuneCode + "-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam xã Đan Điền", "MTTQ", org.MassOrg, CommuneCode},
}

// loadBodies gives the province and the demo commune their short name (their
// people's committee issues as "UBND") and creates their bodies.
func loadBodies(ctx context.Context, units *org.Service, sum *Summary) error {
	for _, code := range []string{ProvinceCode, CommuneCode} {
		u, err := units.UnitByCode(ctx, code)
		if err != nil {
			return fmt.Errorf("demo unit %s: %w", code, err)
		}
		if _, err := units.SetUnit(ctx, u.ID, u.Name, "UBND"); err != nil {
			return fmt.Errorf("demo short name of %s: %w", code, err)
		}
	}
	for _, b := range Bodies {
		parent, err := units.UnitByCode(ctx, b.Parent)
		if err != nil {
			return fmt.Errorf("demo body %s: %w", b.Code, err)
		}
		if _, err := units.CreateUnit(ctx, org.Unit{Code: b.Code, Name: b.Name, ShortName: b.ShortName, Type: b.Type, ValidFrom: org.OfficialListDate}, parent.ID); err != nil {
			return fmt.Errorf("demo body %s: %w", b.Code, err)
		}
		sum.Units++
	}
	return nil
}

// loadVillages creates the villages of a commune with synthetic households.
func loadVillages(ctx context.Context, units *org.Service, commune org.Unit, villages []Village, rng *rand.Rand, sum *Summary) error {
	for _, v := range villages {
		village, err := units.CreateUnit(ctx, org.Unit{Code: v.Code, Name: v.Name, Type: org.Village, ValidFrom: org.OfficialListDate}, commune.ID)
		if err != nil {
			return fmt.Errorf("demo village: %w", err)
		}
		hs := make([]org.Household, v.Households)
		for i := range hs {
			head := personName(rng)
			rep := head
			if rng.IntN(5) == 0 {
				rep = personName(rng) // another adult represents the household
			}
			hs[i] = org.Household{
				Code:               fmt.Sprintf("%s-H%03d", v.Code, i+1),
				HeadName:           head,
				Address:            fmt.Sprintf("Số %d, %s, %s, Thành phố Huế", i+1, v.Name, commune.Name),
				Members:            1 + rng.IntN(7),
				RepresentativeName: rep,
				Active:             rng.IntN(40) != 0,
			}
			if hs[i].Active {
				sum.Active++
			}
		}
		if err := units.AddHouseholds(ctx, village.ID, hs); err != nil {
			return fmt.Errorf("demo households: %w", err)
		}
		sum.Units++
		sum.Households += len(hs)
	}
	return nil
}

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Tôn Nữ"}
	middleNames = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu"}
	givenNames  = []string{"An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh",
		"Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thủy", "Trang", "Trung", "Tuấn", "Vân", "Yến"}
)

func personName(rng *rand.Rand) string {
	return familyNames[rng.IntN(len(familyNames))] + " " + middleNames[rng.IntN(len(middleNames))] + " " + givenNames[rng.IntN(len(givenNames))]
}

// Password is the password of every demo account (printed on start; demo only).
const Password = "dân chủ cơ sở 2026"

// Account is a demo official.
type Account struct {
	Email string
	Role  auth.Role
	Unit  string // unit code, "" for the whole country
	Name  string
	Use   string // what to look at with it (printed on start)
}

// Accounts are the demo officials: one per kind of work in Xã Đan Điền, a
// commune official of Xã Quảng Điền, and a system administrator.
var Accounts = []Account{
	{"quantri@danchu.demo", auth.SysAdmin, "", "Quản trị hệ thống (mẫu)", "lịch ngày nghỉ / days off: /quan-tri/lich"},
	{"tinh@danchu.demo", auth.ProvinceAdmin, "46", "Nguyễn Văn Tỉnh (mẫu)", "các xã của tỉnh, lĩnh vực phản ánh / the province's communes, feedback categories"},
	{"xa@danchu.demo", auth.CommuneOfficial, CommuneCode, "Lê Thị Xã (mẫu)", "Đan Điền: công khai, lấy ý kiến, công nhận, phản ánh / publish, consult, recognise, handle feedback"},
	{"truongthon@danchu.demo", auth.VillageHead, CommuneCode + "-01", "Trần Văn Thôn (mẫu)", "thôn Đông Phước: trang của thôn /quan-tri/don-vi/" + CommuneCode + "-01/trang-thon, biểu quyết, hộ gia đình / the village page, votes and households"},
	{"mattran@danchu.demo", auth.FrontOfficer, CommuneCode, "Phạm Thị Mặt Trận (mẫu)", "giám sát / supervision"},
	{"thanhtra@danchu.demo", auth.Supervisor, CommuneCode, "Hoàng Văn Thanh Tra (mẫu)", "giám sát / supervision"},
	{"xem@danchu.demo", auth.Viewer, CommuneCode, "Đỗ Thị Xem (mẫu)", "chỉ xem, không cần xác thực hai lớp / read only, no second factor"},
	{"quangdien@danchu.demo", auth.CommuneOfficial, SecondCode, "Võ Thị Quảng Điền (mẫu)", "xã thứ hai / the second commune"},
}

// LoadAccounts creates and activates the demo officials.
func LoadAccounts(ctx context.Context, svc *auth.Service) error {
	_, err := loadAccounts(ctx, svc)
	return err
}

// loadAccounts creates and activates the demo officials and returns each one
// as the actor its session would carry, by e-mail.
func loadAccounts(ctx context.Context, svc *auth.Service) (map[string]*auth.Actor, error) {
	actors := make(map[string]*auth.Actor, len(Accounts))
	for _, a := range Accounts {
		res, err := svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: a.Name, Email: a.Email, Role: a.Role, UnitCode: a.Unit})
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.Email, err)
		}
		token := res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:]
		if err := svc.Activate(ctx, token, Password); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.Email, err)
		}
		actors[a.Email] = &auth.Actor{AccountID: res.Account.ID, Name: a.Name, Kind: auth.Official, Grants: []auth.Grant{res.Grant}, Email: a.Email}
	}
	return actors, nil
}
