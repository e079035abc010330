package app

import (
	"context"

	"danchu/internal/decision"
	"danchu/internal/supervision"
)

// boardElections lends supervision the people the villages elected to boards
// (decision capability, LDC Art 15 item 5).
type boardElections struct{ decide *decision.Service }

func (b boardElections) BoardElections(ctx context.Context, communeID int64) ([]supervision.Candidate, error) {
	es, err := b.decide.BoardElections(ctx, communeID)
	if err != nil {
		return nil, err
	}
	out := make([]supervision.Candidate, len(es))
	for i, e := range es {
		out[i] = supervision.Candidate{MatterID: e.MatterID, VillageID: e.VillageID, Matter: e.Matter, Name: e.Name, HeldOn: e.HeldOn, Recognised: e.Recognised}
	}
	return out, nil
}
