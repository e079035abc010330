package survey

import (
	"net/http"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/org"
	"danchu/internal/web"
)

// ratingsView is what the "ratings" table shows.
type ratingsView struct{ Ratings []RatingPeriod }

func (ratingsView) MinShown() int      { return MinShown }
func (ratingsView) Criteria() []string { return Criteria }

type ratePage struct {
	form
	Kind     string
	It       Interaction
	Unit     org.Unit
	Rated    bool
	Criteria []string
	Scale    []string
	Public   string
}

// MinShown is the fewest ratings a period's figures need.
func (ratePage) MinShown() int { return MinShown }

func (h *handlers) ratePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, ff *web.FormFailure) {
	kind := RatingSlugs[r.PathValue("kind")]
	it, u, done, err := h.svc.Rateable(r.Context(), a, kind, r.PathValue("ref"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := ratePage{Kind: kind, It: it, Unit: u, Rated: done, Criteria: Criteria, Scale: ScaleLabels}
	if u.Territory() {
		p.Public = ListURL(u)
	}
	p.form.failed(ff)
	h.web.RenderStatus(w, r, h.pages["rate"], status, h.web.T(r, "survey.rate.title"), p)
}

func (h *handlers) rateForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	// The page tells whether a code was a visit: it is counted like a form
	// post (which the server counts already), so codes cannot be tried by the thousand.
	if ok, wait := h.ah.WriteLimit.Allow("ip:" + web.ClientIP(r.Context())); !ok {
		h.web.Error(w, r, apperr.New(apperr.CodeTooMany, "survey.err.rate_limit", web.RetrySeconds(wait)).After(wait))
		return
	}
	h.ratePage(w, r, a, http.StatusOK, nil)
}

func (h *handlers) rate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	n := web.FormNumbers(r) // radio buttons: none chosen is 0, which the service refuses with the criterion
	labels := []apperr.Msg{apperr.M("survey.criterion.attitude"), apperr.M("survey.criterion.timeliness"), apperr.M("survey.criterion.result")}
	var sc Scores
	for i, c := range Criteria {
		sc[i] = n.Optional(c, labels[i], 0)
	}
	err := n.Err()
	if err == nil {
		err = h.svc.Rate(r.Context(), a, RatingSlugs[r.PathValue("kind")], r.PathValue("ref"), sc)
	}
	if err == nil {
		h.web.Done(w, r, r.URL.Path, "survey.done.rated")
		return
	}
	if f, ok := h.web.FailForm(w, r, err); ok {
		h.ratePage(w, r, a, f.Status, &f)
	}
}
