package app

import (
	"context"
	"time"

	"danchu/internal/auth"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/reception"
	"danchu/internal/survey"
)

// interactions lend the satisfaction ratings (survey room) what a citizen
// may rate the officials on (LDC 2022 Art 35(2)(a)): the answer to (or the
// refusal of) their own feedback item, and a reception visit of theirs.
type interactions struct {
	feedback  *feedback.Service
	reception *reception.Service
}

func (x interactions) Interaction(ctx context.Context, a *auth.Actor, kind, ref string) (survey.Interaction, error) {
	switch kind {
	case survey.FeedbackRating:
		it, err := x.feedback.AnsweredFor(ctx, a, ref)
		if err != nil {
			return survey.Interaction{}, err
		}
		at := it.AnsweredAt
		if at == 0 { // refused: no answer time, the refusal is its last change
			at = it.UpdatedAt
		}
		return survey.Interaction{Kind: kind, Ref: it.Code, UnitID: it.HandlerID, Day: legal.Today(time.UnixMilli(at))}, nil
	case survey.ReceptionRating:
		t, err := x.reception.ReceivedBy(ctx, a, ref)
		if err != nil {
			return survey.Interaction{}, err
		}
		return survey.Interaction{Kind: kind, Ref: t.Code, UnitID: t.Unit.ID, Day: t.Visits[0].Day}, nil
	}
	return survey.Interaction{}, survey.NotRateable()
}
