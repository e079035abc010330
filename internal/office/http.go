// Package office is the kernel's back office: the officials' home page (their
// roles and the role invitations waiting for them), a unit's activity log, the
// officials of a unit (add, invite, revoke a role, lock or unlock an account) and
// a village's household register with its representatives. It owns no table and
// no rule: it shows what auth, org and audit keep and changes it through auth's
// service, which checks the guard and writes the audit record.
package office

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/org"
	"danchu/internal/web"
)

//go:embed templates locales
var files embed.FS

// Units is what the back office reads of the unit tree and the household registers.
type Units interface {
	Tree(ctx context.Context) (*org.Tree, error)
	Bodies
	Households(ctx context.Context, villageID int64) ([]org.Household, error)
	HouseholdByID(ctx context.Context, id int64) (org.Household, error)
}

// Log is what the back office reads of the audit log.
type Log interface {
	Entries(ctx context.Context, unitPath string, beforeID int64, limit int) ([]audit.Entry, error)
}

// logPage is how many audit entries one page of the activity log shows.
const logPage = 100

type handlers struct {
	web   *web.Server
	ah    *auth.Handlers
	svc   *auth.Service
	units Units
	log   Log
	pages map[string]*web.Page
	rooms []Room           // the capabilities' work and figures, in the order pages show them
	now   func() time.Time // the clock of the figures' quarter
}

// RegisterRoutes adds the back-office pages to s, behind ah's sign-in: rooms
// are the capabilities whose waiting work the home shows and whose figures the
// province table shows (the first one's clock dates the figures' quarter).
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *auth.Service, units Units, log Log, rooms ...Room) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("office catalog: %w", err)
	}
	h := &handlers{web: s, ah: ah, svc: svc, units: units, log: log, rooms: rooms, now: time.Now}
	if len(rooms) > 0 {
		h.now = rooms[0].Now
	}
	var err error
	if h.pages, err = s.Pages(files, []string{"home", "log", "officials", "households", "overview", "bodies"}, "templates/form.tmpl", "templates/work.tmpl"); err != nil {
		return err
	}
	s.HandleFunc("GET /quan-tri", ah.Official(h.home))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/"+OverviewPage, ah.Official(h.overview(false)))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/"+OverviewPage+".xlsx", ah.Official(h.overview(true)))
	s.HandleFunc("POST /quan-tri/loi-moi/{id}/nhan", ah.Official(h.answerInvitation(true)))
	s.HandleFunc("POST /quan-tri/loi-moi/{id}/tu-choi", ah.Official(h.answerInvitation(false)))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/nhat-ky", ah.Official(h.auditLog))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/can-bo", ah.Official(h.officials))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/can-bo", ah.Official(h.addOfficial))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/can-bo/{role}/thu-hoi", ah.Official(h.revokeRole()))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/tai-khoan/{account}/khoa", ah.Official(h.lock(true)))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/tai-khoan/{account}/mo-khoa", ah.Official(h.lock(false)))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/"+BodiesPage, ah.Official(h.bodies))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/"+BodiesPage, ah.Official(h.addBody))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/"+BodiesPage+"/{id}", ah.Official(h.editBody))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/ho-gia-dinh", ah.Official(h.households))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/ho-gia-dinh/{household}/ma-nhan", ah.Official(h.issueClaim))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/ho-gia-dinh/{household}/dai-dien", ah.Official(h.confirmRepresentative))
	return nil
}

// form is the data of a page with forms: the message of a failed submission, the
// fields in error, what the person typed ("done": the confirmation of what was
// just done), and the page's own data.
type form struct {
	Error  string
	Fields map[string]string
	Values map[string]string
	Extra  any
}

// failed is the form data of a failure web.FailForm returned.
func failed(f web.FormFailure, values map[string]string) form {
	return form{Error: f.Message, Fields: f.Fields, Values: values}
}

// done is the form data of a page confirming what was done.
func done(msg string) form { return form{Values: map[string]string{"done": msg}} }

func (h *handlers) render(w http.ResponseWriter, r *http.Request, page, titleKey string, status int, data any) {
	h.web.RenderStatus(w, r, h.pages[page], status, h.web.T(r, titleKey), data)
}

// grantRow is one of the actor's roles, with its unit.
type grantRow struct {
	Role     auth.Role
	Label    string
	UnitID   int64
	Unit     org.Unit // the zero Unit for the whole country (OfficeKey 0)
	UnitName string
	Overview string // the unit's overview page
	Province bool   // the overview is the table of the province's communes
}

func (h *handlers) home(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.homePage(w, r, a, http.StatusOK, "", "")
}

func (h *handlers) homePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, msg, fail string) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	var rows []grantRow
	for _, g := range a.Grants {
		row := grantRow{Role: g.Role, Label: g.Role.Label(), UnitID: g.UnitID, UnitName: h.web.T(r, "office.country")}
		if u, ok := t.Unit(g.UnitID); ok {
			row.Unit, row.UnitName, row.Overview = u, u.Name, UnitURL(u, OverviewPage)
			row.Province = u.Type.Level() == org.ProvinceLevel
		}
		rows = append(rows, row)
	}
	work, err := h.work(r.Context(), t, a, grantUnits(t, a))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	inv, err := h.svc.Invitations(r.Context(), a)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.render(w, r, "home", "office.home.title", status, struct {
		Name        string
		Work        []workLine
		Grants      []grantRow
		Invitations []auth.Invitation
		Done, Error string
	}{a.Name, work, rows, inv, msg, fail})
}

// answerInvitation accepts or declines one of the official's own role invitations.
func (h *handlers) answerInvitation(accept bool) func(http.ResponseWriter, *http.Request, *auth.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		id, ok := web.PathID(r, "id")
		if !ok {
			h.web.NotFound(w, r)
			return
		}
		_, err := h.svc.AnswerInvitation(r.Context(), a, id, accept)
		if err != nil {
			if f, ok := h.web.FailForm(w, r, err); ok {
				h.homePage(w, r, a, f.Status, "", f.Message)
			}
			return
		}
		if accept {
			// The role is in force from the next request: the redirect's page has it.
			h.web.Done(w, r, "/quan-tri", "office.done.accepted")
			return
		}
		h.web.Done(w, r, "/quan-tri", "office.done.declined")
	}
}

func (h *handlers) auditLog(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Scope(w, r, a, auth.ReadAudit)
	if !ok {
		return
	}
	es, pager, err := web.KeysetPage(r, "truoc", logPage, func(before int64, n int) ([]audit.Entry, error) { return h.log.Entries(r.Context(), u.Path, before, n) },
		func(e audit.Entry) int64 { return e.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	showIP := false
	if d, _ := auth.Decide(t, a.Grants, auth.ReadAuditIP, u.ID); d == auth.Allowed { // Decide, not Can: not having it is no refusal to log
		showIP = true
	}
	if !showIP {
		for i := range es {
			es[i].IP = ""
		}
	}
	rows := make([]logRow, len(es))
	for i, e := range es {
		rows[i] = h.logRowOf(r, t, e)
	}
	h.render(w, r, "log", "office.log.title", http.StatusOK, struct {
		Unit    org.Unit
		Entries []logRow
		Pager   web.Pager
		ShowIP  bool
	}{u, rows, pager, showIP})
}

// logRow is an audit entry in the reader's words: what happened (the public
// record's name for it, else the action's), the roles by name, the object as a
// unit's name where it is one, the outcome and its reason.
type logRow struct {
	audit.Entry
	What, Roles, Object, Result, Why string
}

func (h *handlers) logRowOf(r *http.Request, t *org.Tree, e audit.Entry) logRow {
	row := logRow{Entry: e, What: h.web.Label(r, e.Action, "audit.kind."+e.Action, "audit.action."+e.Action),
		Result: h.web.Label(r, e.Outcome, "audit.outcome."+e.Outcome), Why: h.web.Label(r, e.Detail, "audit.detail."+e.Detail)}
	var roles []string
	for _, ro := range strings.Split(e.Role, ",") {
		if ro == "" {
			continue
		}
		if l := auth.Role(ro).Label(); l != "" {
			ro = l
		}
		roles = append(roles, ro)
	}
	row.Roles = strings.Join(roles, ", ")
	object := h.web.Label(r, e.ObjectType, "audit.object."+e.ObjectType)
	if id, err := strconv.ParseInt(e.ObjectID, 10, 64); err == nil && e.ObjectType == "unit" {
		if u, ok := t.Unit(id); ok {
			row.Object = u.Name
			return row
		}
	}
	if e.ObjectID != "" {
		object += " " + e.ObjectID
	}
	row.Object = object
	return row
}

// officialRow is an official with a role in a unit's subtree.
type officialRow struct {
	auth.OfficialRole
	Own bool // the viewer's own role: no revoke button
}

func (h *handlers) officialsPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, f form) {
	list, err := h.svc.OfficialsUnder(r.Context(), u)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	rows := make([]officialRow, len(list))
	for i, o := range list {
		rows[i] = officialRow{o, o.AccountID == a.AccountID}
	}
	var roles []auth.Role
	for _, role := range auth.Roles {
		if role.BindsTo(u.Type) {
			roles = append(roles, role)
		}
	}
	f.Extra = struct {
		Unit  org.Unit
		Rows  []officialRow
		Roles []auth.Role
	}{u, rows, roles}
	h.render(w, r, "officials", "office.officials.title", status, f)
}

func (h *handlers) officials(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Scope(w, r, a, auth.ManageUsers)
	if ok {
		h.officialsPage(w, r, a, u, http.StatusOK, form{})
	}
}

func (h *handlers) addOfficial(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Scope(w, r, a, auth.ManageUsers)
	if !ok {
		return
	}
	in := auth.NewOfficial{FullName: r.PostFormValue("full_name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		Role: auth.Role(r.PostFormValue("role")), UnitID: u.ID}
	res, err := h.svc.CreateOfficial(r.Context(), a, in)
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			typed := map[string]string{"full_name": in.FullName, "email": in.Email, "phone": in.Phone, "role": string(in.Role)}
			h.officialsPage(w, r, a, u, f.Status, failed(f, typed))
		}
		return
	}
	var msg string
	switch role := res.Grant.Role.Label(); {
	case res.Invitation != 0:
		msg = h.web.T(r, "office.officials.invited", res.Account.Email, role)
	case res.ActivationLink != "":
		msg = h.web.T(r, "office.officials.created", role, res.Account.Email)
	case res.Mailed:
		msg = h.web.T(r, "office.officials.mailed", role, res.Account.Email)
	default:
		msg = h.web.T(r, "office.officials.granted", role, res.Account.Email)
	}
	h.officialsPage(w, r, a, u, http.StatusOK, form{Values: map[string]string{"done": msg, "link": res.ActivationLink}})
}

// onOfficial handles an action on one role or account listed on the unit's
// officials page: {param} is its ID, do returns the notice key (Server.Done).
func (h *handlers) onOfficial(param string, do func(r *http.Request, a *auth.Actor, id int64) (string, error)) func(http.ResponseWriter, *http.Request, *auth.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		u, ok := h.ah.Scope(w, r, a, auth.ManageUsers)
		if !ok {
			return
		}
		id, ok := web.PathID(r, param)
		if !ok {
			h.web.NotFound(w, r)
			return
		}
		key, err := do(r, a, id)
		if err != nil {
			if f, ok := h.web.FailForm(w, r, err); ok {
				h.officialsPage(w, r, a, u, f.Status, failed(f, nil))
			}
			return
		}
		h.web.Done(w, r, "/quan-tri/don-vi/"+r.PathValue("unit")+"/can-bo", key)
	}
}

// lock locks or unlocks an official's account.
func (h *handlers) lock(locked bool) func(http.ResponseWriter, *http.Request, *auth.Actor) {
	return h.onOfficial("account", func(r *http.Request, a *auth.Actor, id int64) (string, error) {
		if locked { // an unlock undoes a lock; a lock ends the official's sessions at once
			if err := web.Confirmed(r); err != nil {
				return "", err
			}
		}
		if _, err := h.svc.SetLocked(r.Context(), a, id, locked); err != nil {
			return "", err
		}
		if !locked {
			return "office.done.unlocked", nil
		}
		return "office.done.locked", nil
	})
}

// revokeRole ends one role.
func (h *handlers) revokeRole() func(http.ResponseWriter, *http.Request, *auth.Actor) {
	return h.onOfficial("role", func(r *http.Request, a *auth.Actor, id int64) (string, error) {
		if err := web.Confirmed(r); err != nil {
			return "", err
		}
		if _, err := h.svc.RevokeRole(r.Context(), a, id); err != nil {
			return "", err
		}
		return "office.done.revoked", nil
	})
}

// householdsPage is the register of a village in the back office.
type householdsPage struct {
	Unit       org.Unit
	Households []householdView
	Active     int // resident households: the number every other page shows and a vote counts
}

type householdView struct {
	org.Household
	Representative string
}

func (h *handlers) households(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Scope(w, r, a, auth.ManageHouseholds); ok {
		h.householdsPage(w, r, u, http.StatusOK, form{})
	}
}

func (h *handlers) householdsPage(w http.ResponseWriter, r *http.Request, u org.Unit, status int, f form) {
	if u.Type.Level() != org.VillageLevel {
		h.web.Error(w, r, apperr.New(apperr.CodeInvalid, "office.err.not_village"))
		return
	}
	hs, err := h.units.Households(r.Context(), u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := householdsPage{Unit: u}
	for _, hh := range hs {
		v := householdView{Household: hh}
		if hh.RepresentativeAccountID != 0 {
			if acc, err := h.svc.Account(r.Context(), hh.RepresentativeAccountID); err == nil {
				v.Representative = strings.TrimSpace(acc.FullName + " " + auth.Mask(acc.Phone+acc.Email))
			}
		}
		p.Households = append(p.Households, v)
		if hh.Active {
			p.Active++
		}
	}
	f.Extra = p
	h.render(w, r, "households", "office.households.title", status, f)
}

// householdParam reads the {household} of a village's register URL: a household
// of that village, else "not found".
func (h *handlers) householdParam(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, int64, bool) {
	u, ok := h.ah.Scope(w, r, a, auth.ManageHouseholds)
	if !ok {
		return u, 0, false
	}
	id, ok := web.PathID(r, "household")
	if !ok {
		h.web.NotFound(w, r)
		return u, 0, false
	}
	hh, err := h.units.HouseholdByID(r.Context(), id)
	if err != nil || hh.VillageID != u.ID {
		h.web.NotFound(w, r)
		return u, 0, false
	}
	return u, id, true
}

func (h *handlers) issueClaim(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, id, ok := h.householdParam(w, r, a)
	if !ok {
		return
	}
	code, err := h.svc.IssueClaim(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.householdsPage(w, r, u, http.StatusOK, form{Values: map[string]string{"claim_for": strconv.FormatInt(id, 10), "claim": code}})
}

func (h *handlers) confirmRepresentative(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, id, ok := h.householdParam(w, r, a)
	if !ok {
		return
	}
	addr := r.PostFormValue("address")
	var err error
	switch {
	case r.PostFormValue("remove") == "1":
		err = h.svc.ConfirmRepresentative(r.Context(), a, id, "")
	case strings.TrimSpace(addr) == "":
		err = apperr.New(apperr.CodeInvalid, "office.err.address_required").Mark("address")
	default:
		err = h.svc.ConfirmRepresentative(r.Context(), a, id, addr)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.householdsPage(w, r, u, f.Status, failed(f, nil))
		}
		return
	}
	h.web.Done(w, r, "/quan-tri/don-vi/"+r.PathValue("unit")+"/ho-gia-dinh", "office.done.representative")
}
