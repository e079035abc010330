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

// Reporters are signed-in citizens sending feedback about a commune, and an
// official of that commune reading its queue.
type Reporters struct {
	CommuneID     int64
	CommuneCode   string
	Tokens, CSRF  []string
	OfficialToken string
	Prefilled     int // items already in the commune's queue before the run
}

// GenerateFeedbackTarget signs in n citizens and one official of the first
// commune, and fills the commune's queue with prefill open items, their due
// dates spread over the next months.
func GenerateFeedbackTarget(ctx context.Context, d *db.DB, units *org.Service, n, prefill int) (Reporters, error) {
	communes, err := units.UnitsOfTypes(ctx, org.Commune)
	if err != nil || len(communes) == 0 {
		return Reporters{}, fmt.Errorf("no commune for the feedback: %v", err)
	}
	c := communes[0]
	r := Reporters{CommuneID: c.ID, CommuneCode: c.Code, OfficialToken: "FEEDOFFICIALTOKEN000000000000000", Prefilled: prefill}
	now := d.NowMillis()
	categories := []string{"dat-dai", "moi-truong", "giao-thong", "an-ninh", "thu-tuc", "dien-nuoc"}
	err = d.RunInTx(ctx, func(tx *sql.Tx) error {
		who, err := signInCitizens(ctx, d, tx, n, "FEED", "+8492")
		if err != nil {
			return err
		}
		r.Tokens, r.CSRF = who.Tokens, who.CSRF
		official := d.NewID()
		if _, err := tx.ExecContext(ctx, `insert into accounts (id, kind, full_name, email, password_hash, status, totp_secret, totp_enabled, totp_last,
			failed_logins, retry_at, created_at, updated_at) values ($1, 'official', 'Cán bộ tiếp nhận (tải thử)', 'feedback@load.test', '', 'active', '', false, 0, 0, 0, $2, $2)`,
			official, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "insert into roles (id, account_id, role, unit_id, granted_by, created_at) values ($1, $2, $3, $4, 0, $5)",
			d.NewID(), official, string(auth.CommuneOfficial), c.ID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `insert into sessions (hash, account_id, stage, csrf, created_at, seen_at, expires_at, ip, user_agent)
			values ($1, $2, 'full', 'FEEDOFFICIALCSRF', $3, $3, $4, '127.0.0.1', 'loadtest')`, auth.HashToken(r.OfficialToken), official, now, now+86_400_000); err != nil {
			return err
		}
		today := d.Now()
		if _, err := tx.ExecContext(ctx, `insert into feedback_counters (unit_id, received, answered, on_time, rated, satisfied, refused, merged)
			values ($1, $2, 0, 0, 0, 0, 0, 0)`, c.ID, prefill); err != nil {
			return err
		}
		return d.InsertBatches(ctx, tx, "feedback_items", []string{"id", "code", "kind", "category", "unit_id", "handler_id", "description", "address",
			"author_id", "contact", "status", "due_on", "answer", "rating", "rating_note", "reopened", "idem_key", "created_at", "updated_at", "handler_since"},
			prefill, func(i int) []any {
				due := today.AddDate(0, 0, i%120).Format("2006-01-02")
				return []any{d.NewID(), fmt.Sprintf("PA-LOAD-%06d", i), "feedback", categories[i%len(categories)], c.ID, c.ID,
					"Đường liên thôn xuống cấp, ổ gà sâu gây nguy hiểm cho người đi xe máy vào ban đêm.", "", 0, "", "received", due, "", 0, "", false,
					fmt.Sprintf("prefill:%d", i), now, now, now}
			}, nil)
	})
	return r, err
}

// FeedbackScenario sends feedback as the citizens, each form with a new key, no
// photos (the target counts items); a stored item answers 303.
func FeedbackScenario(f Reporters) Scenario {
	var seq atomic.Int64
	categories := []string{"moi-truong", "giao-thong", "dien-nuoc", "an-ninh"}
	return Scenario{Name: "send feedback", OK: http.StatusSeeOther, Request: func(r *rand.Rand, base string) *http.Request {
		i := r.IntN(len(f.Tokens))
		form := url.Values{"kind": {"feedback"}, "category": {categories[r.IntN(len(categories))]}, "key": {fmt.Sprintf("f%d", seq.Add(1))},
			"description": {"Đèn đường trước nhà văn hóa thôn bị hỏng hơn một tuần, buổi tối rất tối."}}
		req, _ := http.NewRequest(http.MethodPost, base+"/xa/"+f.CommuneCode+"/phan-anh", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", f.CSRF[i])
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: f.Tokens[i]})
		return req
	}}
}

// QueueScenario reads the first page of the commune's queue as its official.
func QueueScenario(f Reporters) Scenario {
	return Scenario{Name: "feedback queue page", Request: func(_ *rand.Rand, base string) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/quan-tri/don-vi/"+f.CommuneCode+"/phan-anh", nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: f.OfficialToken})
		return req
	}}
}
