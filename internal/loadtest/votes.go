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

// Voters are the representatives of a village's households, signed in, and the
// online vote they take part in.
type Voters struct {
	MatterID, VoteID int64
	Tokens, CSRF     []string
}

// GenerateVoteTarget adds a village of n households to the first commune, each
// household represented by a signed-in citizen, and opens an online vote on a
// matter of item 6 with all of them in its electorate.
func GenerateVoteTarget(ctx context.Context, d *db.DB, units *org.Service, n int) (Voters, error) {
	communes, err := units.UnitsOfTypes(ctx, org.Commune)
	if err != nil || len(communes) == 0 {
		return Voters{}, fmt.Errorf("no commune for the vote: %v", err)
	}
	village, err := units.CreateUnit(ctx, org.Unit{Code: communes[0].Code + "-99", Name: "Thôn tải thử", Type: org.Village, ValidFrom: org.OfficialListDate},
		communes[0].ID)
	if err != nil {
		return Voters{}, err
	}
	v := Voters{MatterID: d.NewID(), VoteID: d.NewID()}
	now := d.NowMillis()
	today := d.Now().Format("2006-01-02")
	last := d.Now().AddDate(0, 1, 0).Format("2006-01-02")
	households := make([]int64, n)
	for i := range n {
		households[i] = d.NewID()
	}
	err = d.RunInTx(ctx, func(tx *sql.Tx) error {
		who, err := signInCitizens(ctx, d, tx, n, "VOTE", "+8491")
		if err != nil {
			return err
		}
		accounts := who.IDs
		v.Tokens, v.CSRF = who.Tokens, who.CSRF
		if err := d.InsertBatches(ctx, tx, "households", []string{"id", "village_id", "code", "head_name", "address", "members", "representative_name",
			"active", "created_at", "updated_at", "representative_account_id"}, n, func(i int) []any {
			return []any{households[i], village.ID, fmt.Sprintf("H%06d", i+1), "Chủ hộ", "Thôn tải thử", 4, "Đại diện", true, now, now, accounts[i]}
		}, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `insert into matters (id, unit_id, commune_id, scope, subject, title, body, proposer, backers, status, decided_on,
			created_by, created_at, updated_at) values ($1, $2, $3, 'village', 6, 'Giờ mở cửa nhà văn hóa (tải thử)', '', 'head', 0, 'open', '', 0, $4, $4)`,
			v.MatterID, village.ID, communes[0].ID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `insert into votes (id, matter_id, village_id, method, noticed_on, held_on, households, opted_in, present,
			agree, disagree, other, status, passed, lacked_numbers, team, secretary, created_by, created_at)
			values ($1, $2, $3, 'online', $4, $5, $6, $6, 0, 0, 0, 0, 'open', false, false, $7, '', 0, $8)`, v.VoteID, v.MatterID, village.ID, today, last,
			n, "Nguyễn An\nTrần Bình\nLê Cường", now); err != nil {
			return err
		}
		return d.InsertBatches(ctx, tx, "vote_households", []string{"vote_id", "household_id"}, n,
			func(i int) []any { return []any{v.VoteID, households[i]} }, nil)
	})
	return v, err
}

// VotePageScenario opens the matter's page once as each representative in turn,
// as a voter does before voting (the server reads and keeps the session).
func VotePageScenario(v Voters) Scenario {
	var next atomic.Int64
	return Scenario{Name: "open the vote page", Total: len(v.Tokens), Request: func(r *rand.Rand, base string) *http.Request {
		i := int(next.Add(1)-1) % len(v.Tokens)
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/quyet-dinh/%d", base, v.MatterID), nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: v.Tokens[i]})
		return req
	}}
}

// VoteScenario casts one ballot per household, each request as the next
// household's representative; a stored ballot answers 303.
func VoteScenario(v Voters) Scenario {
	var next atomic.Int64
	choices := []string{"agree", "agree", "disagree", "other"}
	return Scenario{Name: "cast ballot", OK: http.StatusSeeOther, Request: func(r *rand.Rand, base string) *http.Request {
		i := int(next.Add(1)-1) % len(v.Tokens)
		c := choices[r.IntN(len(choices))]
		form := url.Values{"choice": {c}}
		if c == "other" {
			form.Set("opinion", "Đề nghị mở cửa thêm buổi tối thứ Bảy.")
		}
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/bieu-quyet/%d", base, v.VoteID), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", v.CSRF[i])
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: v.Tokens[i]})
		return req
	}}
}
