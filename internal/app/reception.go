package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"danchu/internal/auth"
	"danchu/internal/casework"
	"danchu/internal/db"
	"danchu/internal/feedback"
	"danchu/internal/org"
	"danchu/internal/reception"
)

// receptionIntake opens the case a reception visit becomes: a complaint or a
// denunciation in casework (entered at the desk, its identity sealed there),
// a petition in feedback (its contact the citizen's phone). Each is opened
// once per visit, however often the answer is retried (the visit's key).
type receptionIntake struct {
	cases    *casework.Service
	feedback *feedback.Service
	units    *org.Service
}

func (in receptionIntake) Open(ctx context.Context, a *auth.Actor, p reception.Petition) (reception.Opened, error) {
	body := p.Content
	if p.Request != "" {
		body += "\n\nYêu cầu: " + p.Request
	}
	if p.Earlier != "" {
		body += "\n\nĐã được giải quyết trước đây: " + p.Earlier
	}
	fp := db.Fingerprint(p.Kind, body, p.Name, p.Address, p.Phone)
	if p.Kind == reception.Proposal {
		// A feedback item holds at most feedback.MaxDescription characters: a
		// longer entry goes in cut, pointing to the book for the rest.
		if r := []rune(body); len(r) > feedback.MaxDescription {
			tail := fmt.Sprintf("… (xem sổ tiếp công dân số %d/%d)", p.Number, p.Year)
			body = string(r[:feedback.MaxDescription-len([]rune(tail))]) + tail
		}
		code, err := in.feedback.Submit(ctx, a, feedback.Submission{Kind: feedback.Petition, Category: "khac", UnitID: p.UnitID,
			Description: body, Contact: p.Phone, IdemKey: p.Key, Desk: true})
		if err != nil {
			return reception.Opened{}, err
		}
		return reception.Opened{Code: code, URL: feedback.TrackURL(code)}, nil
	}
	kind := casework.Complaint
	if p.Kind == reception.Denunciation {
		kind = casework.Denunciation
	}
	c, err := in.cases.Enter(ctx, a, casework.Draft{Kind: kind, UnitID: p.UnitID, Channel: casework.ByDesk, Source: "Tiếp công dân",
		Subject: subject(p.Content), Body: body, People: p.People, Received: p.Received, KnownOn: p.KnownOn,
		Identity: casework.Identity{Name: p.Name, Address: p.Address, Phone: p.Phone}, Origin: p.Key}, nil, db.Idem{Key: p.Key, Fingerprint: fp})
	if err != nil {
		return reception.Opened{}, err
	}
	t, err := in.units.Tree(ctx)
	if err != nil {
		return reception.Opened{}, err
	}
	u, ok := t.Unit(c.UnitID)
	if !ok {
		return reception.Opened{Code: c.Code}, nil
	}
	return reception.Opened{Code: c.Code, URL: u.OfficeURL(casework.Page, c.ID)}, nil
}

// subject is a case's one-line subject from a visit's content: its first
// line, cut at 120 characters.
func subject(content string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(content), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 120 {
		r := []rune(line)
		line = strings.TrimSpace(string(r[:119])) + "…"
	}
	return line
}
