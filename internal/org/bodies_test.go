package org_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/org"
)

func TestAllowedParentOfBodies(t *testing.T) {
	for _, c := range []struct {
		child, parent org.Type
		want          bool
	}{
		{org.PartyBody, org.Province, true}, {org.PartyBody, org.City, true}, {org.PartyBody, org.Commune, true},
		{org.PartyBody, org.Ward, true}, {org.PartyBody, org.PartyBody, true}, {org.PartyBody, org.Village, false},
		{org.PartyBody, org.Agency, false}, {org.PartyBody, "", false}, {org.PartyBody, org.Section, false},
		{org.MassOrg, org.Province, true}, {org.MassOrg, org.Commune, true}, {org.MassOrg, org.Village, false},
		{org.MassOrg, org.MassOrg, false}, {org.MassOrg, org.PartyBody, false}, {org.MassOrg, "", false},
		{org.Section, org.Agency, true}, {org.Section, org.PartyBody, true}, {org.Section, org.MassOrg, true},
		{org.Section, org.Province, false}, {org.Section, org.Commune, false}, {org.Section, org.Section, false},
		{org.Section, org.Enterprise, false}, {org.Section, "", false},
		{org.Agency, org.Province, true}, {org.Agency, org.Commune, true}, {org.Agency, org.Agency, true},
		{org.Agency, org.Village, false}, {org.Agency, org.PartyBody, false}, {org.Agency, org.Section, false},
		{org.Agency, org.Enterprise, false}, {org.Agency, "", false},
		{org.Enterprise, org.Commune, true}, {org.Enterprise, org.Agency, false},
		{org.Commune, org.Province, true}, {org.Village, org.Commune, true}, {org.Province, "", true},
		{org.Commune, org.PartyBody, false}, {org.Village, org.MassOrg, false},
	} {
		if got := org.AllowedParent(c.child, c.parent); got != c.want {
			t.Errorf("AllowedParent(%s, %q) = %v, want %v", c.child, c.parent, got, c.want)
		}
	}
	for _, typ := range org.Types {
		if !typ.Valid() || typ.Label() == "" {
			t.Errorf("type %q: not valid or no label", typ)
		}
	}
	if len(org.Types) != 12 {
		t.Errorf("%d types listed, want 12", len(org.Types))
	}
}

func TestValidShortName(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"UBND", true}, {"TU", true}, {"BDVTU", true}, {"HĐND", true}, {"SNV", true}, {"VP", true}, {"HCTC", true},
		{"BCS", true}, {"KT&XH", true}, {"ĐU", true}, {"P1", true}, {"ABCDEFGHIJKL", true}, {"A", true},
		{"", false}, {"ABCDEFGHIJKLM", false}, {"ubnd", false}, {"Ubnd", false}, {"UB ND", false}, {"KH-UBND", false},
		{"đu", false}, {"ÁB", false}, {"UB/ND", false}, {"UB\nND", false}, {"\xff", false}, {"ĐĐĐĐĐĐĐĐĐĐĐĐ", true},
		{"ĐĐĐĐĐĐĐĐĐĐĐĐĐ", false},
	} {
		if got := org.ValidShortName(c.s); got != c.want {
			t.Errorf("ValidShortName(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

func wantCode(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	var ae *apperr.Error
	if apperr.CodeOf(err) != code || !errors.As(err, &ae) || ae.Msg.Key != key {
		t.Fatalf("error = %v, want %s %s", err, code, key)
	}
}

func TestShortNames(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		res, err := s.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code,short_name\n"+
			"46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n19886,Xã Quảng Điền,xa,46,UBND\n"+
			"46-TU,Tỉnh ủy Thừa Thiên Huế,to-chuc-dang,46,TU\n46-BDV,Ban Dân vận Tỉnh ủy,to-chuc-dang,46-TU,BDVTU\n"+
			"46-SNV,Sở Nội vụ,co-quan,46,SNV\n"), nil)
		if err != nil || res.Written != 6 || res.ByType[org.PartyBody] != 2 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		tree, err := s.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hue, _ := tree.ByCode("46")
		tu, _ := tree.ByCode("46-TU")
		bdv, _ := tree.ByCode("46-BDV")
		if hue.ShortName != "UBND" || tu.ShortName != "TU" || bdv.ShortName != "BDVTU" || bdv.ParentID != tu.ID {
			t.Fatalf("short names: %+v %+v %+v", hue, tu, bdv)
		}
		// Two communes are both "UBND": territorial units need not differ.
		if c, _ := tree.ByCode("19886"); c.ShortName != "UBND" {
			t.Errorf("second commune %+v", c)
		}

		front, err := s.CreateUnit(ctx, org.Unit{Name: "Ủy ban MTTQ Việt Nam tỉnh", Type: org.MassOrg, ShortName: "MTTQ"}, hue.ID)
		if err != nil {
			t.Fatal(err)
		}
		// A sibling with the same short name is refused, with the field.
		_, err = s.CreateUnit(ctx, org.Unit{Name: "Mặt trận thứ hai", Type: org.MassOrg, ShortName: "MTTQ"}, hue.ID)
		wantCode(t, err, apperr.CodeConflict, "org.err.short_name_used")
		// The same short name under another parent is fine.
		dd, _ := tree.ByCode("19885")
		if _, err := s.CreateUnit(ctx, org.Unit{Name: "Ủy ban MTTQ xã Đan Điền", Type: org.MassOrg, ShortName: "MTTQ"}, dd.ID); err != nil {
			t.Fatal(err)
		}
		// A badly formed short name, and a body where it may not sit.
		_, err = s.CreateUnit(ctx, org.Unit{Name: "Hội Nông dân", Type: org.MassOrg, ShortName: "hnd"}, hue.ID)
		wantCode(t, err, apperr.CodeInvalid, "org.err.unit_invalid")
		_, err = s.CreateUnit(ctx, org.Unit{Name: "Phòng lạc chỗ", Type: org.Section, ShortName: "P"}, hue.ID)
		wantCode(t, err, apperr.CodeInvalid, "org.err.parent_type")

		// Editing: a new short name, then a sibling's, then a malformed one.
		snv, _ := tree.ByCode("46-SNV")
		got, err := s.SetUnit(ctx, snv.ID, " Sở Nội vụ tỉnh ", "SNVT")
		if err != nil || got.Name != "Sở Nội vụ tỉnh" || got.ShortName != "SNVT" {
			t.Fatalf("set unit = %+v, %v", got, err)
		}
		_, err = s.SetUnit(ctx, snv.ID, "Sở Nội vụ tỉnh", "MTTQ")
		wantCode(t, err, apperr.CodeConflict, "org.err.short_name_used")
		_, err = s.SetUnit(ctx, snv.ID, "Sở Nội vụ tỉnh", "SỞ NV")
		wantCode(t, err, apperr.CodeInvalid, "org.err.unit_invalid")
		// Keeping one's own short name is no conflict; clearing it is allowed.
		if _, err := s.SetUnit(ctx, front.ID, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "MTTQ"); err != nil {
			t.Fatal(err)
		}
		if u, err := s.SetUnit(ctx, snv.ID, "Sở Nội vụ tỉnh", ""); err != nil || u.ShortName != "" {
			t.Fatalf("clear = %+v, %v", u, err)
		}
		tree, err = s.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if u, _ := tree.Unit(front.ID); u.Name != "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" || u.ShortName != "MTTQ" {
			t.Errorf("after edit: %+v", u)
		}
		_, err = s.SetUnit(ctx, 12345, "X", "")
		wantCode(t, err, apperr.CodeNotFound, "org.err.unit_not_found")

		// Import: a short name twice under one parent in the file, one a sibling
		// in force has, and a malformed one: three lines, nothing written.
		_, err = s.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code,short_name\n"+
			"46-HND,Hội Nông dân tỉnh,mat-tran,46,HND\n46-HND2,Hội Nông dân thứ hai,mat-tran,46,HND\n"+
			"46-MT2,Mặt trận khác,mat-tran,46,MTTQ\n46-PN,Hội Phụ nữ,mat-tran,46,hlhpn\n"), nil)
		var ie *org.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("import of bad short names: %v", err)
		}
		var lines []int
		for _, l := range ie.Lines {
			lines = append(lines, l.Line)
		}
		if fmt.Sprint(lines) != "[3 5]" || !strings.Contains(ie.Lines[0].Message, "trùng với dòng 2") {
			t.Errorf("lines %v: %v", lines, ie)
		}
		if _, err := s.UnitByCode(ctx, "46-HND"); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("46-HND after a refused import: %v", err)
		}
		// The line the file alone cannot tell (a sibling in force) is refused at the database read.
		_, err = s.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code,short_name\n46-MT2,Mặt trận khác,mat-tran,46,MTTQ\n"), nil)
		if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 2 || !strings.Contains(ie.Lines[0].Message, "MTTQ") {
			t.Errorf("sibling in force: %v", err)
		}
	})
}
