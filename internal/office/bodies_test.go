package office_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/auth"
	"danchu/internal/db"
)

// A province administrator keeps the register of the bodies attached to a
// unit: adds a Party body with its short name, is refused a sibling's short
// name (the form keeps what was typed), corrects one; every change is in the
// activity log; another province's administrator and a commune official are
// refused.
func TestBodiesRegister(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		srv := f.site(t)
		f.official(t, "tinh@hue.vn", auth.ProvinceAdmin, f.hue)
		f.official(t, "tinh@hanoi.vn", auth.ProvinceAdmin, f.hanoi)
		f.official(t, "xa@dandien.vn", auth.CommuneOfficial, f.danDien)
		page := "/quan-tri/don-vi/46/to-chuc"
		b := newBrowser(t, srv)
		b.signIn("tinh@hue.vn")
		code, body, _ := b.get(page)
		if code != http.StatusOK || !strings.Contains(body, `<option value="to-chuc-dang">`) || strings.Contains(body, `<option value="phong-ban">`) {
			t.Fatalf("page: %d %s", code, body)
		}
		code, _, _ = b.post(page, page, url.Values{"type": {"to-chuc-dang"}, "name": {"Thành ủy Huế"}, "short_name": {"TU"}, "key": {"b-1"}})
		if code != http.StatusSeeOther {
			t.Fatalf("add: %d", code)
		}
		code, body, _ = b.post(page, page, url.Values{"type": {"mat-tran"}, "name": {"Ủy ban MTTQ thành phố"}, "short_name": {"TU"}, "key": {"b-2"}})
		if code != http.StatusConflict || !strings.Contains(body, "Tên viết tắt TU đã dùng") || !strings.Contains(body, `value="Ủy ban MTTQ thành phố"`) {
			t.Fatalf("sibling's short name: %d %s", code, body)
		}
		code, body, _ = b.post(page, page, url.Values{"type": {"phong-ban"}, "name": {"Phòng lạc chỗ"}, "key": {"b-3"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "Hãy chọn loại") {
			t.Fatalf("a section under a province: %d %s", code, body)
		}
		tree, err := f.units.Tree(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var tu int64
		for _, k := range tree.Descendants(f.hue.ID) {
			if k.ShortName == "TU" {
				tu = k.ID
			}
		}
		if tu == 0 || db.Count(t, d, "select count(*) from units where parent_id = $1 and type = 'mat-tran'", f.hue.ID) != 0 {
			t.Fatalf("units after the posts: TU %d", tu)
		}
		edit := fmt.Sprintf("%s/%d", page, tu)
		code, body, _ = b.post(page, edit, url.Values{"name": {"Thành ủy Huế"}, "short_name": {"tu"}})
		if code != http.StatusBadRequest || !strings.Contains(body, `value="tu"`) {
			t.Fatalf("bad short name: %d %s", code, body)
		}
		if code, _, _ = b.post(page, edit, url.Values{"name": {"Thành ủy Thành phố Huế"}, "short_name": {"TU"}}); code != http.StatusSeeOther {
			t.Fatalf("edit: %d", code)
		}
		if n := db.Count(t, d, "select count(*) from units where id = $1 and name = 'Thành ủy Thành phố Huế'", tu); n != 1 {
			t.Error("the edit was not stored")
		}
		if n := db.Count(t, d, "select count(*) from audit_log where action in ('units.body_created', 'units.body_changed') and outcome = 'ok'"); n != 2 {
			t.Errorf("%d audit records, want 2", n)
		}
		// Through another unit, the body is not found; another province and a commune official are refused.
		if code, _, _ := b.post(page, fmt.Sprintf("/quan-tri/don-vi/19885/to-chuc/%d", tu), url.Values{"name": {"X"}}); code != http.StatusNotFound {
			t.Errorf("edit through another unit: %d", code)
		}
		other := newBrowser(t, srv)
		other.signIn("tinh@hanoi.vn")
		if code, _, _ := other.get(page); code != http.StatusNotFound {
			t.Errorf("another province: %d", code)
		}
		xa := newBrowser(t, srv)
		xa.signIn("xa@dandien.vn")
		if code, _, _ := xa.get("/quan-tri/don-vi/19885/to-chuc"); code != http.StatusForbidden {
			t.Errorf("commune official: %d", code)
		}
	})
}
