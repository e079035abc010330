package survey

import (
	"net/http"
	"strconv"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/web"
)

// ratingsView is what the "ratings" table shows.
type ratingsView struct{ Ratings []RatingPeriod }

func (ratingsView) MinShown() int      { return MinShown }
func (ratingsView) Criteria() []string { return Criteria }

type ratePage struct {
	form
	State    RateState
	Criteria []string
	Scale    []string
	Public   string
}

// MinShown is the fewest ratings a period's figures need.
func (ratePage) MinShown() int { return MinShown }

func (h *handlers) ratePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, ff *web.FormFailure) {
	st, err := h.svc.Rateable(r.Context(), a, RatingSlugs[r.PathValue("kind")], r.PathValue("ref"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := ratePage{State: st, Criteria: Criteria, Scale: ScaleLabels}
	if st.Unit.Territory() {
		p.Public = ListURL(st.Unit)
	}
	p.form.failed(ff)
	h.web.RenderStatus(w, r, h.pages["rate"], status, h.web.T(r, "survey.rate.title"), p)
}

func (h *handlers) rateForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	// The page tells whether a code was the citizen's visit: it is counted
	// like a form post, per account (the posts are counted already), so that
	// codes cannot be tried by the thousand.
	if ok, wait := h.ah.WriteLimit.Allow("rate:" + strconv.FormatInt(a.AccountID, 10)); !ok {
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
