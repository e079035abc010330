package consultation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/notify"
)

// comment is one opinion on its way to the database.
type comment struct {
	ID, ConsultationID int64
	Part               int
	AuthorID           int64
	ShowName           bool
	DisplayName        string
	Stance, Body       string
	Source, SourceNote string
	IdemKey            string
	At                 int64
}

// writeComments is the group-commit writer: every comment of the batch in one
// transaction, a repeated idempotency key stored once, the counters raised.
func (s *Service) writeComments(ctx context.Context, tx *sql.Tx, items []comment) []error {
	errs := make([]error, len(items))
	fail := func(err error) []error {
		for j := range errs {
			errs[j] = fmt.Errorf("store comments: %w", err)
		}
		return errs
	}
	added, err := insertComments(ctx, tx, items)
	if err != nil {
		return fail(err)
	}
	for id, n := range added {
		if err := addComments(ctx, tx, id, n); err != nil {
			for j := range errs {
				errs[j] = fmt.Errorf("count comments: %w", err)
			}
			return errs
		}
	}
	return errs
}

// Comment takes a signed-in citizen's opinion on a part (0: the whole draft).
// idemKey makes a resubmitted form count once. It returns after the comment is
// durably stored.
func (s *Service) Comment(ctx context.Context, a *auth.Actor, id int64, part int, stance, body string, showName bool, idemKey string) error {
	if a == nil || a.Kind != auth.Citizen {
		return apperr.New(apperr.CodeForbidden, "consultation.err.sign_in")
	}
	c, err := s.forComment(ctx, a, id)
	if err != nil {
		return err
	}
	if !c.Taking(s.today()) {
		if s.today().Before(c.OpensOn) {
			return apperr.New(apperr.CodeConflict, "consultation.err.not_open_yet", c.OpensOn.VN())
		}
		return apperr.New(apperr.CodeConflict, "consultation.err.closed", c.ClosesOn.VN())
	}
	if err := CheckComment(body, stance, part, len(c.Parts)); err != nil {
		return err
	}
	idemKey = strings.TrimSpace(idemKey)
	if idemKey == "" || len(idemKey) > 64 {
		return apperr.New(apperr.CodeInvalid, "consultation.err.key_missing").Mark("key")
	}
	display := "Người dân"
	if t, err := s.units.Tree(ctx); err == nil {
		if u, ok := t.Unit(c.UnitID); ok {
			display += " " + u.Name
		}
	}
	if showName && strings.TrimSpace(a.Name) != "" {
		display = a.Name
	}
	return s.intake.Submit(ctx, comment{ID: s.db.NewID(), ConsultationID: id, Part: part, AuthorID: a.AccountID, ShowName: showName,
		DisplayName: display, Stance: stance, Body: strings.TrimSpace(body), Source: "online",
		IdemKey: idemKey, At: s.db.NowMillis()})
}

// Offline is an opinion gathered at a meeting, by ballot or in the box.
type Offline struct {
	Part         int
	Stance, Body string
	Source, Note string // Source: meeting | ballot | box | other
}

// EnterOffline records opinions gathered offline, so that the synthesis counts
// every channel.
func (s *Service) EnterOffline(ctx context.Context, a *auth.Actor, id int64, ops []Offline) error {
	return s.EnterOfflineOnce(ctx, a, id, ops, db.Idem{})
}

// EnterOfflineOnce is EnterOffline for a form carrying a key (web.FormIdem):
// the same form posted again records its opinions once.
func (s *Service) EnterOfflineOnce(ctx context.Context, a *auth.Actor, id int64, ops []Offline, idem db.Idem) error {
	c, err := s.latest(ctx, id)
	if err != nil {
		return err
	}
	if err := s.guard.Can(ctx, a, auth.Consult, c.UnitID); err != nil {
		return err
	}
	if c.Status != Open {
		return apperr.New(apperr.CodeConflict, "consultation.err.synthesized")
	}
	now := s.db.NowMillis()
	items := make([]comment, len(ops))
	for i, o := range ops {
		if err := CheckComment(o.Body, o.Stance, o.Part, len(c.Parts)); err != nil {
			return fmt.Errorf("ý kiến %d: %w", i+1, err)
		}
		if o.Source != "meeting" && o.Source != "ballot" && o.Source != "box" && o.Source != "other" {
			return apperr.New(apperr.CodeInvalid, "consultation.err.source_required", i+1)
		}
		cid := s.db.NewID()
		items[i] = comment{ID: cid, ConsultationID: id, Part: o.Part, DisplayName: "Ý kiến thu thập trực tiếp", Stance: o.Stance,
			Body: strings.TrimSpace(o.Body), Source: o.Source, SourceNote: strings.TrimSpace(o.Note), IdemKey: fmt.Sprintf("offline:%d", cid), At: now}
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.db.Once(ctx, tx, idem.In("consultation.offline", a.AccountID, id), func() (string, error) {
			for _, err := range s.writeComments(ctx, tx, items) {
				if err != nil {
					return "", err
				}
			}
			return fmt.Sprint(len(items)), s.guard.Record(ctx, tx, a, auth.Consult, c.UnitID, "consultation", fmt.Sprint(id), nil, map[string]any{"offline_comments": len(items)})
		})
		return err
	})
}

// EditWindow is how long a citizen may correct their comment.
const EditWindow = 15 * time.Minute

// Own returns a comment of the actor's (not found for anyone else's).
func (s *Service) Own(ctx context.Context, a *auth.Actor, commentID int64) (CommentView, error) {
	if a == nil || a.Kind != auth.Citizen {
		return CommentView{}, apperr.New(apperr.CodeNotFound, "consultation.err.comment_not_found")
	}
	vs, err := s.ownComment(ctx, commentID, a.AccountID)
	if err != nil {
		return CommentView{}, err
	}
	if len(vs) == 0 {
		return CommentView{}, apperr.New(apperr.CodeNotFound, "consultation.err.comment_not_found")
	}
	return vs[0], nil
}

// Mine lists the actor's comments on a consultation, oldest first (at most 200).
func (s *Service) Mine(ctx context.Context, a *auth.Actor, id int64) ([]CommentView, error) {
	if a == nil || a.Kind != auth.Citizen {
		return nil, nil
	}
	return s.commentsBy(ctx, a.AccountID, id)
}

// Editable reports whether the author may still correct v at time now (Unix ms):
// within EditWindow, before it is answered.
func Editable(v CommentView, now int64) bool {
	return v.AnswerKind == "" && time.Duration(now-v.CreatedAt)*time.Millisecond <= EditWindow
}

// Edit lets the author correct a comment within EditWindow, before it is
// answered and while the consultation takes comments.
func (s *Service) Edit(ctx context.Context, a *auth.Actor, commentID int64, stance, body string) error {
	v, err := s.Own(ctx, a, commentID)
	if err != nil {
		return err
	}
	if v.AnswerKind != "" {
		return apperr.New(apperr.CodeConflict, "consultation.err.answered_no_edit")
	}
	if !Editable(v, s.db.NowMillis()) {
		return apperr.New(apperr.CodeConflict, "consultation.err.edit_window", int(EditWindow.Minutes()))
	}
	c, err := s.latest(ctx, v.ConsultationID)
	if err != nil {
		return err
	}
	if !c.Taking(s.today()) {
		return apperr.New(apperr.CodeConflict, "consultation.err.closed", c.ClosesOn.VN())
	}
	if err := CheckComment(body, stance, v.Part, len(c.Parts)); err != nil {
		return err
	}
	// The answer check again in the write: an answer given meanwhile wins.
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		edited, err := editComment(ctx, tx, commentID, stance, strings.TrimSpace(body), s.db.NowMillis())
		if err != nil {
			return err
		}
		if !edited {
			return apperr.New(apperr.CodeConflict, "consultation.err.answered_no_edit")
		}
		return nil
	})
}

// Answer records one answer for one or several comments of a consultation.
func (s *Service) Answer(ctx context.Context, a *auth.Actor, id int64, commentIDs []int64, kind, body string) error {
	return s.AnswerOnce(ctx, a, id, commentIDs, kind, body, db.Idem{})
}

// AnswerOnce is Answer for a form carrying a key (web.FormIdem): the same form
// posted again stores one answer and notifies its authors once.
func (s *Service) AnswerOnce(ctx context.Context, a *auth.Actor, id int64, commentIDs []int64, kind, body string, idem db.Idem) error {
	if kind != Accepted && kind != Explained && kind != Rejected {
		return apperr.New(apperr.CodeInvalid, "consultation.err.answer_kind").Mark("kind")
	}
	body = strings.TrimSpace(body)
	if body == "" && kind != Accepted {
		return apperr.New(apperr.CodeInvalid, "consultation.err.answer_reason").Mark("body")
	}
	if len(commentIDs) == 0 {
		return apperr.New(apperr.CodeInvalid, "consultation.err.answer_none")
	}
	c, err := s.latest(ctx, id)
	if err != nil {
		return err
	}
	if err := s.guard.Can(ctx, a, auth.Consult, c.UnitID); err != nil {
		return err
	}
	answer := func(tx *sql.Tx) error {
		aid := s.db.NewID()
		if err := insertAnswer(ctx, tx, aid, id, kind, body, a.AccountID, s.db.NowMillis()); err != nil {
			return err
		}
		newly := 0
		first := map[int64]int64{} // author → their first comment answered here
		var authors []int64
		for _, cm := range commentIDs {
			author, err := commentAuthor(ctx, tx, cm, id)
			if err != nil {
				return err
			}
			// A comment counts as newly answered only if it still had no answer
			// at the write: two officials answering it at once count it once.
			isNew, err := setAnswer(ctx, tx, aid, cm)
			if err != nil {
				return err
			}
			if isNew {
				newly++
			}
			if _, seen := first[author]; author != 0 && !seen {
				first[author] = cm
				authors = append(authors, author)
			}
		}
		if err := addAnswered(ctx, tx, id, newly, s.db.NowMillis()); err != nil {
			return err
		}
		if err := s.notifyAnswered(ctx, tx, c, authors, first, kind, body); err != nil {
			return err
		}
		c.Answered += newly
		return s.record(ctx, tx, a, c, "consultation.answered", fmt.Sprintf("Trả lời %d ý kiến: %s", len(commentIDs), c.Title), nil,
			map[string]any{"kind": kind, "comments": len(commentIDs), "answer_sha256": audit.Sum(body)})
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.db.Once(ctx, tx, idem.In("consultation.answer", a.AccountID, id), func() (string, error) {
			return fmt.Sprint(len(commentIDs)), answer(tx)
		})
		return err
	})
	if err == nil && s.out != nil {
		s.out.Wake()
	}
	return err
}

// notifyAnswered queues a note to each author whose comment was answered.
func (s *Service) notifyAnswered(ctx context.Context, tx *sql.Tx, c Consultation, authors []int64, first map[int64]int64, kind, body string) error {
	if s.out == nil || len(authors) == 0 {
		return nil
	}
	contacts, err := auth.Contacts(ctx, tx, authors)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("Ý kiến của bạn về «%s» đã được trả lời: %s.", c.Title, AnswerNames[kind])
	if body != "" {
		text += "\n" + body
	}
	notes := make([]notify.Note, 0, len(authors))
	for _, id := range authors {
		n, ok := contacts[id]
		if !ok {
			continue
		}
		n.Kind, n.Subject, n.Text = "consultation.answered", "Ý kiến của bạn đã được trả lời", text
		n.Link = fmt.Sprintf("/lay-y-kien/%d#y-kien-%d", c.ID, first[id])
		notes = append(notes, n)
	}
	return s.out.Add(ctx, tx, notes...)
}

// Hide hides a comment from the public page for one of HideReasons; it still
// counts and still needs an answer.
func (s *Service) Hide(ctx context.Context, a *auth.Actor, id, commentID int64, reason string) error {
	if _, ok := HideReasons[reason]; !ok {
		return apperr.New(apperr.CodeInvalid, "consultation.err.hide_reason").Mark("reason")
	}
	c, err := s.latest(ctx, id)
	if err != nil {
		return err
	}
	if err := s.guard.Can(ctx, a, auth.Consult, c.UnitID); err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		was, err := hiddenReason(ctx, tx, commentID, id)
		if err != nil {
			return err
		}
		if was != "" {
			return nil
		}
		hidden, err := hideComment(ctx, tx, id, commentID, reason)
		if err != nil || !hidden {
			return err // not hidden: hidden meanwhile by someone else, counted once
		}
		return s.guard.Record(ctx, tx, a, auth.Consult, c.UnitID, "consultation_comment", fmt.Sprint(commentID), nil, map[string]string{"hidden": reason})
	})
}

// Tally counts the opinions by part and stance.
type Tally struct {
	ByPart  map[int]map[string]int
	Agree   int
	Against int
	Suggest int
}

// Synthesize publishes the synthesis and the decision once every comment is
// answered and the window is over; a decision against the majority needs its
// reasons (Art 28(4)).
func (s *Service) Synthesize(ctx context.Context, a *auth.Actor, id int64, decision string, adopted bool, againstReason string) error {
	c, err := s.latest(ctx, id)
	if err != nil {
		return err
	}
	if err := s.guard.Can(ctx, a, auth.Consult, c.UnitID); err != nil {
		return err
	}
	switch {
	case c.Status != Open:
		return apperr.New(apperr.CodeConflict, "consultation.err.already_synthesized")
	case !c.ClosesOn.Before(s.today()):
		return apperr.New(apperr.CodeConflict, "consultation.err.still_open", c.ClosesOn.VN())
	case c.Answered < c.Comments:
		return apperr.New(apperr.CodeConflict, "consultation.err.unanswered", c.Comments-c.Answered, c.Answered, c.Comments)
	case strings.TrimSpace(decision) == "":
		return apperr.New(apperr.CodeInvalid, "consultation.err.decision_required").Mark("decision")
	}
	// The close goes on the public record before the synthesis, whether or not the closer has run yet.
	if _, err := s.CloseDue(ctx); err != nil {
		return err
	}
	t, err := s.Count(ctx, id)
	if err != nil {
		return err
	}
	if AgainstMajority(adopted, t.Agree, t.Against) && strings.TrimSpace(againstReason) == "" {
		return apperr.New(apperr.CodeInvalid, "consultation.err.against_reason", t.Agree, t.Against).Mark("against_reason")
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		now := s.db.NowMillis()
		done, err := markSynthesized(ctx, tx, id, strings.TrimSpace(decision), adopted, strings.TrimSpace(againstReason), now)
		if err != nil {
			return err
		}
		if !done {
			return apperr.New(apperr.CodeConflict, "consultation.err.synthesis_published")
		}
		return s.record(ctx, tx, a, c, "consultation.synthesized", "Công bố kết quả lấy ý kiến: "+c.Title, nil, map[string]any{
			"comments": c.Comments, "agree": t.Agree, "disagree": t.Against, "suggest": t.Suggest, "adopted": adopted,
			"decision": strings.TrimSpace(decision), "against_reason": strings.TrimSpace(againstReason)})
	})
}

// CommentView is a comment as pages show it, with its answer.
type CommentView struct {
	ID, ConsultationID  int64
	Part                int
	DisplayName         string
	Stance, Body        string
	Source, SourceNote  string
	HiddenReason        string
	AuthorID            int64
	CreatedAt, EditedAt int64
	AnswerKind          string
	AnswerBody          string
}
