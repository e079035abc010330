package app

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"time"

	"danchu/internal/auth"
	"danchu/internal/casework"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// caseFeedback is the feedback room as casework converts its items.
type caseFeedback struct{ s *feedback.Service }

func (f caseFeedback) Convertible(ctx context.Context, a *auth.Actor, id int64) (casework.FeedbackItem, error) {
	d, err := f.s.ForCase(ctx, a, id)
	if err != nil {
		return casework.FeedbackItem{}, err
	}
	it := caseItem(d)
	for _, p := range d.Photos {
		r, err := f.s.Photos.Open(p.SHA256)
		if err != nil {
			return it, fmt.Errorf("photo %d of %s: %w", p.N, d.Code, err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return it, err
		}
		it.Photos = append(it.Photos, casework.FeedbackPhoto{Name: p.Name, Data: data})
	}
	return it, nil
}

func (f caseFeedback) Convert(ctx context.Context, tx *sql.Tx, a *auth.Actor, it casework.FeedbackItem, secret bool) error {
	return f.s.Convert(ctx, tx, a, feedback.Item{ID: it.ID, Code: it.Code, Status: it.Status, HandlerID: it.HandlerID,
		AuthorID: it.AuthorID, Contact: it.Contact, Description: it.Description}, secret)
}

func (f caseFeedback) History(ctx context.Context, id int64) (casework.FeedbackItem, error) {
	d, err := f.s.History(ctx, id)
	if err != nil {
		return casework.FeedbackItem{}, err
	}
	return caseItem(d), nil
}

func caseItem(d feedback.Detail) casework.FeedbackItem {
	it := casework.FeedbackItem{ID: d.ID, HandlerID: d.HandlerID, AuthorID: d.AuthorID, Code: d.Code, Status: d.Status,
		Description: d.Description, Contact: d.Contact, Received: legal.Today(time.UnixMilli(d.CreatedAt)),
		URL: feedback.ItemURL(d.ID)}
	for _, e := range d.Events {
		it.Events = append(it.Events, casework.FeedbackEvent{At: e.At, Status: feedback.StatusNames[e.Status], Note: e.Note})
	}
	return it
}

// convertURL is casework's entry form converting feedback item id, at the
// unit handling it.
func convertURL(handler org.Unit, id int64) string {
	return handler.OfficeURL(casework.Page, "nhap") + "?" + casework.FromFeedback + "=" + strconv.FormatInt(id, 10)
}
