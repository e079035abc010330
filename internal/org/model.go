package org

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
)

// Type is the kind of a unit, spelled as in the official list's type column.
type Type string

// Unit types. Provinces and communes follow QĐ 19/2025/QĐ-TTg; villages and
// residential groups sit under a commune (LDC 10/2022 Art 2); agencies and
// enterprises attach to a territorial unit (LDC chapters III–IV).
const (
	Province         Type = "tinh"
	City             Type = "thanh-pho"
	Commune          Type = "xa"
	Ward             Type = "phuong"
	SpecialZone      Type = "dac-khu"
	Village          Type = "thon"
	ResidentialGroup Type = "to-dan-pho"
	Agency           Type = "co-quan"
	Enterprise       Type = "doanh-nghiep"
	// PartyBody is any body of the Party that issues or carries out documents:
	// a committee (Tỉnh ủy, Đảng ủy xã, Đảng ủy khối), a Ban Cán sự Đảng, an
	// advisory board (Ban Dân vận, Ban Tuyên giáo). One type, no sub-kind: the
	// kinds differ by name and short name only, while what follows from the type
	// is the same for all of them — the Party layout of their documents (Hướng
	// dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM", numbers "Số 09-CT/TU") and where
	// they may sit (a province or commune, or under another Party body: the Ban
	// Dân vận under the Tỉnh ủy that set it up).
	PartyBody Type = "to-chuc-dang"
	// MassOrg is the Fatherland Front or a mass organisation (Hội Nông dân, Hội
	// Phụ nữ, Đoàn Thanh niên, Hội Cựu chiến binh, Công đoàn) of a province or
	// commune (LDC 10/2022 Art 5(5), Luật MTTQ 2015 Art 1).
	MassOrg Type = "mat-tran"
	// Section is a phòng, ban or trung tâm inside an agency, a Party body or a
	// mass organisation (the Phòng Hành chính – Tổ chức of a Văn phòng UBND).
	// Departments (Sở) and offices (Văn phòng UBND) are Agency: they are state
	// administrative agencies (LDC 10/2022 chapter III), as a school is, and the
	// agency-head role already binds to that type.
	Section Type = "phong-ban"
)

// Level is a type's place in the territorial hierarchy.
type Level int

// Territorial levels; agencies and enterprises are Attached.
const (
	Attached      Level = 0
	ProvinceLevel Level = 1
	CommuneLevel  Level = 2
	VillageLevel  Level = 3
)

var typeInfo = map[Type]struct {
	level Level
	label string
}{
	Province:         {ProvinceLevel, "Tỉnh"},
	City:             {ProvinceLevel, "Thành phố"},
	Commune:          {CommuneLevel, "Xã"},
	Ward:             {CommuneLevel, "Phường"},
	SpecialZone:      {CommuneLevel, "Đặc khu"},
	Village:          {VillageLevel, "Thôn"},
	ResidentialGroup: {VillageLevel, "Tổ dân phố"},
	Agency:           {Attached, "Cơ quan, đơn vị"},
	Enterprise:       {Attached, "Doanh nghiệp"},
	PartyBody:        {Attached, "Tổ chức Đảng"},
	MassOrg:          {Attached, "Mặt trận, đoàn thể"},
	Section:          {Attached, "Phòng, ban"},
}

// Types lists every type, territorial levels first (the order of reports).
var Types = []Type{Province, City, Commune, Ward, SpecialZone, Village, ResidentialGroup, Agency, Enterprise, PartyBody, MassOrg, Section}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { _, ok := typeInfo[t]; return ok }

// Level returns the territorial level of t.
func (t Type) Level() Level { return typeInfo[t].level }

// Label returns the Vietnamese name of t.
func (t Type) Label() string { return typeInfo[t].label }

// ProvinceTypes, CommuneTypes and VillageTypes list the types of each level.
var (
	ProvinceTypes = []Type{Province, City}
	CommuneTypes  = []Type{Commune, Ward, SpecialZone}
	VillageTypes  = []Type{Village, ResidentialGroup}
)

// AllowedParent reports whether a unit of type child may sit under one of type
// parent ("" for none): provinces are roots, communes under a province, villages
// under a commune (two-tier local government from 01/07/2025: no district level),
// agencies under a territorial unit or an agency (a centre of a Sở), enterprises
// under a territorial unit, Party bodies under a province or commune (or another
// Party body), the Front and mass organisations under a province or commune, and
// sections under an agency, a Party body or a mass organisation.
func AllowedParent(child, parent Type) bool {
	switch child.Level() {
	case ProvinceLevel:
		return parent == ""
	case CommuneLevel:
		return parent.Level() == ProvinceLevel
	case VillageLevel:
		return parent.Level() == CommuneLevel
	}
	switch child {
	case Agency:
		return parent == Agency || territorialAbove(parent)
	case Enterprise:
		return parent != "" && parent.Level() != Attached
	case PartyBody:
		return parent == PartyBody || territorialAbove(parent)
	case MassOrg:
		return territorialAbove(parent)
	case Section:
		return parent == Agency || parent == PartyBody || parent == MassOrg
	}
	return false
}

// territorialAbove reports whether bodies may attach to a unit of type t: a
// province or a commune (a village has no bodies of its own but its front work
// group, which is the commune's).
func territorialAbove(t Type) bool {
	return t.Valid() && (t.Level() == ProvinceLevel || t.Level() == CommuneLevel)
}

// MaxShortName is the length limit of a short name, in letters.
const MaxShortName = 12

// ValidShortName reports whether s may be a unit's short name (tên viết tắt,
// the part of a document's symbol that names its issuer: UBND, TU, BDVTU, SNV,
// HĐND, VP, HCTC; Nghị định 30/2020/NĐ-CP Phụ lục I §II.4, Hướng dẫn
// 36-HD/VPTW §3): 1–12 of the capital letters A–Z and Đ, digits and "&".
func ValidShortName(s string) bool {
	n := 0
	for _, r := range s {
		n++
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == 'Đ' || r == '&') {
			return false
		}
	}
	return n >= 1 && n <= MaxShortName
}

// DateLayout is the stored form of civil dates (valid_from, valid_to).
const DateLayout = "2006-01-02"

// OfficialListDate is when the units of QĐ 19/2025/QĐ-TTg came into force.
const OfficialListDate = "2025-07-01"

// Unit is a province, commune, village, agency or enterprise as it was between
// ValidFrom (inclusive) and ValidTo (exclusive, empty while in force).
type Unit struct {
	ID        int64
	Code      string
	Name      string
	Type      Type
	ShortName string // official short name in document symbols (UBND, TU, SNV); "" if none, unique among siblings
	ParentID  int64
	Path      string // "/id/…/id/" from the root down to this unit
	Depth     int
	ValidFrom string
	ValidTo   string
}

// Current reports whether the unit is in force.
func (u Unit) Current() bool { return u.ValidTo == "" }

// Territory reports whether u is a province or commune in force: a unit the
// public pages and the open data are addressed by (/tinh/{code}, /xa/{code}).
func (u Unit) Territory() bool {
	l := u.Type.Level()
	return u.Current() && (l == ProvinceLevel || l == CommuneLevel)
}

// PlaceName is the unit's name without its kind, as an official document's
// date line writes it ("Thành phố Huế" → "Huế", "Xã Đan Điền" → "Đan Điền").
func (u Unit) PlaceName() string {
	for _, p := range []string{"Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu "} {
		if rest, ok := strings.CutPrefix(u.Name, p); ok && rest != "" {
			return rest
		}
	}
	return u.Name
}

// OfficeKey is how back-office URLs name the unit: its official code while it
// is in force (19885, 46, 19885-01), its internal ID when it has no code or has
// closed (its code may have passed to a successor).
func (u Unit) OfficeKey() string {
	if u.Code != "" && u.Current() {
		return u.Code
	}
	return strconv.FormatInt(u.ID, 10)
}

// OfficeURL is the one way to build a back-office URL of a unit:
// /quan-tri/don-vi/{OfficeKey} followed by the parts, each after a slash
// (u.OfficeURL("phan-anh") → /quan-tri/don-vi/19885/phan-anh). Templates call
// it too: {{.Unit.OfficeURL "open311" .ID "thu-hoi"}}.
func (u Unit) OfficeURL(parts ...any) string {
	var b strings.Builder
	b.WriteString("/quan-tri/don-vi/")
	b.WriteString(url.PathEscape(u.OfficeKey()))
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(fmt.Sprint(p))
	}
	return b.String()
}

// Validate checks the unit's own fields (parent rules need the parent: AllowedParent).
func (u Unit) Validate() error {
	f := map[string]apperr.Msg{}
	if strings.TrimSpace(u.Name) == "" {
		f["name"] = apperr.M("org.err.f.unit_name_required")
	} else if utf8.RuneCountInString(u.Name) > 200 {
		f["name"] = apperr.M("org.err.f.unit_name_long")
	}
	if !u.Type.Valid() {
		f["type"] = apperr.M("org.err.f.unit_type", u.Type)
	} else if u.Type.Level() != Attached && u.Code == "" {
		f["code"] = apperr.M("org.err.f.unit_code_required")
	}
	// "." and ".." would not be one segment of the unit's addresses (OfficeURL): found by FuzzImportUnits.
	if len(u.Code) > 32 || strings.ContainsAny(u.Code, " \t\r\n/") || u.Code == "." || u.Code == ".." {
		f["code"] = apperr.M("org.err.f.unit_code_format")
	}
	if _, err := time.Parse(DateLayout, u.ValidFrom); err != nil {
		f["valid_from"] = apperr.M("org.err.f.valid_from")
	}
	if u.ShortName != "" && !ValidShortName(u.ShortName) {
		f["short_name"] = apperr.M("org.err.f.short_name", MaxShortName)
	}
	if len(f) > 0 {
		return apperr.New(apperr.CodeInvalid, "org.err.unit_invalid").WithFields(f)
	}
	return nil
}

// Household is one household of a village's register. Its representative votes
// for it: one ballot per household (LDC Art 18(2), Art 19(3)).
type Household struct {
	ID                 int64
	VillageID          int64
	Code               string
	HeadName           string
	Address            string
	Members            int
	RepresentativeName string
	Active             bool
	// RepresentativeAccountID is the citizen account bound as the household's
	// representative (0: none yet).
	RepresentativeAccountID int64
}

// Validate checks a household's fields.
func (h Household) Validate() error {
	f := map[string]apperr.Msg{}
	if h.Code == "" || len(h.Code) > 32 || strings.ContainsAny(h.Code, " \t\r\n/") {
		f["code"] = apperr.M("org.err.f.household_code")
	}
	if strings.TrimSpace(h.HeadName) == "" {
		f["head_name"] = apperr.M("org.err.f.head_name")
	}
	if strings.TrimSpace(h.Address) == "" {
		f["address"] = apperr.M("org.err.f.address")
	}
	if h.Members < 1 || h.Members > 100 {
		f["members"] = apperr.M("org.err.f.members")
	}
	if strings.TrimSpace(h.RepresentativeName) == "" {
		f["representative_name"] = apperr.M("org.err.f.representative_name")
	}
	for k, v := range map[string]string{"head_name": h.HeadName, "address": h.Address, "representative_name": h.RepresentativeName} {
		if utf8.RuneCountInString(v) > 200 {
			f[k] = apperr.M("org.err.f.too_long")
		}
	}
	if len(f) > 0 {
		return apperr.New(apperr.CodeInvalid, "org.err.household_invalid").WithFields(f)
	}
	return nil
}

// childPath is the materialised path of a unit with id under a parent with path.
func childPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return fmt.Sprintf("%s%d/", parentPath, id)
}

// ancestorIDs returns the IDs above the unit with path p, from the root down.
func ancestorIDs(p string) ([]int64, error) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	ids := make([]int64, 0, len(parts)-1)
	for _, s := range parts[:len(parts)-1] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad unit path %q", p)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// pathUpperBound is the smallest string above every path that starts with p: paths
// hold digits and '/', and '0' follows '/', so the range [p, bound) is the subtree
// and both engines answer it from the path index.
func pathUpperBound(p string) string { return p[:len(p)-1] + "0" }

// Reorganization is a resolution that ends one or more units and puts one new unit
// in their place from a date: a rename (one unit) or a merge (several). Records made
// before keep pointing at the old units, which stay readable as they were.
type Reorganization struct {
	From          []int64
	To            Unit  // Code, Name, Type of the new unit
	ParentID      int64 // parent of the new unit; 0 keeps the parent of the first From unit
	EffectiveFrom string
	Resolution    string // the resolution's number, e.g. "1680/NQ-UBTVQH15"
}

// Validate checks the reorganization against the units it ends (as stored).
func (r Reorganization) Validate(from []Unit) error {
	f := map[string]apperr.Msg{}
	if len(r.From) == 0 {
		f["from"] = apperr.M("org.err.f.reorg_from")
	}
	if strings.TrimSpace(r.Resolution) == "" {
		f["resolution"] = apperr.M("org.err.f.resolution")
	}
	eff, err := time.Parse(DateLayout, r.EffectiveFrom)
	if err != nil {
		f["effective_from"] = apperr.M("org.err.f.valid_from")
	}
	for _, u := range from {
		if !u.Current() {
			f["from"] = apperr.M("org.err.f.ended", u.Type.Label(), u.Name, u.ValidTo)
		} else if u.Type.Level() != r.To.Type.Level() {
			f["from"] = apperr.M("org.err.f.level", u.Type.Label(), u.Name)
		} else if from, _ := time.Parse(DateLayout, u.ValidFrom); err == nil && !eff.After(from) {
			f["effective_from"] = apperr.M("org.err.f.effective_after", u.Name, u.ValidFrom)
		}
	}
	if len(f) > 0 {
		return apperr.New(apperr.CodeInvalid, "org.err.reorg_invalid").WithFields(f)
	}
	return nil
}
