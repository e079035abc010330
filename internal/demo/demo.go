// Package demo fills an empty database with demonstration data: the official list
// of units (with the real Thành phố Huế and its 40 communes), three villages of one
// commune with synthetic households, and demo officials. No real person's data is used.
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

// Villages are the demo villages of CommuneCode, with their household counts.
var Villages = []struct {
	Code, Name string
	Households int
}{
	{CommuneCode + "-01", "Thôn Đông Phước", 97},
	{CommuneCode + "-02", "Thôn Tây Hòa", 103},
	{CommuneCode + "-03", "Thôn Nam Thanh", 100},
}

// Summary says what Load wrote.
type Summary struct {
	Loaded     bool // false when the database already had units
	Units      int
	Households int // resident (active) households, as every page counts them
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
	rng := rand.New(rand.NewPCG(2025, 7))
	for _, v := range Villages {
		village, err := units.CreateUnit(ctx, org.Unit{Code: v.Code, Name: v.Name, Type: org.Village, ValidFrom: org.OfficialListDate}, commune.ID)
		if err != nil {
			return Summary{}, fmt.Errorf("demo village: %w", err)
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
		}
		if err := units.AddHouseholds(ctx, village.ID, hs); err != nil {
			return Summary{}, fmt.Errorf("demo households: %w", err)
		}
		sum.Units++
		for _, h := range hs {
			if h.Active { // resident households: the number the pages show and votes count
				sum.Households++
			}
		}
	}
	return sum, nil
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
}

// Accounts are the demo officials: one per kind of work in Xã Đan Điền, and a
// system administrator.
var Accounts = []Account{
	{"quantri@danchu.demo", auth.SysAdmin, "", "Quản trị hệ thống (mẫu)"},
	{"tinh@danchu.demo", auth.ProvinceAdmin, "46", "Nguyễn Văn Tỉnh (mẫu)"},
	{"xa@danchu.demo", auth.CommuneOfficial, CommuneCode, "Lê Thị Xã (mẫu)"},
	{"truongthon@danchu.demo", auth.VillageHead, CommuneCode + "-01", "Trần Văn Thôn (mẫu)"},
	{"mattran@danchu.demo", auth.FrontOfficer, CommuneCode, "Phạm Thị Mặt Trận (mẫu)"},
	{"thanhtra@danchu.demo", auth.Supervisor, CommuneCode, "Hoàng Văn Thanh Tra (mẫu)"},
	{"xem@danchu.demo", auth.Viewer, CommuneCode, "Đỗ Thị Xem (mẫu)"},
}

// LoadAccounts creates and activates the demo officials.
func LoadAccounts(ctx context.Context, svc *auth.Service) error {
	for _, a := range Accounts {
		res, err := svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: a.Name, Email: a.Email, Role: a.Role, UnitCode: a.Unit})
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.Email, err)
		}
		token := res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:]
		if err := svc.Activate(ctx, token, Password); err != nil {
			return fmt.Errorf("demo account %s: %w", a.Email, err)
		}
	}
	return nil
}
