package office_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
)

// TestAuthorizationMatrix: every back-office route × every role × (own unit,
// child unit, foreign unit) over HTTP. Allowed → 200; inside the role's scope but
// not allowed → 403; outside it → 404 and a denied audit record.
func TestAuthorizationMatrix(t *testing.T) {
	total := 0
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		srv := f.site(t)
		places := f.places()
		routes := []struct {
			method, path string
			action       auth.Action
		}{
			{"GET", "/quan-tri/don-vi/%s/nhat-ky", auth.ReadAudit},
			{"GET", "/quan-tri/don-vi/%s/tong-quan", auth.ViewBackOffice},
			{"GET", "/quan-tri/don-vi/%s/can-bo", auth.ManageUsers},
			{"POST", "/quan-tri/don-vi/%s/can-bo", auth.ManageUsers},
		}
		// The policy in words, checked against the role table.
		mayManageUsers := map[auth.Role]bool{auth.SysAdmin: true, auth.ProvinceAdmin: true}
		cases := 0
		for _, role := range auth.Roles {
			if role.Allows(auth.ManageUsers) != mayManageUsers[role] || !role.Allows(auth.ReadAudit) {
				t.Errorf("role table: %s manage users %v, read audit %v", role, role.Allows(auth.ManageUsers), role.Allows(auth.ReadAudit))
			}
			p := places[role]
			email := fmt.Sprintf("%s@matrix.vn", strings.ReplaceAll(string(role), "_", "-"))
			res, err := f.svc.CreateOfficial(context.Background(), nil, auth.NewOfficial{FullName: "Cán bộ ma trận", Email: email, Role: role, UnitID: p[0].ID})
			if err != nil {
				t.Fatalf("%s: %v", role, err)
			}
			if err := f.svc.Activate(context.Background(), res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], goodPassword); err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t, srv)
			b.signIn(email)
			for _, rt := range routes {
				for i, where := range []string{"own", "child", "foreign"} {
					if role == auth.SysAdmin && where == "foreign" {
						continue
					}
					unit := p[i]
					if unit.ID == 0 && strings.HasSuffix(rt.path, "/tong-quan") {
						continue // the country has no overview of its own (a role there reads every province's)
					}
					path := fmt.Sprintf(rt.path, unit.OfficeKey())
					var deniedBefore int
					d.QueryRow("select count(*) from audit_log where outcome = 'denied'").Scan(&deniedBefore)
					var code int
					var body string
					newEmail := fmt.Sprintf("new-%s-%s@x.vn", role, where)
					if rt.method == "GET" {
						code, body, _ = b.get(path)
					} else {
						code, body, _ = b.post("/quan-tri", path, url.Values{"full_name": {"Người mới"},
							"email": {newEmail}, "role": {"viewer"}})
					}
					want := http.StatusNotFound
					if where != "foreign" {
						want = http.StatusForbidden
						if role.Allows(rt.action) {
							want = http.StatusOK
						}
					}
					if rt.method == "POST" && want == http.StatusOK && unit.Type.Level() == org.Attached {
						want = http.StatusBadRequest // a viewer is not bound to an agency or enterprise: refused as bad input, after the permission check
					}
					if code != want {
						t.Errorf("%s %s as %s on %s unit: %d, want %d\n%.300s", rt.method, rt.path, role, where, code, want, body)
					}
					if rt.method == "POST" {
						made := db.Count(t, d, "select count(*) from accounts where email = $1", newEmail)
						if (made == 1) != (want == http.StatusOK) {
							t.Errorf("%s %s as %s on %s unit: answered %d, %d accounts made", rt.method, rt.path, role, where, code, made)
						}
					}
					var deniedAfter int
					d.QueryRow("select count(*) from audit_log where outcome = 'denied'").Scan(&deniedAfter)
					if (want == http.StatusNotFound || want == http.StatusForbidden) != (deniedAfter == deniedBefore+1) {
						t.Errorf("%s %s as %s on %s unit: denied records %d → %d", rt.method, rt.path, role, where, deniedBefore, deniedAfter)
					}
					cases++
				}
			}
		}
		total += cases
		t.Logf("authorization matrix: %d cases on %s", cases, d.Dialect)
		// Nobody signed in: sent to sign in for GET, refused for POST.
		anon := newBrowser(t, srv)
		if code, _, h := anon.get(fmt.Sprintf("/quan-tri/don-vi/%s/nhat-ky", f.danDien.OfficeKey())); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/dang-nhap?next=") {
			t.Errorf("anonymous GET: %d %s", code, h.Get("Location"))
		}
		if code, _, _ := anon.post("/dang-nhap", fmt.Sprintf("/quan-tri/don-vi/%s/can-bo", f.danDien.OfficeKey()), url.Values{}); code != http.StatusForbidden {
			t.Errorf("anonymous POST: %d", code)
		}
	})
	t.Logf("authorization matrix: %d cases in all", total)
}

// A province administrator revokes a role from the officials page: the official
// loses it at once and the revocation is audited. Another province's
// administrator, the administrator's own role, a second revocation and a form
// without its token change nothing.
func TestRevokeRole(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		admin := f.official(t, "tinh@hue.vn", auth.ProvinceAdmin, f.hue)
		f.official(t, "hn@hanoi.vn", auth.ProvinceAdmin, f.hanoi)
		head := f.official(t, "thon@dd.vn", auth.VillageHead, f.v1)
		token := f.signIn(t, "thon@dd.vn")
		if n := len(f.actor(t, token).Grants); n != 1 {
			t.Fatalf("village head holds %d roles, want 1", n)
		}
		var role, own int64
		d.QueryRow("select id from roles where account_id = $1", head.ID).Scan(&role)
		d.QueryRow("select id from roles where account_id = $1", admin.ID).Scan(&own)
		active := func() (n int) {
			d.QueryRow("select count(*) from roles where revoked_at is null and id in ($1, $2)", role, own).Scan(&n)
			return n
		}
		srv := f.site(t)
		revoke := func(b *browser, unit, id int64, v url.Values) (int, string) {
			t.Helper()
			page := fmt.Sprintf("/quan-tri/don-vi/%s/can-bo", f.key(t, unit))
			if v == nil {
				v = url.Values{"confirm": {"1"}}
			} else {
				page = ""
			}
			code, body, _ := b.Follow(b.post(page, fmt.Sprintf("/quan-tri/don-vi/%s/can-bo/%d/thu-hoi", f.key(t, unit), id), v))
			return code, body
		}

		hanoi := newBrowser(t, srv)
		hanoi.signIn("hn@hanoi.vn")
		for _, unit := range []int64{f.hanoi.ID, f.hue.ID} {
			if code, _ := revoke(hanoi, unit, role, nil); code != http.StatusNotFound {
				t.Errorf("another province's administrator (page of unit %d): %d, want 404", unit, code)
			}
		}
		var denied int
		d.QueryRow("select count(*) from audit_log where action = 'users.manage' and outcome = 'denied'").Scan(&denied)
		if denied == 0 || active() != 2 {
			t.Errorf("refusals: %d denied audit rows, %d roles in force; want some and 2", denied, active())
		}

		b := newBrowser(t, srv)
		b.signIn("tinh@hue.vn")
		_, page, _ := b.get(fmt.Sprintf("/quan-tri/don-vi/%s/can-bo", f.hue.OfficeKey()))
		if !strings.Contains(page, fmt.Sprintf("/can-bo/%d/thu-hoi", role)) || strings.Contains(page, fmt.Sprintf("/can-bo/%d/thu-hoi", own)) {
			t.Error("the page should offer to revoke the village head's role and not the administrator's own")
		}
		if code, body := revoke(b, f.hue.ID, own, nil); code != http.StatusConflict || !strings.Contains(body, "tự thu hồi") {
			t.Errorf("own role: %d, want 409 with the reason", code)
		}
		if code, _ := revoke(b, f.hue.ID, role, url.Values{"csrf": {"AAAA"}}); code != http.StatusForbidden {
			t.Errorf("without the form's token: %d, want 403", code)
		}
		if active() != 2 {
			t.Fatalf("%d roles in force after the refusals, want 2", active())
		}
		code, body := revoke(b, f.hue.ID, role, nil)
		if code != http.StatusOK || !strings.Contains(body, `role="status">Đã thu hồi vai trò.`) || strings.Contains(body, "thon@dd.vn") {
			t.Fatalf("revoke: %d; want 200, the confirmation and the official gone from the list", code)
		}
		if n := len(f.actor(t, token).Grants); n != 0 || active() != 1 {
			t.Errorf("after the revocation the village head holds %d roles (%d in force), want 0", n, active()-1)
		}
		var audited int
		d.QueryRow("select count(*) from audit_log where object_type = 'role' and object_id = $1 and outcome = 'ok'", fmt.Sprint(role)).Scan(&audited)
		if audited != 1 {
			t.Errorf("%d audit rows for the revocation, want 1", audited)
		}
		if code, body := revoke(b, f.hue.ID, role, nil); code != http.StatusNotFound || !strings.Contains(body, "đã được thu hồi") {
			t.Errorf("second revocation: %d, want 404 saying it is already revoked", code)
		}
	})
}

// A province administrator locks an official's account: the session ends at
// once, signing in is refused with the reason, and unlocking lets them back in.
// Another province's administrator, the administrator's own account and a
// second lock change nothing.
func TestLockAccount(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		admin := f.official(t, "tinh@hue.vn", auth.ProvinceAdmin, f.hue)
		f.official(t, "hn@hanoi.vn", auth.ProvinceAdmin, f.hanoi)
		head := f.official(t, "thon@dd.vn", auth.VillageHead, f.v1)
		token := f.signIn(t, "thon@dd.vn")
		status := func() (s string) {
			d.QueryRow("select status from accounts where id = $1", head.ID).Scan(&s)
			return s
		}
		srv := f.site(t)
		post := func(b *browser, unit, account int64, what string) (int, string) {
			t.Helper()
			code, body, _ := b.Follow(b.post(fmt.Sprintf("/quan-tri/don-vi/%s/can-bo", f.key(t, unit)), fmt.Sprintf("/quan-tri/don-vi/%s/tai-khoan/%d/%s", f.key(t, unit), account, what), url.Values{"confirm": {"1"}}))
			return code, body
		}
		hanoi := newBrowser(t, srv)
		hanoi.signIn("hn@hanoi.vn")
		if code, _ := post(hanoi, f.hanoi.ID, head.ID, "khoa"); code != http.StatusNotFound || status() != auth.Active {
			t.Errorf("another province's administrator: %d, status %s; want 404 and active", code, status())
		}
		b := newBrowser(t, srv)
		b.signIn("tinh@hue.vn")
		if code, body := post(b, f.hue.ID, admin.ID, "khoa"); code != http.StatusConflict || !strings.Contains(body, "tự khóa") {
			t.Errorf("own account: %d, want 409 with the reason", code)
		}
		audited := func() (n int) {
			d.QueryRow("select count(*) from audit_log where object_type = 'account' and object_id = $1 and action = 'users.manage' and outcome = 'ok'",
				fmt.Sprint(head.ID)).Scan(&n)
			return n
		}
		before := audited()
		// A lock is irreversible for the official's sessions: without the box ticked nothing happens.
		if code, body, _ := b.post(fmt.Sprintf("/quan-tri/don-vi/%s/can-bo", f.hue.OfficeKey()), fmt.Sprintf("/quan-tri/don-vi/%s/tai-khoan/%d/khoa", f.hue.OfficeKey(), head.ID),
			url.Values{}); code != http.StatusBadRequest || !strings.Contains(body, "Tôi xác nhận") || status() != auth.Active || audited() != before {
			t.Errorf("lock without confirming: %d, status %s; want 400 and active", code, status())
		}
		if code, body := post(b, f.hue.ID, head.ID, "khoa"); code != http.StatusOK || !strings.Contains(body, "Đã khóa tài khoản: mọi phiên đăng nhập đã kết thúc.") {
			t.Fatalf("lock: %d", code)
		}
		if ss, _, err := f.svc.Session(ctx, token); ss != nil || err != nil || status() != auth.Disabled {
			t.Errorf("after the lock: session %v (%v), status %s; want none and disabled", ss != nil, err, status())
		}
		if _, err := f.svc.SignIn(ctx, "thon@dd.vn", goodPassword, "10.0.0.1", "test"); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Errorf("signing in to a locked account: %v, want forbidden", err)
		}
		if code, body := post(b, f.hue.ID, head.ID, "khoa"); code != http.StatusConflict || !strings.Contains(body, "đã ở trạng thái này") {
			t.Errorf("second lock: %d, want 409", code)
		}
		if n := audited() - before; n != 1 {
			t.Errorf("%d audit rows for the lock, want 1", n)
		}
		if code, _ := post(b, f.hue.ID, head.ID, "mo-khoa"); code != http.StatusOK || status() != auth.Active {
			t.Fatalf("unlock: %d, status %s", code, status())
		}
		f.signIn(t, "thon@dd.vn")
	})
}

// Through the pages: another province's administrator sees no link, only that an
// invitation went out; the holder accepts it on the back-office page.
func TestInvitationPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.official(t, "hue.admin@x.vn", auth.ProvinceAdmin, f.hue)
		f.official(t, "hn.admin@x.vn", auth.ProvinceAdmin, f.hanoi)
		acc := f.official(t, "xa@x.vn", auth.CommuneOfficial, f.danDien)
		srv := f.site(t)
		hn := newBrowser(t, srv)
		hn.signIn("hn.admin@x.vn")
		page := fmt.Sprintf("/quan-tri/don-vi/%s/can-bo", f.baDinh.OfficeKey())
		code, body, _ := hn.post(page, page, url.Values{"full_name": {"Kẻ lạ"}, "email": {"xa@x.vn"}, "role": {string(auth.CommuneOfficial)}})
		if code != http.StatusOK || strings.Contains(body, "/kich-hoat/") || !strings.Contains(body, "lời mời") {
			t.Fatalf("invite: %d, link shown %v", code, strings.Contains(body, "/kich-hoat/"))
		}
		owner := newBrowser(t, srv)
		owner.signIn("xa@x.vn")
		_, body, _ = owner.get("/quan-tri")
		m := regexp.MustCompile(`action="(/quan-tri/loi-moi/\d+)/nhan"`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "Lời mời nhận vai trò") || !strings.Contains(body, f.baDinh.Name) {
			t.Fatalf("the owner's back office shows no invitation:\n%s", body)
		}
		// The inviter cannot accept it for them.
		if code, _, _ := hn.post("/quan-tri", m[1]+"/nhan", url.Values{}); code != http.StatusNotFound {
			t.Errorf("the inviter accepting: %d, want 404", code)
		}
		if n := roleCount(t, d, acc.ID); n != 1 {
			t.Fatalf("%d roles before the owner's answer", n)
		}
		code, _, h := owner.post("/quan-tri", m[1]+"/nhan", url.Values{})
		if code != http.StatusSeeOther || h.Get("Location") != "/quan-tri" {
			t.Fatalf("accept: %d %s", code, h.Get("Location"))
		}
		_, body, _ = owner.get("/quan-tri")
		if !strings.Contains(body, "Bạn đã nhận vai trò mới") || strings.Count(body, "<b>Cán bộ UBND xã</b>") != 2 || strings.Contains(body, "Lời mời nhận vai trò") {
			t.Errorf("after accepting, the back office:\n%s", body)
		}
		if n := roleCount(t, d, acc.ID); n != 2 {
			t.Errorf("%d roles after accepting, want 2", n)
		}
	})
}

// The back office's own messages follow the request's language: with the
// English cookie, a refused form, a refused page and a confirmation are English,
// and the refused form changes nothing.
func TestOfficeSpeaksTheRequestLanguage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		if err := f.units.AddHouseholds(ctx, f.v1.ID, []org.Household{{Code: "H01", HeadName: "Chủ hộ Một", Address: "Thôn Đông Phước", Members: 3, RepresentativeName: "Người đại diện", Active: true}}); err != nil {
			t.Fatal(err)
		}
		hs, _ := f.units.Households(ctx, f.v1.ID)
		f.official(t, "head@x.vn", auth.VillageHead, f.v1)
		f.official(t, "tinh@hue.vn", auth.ProvinceAdmin, f.hue)
		srv := f.site(t)
		for _, who := range []string{"head@x.vn", "tinh@hue.vn"} {
			b := newBrowser(t, srv)
			if code, _, _ := b.get("/ngon-ngu?lang=en&next=/"); code != http.StatusSeeOther {
				t.Fatalf("language switch: %d", code)
			}
			b.signIn(who)
			if who == "head@x.vn" {
				reg := fmt.Sprintf("/quan-tri/don-vi/%s/ho-gia-dinh", f.v1.OfficeKey())
				code, body, _ := b.post(reg, fmt.Sprintf("%s/%d/dai-dien", reg, hs[0].ID), url.Values{"address": {"  "}})
				if code != http.StatusBadRequest || !strings.Contains(body, "Enter the phone number or e-mail the representative signed in with.") {
					t.Errorf("empty address: %d, want 400 with the English message\n%.2000s", code, body)
				}
				if hh, err := f.units.HouseholdByID(ctx, hs[0].ID); err != nil || hh.RepresentativeAccountID != 0 {
					t.Errorf("after the refused form the household is %+v (%v), want no representative", hh, err)
				}
				continue
			}
			code, body, _ := b.get(fmt.Sprintf("/quan-tri/don-vi/%s/ho-gia-dinh", f.danDien.OfficeKey()))
			if code != http.StatusBadRequest || !strings.Contains(body, "Household registers are kept per village") {
				t.Errorf("a commune's register: %d, want 400 with the English message", code)
			}
			head := f.official(t, "thon2@dd.vn", auth.VillageHead, f.v2)
			var role int64
			d.QueryRow("select id from roles where account_id = $1", head.ID).Scan(&role)
			page := fmt.Sprintf("/quan-tri/don-vi/%s/can-bo", f.hue.OfficeKey())
			code, body, _ = b.Follow(b.post(page, fmt.Sprintf("%s/%d/thu-hoi", page, role), url.Values{"confirm": {"1"}}))
			if code != http.StatusOK || !strings.Contains(body, "The role is revoked.") || roleCount(t, d, head.ID) != 0 {
				t.Errorf("revoke in English: %d, %d roles left\n%.2000s", code, roleCount(t, d, head.ID), body)
			}
		}
	})
}

// TestBackOfficeURLsUseUnitCodes: back-office URLs name a unit by its official
// code (a province's 2 digits, a commune's 5, a village's 19885-01); an
// internal ID sends a GET for good to the code's URL, but only once the guard
// has let the official in: a unit outside their scope is "not found" by code
// and by ID alike, and its code is never told. A post to an ID URL still works,
// and the pages link by code.
func TestBackOfficeURLsUseUnitCodes(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.official(t, "xa@dd.vn", auth.CommuneOfficial, f.danDien)
		f.official(t, "thon@dd.vn", auth.VillageHead, f.v1)
		f.official(t, "tinh@hue.vn", auth.ProvinceAdmin, f.hue)
		srv := f.site(t)
		commune, head, province := newBrowser(t, srv), newBrowser(t, srv), newBrowser(t, srv)
		commune.signIn("xa@dd.vn")
		head.signIn("thon@dd.vn")
		province.signIn("tinh@hue.vn")
		for _, c := range []struct {
			b    *browser
			path string
		}{{commune, "/quan-tri/don-vi/19885/nhat-ky"}, {head, "/quan-tri/don-vi/19885-01/ho-gia-dinh"}, {province, "/quan-tri/don-vi/46/can-bo"}} {
			if code, body, _ := c.b.get(c.path); code != http.StatusOK {
				t.Errorf("GET %s: %d, want 200\n%.300s", c.path, code, body)
			}
		}
		code, _, h := commune.get(fmt.Sprintf("/quan-tri/don-vi/%d/nhat-ky?truoc=5", f.danDien.ID))
		if code != http.StatusMovedPermanently || h.Get("Location") != "/quan-tri/don-vi/19885/nhat-ky?truoc=5" {
			t.Errorf("GET by ID: %d to %q, want 301 to /quan-tri/don-vi/19885/nhat-ky?truoc=5", code, h.Get("Location"))
		}
		// Another province's ward, by code and by ID; a sibling village by ID.
		for _, c := range []struct {
			b          *browser
			path, code string
			name       string
		}{
			{commune, "/quan-tri/don-vi/00004/nhat-ky", "", f.baDinh.Name}, // the code is the one typed
			{commune, fmt.Sprintf("/quan-tri/don-vi/%d/nhat-ky", f.baDinh.ID), "00004", f.baDinh.Name},
			{head, fmt.Sprintf("/quan-tri/don-vi/%d/ho-gia-dinh", f.v2.ID), "19885-02", f.v2.Name},
			{province, fmt.Sprintf("/quan-tri/don-vi/%d/can-bo", f.hanoi.ID), "/01/", f.hanoi.Name},
		} {
			code, body, h := c.b.get(c.path)
			if code != http.StatusNotFound || h.Get("Location") != "" || (c.code != "" && strings.Contains(body, c.code)) || strings.Contains(body, c.name) {
				t.Errorf("GET %s out of scope: %d to %q, want 404 revealing neither %q nor %q\n%.500s", c.path, code, h.Get("Location"), c.code, c.name, body)
			}
		}
		// A number that names no unit, even for the whole country's administrator.
		f.official(t, "root@x.vn", auth.SysAdmin, org.Unit{})
		root := newBrowser(t, srv)
		root.signIn("root@x.vn")
		for _, path := range []string{"/quan-tri/don-vi/99999/nhat-ky", "/quan-tri/don-vi/0/nhat-ky"} {
			want := http.StatusNotFound
			if path == "/quan-tri/don-vi/0/nhat-ky" {
				want = http.StatusOK
			}
			if code, _, h := root.get(path); code != want || h.Get("Location") != "" {
				t.Errorf("system administrator GET %s: %d to %q, want %d", path, code, h.Get("Location"), want)
			}
		}
		// A post to the ID URL goes through (a page opened before the change).
		page := "/quan-tri/don-vi/46/can-bo"
		code, body, _ := province.post(page, fmt.Sprintf("/quan-tri/don-vi/%d/can-bo", f.hue.ID), url.Values{"full_name": {"Người mới"}, "email": {"moi@hue.vn"}, "role": {"viewer"}})
		if code != http.StatusOK || db.Count(t, d, "select count(*) from accounts where email = $1", "moi@hue.vn") != 1 {
			t.Errorf("POST to the ID URL: %d\n%.300s", code, body)
		}
		// The pages link by code, never by ID.
		byID := regexp.MustCompile(`/quan-tri/don-vi/\d{6,}`)
		for _, c := range []struct {
			b    *browser
			path string
			want string
		}{{commune, "/quan-tri", "/quan-tri/don-vi/19885/nhat-ky"}, {head, "/quan-tri", "/quan-tri/don-vi/19885-01/ho-gia-dinh"},
			{head, "/quan-tri/don-vi/19885-01/ho-gia-dinh", ""}, {province, "/quan-tri", "/quan-tri/don-vi/46/can-bo"}} {
			_, body, _ := c.b.get(c.path)
			if !strings.Contains(body, c.want) || byID.MatchString(body) {
				t.Errorf("%s links %v, want %q and no ID URL", c.path, byID.FindAllString(body, 3), c.want)
			}
		}
	})
}
