// Package demo fills an empty database with demonstration data: the official list
// of units (with the real Thành phố Huế and its 40 communes), three villages of one
// commune with synthetic households. No real person's data is used.
package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"

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
	Households int
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
		sum.Households += len(hs)
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
