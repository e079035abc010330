package org

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"danchu/internal/apperr"
)

// importRefused checks what an import answers for a bad file: every bad line
// listed, in order, with a line number of the file and a message, and the
// error an invalid one (400, nothing written).
func importRefused(t *testing.T, data string, err error, lines []LineError) {
	t.Helper()
	if err != nil && apperr.CodeOf(err) != apperr.CodeInvalid {
		t.Fatalf("import of %q: %v, not an invalid error", data, err)
	}
	var ie *ImportError
	if err != nil && errors.As(err, &ie) {
		lines = ie.Lines
	}
	if len(lines) == 0 {
		t.Fatalf("import of %q refused without a line", data)
	}
	maxLine := strings.Count(data, "\n") + 1
	for i, l := range lines {
		if l.Line < 1 || l.Line > maxLine || l.Message == "" || !utf8.ValidString(l.Message) || (i > 0 && l.Line < lines[i-1].Line) {
			t.Fatalf("import of %q: line errors %+v", data, lines)
		}
	}
}

// inForce are the units an import of units finds in the database.
var inForce = map[string]Unit{"46": {ID: 1, Code: "46", Name: "Thành phố Huế", Type: City, Depth: 0, ValidFrom: OfficialListDate}}

// FuzzImportUnits: a CSV of units (an official list) is refused line by line
// with an invalid error, or planned as valid units (UTF-8 in NFC, codes
// unique and new), each under a parent it may have (in the file or the
// database), parents before children.
func FuzzImportUnits(f *testing.F) {
	for _, s := range []string{
		"code,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n19885,Xã Đan Điền,xa,46\n19885-01,Thôn 1,thon,19885\n",
		"code,name,type,parent_code\n19885,Xã Đan Điền,xa,46\n", "code,name,type,parent_code\n01,Tỉnh A,tinh,\n00101,Xã B,xa,99\n",
		"code,name,type,parent_code\n01,Tỉnh A,tinh,\n01,Tỉnh B,tinh,\n", "code,name,type,parent_code\n01,,tinh,\n",
		"code,name\n01,Tỉnh A\n", "code,name,type,parent_code\n01,\"Tỉnh A,tinh,\n", "",
		"code,name,type,parent_code\n10,Cơ quan A,co-quan,11\n11,Cơ quan B,co-quan,10\n",
		"code,name,type,parent_code\n01,Tỉnh A,tinh,\n00101,X\xe3 B,xa,01\n", "code,name,type,parent_code\n01,Tỉnh\x1b A,tinh,\n",
		"\ufeffCODE,Name,Type,Parent_Code,valid_from\r\n02,\"Tỉnh \"\"B\"\"\",tinh,,2026-02-30\r\n", "code,code,name,type\n1,2,A,tinh\n",
		"code,name,type,parent_code\n.,Tỉnh A,tinh,\n..,Xã B,xa,.\n", "code,name,type,parent_code\n,Cơ quan,co-quan,46\n,Cơ quan,co-quan,46\n",
		"code,name,type,parent_code\n01,Tỉnh A,tinh\n02\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		tbl, err := readCSV(strings.NewReader(data), "code", "name", "type")
		if err != nil {
			importRefused(t, data, err, nil)
			return
		}
		plan, lineErrs := planUnits(tbl, inForce)
		if len(lineErrs) > 0 {
			if plan != nil {
				t.Fatalf("import of %q: planned %d units beside line errors", data, len(plan))
			}
			importRefused(t, data, nil, lineErrs)
			return
		}
		depth := map[string]int{}
		for c, u := range inForce {
			depth[c] = u.Depth
		}
		types := map[string]Type{"46": City}
		placed := map[string]bool{}
		for i, u := range plan {
			if err := u.Validate(); err != nil {
				t.Fatalf("import of %q planned an invalid unit %+v: %v", data, u.Unit, err)
			}
			for _, s := range []string{u.Code, u.Name, u.ValidFrom, string(u.Type), u.parentCode} {
				if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) || s != strings.TrimSpace(s) {
					t.Fatalf("import of %q planned %+v: %q", data, u.Unit, s)
				}
			}
			if u.Code == "." || u.Code == ".." {
				t.Fatalf("import of %q planned the code %q, a path segment that is not one", data, u.Code)
			}
			if i > 0 && plan[i-1].Depth > u.Depth {
				t.Fatalf("import of %q: not parents first", data)
			}
			if u.Code != "" {
				if placed[u.Code] {
					t.Fatalf("import of %q: the code %s twice", data, u.Code)
				}
				if _, ok := inForce[u.Code]; ok {
					t.Fatalf("import of %q: the code %s is in force", data, u.Code)
				}
				placed[u.Code] = true
			}
			var pt Type
			if u.parentCode != "" {
				d, ok := depth[u.parentCode]
				if !ok || d+1 != u.Depth {
					t.Fatalf("import of %q: %s under %s placed before it (depth %d)", data, u.Code, u.parentCode, u.Depth)
				}
				pt = types[u.parentCode]
			} else if u.Depth != 0 {
				t.Fatalf("import of %q: %s without a parent at depth %d", data, u.Code, u.Depth)
			}
			if !AllowedParent(u.Type, pt) {
				t.Fatalf("import of %q: %s (%s) under %s", data, u.Code, u.Type, pt)
			}
			if u.Code != "" {
				depth[u.Code], types[u.Code] = u.Depth, u.Type
			}
		}
	})
}

// FuzzImportHouseholds: a CSV of a village's households is refused line by
// line with an invalid error, or read as valid households (codes unique and
// new, 1 to 100 members typed as digits, the active flag as written).
func FuzzImportHouseholds(f *testing.F) {
	for _, s := range []string{
		"code,head_name,address,members,representative_name\nH001,Nguyễn Văn A,Thôn 1,4,Nguyễn Văn A\nH002,Trần Thị B,Thôn 1,3,Trần Thị B\n",
		"code,head_name,address,members,representative_name\nH001,A,B,1,A\n", "code,head_name,address,members,representative_name\nH003,A,B,bốn,A\n",
		"code,head_name,address,members,representative_name\nH003,A,B,0,A\n", "code,head_name,address,members,representative_name\nH003,A,B,1,\n",
		"code,head_name,address,members,representative_name,active\nH003,A,B,1,A,có lẽ\n", "code,head_name,address,members,representative_name,active\nH003,A,B,+4,A,KHÔNG\n",
		"code,head_name,address,members,representative_name\nH003,A,B, 04 ,A\nH003,A,B,4,A\n", "code,head_name\nH1,A\n",
		"code,head_name,address,members,representative_name\nH 3,A,B,100,A\nH/4,A,B,101,A\n",
	} {
		f.Add(s)
	}
	existing := map[string]bool{"H001": true}
	f.Fuzz(func(t *testing.T, data string) {
		tbl, err := readCSV(strings.NewReader(data), "code", "head_name", "address", "members", "representative_name")
		if err != nil {
			importRefused(t, data, err, nil)
			return
		}
		hs, lineErrs := planHouseholds(tbl, 7, existing)
		if len(lineErrs) > 0 {
			if hs != nil {
				t.Fatalf("import of %q: %d households beside line errors", data, len(hs))
			}
			importRefused(t, data, nil, lineErrs)
			return
		}
		seen := map[string]bool{}
		for i, h := range hs {
			if err := h.Validate(); err != nil || h.VillageID != 7 || seen[h.Code] || existing[h.Code] {
				t.Fatalf("import of %q read %+v: %v", data, h, err)
			}
			seen[h.Code] = true
			if m := tbl.get(i, "members"); strings.Trim(m, "0123456789") != "" {
				t.Fatalf("import of %q read the members %q as %d", data, m, h.Members)
			}
			if want, _ := parseBool(tbl.get(i, "active")); h.Active != want {
				t.Fatalf("import of %q: active %q read as %v", data, tbl.get(i, "active"), h.Active)
			}
		}
	})
}
