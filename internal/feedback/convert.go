package feedback

import (
	"context"
	"database/sql"
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/auth"
)

// ConvertNote is what a converted item's history, its public page and its
// reporter are told: that it goes on under the procedure for complaints and
// denunciations, never which one (a denunciation's existence is not told:
// Luật Tố cáo 2018 Art 47).
const ConvertNote = "Chuyển giải quyết theo thủ tục giải quyết khiếu nại, tố cáo (không xử lý như phản ánh, kiến nghị); kết quả được thông báo riêng cho người gửi."

// sealedNote replaces the description and the contact of an item converted
// into a denunciation: they are kept sealed with the case now.
const sealedNote = "Nội dung đã chuyển vào hồ sơ đơn thư và được bảo mật."

// ForCase is an item an official handles and may convert into a case: open,
// not merged into another. For anyone else it does not exist.
func (s *Service) ForCase(ctx context.Context, a *auth.Actor, id int64) (Detail, error) {
	d, err := s.Get(ctx, a, id)
	if err != nil {
		return d, err
	}
	switch {
	case d.MergedInto != 0:
		return d, apperr.New(apperr.CodeConflict, "feedback.err.merged")
	case !d.Open():
		return d, apperr.New(apperr.CodeConflict, "feedback.err.convert_closed")
	}
	return d, nil
}

// Convert closes item it (as ForCase read it) in the transaction that creates
// its case: it is not handled as feedback any more (counted as not taken up),
// its history stays with a last event saying where it went, and its reporter
// is told. secret (a denunciation): its description and contact leave the
// item, for they may name the denouncer, and are kept in the case's vault.
// It moves from any open status: the status machine's refusal is for
// received items, a conversion may come after acceptance.
func (s *Service) Convert(ctx context.Context, tx *sql.Tx, a *auth.Actor, it Item, secret bool) error {
	// ForCase checked (and logged) the access; inside the case's transaction
	// only a check that writes nothing.
	if !s.guard.Allows(ctx, a, auth.HandleFeedback, it.HandlerID) {
		return apperr.New(apperr.CodeNotFound, "feedback.err.not_found")
	}
	if !it.Open() || it.MergedInto != 0 {
		return apperr.New(apperr.CodeConflict, "feedback.err.convert_closed")
	}
	now := s.db.NowMillis()
	// From the status and the handler read: a transfer meanwhile keeps the
	// status but hands the item to another unit.
	if ok, err := convertItem(ctx, tx, it.ID, it.Status, it.HandlerID, now); err != nil || !ok {
		return changed(err)
	}
	// A denunciation's reporter is told in a sealed note: their address is
	// not left readable in the outbox.
	if err := s.refuse(ctx, tx, it, ConvertNote, "feedback.converted", fmt.Sprintf("%s: %s", it.Code, ConvertNote), secret); err != nil {
		return err
	}
	after := it
	after.Status, after.Answer = Refused, ConvertNote
	if secret {
		if err := scrubItem(ctx, tx, it.ID, sealedNote); err != nil {
			return err
		}
		after.Description, after.Contact, after.Address, after.Photos = sealedNote, "", "", 0
	}
	if err := s.event(ctx, tx, it.ID, now, Refused, ConvertNote, a.AccountID); err != nil {
		return err
	}
	return s.guard.RecordEvent(ctx, tx, a, auth.HandleFeedback, "feedback.converted", it.HandlerID, "feedback", it.Code, it, after)
}

// History is an item with its events, for a room that did its own guard
// check (casework shows the history of the item a case came from).
func (s *Service) History(ctx context.Context, id int64) (Detail, error) {
	it, err := s.item(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Item: it}
	d.Events, err = s.events(ctx, id, it.CreatedAt)
	return d, err
}
