// Package consultation is "Nhân dân tham gia ý kiến" (LDC Arts 25–29): a draft
// split into parts opened for comment for at least 20 days, every opinion (online
// or gathered offline) answered, and the synthesis with the decision published.
// Comments arrive through a group-commit writer so that a national consultation
// can take thousands of durable comments a second.
package consultation

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/legal"
)

// Subjects are the items of Art 25 a consultation can be about.
var Subjects = []string{
	"Kế hoạch phát triển kinh tế - xã hội",
	"Quy hoạch, kế hoạch sử dụng đất; phương án quản lý quỹ đất",
	"Chủ trương đầu tư dự án lớn, dự án ảnh hưởng đến cộng đồng",
	"Thành lập, nhập, chia, điều chỉnh địa giới, đổi tên đơn vị hành chính, thôn, tổ dân phố",
	"Quy hoạch, kế hoạch xây dựng",
	"Dự thảo quy chế thực hiện dân chủ ở cơ sở",
	"Quyết định làm phát sinh nghĩa vụ của người dân (Điều 27)",
	"Nội dung khác",
}

// Forms of consultation (Art 26).
var Forms = []struct{ ID, Name string }{
	{"online", "Trực tuyến trên cổng này"},
	{"meeting", "Hội nghị, họp cộng đồng dân cư"},
	{"ballot", "Phát phiếu lấy ý kiến hộ gia đình"},
	{"box", "Hòm thư góp ý, đường dây nóng"},
	{"other", "Hình thức khác"},
}

// Stances of an opinion.
const (
	Agree    = "agree"
	Disagree = "disagree"
	Suggest  = "suggest"
)

// Kinds of answer (tiếp thu / giải trình / không tiếp thu).
const (
	Accepted  = "accepted"
	Explained = "explained"
	Rejected  = "rejected"
)

// Names of stances, answers and offline sources as exports and notifications write them.
var (
	StanceNames = map[string]string{Agree: "Đồng ý", Disagree: "Không đồng ý", Suggest: "Góp ý sửa đổi"}
	AnswerNames = map[string]string{Accepted: "Tiếp thu", Explained: "Giải trình", Rejected: "Không tiếp thu"}
	SourceNames = map[string]string{"online": "Trực tuyến", "meeting": "Hội nghị", "ballot": "Phiếu lấy ý kiến", "box": "Hòm thư góp ý", "other": "Khác"}
)

// HideReasons are the only reasons a comment may be hidden for.
var HideReasons = map[string]string{
	"abuse":         "Lời lẽ xúc phạm",
	"personal_data": "Chứa thông tin cá nhân của người khác",
	"off_topic":     "Không liên quan đến dự thảo",
	"duplicate":     "Trùng lặp",
}

// Limits of texts.
const (
	MaxComment = 10_000
	MaxParts   = 500
	MaxTitle   = 300 // characters of a consultation's title
)

// Part is a numbered part of the draft.
type Part struct {
	N       int
	Heading string
	Body    string
}

// Title is the part's heading as shown: numbered ("2. Hạ tầng") unless the
// heading numbers itself ("1. Nông nghiệp", "Điều 3.", "Chương IV", "Phần 1").
func (p Part) Title() string {
	h := strings.TrimSpace(p.Heading)
	if h != "" && h[0] >= '0' && h[0] <= '9' {
		return h
	}
	for _, w := range []string{"Điều ", "Chương ", "Phần ", "Mục ", "Khoản "} {
		if strings.HasPrefix(h, w) {
			return h
		}
	}
	return fmt.Sprintf("%d. %s", p.N, h)
}

// Draft is what an official opens a consultation with.
type Draft struct {
	UnitID     int64
	Subject    int // 1-based index of Subjects
	Title      string
	Intro      string
	Parts      []Part
	Forms      []string
	OpensOn    string  // YYYY-MM-DD; "" = today
	ClosesOn   string  // YYYY-MM-DD
	ShortBasis string  // legal basis when the window is shorter than 20 days
	Idem       db.Idem // the form's key (web.FormIdem): a retried post opens one consultation
}

// Window is the checked consultation period.
type Window struct {
	Opens, Closes legal.Date
	MinClose      legal.Date // the first day a 20-day window may end
	Short         bool       // shorter than Art 28(2) allows without another law
}

// CheckDraft validates a draft and works out its window (Art 28(2): at least 20
// days from the public release unless another law says otherwise).
func CheckDraft(d Draft, today legal.Date, cal *legal.Calendar) (Window, error) {
	f := map[string]apperr.Msg{}
	if d.Subject < 1 || d.Subject > len(Subjects) {
		f["subject"] = apperr.M("consultation.err.f.subject")
	}
	if t := strings.TrimSpace(d.Title); t == "" || utf8.RuneCountInString(t) > MaxTitle {
		f["title"] = apperr.M("consultation.err.f.title")
	}
	if len(d.Parts) == 0 || len(d.Parts) > MaxParts {
		f["parts"] = apperr.M("consultation.err.f.parts_count", MaxParts)
	}
	for i, p := range d.Parts {
		if strings.TrimSpace(p.Heading) == "" && strings.TrimSpace(p.Body) == "" {
			f["parts"] = apperr.M("consultation.err.f.part_empty", i+1)
		}
	}
	if len(d.Forms) == 0 {
		f["forms"] = apperr.M("consultation.err.f.forms_required")
	}
	for _, id := range d.Forms {
		ok := false
		for _, x := range Forms {
			ok = ok || x.ID == id
		}
		if !ok {
			f["forms"] = apperr.M("consultation.err.f.form_unknown", id)
		}
	}
	w := Window{Opens: today}
	if d.OpensOn != "" {
		o, err := legal.ParseDate(d.OpensOn)
		if err != nil || o.Before(today) {
			f["opens_on"] = apperr.M("consultation.err.f.opens_on")
		} else {
			w.Opens = o
		}
	}
	c, err := legal.ParseDate(d.ClosesOn)
	switch {
	case err != nil:
		f["closes_on"] = apperr.M("consultation.err.f.closes_required")
	case !w.Opens.Before(c):
		f["closes_on"] = apperr.M("consultation.err.f.closes_after")
	default:
		w.Closes = c
	}
	if len(f) == 0 {
		res, err := legal.DefaultCatalogue().Compute(cal, "consultation.window", w.Opens, legal.Options{})
		if err != nil {
			return w, err
		}
		w.MinClose = res.Due
		if w.Closes.Before(w.MinClose) {
			w.Short = true
			if strings.TrimSpace(d.ShortBasis) == "" {
				f["short_basis"] = apperr.M("consultation.err.f.short_basis", w.MinClose.VN())
			}
		}
	}
	if len(f) > 0 {
		return w, apperr.New(apperr.CodeInvalid, "consultation.err.check_fields").WithFields(f)
	}
	return w, nil
}

// CheckComment validates one opinion's text and stance.
func CheckComment(body, stance string, part, parts int) error {
	f := map[string]apperr.Msg{}
	n := utf8.RuneCountInString(strings.TrimSpace(body))
	switch {
	case n == 0:
		f["body"] = apperr.M("consultation.err.f.body_required")
	case n > MaxComment:
		f["body"] = apperr.M("consultation.err.f.body_long", n, MaxComment)
	}
	if !utf8.ValidString(body) {
		f["body"] = apperr.M("consultation.err.f.body_bad_text")
	}
	if stance != Agree && stance != Disagree && stance != Suggest {
		f["stance"] = apperr.M("consultation.err.f.stance")
	}
	if part < 0 || part > parts {
		f["part"] = apperr.M("consultation.err.f.part")
	}
	if len(f) > 0 {
		return apperr.New(apperr.CodeInvalid, "consultation.err.comment_invalid").WithFields(f)
	}
	return nil
}

// AgainstMajority reports whether a decision goes against the majority of the
// opinions that took a side (Art 28(4) then requires the reasons).
func AgainstMajority(adopted bool, agree, disagree int) bool {
	if adopted {
		return disagree > agree
	}
	return agree > disagree
}

// ParseParts splits a draft typed in one text box into parts: each line starting
// with "## " (or "Điều N.", "Chương N") begins a part with that heading.
func ParseParts(text string) []Part {
	var parts []Part
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		heading := ""
		switch {
		case strings.HasPrefix(t, "## "):
			heading = strings.TrimSpace(t[3:])
		case strings.HasPrefix(t, "Điều ") || strings.HasPrefix(t, "Chương "):
			heading = t
		}
		if heading != "" {
			parts = append(parts, Part{N: len(parts) + 1, Heading: heading})
			continue
		}
		if len(parts) == 0 {
			if t == "" {
				continue
			}
			parts = append(parts, Part{N: 1, Heading: "Phần 1"})
		}
		p := &parts[len(parts)-1]
		if p.Body != "" {
			p.Body += "\n"
		}
		p.Body += line
	}
	for i := range parts {
		parts[i].Body = strings.TrimSpace(parts[i].Body)
	}
	return parts
}
