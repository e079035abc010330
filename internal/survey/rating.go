package survey

import (
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/legal"
)

// Ratings after an interaction (LDC 2022 Art 35(2)(a): the people assess the
// commune's officials; the seeds' target: more than 80 % satisfied). After a
// reception visit or an answer to their feedback, the citizen rates the
// officials on three criteria from 1 to 5, once per interaction, signed in;
// the scores only ever add to counters, so no one's rating can be shown.

// The interactions that can be rated.
const (
	FeedbackRating  = "feedback"  // an answered feedback item of the citizen's
	ReceptionRating = "reception" // a visit entered in the reception book (Art 25(2))
)

// RatingSlugs are the kinds as the rating page's address names them.
var RatingSlugs = map[string]string{"phan-anh": FeedbackRating, "tiep-dan": ReceptionRating}

// RatingURL is where a citizen rates an interaction.
func RatingURL(kind, ref string) string {
	for slug, k := range RatingSlugs {
		if k == kind {
			return "/danh-gia/" + slug + "/" + ref
		}
	}
	return ""
}

// Criteria are what is rated: the officials' attitude, whether they kept to
// the time, and the result.
var Criteria = []string{"attitude", "timeliness", "result"}

// Scores are a rating, one score per criterion in the order of Criteria.
type Scores [3]int

// CheckScores refuses a score outside 1–5, naming the first such criterion.
func CheckScores(sc Scores) error {
	for i, v := range sc {
		if v < 1 || v > 5 {
			return apperr.New(apperr.CodeInvalid, "survey.err.rating_score").Field(Criteria[i], apperr.M("survey.err.rating_score"))
		}
	}
	return nil
}

// MinShown is the fewest ratings a unit's quarter needs before its figures
// are published: with fewer, the officials who served could tell one
// citizen's scores.
const MinShown = 5

// RateWithin is how long after the visit or the answer the citizen may rate
// it (days): a rating speaks of a recent interaction, and old codes cannot be
// saved up to sway a quarter.
const RateWithin = 30

// CheckInTime refuses a rating more than RateWithin days after day.
func CheckInTime(day, today legal.Date) error {
	if !day.IsZero() && day.AddDays(RateWithin).Before(today) {
		return apperr.New(apperr.CodeConflict, "survey.err.rating_late", RateWithin, day.VN())
	}
	return nil
}

// Month is the counters' key of day d.
func Month(d legal.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, d.Month) }

// RatingPeriod is the ratings of a unit (and the units under it) over a
// quarter. Its figures are published once the quarter is over, and then only
// with MinShown ratings or more, so that neither one look nor two looks a
// day apart tell what one citizen gave: each published figure is a sum of
// whole quarters of at least MinShown ratings.
type RatingPeriod struct {
	From, To legal.Date // To excluded
	N        int64      // ratings
	Hidden   int64      // ratings of units whose quarter is not published (counted, not in the figures)
	Running  bool       // the current quarter: only its count is shown
	Total    bool       // the sum of the published quarters before it
	counts   [3][5]int64
}

// Quarter is the period's quarter of the year.
func (p RatingPeriod) Quarter() int { return (int(p.From.Month)-1)/3 + 1 }

// Add counts n scores of score for criterion c.
func (p *RatingPeriod) Add(c string, score int, n int64) {
	for i, name := range Criteria {
		if name == c && score >= 1 && score <= 5 {
			p.counts[i][score-1] += n
			if i == 0 {
				p.N += n
			}
		}
	}
}

// Merge adds the ratings of q.
func (p *RatingPeriod) Merge(q RatingPeriod) {
	p.N += q.N
	for i := range p.counts {
		for s := range p.counts[i] {
			p.counts[i][s] += q.counts[i][s]
		}
	}
}

// Shown reports whether the period's figures are published: a quarter that
// is over, with enough ratings.
func (p RatingPeriod) Shown() bool { return !p.Running && p.N >= MinShown }

// Means are the mean score per criterion (0: none).
func (p RatingPeriod) Means() []float64 {
	out := make([]float64, len(Criteria))
	for i, cs := range p.counts {
		var n, sum int64
		for s, k := range cs {
			n, sum = n+k, sum+int64(s+1)*k
		}
		if n > 0 {
			out[i] = float64(sum) / float64(n)
		}
	}
	return out
}

// Satisfied are the scores of 4 or 5 and all scores, over every criterion.
func (p RatingPeriod) Satisfied() (sat, all int64) {
	for _, cs := range p.counts {
		for s, k := range cs {
			all += k
			if s+1 >= Satisfied {
				sat += k
			}
		}
	}
	return sat, all
}

// SatisfiedShare is Satisfied in per cent (-1: none, or not published).
func (p RatingPeriod) SatisfiedShare() int {
	sat, all := p.Satisfied()
	if all == 0 || !p.Shown() {
		return -1
	}
	return Share(sat, all)
}
