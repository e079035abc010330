package org_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/org"
)

func mustImportOfficial(t *testing.T, s *org.Service) org.ImportResult {
	t.Helper()
	res, err := s.ImportUnits(context.Background(), bytes.NewReader(org.OfficialList), nil)
	if err != nil {
		t.Fatalf("import official list: %v", err)
	}
	return res
}

func TestImportOfficialList(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		var last, total int
		res, err := s.ImportUnits(ctx, bytes.NewReader(org.OfficialList), func(done, all int) { last, total = done, all })
		if err != nil {
			t.Fatal(err)
		}
		if res.Written != 3355 || last != 3355 || total != 3355 {
			t.Errorf("written %d, progress %d/%d; want 3355", res.Written, last, total)
		}
		counts, err := s.CountByType(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[org.Type]int{org.Province: 28, org.City: 6, org.Commune: 2621, org.Ward: 687, org.SpecialZone: 13}
		for typ, n := range want {
			if counts[typ] != n {
				t.Errorf("%s: %d, want %d", typ, counts[typ], n)
			}
		}
		hue, err := s.UnitByCode(ctx, "46")
		if err != nil {
			t.Fatal(err)
		}
		if hue.Name != "Thành phố Huế" || hue.Type != org.City {
			t.Errorf("unit 46 = %+v", hue)
		}
		kids, err := s.Children(ctx, hue.ID)
		if err != nil || len(kids) != 40 {
			t.Fatalf("Huế has %d communes (%v), want 40", len(kids), err)
		}
		// A second import of the same list writes nothing: every code is already there.
		_, err = s.ImportUnits(ctx, bytes.NewReader(org.OfficialList), nil)
		var ie *org.ImportError
		if !errors.As(err, &ie) || len(ie.Lines) != 3355 || !strings.Contains(ie.Lines[0].Message, "đã có") {
			t.Fatalf("re-import error = %v", err)
		}
		if apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("re-import code = %s, want invalid", apperr.CodeOf(err))
		}
	})
}

func TestImportRejectsBadLinesAndWritesNothing(t *testing.T) {
	tests := []struct {
		name, csv string
		line      int
		want      string
	}{
		{"UnknownParent", "code,name,type,parent_code\n01,Tỉnh A,tinh,\n00101,Xã B,xa,99\n", 3, "không có đơn vị cha mã 99"},
		{"DuplicateCode", "code,name,type,parent_code\n01,Tỉnh A,tinh,\n01,Tỉnh B,tinh,\n", 3, "trùng với dòng 2"},
		{"EmptyName", "code,name,type,parent_code\n01,,tinh,\n", 2, "name:"},
		{"WrongType", "code,name,type,parent_code\n01,Tỉnh A,huyen,\n", 2, `"huyen"`},
		{"CommuneWithoutParent", "code,name,type,parent_code\n00101,Xã B,xa,\n", 2, "phải có đơn vị cha"},
		{"VillageUnderProvince", "code,name,type,parent_code\n01,Tỉnh A,tinh,\n01-1,Thôn C,thon,01\n", 3, "không thể trực thuộc"},
		{"MissingColumn", "code,name\n01,Tỉnh A\n", 1, "thiếu cột type"},
		{"BadQuote", "code,name,type,parent_code\n01,\"Tỉnh A,tinh,\n", 2, "không đọc được CSV"},
		{"Empty", "", 1, "tệp rỗng"},
		{"Cycle", "code,name,type,parent_code\n10,Cơ quan A,co-quan,11\n11,Cơ quan B,co-quan,10\n", 2, "vòng lặp"},
		{"NotUTF8", "code,name,type,parent_code\n01,Tỉnh A,tinh,\n00101,X\xe3 B,xa,01\n", 3, "không phải UTF-8"},
		{"NotUTF8LaterLine", "code,name,type,parent_code\n01,Tỉnh A,tinh,\n00101,Xã B,xa,01\n00102,Xã \xff,xa,01\n", 4, "không phải UTF-8"},
		{"ControlCharacter", "code,name,type,parent_code\n01,Tỉnh\x1b A,tinh,\n", 2, "ký tự điều khiển"},
		{"DotDotCode", "code,name,type,parent_code\n..,Tỉnh A,tinh,\n", 2, "code: Mã đơn vị"}, // found by FuzzImportUnits
	}
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.ImportUnits(ctx, strings.NewReader(tt.csv), nil)
				var ie *org.ImportError
				if !errors.As(err, &ie) {
					t.Fatalf("error = %v, want an ImportError", err)
				}
				found := false
				for _, l := range ie.Lines {
					if l.Line == tt.line && strings.Contains(l.Message, tt.want) {
						found = true
					}
				}
				if !found {
					t.Fatalf("lines %+v, want line %d with %q", ie.Lines, tt.line, tt.want)
				}
				counts, err := s.CountByType(ctx)
				if err != nil || len(counts) != 0 {
					t.Fatalf("units written after a failed import: %v (%v)", counts, err)
				}
			})
		}
	})
}

// tree builds a province, a commune and two villages with households.
func tree(t *testing.T, s *org.Service) (prov, commune, v1, v2 org.Unit) {
	t.Helper()
	ctx := context.Background()
	csv := "code,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n19885,Xã Đan Điền,xa,46\n" +
		"19885-01,Thôn Đồng Tâm,thon,19885\n19885-02,Thôn Phú Lễ,thon,19885\n"
	if _, err := s.ImportUnits(ctx, strings.NewReader(csv), nil); err != nil {
		t.Fatal(err)
	}
	get := func(code string) org.Unit {
		u, err := s.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return get("46"), get("19885"), get("19885-01"), get("19885-02")
}

func TestHierarchyQueries(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		prov, commune, v1, v2 := tree(t, s)
		desc, err := s.Descendants(ctx, prov)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(desc); got != "Xã Đan Điền,Thôn Đồng Tâm,Thôn Phú Lễ" && got != "Xã Đan Điền,Thôn Phú Lễ,Thôn Đồng Tâm" {
			t.Errorf("descendants = %s", got)
		}
		if desc, err := s.Descendants(ctx, v1); err != nil || len(desc) != 0 {
			t.Errorf("a village has descendants %v (%v)", names(desc), err)
		}
		anc, err := s.Ancestors(ctx, v2)
		if err != nil || names(anc) != "Thành phố Huế,Xã Đan Điền" {
			t.Errorf("ancestors = %s (%v)", names(anc), err)
		}
		kids, _ := s.Children(ctx, commune.ID)
		if names(kids) != "Thôn Đồng Tâm,Thôn Phú Lễ" {
			t.Errorf("children = %s", names(kids))
		}
		for _, q := range []string{"dan dien", "ĐAN ĐIỀN", "Đan"} {
			hits, err := s.Search(ctx, q, 10)
			if err != nil || len(hits) != 1 || hits[0].ID != commune.ID {
				t.Errorf("search %q = %s (%v)", q, names(hits), err)
			}
		}
		if hits, err := s.Search(ctx, "%", 10); err != nil || len(hits) != 0 {
			t.Errorf("search %% matched %s (%v)", names(hits), err)
		}
		if _, err := s.UnitByCode(ctx, "nope"); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("unknown code error = %v", err)
		}
	})
}

func names(us []org.Unit) string {
	var s []string
	for _, u := range us {
		s = append(s, u.Name)
	}
	return strings.Join(s, ",")
}

func TestHouseholdImport(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		_, commune, v1, _ := tree(t, s)
		good := "code,head_name,address,members,representative_name,active\n" +
			"H001,Nguyễn Văn An,Thôn Đồng Tâm,4,Nguyễn Văn An,1\nH002,Trần Thị Bình,Thôn Đồng Tâm,2,Lê Văn Cường,\n"
		res, err := s.ImportHouseholds(ctx, v1.Code, strings.NewReader(good))
		if err != nil || res.Written != 2 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		bad := []struct{ name, csv, want string }{
			{"DuplicateInRegister", "code,head_name,address,members,representative_name\nH001,A,B,1,A\n", "đã có trong sổ"},
			{"NotANumber", "code,head_name,address,members,representative_name\nH003,A,B,bốn,A\n", `"bốn" không phải là số`},
			{"SignedMembers", "code,head_name,address,members,representative_name\nH003,A,B,+4,A\n", `"+4" không phải là số`}, // found by FuzzImportHouseholds
			{"ZeroMembers", "code,head_name,address,members,representative_name\nH003,A,B,0,A\n", "từ 1 đến 100"},
			{"NoRepresentative", "code,head_name,address,members,representative_name\nH003,A,B,1,\n", "representative_name"},
			{"BadActive", "code,head_name,address,members,representative_name,active\nH003,A,B,1,A,có lẽ\n", "active"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				// A good line first, so that all-or-nothing is visible.
				csv := strings.Replace(tt.csv, "\n", "\nH009,Ok,Ok,1,Ok\n", 1)
				_, err := s.ImportHouseholds(ctx, v1.Code, strings.NewReader(csv))
				var ie *org.ImportError
				if !errors.As(err, &ie) || !strings.Contains(fmt.Sprint(ie.Lines), tt.want) {
					t.Fatalf("error = %v, want %q", err, tt.want)
				}
				hs, _ := s.Households(ctx, v1.ID)
				if len(hs) != 2 {
					t.Fatalf("register has %d households after a failed import, want 2", len(hs))
				}
			})
		}
		if _, err := s.ImportHouseholds(ctx, commune.Code, strings.NewReader(good)); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("households on a commune: %v", err)
		}
		if _, err := s.ImportHouseholds(ctx, "99999", strings.NewReader(good)); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("households on an unknown village: %v", err)
		}
		counts, err := s.HouseholdCounts(ctx, []int64{v1.ID})
		if err != nil || counts[v1.ID] != 2 {
			t.Errorf("active households = %v (%v)", counts, err)
		}
	})
}

func TestReorganize(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		prov, commune, v1, v2 := tree(t, s)
		if err := s.AddHouseholds(ctx, v2.ID, []org.Household{{Code: "H1", HeadName: "A", Address: "B", Members: 3, RepresentativeName: "A", Active: true}}); err != nil {
			t.Fatal(err)
		}
		// Rename the commune: its villages follow, the old name stays readable.
		renamed, err := s.Reorganize(ctx, org.Reorganization{From: []int64{commune.ID},
			To:            org.Unit{Code: commune.Code, Name: "Xã Đan Điền Mới", Type: org.Commune},
			EffectiveFrom: "2026-05-01", Resolution: "237/NQ-UBTVQH16"})
		if err != nil {
			t.Fatal(err)
		}
		byCode, _ := s.UnitByCode(ctx, commune.Code)
		if byCode.ID != renamed.ID || byCode.Name != "Xã Đan Điền Mới" {
			t.Errorf("by code after rename = %+v", byCode)
		}
		old, _ := s.UnitByID(ctx, commune.ID)
		if old.Name != "Xã Đan Điền" || old.ValidTo != "2026-05-01" {
			t.Errorf("old commune = %+v", old)
		}
		if succ, _ := s.Successors(ctx, commune.ID); len(succ) != 1 || succ[0].ID != renamed.ID {
			t.Errorf("successors = %v", names(succ))
		}
		kids, _ := s.Children(ctx, renamed.ID)
		if names(kids) != "Thôn Đồng Tâm,Thôn Phú Lễ" {
			t.Errorf("villages of the renamed commune = %s", names(kids))
		}
		anc, _ := s.Ancestors(ctx, mustByCode(t, s, v1.Code))
		if names(anc) != "Thành phố Huế,Xã Đan Điền Mới" {
			t.Errorf("village ancestors after rename = %s", names(anc))
		}
		// Merge the two villages: one register, old villages closed.
		merged, err := s.Reorganize(ctx, org.Reorganization{From: []int64{v1.ID, v2.ID},
			To:            org.Unit{Code: "19885-03", Name: "Thôn Đồng Phú", Type: org.Village},
			EffectiveFrom: "2026-06-01", Resolution: "12/NQ-HĐND"})
		if err != nil {
			t.Fatal(err)
		}
		if desc, _ := s.Descendants(ctx, prov); names(desc) != "Xã Đan Điền Mới,Thôn Đồng Phú" {
			t.Errorf("province subtree after merge = %s", names(desc))
		}
		if hs, _ := s.Households(ctx, merged.ID); len(hs) != 1 {
			t.Errorf("merged village has %d households, want 1", len(hs))
		}
		// A closed unit cannot be reorganized again, and the date must move forward.
		_, err = s.Reorganize(ctx, org.Reorganization{From: []int64{v1.ID}, To: org.Unit{Code: "X", Name: "X", Type: org.Village},
			EffectiveFrom: "2026-07-01", Resolution: "1"})
		if apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("reorganizing a closed unit: %v", err)
		}
		_, err = s.Reorganize(ctx, org.Reorganization{From: []int64{merged.ID}, To: org.Unit{Code: "Y", Name: "Y", Type: org.Village},
			EffectiveFrom: "2026-01-01", Resolution: "1"})
		if apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("reorganizing with an earlier date: %v", err)
		}
	})
}

func mustByCode(t *testing.T, s *org.Service, code string) org.Unit {
	t.Helper()
	u, err := s.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A CSV saved by a spreadsheet starts with a byte order mark: it is not part
// of the first column's name (web.Text removes a leading one and refuses one
// inside a field).
func TestImportWithByteOrderMark(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		res, err := s.ImportUnits(ctx, strings.NewReader("\ufeffcode,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n"), nil)
		if err != nil || res.Written != 1 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		_, err = s.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code\n19885,Xã Đan\ufeffĐiền,xa,46\n"), nil)
		var ie *org.ImportError
		if apperr.CodeOf(err) != apperr.CodeInvalid || !errors.As(err, &ie) || len(ie.Lines) != 1 || !strings.Contains(ie.Lines[0].Message, "U+FEFF") {
			t.Fatalf("interior mark: %v", err)
		}
		if _, err := s.UnitByCode(ctx, "19885"); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("unit 19885 after a refused import: %v", err)
		}
	})
}
