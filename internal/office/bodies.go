package office

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
	"danchu/internal/web"
)

// BodiesPage is a unit's register of the bodies attached to it (Party
// bodies, agencies, the Front and mass organisations, sections), with their
// short names: /quan-tri/don-vi/{unit}/to-chuc.
const BodiesPage = "to-chuc"

// Bodies is what the register of bodies changes: org's CreateUnitWith and
// SetUnitWith, which also write the official's audit record in their
// transaction.
type Bodies interface {
	CreateUnitWith(ctx context.Context, u org.Unit, parentID int64, idem db.Idem, also org.Also) (org.Unit, error)
	SetUnitWith(ctx context.Context, id int64, name, shortName string, also org.Also) (org.Unit, error)
}

// bodyView is one attached body of the page.
type bodyView struct {
	org.Unit
	Kind string
}

type bodiesPage struct {
	Unit   org.Unit
	Bodies []bodyView
	Types  []org.Type // the types a new body under Unit may have
	Max    int        // org.MaxShortName
}

// childTypes are the attached types that may sit under a unit of type t.
func childTypes(t org.Type) []org.Type {
	var out []org.Type
	for _, c := range org.Types {
		if c.Level() == org.Attached && org.AllowedParent(c, t) {
			out = append(out, c)
		}
	}
	return out
}

func (h *handlers) bodiesPage(w http.ResponseWriter, r *http.Request, u org.Unit, status int, f form) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := bodiesPage{Unit: u, Types: childTypes(u.Type), Max: org.MaxShortName}
	for _, k := range t.Descendants(u.ID) {
		if k.ParentID == u.ID && k.Type.Level() == org.Attached {
			p.Bodies = append(p.Bodies, bodyView{Unit: k, Kind: k.Type.Label()})
		}
	}
	slices.SortStableFunc(p.Bodies, func(a, b bodyView) int { return strings.Compare(string(a.Type)+a.Name, string(b.Type)+b.Name) })
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	f.Extra = p
	h.web.RenderStatus(w, r, h.pages["bodies"], status, h.web.T(r, "office.bodies.title", u.Name), f)
}

func (h *handlers) bodies(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.ManageUnits); ok {
		h.bodiesPage(w, r, u, http.StatusOK, form{})
	}
}

// unitSummary is what the audit log hashes of a unit.
func unitSummary(u org.Unit) map[string]any {
	if u.ID == 0 {
		return nil
	}
	return map[string]any{"id": u.ID, "code": u.Code, "name": u.Name, "type": string(u.Type), "short_name": u.ShortName, "parent": u.ParentID}
}

// audited writes the official's audit record of a change of units in its transaction.
func (h *handlers) audited(r *http.Request, a *auth.Actor, event string) org.Also {
	return func(tx *sql.Tx, before, after org.Unit) error {
		return h.svc.Guard().RecordEvent(r.Context(), tx, a, auth.ManageUnits, event, after.ID, "unit", fmt.Sprint(after.ID), unitSummary(before), unitSummary(after))
	}
}

func (h *handlers) addBody(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.ManageUnits)
	if !ok {
		return
	}
	v := r.PostFormValue
	values := map[string]string{"type": v("type"), "name": v("name"), "short_name": v("short_name"), "code": v("code")}
	idem, err := web.FormIdem(r)
	if err == nil {
		typ := org.Type(v("type"))
		if !slices.Contains(childTypes(u.Type), typ) {
			err = apperr.New(apperr.CodeInvalid, "office.err.body_type").Mark("type")
		} else {
			_, err = h.units.CreateUnitWith(r.Context(), org.Unit{Type: typ, Name: v("name"), ShortName: strings.TrimSpace(v("short_name")), Code: strings.TrimSpace(v("code"))},
				u.ID, idem.In("office.body_create", a.AccountID, u.ID), h.audited(r, a, "units.body_created"))
		}
	}
	if err == nil {
		h.web.Done(w, r, u.OfficeURL(BodiesPage), "office.bodies.created")
		return
	}
	if f, ok := h.web.FailForm(w, r, err); ok {
		h.bodiesPage(w, r, u, f.Status, failed(f, values))
	}
}

func (h *handlers) editBody(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.ManageUnits)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	body, found := t.Unit(id)
	if !ok || !found || body.ParentID != u.ID || !body.Current() || body.Type.Level() != org.Attached {
		h.web.NotFound(w, r)
		return
	}
	v := r.PostFormValue
	values := map[string]string{"edit": fmt.Sprint(id), "name": v("name"), "short_name": v("short_name")}
	if _, err = h.units.SetUnitWith(r.Context(), id, v("name"), v("short_name"), h.audited(r, a, "units.body_changed")); err == nil {
		h.web.Done(w, r, u.OfficeURL(BodiesPage), "office.bodies.changed")
		return
	}
	if f, ok := h.web.FailForm(w, r, err); ok {
		h.bodiesPage(w, r, u, f.Status, failed(f, values))
	}
}
