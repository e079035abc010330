package consultation

import (
	"context"
	"fmt"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// ForCitizen lends the citizen's page its lists: the citizen's own comments
// with their answers, and the consultations open now in the citizen's
// communes, each at most limit (one more is read, so the page knows there
// are more).
func (s *Service) ForCitizen(ctx context.Context, a *auth.Actor, communes []org.Unit, limit int) ([]web.Listing, error) {
	mine := web.Listing{Title: apperr.M("consultation.mine.comments"), Empty: apperr.M("consultation.mine.no_comments")}
	if a != nil && a.Kind == auth.Citizen {
		cs, err := s.commentsOfAuthor(ctx, a.AccountID, limit+1)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			e := web.Entry{Title: c.Title, URL: fmt.Sprintf("/lay-y-kien/%d#y-kien-%d", c.ConsultationID, c.ID), Date: dateOf(c.CreatedAt),
				Lines: []apperr.Msg{apperr.M("consultation.mine.said", stanceWords[c.Stance], clip(c.Body))}}
			switch {
			case c.HiddenReason != "":
				e.Status = apperr.M("consultation.mine.hidden")
				e.Lines = append(e.Lines, apperr.M("consultation.mine.hidden_reason", c.HiddenReason))
			case c.AnswerKind != "":
				e.Status = answerWords[c.AnswerKind]
				e.Lines = append(e.Lines, apperr.M("consultation.mine.answer", clip(c.AnswerBody)))
			default:
				e.Status = apperr.M("consultation.mine.waiting")
			}
			mine.Entries = append(mine.Entries, e)
		}
	}
	open := web.Listing{Title: apperr.M("consultation.mine.open"), Empty: apperr.M("consultation.mine.none_open")}
	for _, c := range communes {
		cs, err := s.openOnBoard(ctx, c.ID, 0, s.today(), limit+1)
		if err != nil {
			return nil, err
		}
		open.Entries = append(open.Entries, openEntries(cs, c.Name)...)
		if len(communes) == 1 {
			open.More = "/xa/" + c.Code + "/lay-y-kien"
		}
	}
	return []web.Listing{mine, open}, nil
}

// ForVillage lends the village head's page the consultations open now about
// the village or its whole commune.
func (s *Service) ForVillage(ctx context.Context, a *auth.Actor, village, commune org.Unit, limit int) ([]web.Listing, error) {
	cs, err := s.openOnBoard(ctx, commune.ID, village.ID, s.today(), limit+1)
	if err != nil {
		return nil, err
	}
	return []web.Listing{{Title: apperr.M("consultation.mine.open_village"), Empty: apperr.M("consultation.mine.none_open"),
		Entries: openEntries(cs, ""), More: "/xa/" + commune.Code + "/lay-y-kien"}}, nil
}

func openEntries(cs []Consultation, where string) []web.Entry {
	var out []web.Entry
	for _, c := range cs {
		e := web.Entry{Title: c.Title, URL: fmt.Sprintf("/lay-y-kien/%d", c.ID), Status: apperr.M("consultation.mine.until", c.ClosesOn.VN()),
			Lines: []apperr.Msg{apperr.M("consultation.mine.count", c.Comments)}}
		if where != "" {
			e.Lines = append(e.Lines, apperr.M("consultation.mine.where", where))
		}
		out = append(out, e)
	}
	return out
}

// stanceWords and answerWords name a comment's stance and its answer's kind.
var (
	stanceWords = map[string]apperr.Msg{"agree": apperr.M("consultation.stance.agree"), "disagree": apperr.M("consultation.stance.disagree"),
		"suggest": apperr.M("consultation.stance.suggest")}
	answerWords = map[string]apperr.Msg{"accepted": apperr.M("consultation.answer.accepted"), "explained": apperr.M("consultation.answer.explained"),
		"rejected": apperr.M("consultation.answer.rejected")}
)

// dateOf is the civil date (dd/mm/yyyy) of a time in epoch milliseconds.
func dateOf(ms int64) string { return legal.Today(time.UnixMilli(ms)).VN() }

// clip shortens a text shown in a list to 200 characters.
func clip(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:199]) + "…"
	}
	return s
}
