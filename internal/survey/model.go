// Package survey is the satisfaction surveys a commune or a province runs
// (LDC 2022 Art 35(2)(a): the people's committee organises the people's
// assessment of, and satisfaction with, the commune's officials; the seeds'
// target: more than 80 % of people satisfied). An official builds a survey of
// sections and questions (single choice, multiple choice, a 1–5 scale, free
// text) for the signed-in residents of the unit, or one answer per household;
// the answers are counted as they arrive (one counter per option), so that
// the results — bars drawn on the server, XLSX, open data — read the counters
// and never scan the answers. This file holds the rules, pure.
package survey

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/legal"
	"danchu/internal/web"
)

// Kinds of question.
const (
	Single = "single" // one option
	Multi  = "multi"  // any of the options
	Scale  = "scale"  // 1 (very dissatisfied) to 5 (very satisfied)
	Text   = "text"   // free text, read by the unit, never public
)

// Kinds lists them.
var Kinds = []string{Single, Multi, Scale, Text}

// Who may answer.
const (
	Residents  = "resident"  // any signed-in citizen who represents a household of the unit, once
	Households = "household" // one answer per household of the unit
)

// Statuses of a survey.
const (
	Draft  = "draft"
	Open   = "open"
	Closed = "closed"
)

// Limits.
const (
	MaxQuestions = 60
	MaxOptions   = 12
	ScalePoints  = 5
	MaxText      = 2000
	// Satisfied is the scale's lowest satisfied point: 4 (satisfied) and 5 (very).
	Satisfied = 4
	// Target is the seeds' target of satisfied people, in per cent.
	Target = 80
)

// Question is one question of a survey.
type Question struct {
	ID           int64
	N            int // its place, from 1
	Section      string
	Kind         string
	Text         string
	Options      []string // single and multi: the options; scale: none (1–5)
	Required     bool
	Satisfaction bool // a scale question that counts toward the satisfaction figure
}

// Choices is how many counters the question keeps: its options, or the
// scale's five points; free text none.
func (q Question) Choices() int {
	switch q.Kind {
	case Scale:
		return ScalePoints
	case Text:
		return 0
	}
	return len(q.Options)
}

// Draft is the form building a survey.
type DraftSurvey struct {
	Title, Intro string
	Audience     string
	OpensOn      legal.Date
	ClosesOn     legal.Date
	Questions    []Question
}

// ParseQuestions reads the questions as an official types them, one block a
// question, blocks apart by an empty line:
//
//	# Section heading            (starts a section; optional)
//	[scale*] Question text       (kind: single, multi, scale, text; * required; scale+ counts toward satisfaction)
//	- option                     (single and multi: one line an option)
func ParseQuestions(src string) ([]Question, error) {
	p := web.Problems{}
	var out []Question
	section := ""
	var cur *Question
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for i, raw := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
			flush()
			section = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case strings.HasPrefix(line, "- ") || line == "-":
			if cur == nil || (cur.Kind != Single && cur.Kind != Multi) {
				p.Add("questions", apperr.M("survey.err.f.option_where", i+1))
				continue
			}
			cur.Options = append(cur.Options, strings.TrimSpace(strings.TrimPrefix(line, "-")))
		case strings.HasPrefix(line, "["):
			flush()
			end := strings.Index(line, "]")
			if end < 0 {
				p.Add("questions", apperr.M("survey.err.f.kind", i+1))
				continue
			}
			tag := line[1:end]
			q := Question{Section: section, Text: strings.TrimSpace(line[end+1:])}
			if strings.HasSuffix(tag, "*") {
				q.Required, tag = true, strings.TrimSuffix(tag, "*")
			}
			if strings.HasSuffix(tag, "+") {
				q.Satisfaction, tag = true, strings.TrimSuffix(tag, "+")
			}
			if strings.HasSuffix(tag, "*") { // "scale+*" as well as "scale*+"
				q.Required, tag = true, strings.TrimSuffix(tag, "*")
			}
			if !slices.Contains(Kinds, tag) {
				p.Add("questions", apperr.M("survey.err.f.kind", i+1))
				continue
			}
			q.Kind = tag
			cur = &q
		default:
			p.Add("questions", apperr.M("survey.err.f.line", i+1))
		}
	}
	flush()
	for i := range out {
		q := &out[i]
		q.N = i + 1
		switch {
		case q.Text == "" || utf8.RuneCountInString(q.Text) > 500:
			p.Add("questions", apperr.M("survey.err.f.text", q.N))
		case (q.Kind == Single || q.Kind == Multi) && (len(q.Options) < 2 || len(q.Options) > MaxOptions):
			p.Add("questions", apperr.M("survey.err.f.options", q.N, MaxOptions))
		case q.Satisfaction && q.Kind != Scale:
			p.Add("questions", apperr.M("survey.err.f.satisfaction", q.N))
		case utf8.RuneCountInString(q.Section) > 200:
			p.Add("questions", apperr.M("survey.err.f.text", q.N))
		}
		for _, o := range q.Options {
			if o == "" || utf8.RuneCountInString(o) > 200 {
				p.Add("questions", apperr.M("survey.err.f.options", q.N, MaxOptions))
			}
		}
	}
	switch {
	case len(out) == 0:
		p.Add("questions", apperr.M("survey.err.f.none"))
	case len(out) > MaxQuestions:
		p.Add("questions", apperr.M("survey.err.f.many", MaxQuestions))
	}
	return out, p.Err(apperr.New(apperr.CodeInvalid, "survey.err.invalid"))
}

// Check trims and checks the survey's form, its questions parsed already.
func (d DraftSurvey) Check(today legal.Date) (DraftSurvey, error) {
	p := web.Problems{}
	d.Title = p.Text("title", d.Title, 300, true)
	d.Intro = p.Text("intro", d.Intro, 4000, false)
	if d.Audience != Residents && d.Audience != Households {
		p.Add("audience", apperr.M("survey.err.f.audience"))
	}
	switch {
	case d.OpensOn.IsZero():
		p.Add("opens_on", apperr.M("survey.err.f.required"))
	case d.ClosesOn.IsZero() || d.ClosesOn.Before(d.OpensOn):
		p.Add("closes_on", apperr.M("survey.err.f.closes"))
	case d.OpensOn.Before(today.AddDays(-1)):
		p.Add("opens_on", apperr.M("survey.err.f.past"))
	case d.OpensOn.DaysUntil(d.ClosesOn) > 366:
		p.Add("closes_on", apperr.M("survey.err.f.long"))
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "survey.err.invalid"))
}

// Answer is one person's answers: per question (by N) the chosen options
// (from 0; a scale point p is p-1) or the text.
type Answer struct {
	Choices map[int][]int
	Texts   map[int]string
}

// FormAnswer reads a posted form into an answer: field qN holds question N's
// options (numbers from 0) or, for free text, its text.
func FormAnswer(qs []Question, form map[string][]string) Answer {
	a := Answer{Choices: map[int][]int{}, Texts: map[int]string{}}
	for _, q := range qs {
		vs := form["q"+strconv.Itoa(q.N)]
		if q.Kind == Text {
			a.Texts[q.N] = strings.Join(vs, "\n")
			continue
		}
		for _, v := range vs {
			c, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				c = -1 // not an option: refused by CheckAnswer
			}
			a.Choices[q.N] = append(a.Choices[q.N], c)
		}
	}
	return a
}

// CheckAnswer refuses answers that do not fit the questions: a required
// question unanswered, a choice that is not one, two choices to a single
// question, a text too long or not text.
func CheckAnswer(qs []Question, a Answer) (Answer, error) {
	p := web.Problems{}
	if a.Choices == nil {
		a.Choices = map[int][]int{}
	}
	if a.Texts == nil {
		a.Texts = map[int]string{}
	}
	for _, q := range qs {
		field := "q" + strconv.Itoa(q.N)
		cs, t := a.Choices[q.N], strings.TrimSpace(a.Texts[q.N])
		switch q.Kind {
		case Text:
			if !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxText {
				p.Add(field, apperr.M("survey.err.f.answer_text", MaxText))
			} else if q.Required && t == "" {
				p.Add(field, apperr.M("survey.err.f.answer_required"))
			}
			a.Texts[q.N] = t
		default:
			slices.Sort(cs)
			cs = slices.Compact(cs)
			a.Choices[q.N] = cs
			switch {
			case q.Required && len(cs) == 0:
				p.Add(field, apperr.M("survey.err.f.answer_required"))
			case q.Kind != Multi && len(cs) > 1:
				p.Add(field, apperr.M("survey.err.f.answer_one"))
			case len(cs) > 0 && (cs[0] < 0 || cs[len(cs)-1] >= q.Choices()):
				p.Add(field, apperr.M("survey.err.f.answer_choice"))
			}
		}
	}
	return a, p.Err(apperr.New(apperr.CodeInvalid, "survey.err.answer_invalid"))
}

// Share is n of total in whole per cent (0 when total is 0).
func Share(n, total int64) int {
	if total <= 0 {
		return 0
	}
	return int((n*100 + total/2) / total)
}
