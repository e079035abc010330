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
// may rate the officials on (LDC 2022 Art 35(2)(a)): the answer to their own
// feedback item, and a reception visit entered in the book under their code.
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
		return survey.Interaction{Kind: kind, Ref: it.Code, UnitID: it.HandlerID, Day: legal.Today(time.UnixMilli(it.AnsweredAt))}, nil
	case survey.ReceptionRating:
		t, err := x.reception.Track(ctx, ref)
		if err != nil {
			return survey.Interaction{}, err
		}
		// A booking made signed in is its account's to rate; a walk-in's
		// code (or a booking made without an account) is its holder's.
		if len(t.Visits) == 0 || (t.Booking != nil && t.Booking.AccountID != 0 && t.Booking.AccountID != a.AccountID) {
			return survey.Interaction{}, survey.NotRateable()
		}
		return survey.Interaction{Kind: kind, Ref: t.Code, UnitID: t.Unit.ID, Day: t.Visits[0].Day}, nil
	}
	return survey.Interaction{}, survey.NotRateable()
}
