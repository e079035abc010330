package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/indicator"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/web"
)

// QueueSize is how many items a page of a queue shows.
const QueueSize = 50

// Queue returns a unit's open items by due date, soonest (and overdue) first,
// a page at a time: after is the last item of the previous page ("" for the
// first), next the cursor of the page after ("" at the end).
func (s *Service) Queue(ctx context.Context, a *auth.Actor, unitID int64, after string) (items []Item, next string, err error) {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, unitID); err != nil {
		return nil, "", err
	}
	due, id := "", int64(0)
	if after != "" { // the cursor this page wrote: DUE_ID, read strictly (a bad one is a 400, never "from the start")
		d, i, _ := strings.Cut(after, "_")
		n, ok := web.ParseID(i)
		if _, err := legal.ParseDate(d); err != nil || !ok {
			return nil, "", apperr.New(apperr.CodeInvalid, "feedback.err.cursor", after)
		}
		due, id = d, n
	}
	items, err = s.openItems(ctx, unitID, due, id, QueueSize+1) // one more: whether the queue goes on
	if err != nil {
		return nil, "", err
	}
	if len(items) > QueueSize {
		items = items[:QueueSize]
		last := items[len(items)-1]
		next = fmt.Sprintf("%s_%d", last.DueOn, last.ID)
	}
	return items, next, nil
}

// Handled returns the unit's most recently changed items that are no longer open.
func (s *Service) Handled(ctx context.Context, a *auth.Actor, unitID int64, limit int) ([]Item, error) {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, unitID); err != nil {
		return nil, err
	}
	return s.closedItems(ctx, unitID, limit)
}

// Photo is a photo of an item.
type Photo struct {
	N      int
	SHA256 string
	Name   string
	Size   int64
}

// Detail is an item with its steps and photos, for the officials handling it.
type Detail struct {
	Item
	Events []Event
	Photos []Photo
	Merged []Item // duplicates merged into it
}

// Get returns an item for an official who may handle it; for anyone else it
// does not exist.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (Detail, error) {
	it, err := s.item(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, it.HandlerID); err != nil {
		if a != nil && a.Kind == auth.Official {
			return Detail{}, apperr.New(apperr.CodeNotFound, "feedback.err.not_found")
		}
		return Detail{}, err
	}
	d := Detail{Item: it}
	if d.Events, err = s.events(ctx, id, it.CreatedAt); err != nil {
		return d, err
	}
	if d.Photos, err = s.photos(ctx, id); err != nil {
		return d, err
	}
	d.Merged, err = mergedInto(ctx, s.db, id)
	return d, err
}

// ByCode finds an item by its tracking code (as typed) for an official who may handle it.
func (s *Service) ByCode(ctx context.Context, a *auth.Actor, typed string) (Item, error) {
	c, ok := s.resolveCode(ctx, typed)
	if !ok {
		return Item{}, apperr.New(apperr.CodeNotFound, "feedback.err.code_format")
	}
	it, err := s.itemByCode(ctx, c)
	if err == nil && s.guard.Can(ctx, a, auth.HandleFeedback, it.HandlerID) != nil {
		err = apperr.New(apperr.CodeNotFound, "feedback.err.not_in_units", c)
	}
	return it, err
}

// Step is one action of an official on an item.
type Step struct {
	Action string
	Note   string // the reason, or the answer
	ToUnit int64  // transfer: the unit that gets the item
	Into   string // merge: the tracking code of the item kept
}

// MaxAnswer is the longest answer or reason.
const MaxAnswer = 5000

// MaxRatingNote is the longest comment with a rating.
const MaxRatingNote = 1000

// checkNote refuses a note that is not UTF-8, empty (required says what to
// write) or longer than MaxAnswer.
func checkNote(note string, required apperr.Msg) error {
	n := utf8.RuneCountInString(strings.TrimSpace(note))
	switch {
	case !utf8.ValidString(note):
		return apperr.New(apperr.CodeInvalid, "feedback.err.note_encoding").Mark("note")
	case n == 0:
		return (&apperr.Error{Code: apperr.CodeInvalid, Msg: required}).Mark("note")
	case n > MaxAnswer:
		return apperr.New(apperr.CodeInvalid, "feedback.err.note_too_long", n, MaxAnswer).Mark("note")
	}
	return nil
}

// Act carries out an official's step on an item they handle: the status moves
// as the status machine allows, the step is shown on the item's public page and
// written to the audit log, and the people concerned are notified.
func (s *Service) Act(ctx context.Context, a *auth.Actor, id int64, st Step) (Item, error) {
	it, err := s.item(ctx, id)
	if err != nil {
		return it, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, it.HandlerID); err != nil {
		if a != nil && a.Kind == auth.Official {
			return it, apperr.New(apperr.CodeNotFound, "feedback.err.not_found")
		}
		return it, err
	}
	if it.MergedInto != 0 {
		return it, apperr.New(apperr.CodeConflict, "feedback.err.merged")
	}
	note := strings.TrimSpace(st.Note)
	now := s.db.NowMillis()
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return it, err
	}
	today := legal.Today(s.db.Now())
	var to string
	var plan func(tx *sql.Tx) error
	switch st.Action {
	case DoAccept:
		to = Accepted
	case DoStart:
		to = InProgress
	case DoClose:
		to = Closed
	case DoRefuse:
		to = Refused
		if err := checkNote(note, apperr.M("feedback.err.note_refuse")); err != nil {
			return it, err
		}
	case DoAnswer:
		to = Answered
		if err := checkNote(note, apperr.M("feedback.err.note_answer")); err != nil {
			return it, err
		}
	case DoTransfer:
		if !it.Open() {
			return it, apperr.New(apperr.CodeConflict, "feedback.err.transfer_closed")
		}
		if err := checkNote(note, apperr.M("feedback.err.note_transfer")); err != nil {
			return it, err
		}
		t, err := s.units.Tree(ctx)
		if err != nil {
			return it, err
		}
		dest, ok := t.Unit(st.ToUnit)
		if !ok || !dest.Current() || dest.ID == it.HandlerID || dest.Type.Level() == org.VillageLevel {
			return it, apperr.New(apperr.CodeInvalid, "feedback.err.transfer_to").Mark("to")
		}
		// A transfer out of one's competence is due within 5 working days (ND 20/2008 Art 9).
		res, err := legal.DefaultCatalogue().Compute(cal, "feedback.transfer", legal.Today(time.UnixMilli(it.Since)), legal.Options{})
		if err != nil {
			return it, err
		}
		eventNote := fmt.Sprintf(transferPref+"%s: %s", dest.Name, note)
		if res.Due.Before(today) {
			eventNote += transferLate + res.Due.VN() + ")"
		}
		days, err := s.daysFor(ctx, it.UnitID, it.Category)
		if err != nil {
			return it, err
		}
		due := cal.AddWorkingDays(today, days).String()
		to, note = Received, eventNote
		plan = func(tx *sql.Tx) error {
			// From the handler read: a transfer keeps the status (received →
			// received), so the status check alone lets two transfers both pass.
			if ok, err := transferItem(ctx, tx, it.ID, it.HandlerID, dest.ID, now, due); err != nil || !ok {
				return changed(err)
			}
			if err := count(ctx, tx, it.HandlerID, "received", -1); err != nil {
				return err
			}
			return count(ctx, tx, dest.ID, "received", 1)
		}
	case DoMerge:
		return s.merge(ctx, a, it, st.Into, note)
	default:
		return it, apperr.New(apperr.CodeInvalid, "feedback.err.action").Mark("action")
	}
	if st.Action != DoTransfer {
		if err := CheckMove(it.Status, to); err != nil {
			return it, err
		}
	}
	after := it
	after.Status = to
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if ok, err := moveStatus(ctx, tx, it.ID, it.Status, to, now); err != nil || !ok {
			return changed(err)
		}
		if plan != nil {
			if err := plan(tx); err != nil {
				return err
			}
		}
		switch st.Action {
		case DoRefuse:
			if err := s.refuse(ctx, tx, it, note, "feedback.refused", fmt.Sprintf("%s không được thụ lý. Lý do: %s", it.Code, note), false); err != nil {
				return err
			}
		case DoAnswer:
			after.Answer, after.AnsweredAt = note, now
			if err := s.answer(ctx, tx, it, note, now, today); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, it.ID, now, to, note, a.AccountID); err != nil {
			return err
		}
		return s.guard.RecordEvent(ctx, tx, a, auth.HandleFeedback, "feedback."+st.Action, it.HandlerID, "feedback", it.Code, it, after)
	})
	if err != nil {
		return it, err
	}
	s.out.Wake()
	return s.item(ctx, it.ID)
}

// answer stores the answer of an item and of the duplicates merged into it,
// counts it (first answer only: a reopened item answered again is not a second
// answer) and notifies every reporter.
func (s *Service) answer(ctx context.Context, tx *sql.Tx, it Item, text string, now int64, today legal.Date) error {
	if err := setAnswer(ctx, tx, it.ID, text, now); err != nil {
		return err
	}
	if it.AnsweredAt == 0 {
		if err := count(ctx, tx, it.HandlerID, "answered", 1); err != nil {
			return err
		}
		onTime := !it.DueOn.Before(today)
		if onTime {
			if err := count(ctx, tx, it.HandlerID, "on_time", 1); err != nil {
				return err
			}
		}
		days := max(legal.Today(time.UnixMilli(it.CreatedAt)).DaysUntil(today), 0)
		if err := addAnswerDay(ctx, tx, it.HandlerID, days); err != nil {
			return err
		}
		if err := indicator.Count(ctx, tx, indicator.Fact{Code: OnTimeIndicator, UnitID: it.HandlerID, Day: today, Num: indicator.One(onTime), Den: 1},
			indicator.Fact{Code: DaysIndicator, UnitID: it.HandlerID, Day: today, InBucket: indicator.Bucket(DayBuckets, float64(days)) + 1}); err != nil {
			return err
		}
	}
	dups, err := mergedInto(ctx, tx, it.ID)
	if err != nil {
		return err
	}
	for _, x := range append([]Item{it}, dups...) {
		if err := s.tell(ctx, tx, x, "feedback.answered", fmt.Sprintf("Phản ánh, kiến nghị %s đã có câu trả lời: %s", x.Code, trimRunes(text, 300))); err != nil {
			return err
		}
	}
	return nil
}

func trimRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// merge makes it a duplicate of the item with code into (same handling unit):
// it closes, shows where it went, and gets the kept item's answer when it comes.
func (s *Service) merge(ctx context.Context, a *auth.Actor, it Item, into, note string) (Item, error) {
	c, ok := s.resolveCode(ctx, into)
	if !ok {
		return it, apperr.New(apperr.CodeInvalid, "feedback.err.merge_code").Mark("into")
	}
	kept, err := s.itemByCode(ctx, c)
	if err != nil || kept.HandlerID != it.HandlerID {
		return it, apperr.New(apperr.CodeInvalid, "feedback.err.merge_unknown", c).Mark("into")
	}
	switch {
	case kept.ID == it.ID:
		return it, apperr.New(apperr.CodeInvalid, "feedback.err.merge_self").Mark("into")
	case kept.MergedInto != 0:
		return it, apperr.New(apperr.CodeInvalid, "feedback.err.merge_merged", kept.Code).Mark("into")
	case !it.Open() || !kept.Open():
		return it, apperr.New(apperr.CodeConflict, "feedback.err.merge_closed")
	}
	now := s.db.NowMillis()
	text := mergePrefix + kept.Code
	if note != "" {
		text += ": " + note
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if ok, err := mergeItem(ctx, tx, it.ID, it.Status, kept.ID, now); err != nil || !ok {
			return changed(err)
		}
		if err := count(ctx, tx, it.HandlerID, "merged", 1); err != nil {
			return err
		}
		if err := s.event(ctx, tx, it.ID, now, Closed, text, a.AccountID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, kept.ID, now, kept.Status, mergedInPref+it.Code+" (cùng nội dung)", a.AccountID); err != nil {
			return err
		}
		if err := s.tell(ctx, tx, it, "feedback.merged", fmt.Sprintf("Phản ánh %s trùng nội dung với %s nên được gộp; câu trả lời của %s cũng là câu trả lời cho bạn.", it.Code, kept.Code, kept.Code)); err != nil {
			return err
		}
		return s.guard.RecordEvent(ctx, tx, a, auth.HandleFeedback, "feedback.merge", it.HandlerID, "feedback", it.Code, it, kept.Code)
	})
	if err != nil {
		return it, err
	}
	s.out.Wake()
	return s.item(ctx, it.ID)
}

// refuse stores why item it is not taken up (its answer), counts it and
// tells its reporter (a note of kind saying text; sealed: in the outbox
// under the vault's keys).
func (s *Service) refuse(ctx context.Context, tx *sql.Tx, it Item, reason, kind, text string, sealed bool) error {
	if err := setRefusal(ctx, tx, it.ID, reason); err != nil {
		return err
	}
	if err := count(ctx, tx, it.HandlerID, "refused", 1); err != nil {
		return err
	}
	return s.note(ctx, tx, it, kind, text, sealed)
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, id, at int64, status, note string, actor int64) error {
	return insertEvent(ctx, tx, s.db.NewID(), id, at, status, note, actor)
}

// changed is the answer to a conditional write that did not move its row
// (err == nil): the item changed since it was read.
func changed(err error) error {
	if err != nil {
		return err
	}
	return apperr.New(apperr.CodeConflict, "feedback.err.changed")
}

// tell queues a note to an item's reporter: to the contact they gave, else to
// their account's; an anonymous reporter without contact is not told.
func (s *Service) tell(ctx context.Context, tx *sql.Tx, it Item, kind, text string) error {
	return s.note(ctx, tx, it, kind, text, false)
}

func (s *Service) note(ctx context.Context, tx *sql.Tx, it Item, kind, text string, sealed bool) error {
	var account notify.Note
	if strings.TrimSpace(it.Contact) == "" && it.AuthorID != 0 {
		cs, err := auth.Contacts(ctx, tx, []int64{it.AuthorID})
		if err != nil {
			return err
		}
		account = cs[it.AuthorID]
	}
	n := noteTo(it.Contact, account)
	n.Kind, n.AccountID, n.Subject, n.Text, n.Link = kind, it.AuthorID, "Phản ánh, kiến nghị "+it.Code, text, TrackURL(it.Code)
	if sealed {
		n.Sealed, n.AccountID = true, 0
	}
	return s.out.Add(ctx, tx, n)
}

// ItemURL is an item's page in the back office.
func ItemURL(id int64) string { return "/quan-tri/phan-anh/" + strconv.FormatInt(id, 10) }

// TrackURL is the public page of a tracking code.
func TrackURL(code string) string { return "/phan-anh/" + code }

// own loads the item with a tracking code for its signed-in reporter; for
// anyone else it does not exist.
func (s *Service) own(ctx context.Context, a *auth.Actor, typed string) (Item, error) {
	c, ok := s.resolveCode(ctx, typed)
	if !ok {
		return Item{}, apperr.New(apperr.CodeNotFound, "feedback.err.code_format_short")
	}
	if a == nil || a.Kind != auth.Citizen {
		return Item{}, apperr.New(apperr.CodeForbidden, "feedback.err.sign_in_sender")
	}
	it, err := s.itemByCode(ctx, c)
	if err != nil {
		return it, err
	}
	if it.AuthorID == 0 || it.AuthorID != a.AccountID {
		return it, apperr.New(apperr.CodeForbidden, "feedback.err.sender_only")
	}
	return it, nil
}

// AnsweredFor is a's own item once it has its answer or its refusal, not
// merged into another: what its sender may rate the officials on (LDC 2022
// Art 35(2)(a)). A refused item is rated too: its sender's view of the
// refusal counts as much as a satisfied one's.
func (s *Service) AnsweredFor(ctx context.Context, a *auth.Actor, typed string) (Item, error) {
	it, err := s.own(ctx, a, typed)
	if err != nil {
		return Item{}, err
	}
	if !(AnsweredStatuses.Has(it.Status) || it.Status == Refused) || it.MergedInto != 0 {
		return Item{}, apperr.New(apperr.CodeConflict, "feedback.err.rate_unanswered")
	}
	return it, nil
}

// Rate records the reporter's rating (1–5 stars, a comment) of the answer, once.
func (s *Service) Rate(ctx context.Context, a *auth.Actor, typed string, stars int, note string) error {
	it, err := s.own(ctx, a, typed)
	if err != nil {
		return err
	}
	if err := CheckRating(stars, it.Status, it.Rating > 0); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > MaxRatingNote {
		return apperr.New(apperr.CodeInvalid, "feedback.err.rating_note").Mark("note")
	}
	now := s.db.NowMillis()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if ok, err := rateItem(ctx, tx, it.ID, stars, note, now); err != nil {
			return err
		} else if !ok {
			return apperr.New(apperr.CodeConflict, "feedback.err.rated")
		}
		if err := count(ctx, tx, it.HandlerID, "rated", 1); err != nil {
			return err
		}
		if Satisfied(stars) {
			if err := count(ctx, tx, it.HandlerID, "satisfied", 1); err != nil {
				return err
			}
		}
		if err := indicator.Count(ctx, tx, indicator.Fact{Code: SatisfiedIndicator, UnitID: it.HandlerID, Day: legal.Today(s.db.Now()),
			Num: indicator.One(Satisfied(stars)), Den: 1}); err != nil {
			return err
		}
		return s.event(ctx, tx, it.ID, now, it.Status, fmt.Sprintf(rateNote, stars), a.AccountID)
	})
}

// Reopen reopens an answered item the reporter is not satisfied with, once and
// within ReopenWindow of the answer; it goes back to the queue with a new deadline.
func (s *Service) Reopen(ctx context.Context, a *auth.Actor, typed, reason string) error {
	it, err := s.own(ctx, a, typed)
	if err != nil {
		return err
	}
	if err := it.CheckReopen(s.db.Now()); err != nil {
		return err
	}
	if err := checkNote(reason, apperr.M("feedback.err.note_reopen")); err != nil {
		return err
	}
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return err
	}
	days, err := s.daysFor(ctx, it.UnitID, it.Category)
	if err != nil {
		return err
	}
	due := cal.AddWorkingDays(legal.Today(s.db.Now()), days).String()
	now := s.db.NowMillis()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if ok, err := reopenItem(ctx, tx, it.ID, it.Status, due, now); err != nil {
			return err
		} else if !ok {
			return apperr.New(apperr.CodeConflict, "feedback.err.reopened")
		}
		return s.event(ctx, tx, it.ID, now, Reopened, reopenPrefix+strings.TrimSpace(reason), a.AccountID)
	})
}

// RemindBefore is how many working days before the deadline the handling unit is reminded.
const RemindBefore = 2

// Sweep sends the deadline reminders due (one note per unit and person, listing
// how many items fall due) and closes answered items whose reopening window has
// passed. serve runs it every few minutes.
func (s *Service) Sweep(ctx context.Context) (reminded, closed int, err error) {
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return 0, 0, err
	}
	limit := cal.AddWorkingDays(legal.Today(s.db.Now()), RemindBefore).String()
	now := s.db.NowMillis()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		reminded = 0 // a retried transaction counts afresh
		dues, err := dueForReminder(ctx, tx, limit)
		if err != nil {
			return err
		}
		for _, d := range dues {
			ids, err := auth.Holders(ctx, tx, auth.HandleFeedback, d.unit)
			if err != nil {
				return err
			}
			cs, err := auth.Contacts(ctx, tx, ids)
			if err != nil {
				return err
			}
			first, _ := legal.ParseDate(d.earliest)
			for _, id := range ids {
				n := cs[id]
				n.Kind = "feedback.reminder"
				n.Subject, n.Text = ReminderText(d.n, first, legal.Today(s.db.Now()))
				n.Link = s.queueURL(ctx, d.unit)
				if err := s.out.Add(ctx, tx, n); err != nil {
					return err
				}
			}
			n, err := markReminded(ctx, tx, d.unit, limit)
			if err != nil {
				return err
			}
			reminded += n
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	if reminded > 0 {
		s.out.Wake()
	}
	closed, err = s.closeAnswered(ctx, now)
	return reminded, closed, err
}

// closeAnswered closes the answered items whose reopening window has passed.
// It reads them outside the write (a long sweep must not hold SQLite's one
// writer) and closes each only if it is still answered: a reopen committed
// between the read and the write wins, and the sweep skips that item.
func (s *Service) closeAnswered(ctx context.Context, now int64) (int, error) {
	ids, err := s.answeredBefore(ctx, now-ReopenWindow.Milliseconds())
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	if s.afterSweepRead != nil {
		s.afterSweepRead()
	}
	closed := 0
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		closed = 0
		for _, id := range ids {
			ok, err := closeAnsweredItem(ctx, tx, id, now)
			if err != nil {
				return err
			}
			if !ok {
				continue // reopened (or closed) meanwhile
			}
			if err := s.event(ctx, tx, id, now, Closed, autoCloseNote, 0); err != nil {
				return err
			}
			closed++
		}
		return nil
	})
	return closed, err
}

// QueueURL is the back-office queue of a unit.
func QueueURL(u org.Unit) string { return u.OfficeURL("phan-anh") }

// queueURL is the queue of the unit with id, named by its code.
func (s *Service) queueURL(ctx context.Context, id int64) string {
	u := org.Unit{ID: id}
	if t, err := s.units.Tree(ctx); err == nil {
		if found, ok := t.Unit(id); ok {
			u = found
		}
	}
	return QueueURL(u)
}
