package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
)

// Citizens is a set of signed-in citizens the comment scenario posts as.
type Citizens struct {
	ConsultationID int64
	Tokens, CSRF   []string
	Prefilled      int   // comments already there before the run
	Middle         int64 // a comment in the middle, to read a later page from
}

// GenerateCommentTarget opens a consultation on the first commune with a window
// around today, fills it with prefill comments (every other one answered) and
// signs in n citizens (sessions written directly).
func GenerateCommentTarget(ctx context.Context, d *db.DB, units *org.Service, n, prefill int) (Citizens, error) {
	communes, err := units.UnitsOfTypes(ctx, org.Commune)
	if err != nil || len(communes) == 0 {
		return Citizens{}, fmt.Errorf("no commune for the consultation: %v", err)
	}
	c := Citizens{ConsultationID: d.NewID()}
	now := d.NowMillis()
	today := d.Now().Format("2006-01-02")
	closes := d.Now().AddDate(0, 2, 0).Format("2006-01-02")
	err = d.RunInTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `insert into consultations (id, unit_id, board_id, staff_only, subject, title, intro, forms, opens_on, closes_on,
			short_basis, status, comments, answered, hidden, decision, adopted, against_reason, created_by, created_at, updated_at)
			values ($1, $2, $2, false, 6, 'Dự thảo quy chế (tải thử)', '', 'online', $3, $4, '', 'open', 0, 0, 0, '', false, '', 0, $5, $5)`,
			c.ConsultationID, communes[0].ID, today, closes, now); err != nil {
			return err
		}
		for p := 1; p <= 3; p++ {
			if _, err := tx.ExecContext(ctx, "insert into consultation_parts (consultation_id, n, heading, body) values ($1, $2, $3, 'Nội dung')",
				c.ConsultationID, p, fmt.Sprintf("Chương %d", p)); err != nil {
				return err
			}
		}
		who, err := signInCitizens(ctx, d, tx, n, "LOAD", "+8490")
		if err != nil {
			return err
		}
		c.Tokens, c.CSRF = who.Tokens, who.CSRF
		return fillComments(ctx, d, tx, &c, prefill)
	})
	return c, err
}

// fillComments writes n comments, answering every other one, and sets the counters.
func fillComments(ctx context.Context, d *db.DB, tx *sql.Tx, c *Citizens, n int) error {
	answer := d.NewID()
	now := d.NowMillis()
	if _, err := tx.ExecContext(ctx, `insert into consultation_answers (id, consultation_id, kind, body, created_by, created_at)
		values ($1, $2, 'explained', 'Ban soạn thảo đã xem xét; nội dung này đã có tại Chương II.', 0, $3)`, answer, c.ConsultationID, now); err != nil {
		return err
	}
	stances := []string{"agree", "disagree", "suggest"}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = d.NewID()
	}
	err := d.InsertBatches(ctx, tx, "consultation_comments", []string{"id", "consultation_id", "part", "author_id", "show_name", "display_name",
		"stance", "body", "source", "source_note", "idem_key", "hidden_reason", "answer_id", "created_at", "edited_at"}, n, func(i int) []any {
		var ans any
		if i%2 == 0 {
			ans = answer
		}
		return []any{ids[i], c.ConsultationID, i % 4, 0, false, "Người dân", stances[i%3],
			fmt.Sprintf("Ý kiến số %d: đề nghị làm rõ trách nhiệm công khai ngân sách thôn và thời hạn trả lời kiến nghị của Nhân dân.", i+1),
			"meeting", "", fmt.Sprintf("prefill:%d", i), "", ans, now, now}
	}, nil)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "update consultations set comments = $1, answered = $2 where id = $3", n, (n+1)/2, c.ConsultationID)
	c.Prefilled = n
	if n > 0 {
		c.Middle = ids[n/2]
	}
	return err
}

// PageScenarios read the consultation's public page: the first page of comments,
// and a page from the middle.
func PageScenarios(c Citizens) []Scenario {
	return []Scenario{
		{Name: "consultation page", Next: func(*rand.Rand) string { return fmt.Sprintf("/lay-y-kien/%d", c.ConsultationID) }},
		{Name: "consultation page mid", Next: func(*rand.Rand) string { return fmt.Sprintf("/lay-y-kien/%d?sau=%d", c.ConsultationID, c.Middle) }},
	}
}

// CommentScenario posts comments as the citizens, each with a new idempotency key;
// a stored comment answers 303.
func CommentScenario(c Citizens) Scenario {
	var seq atomic.Int64
	return Scenario{Name: "post comment", OK: http.StatusSeeOther, Request: func(r *rand.Rand, base string) *http.Request {
		i := r.IntN(len(c.Tokens))
		form := url.Values{"part": {fmt.Sprint(1 + r.IntN(3))}, "stance": {"suggest"}, "key": {fmt.Sprintf("k%d", seq.Add(1))},
			"body": {"Đề nghị bổ sung quy định về công khai ngân sách thôn hằng quý."}}
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/lay-y-kien/%d/gop-y", base, c.ConsultationID), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", c.CSRF[i])
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: c.Tokens[i]})
		return req
	}}
}
