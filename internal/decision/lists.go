package decision

import (
	"context"
	"fmt"
	"net/url"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/org"
	"danchu/internal/web"
)

// ForCitizen lends the citizen's page its lists, each at most limit (one
// more is read, so the page knows there are more): the online votes of the
// households the citizen represents — what the citizen chose and the receipt,
// with the way to check it on the published list once the vote has closed —
// and the votes open now in the citizen's communes.
func (s *Service) ForCitizen(ctx context.Context, a *auth.Actor, communes []org.Unit, limit int) ([]web.Listing, error) {
	mine := web.Listing{Title: apperr.M("decision.mine.votes"), Empty: apperr.M("decision.mine.no_votes")}
	if a != nil && a.Kind == auth.Citizen {
		hvs, err := s.votesOfRepresentative(ctx, a.AccountID, limit+1)
		if err != nil {
			return nil, err
		}
		today := s.today()
		for _, hv := range hvs {
			v := hv.Vote
			matter := fmt.Sprintf("/quyet-dinh/%d", v.MatterID)
			e := web.Entry{Title: hv.Title, URL: matter + "#phieu-" + fmt.Sprint(v.ID), Date: v.HeldOn.VN()}
			switch {
			case hv.Mine:
				e.Status = apperr.M("decision.mine.voted")
				e.Lines = []apperr.Msg{apperr.M("decision.mine.chose", hv.HouseholdCode, choiceWords[hv.Choice]),
					apperr.M("decision.mine.receipt", hv.Receipt)}
				if v.Status == StatusClosed {
					e.Links = []web.Link{{Text: apperr.M("decision.mine.check"),
						URL: matter + "?phieu=" + fmt.Sprint(v.ID) + "&kiem-tra=" + url.QueryEscape(hv.Receipt) + "#phieu-" + fmt.Sprint(v.ID)}}
				} else {
					e.Lines = append(e.Lines, apperr.M("decision.mine.check_after", v.HeldOn.VN()))
				}
			case hv.Voted:
				e.Status = apperr.M("decision.mine.voted")
				e.Lines = []apperr.Msg{apperr.M("decision.mine.voted_other", hv.HouseholdCode)}
			case v.Open(today):
				e.Status = apperr.M("decision.mine.to_vote")
				e.Lines = []apperr.Msg{apperr.M("decision.mine.to_vote_line", hv.HouseholdCode, v.HeldOn.VN())}
			default:
				e.Status = apperr.M("decision.mine.not_voted")
			}
			mine.Entries = append(mine.Entries, e)
		}
	}
	open := web.Listing{Title: apperr.M("decision.mine.open"), Empty: apperr.M("decision.mine.none_open")}
	for _, c := range communes {
		ovs, err := s.openVotes(ctx, c.ID, 0, s.today(), limit+1)
		if err != nil {
			return nil, err
		}
		es, err := s.openEntries(ctx, ovs)
		if err != nil {
			return nil, err
		}
		open.Entries = append(open.Entries, es...)
		if len(communes) == 1 {
			open.More = "/xa/" + c.Code + "/quyet-dinh"
		}
	}
	return []web.Listing{mine, open}, nil
}

// ForVillage lends the village head's page the votes open now in the village
// and the village's matters (its own and the commune's voted in it).
func (s *Service) ForVillage(ctx context.Context, a *auth.Actor, village, commune org.Unit, limit int) ([]web.Listing, error) {
	ovs, err := s.openVotes(ctx, commune.ID, village.ID, s.today(), limit+1)
	if err != nil {
		return nil, err
	}
	open := web.Listing{Title: apperr.M("decision.mine.open_village"), Empty: apperr.M("decision.mine.none_open")}
	if open.Entries, err = s.openEntries(ctx, ovs); err != nil {
		return nil, err
	}
	ms, err := s.ListInVillage(ctx, commune.ID, village.ID, 0, limit+1)
	if err != nil {
		return nil, err
	}
	matters := web.Listing{Title: apperr.M("decision.mine.matters"), Empty: apperr.M("decision.mine.no_matters"), More: village.OfficeURL("quyet-dinh")}
	for _, m := range ms {
		e := web.Entry{Title: m.Title, URL: fmt.Sprintf("/quan-tri/quyet-dinh/%d", m.ID), Date: m.ProposedOn.VN(),
			Status: stageWords[m.Stage()]}
		if m.Scope == CommuneScope {
			e.Lines = []apperr.Msg{apperr.M("decision.mine.commune_wide")}
		}
		matters.Entries = append(matters.Entries, e)
	}
	return []web.Listing{open, matters}, nil
}

// choiceWords and stageWords name a ballot's choice and where a matter stands (Matter.Stage).
var (
	choiceWords = map[string]apperr.Msg{ChoiceAgree: apperr.M("decision.choice.agree"), ChoiceDisagree: apperr.M("decision.choice.disagree"),
		ChoiceOther: apperr.M("decision.choice.other")}
	stageWords = map[string]apperr.Msg{"open": apperr.M("decision.stage.open"), "failed": apperr.M("decision.stage.failed"),
		"annulled": apperr.M("decision.stage.annulled"), "in_force": apperr.M("decision.stage.in_force"), "refused": apperr.M("decision.stage.refused"),
		"awaiting_minutes": apperr.M("decision.stage.awaiting_minutes"), "awaiting_recognition": apperr.M("decision.stage.awaiting_recognition")}
)

func (s *Service) openEntries(ctx context.Context, ovs []OpenVote) ([]web.Entry, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var out []web.Entry
	for _, ov := range ovs {
		v := ov.Vote
		vil, _ := t.Unit(v.VillageID)
		out = append(out, web.Entry{Title: ov.Title, URL: fmt.Sprintf("/quyet-dinh/%d#phieu-%d", v.MatterID, v.ID), Date: v.HeldOn.VN(),
			Status: apperr.M("decision.mine.method", MethodNames[v.Method]),
			Lines:  []apperr.Msg{apperr.M("decision.mine.where", vil.Name, v.HeldOn.VN())}})
	}
	return out, nil
}
