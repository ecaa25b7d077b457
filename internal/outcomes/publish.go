package outcomes

import "math"

// SmallCell is the largest count that is never published: a count from 1
// to SmallCell is shown as null and named in `suppressed`, so that nobody
// in a small group can be picked out. Zero is published.
const SmallCell = 4

// Publish turns a group's counts into its published row, as of the
// programme date today (YYYY-MM-DD). The rules, in order:
//
//   - The 3-month figures (employed_3m and its rate) are not yet
//     measurable while today is on or before the latest "ends_on + 3
//     months" among the group's completers (the 6-month ones likewise):
//     they are null and named in not_yet_measurable, counts and rates
//     alike, since a count still growing is no figure yet.
//   - A count from 1 to SmallCell is suppressed: null, named in suppressed.
//     A rate is suppressed when its numerator or completers is, since the
//     rate and the other would give the count away.
//   - Rates are count ÷ completers, rounded to four places; null when
//     there are no completers.
//   - satisfaction is the mean rating (two places), null without ratings;
//     suppressed with responses when 1 to SmallCell trainees answered.
func Publish(c Counts, today string) Row {
	r := Row{
		CohortID: c.CohortID, CourseCode: c.CourseCode, CohortLabel: c.CohortLabel, EndsOn: c.EndsOn,
		Track: c.Track, Level: c.Level, Suppressed: []string{}, NotYetMeasurable: []string{},
	}
	completers, completersHidden := r.count("completers", c.Completers)
	r.Completers = completers
	measure := func(name string, n int, due *string) (*int, *float64) {
		if due != nil && today <= *due {
			r.NotYetMeasurable = append(r.NotYetMeasurable, name, name+"_rate")
			return nil, nil
		}
		count, hidden := r.count(name, n)
		if c.Completers == 0 {
			return count, nil
		}
		if hidden || completersHidden {
			r.Suppressed = append(r.Suppressed, name+"_rate")
			return count, nil
		}
		rate := round(float64(n)/float64(c.Completers), 4)
		return count, &rate
	}
	r.Employed3, r.Employed3Rate = measure("employed_3m", c.Employed3, c.Due3)
	r.Employed6, r.Employed6Rate = measure("employed_6m", c.Employed6, c.Due6)
	r.Insured6, r.Insured6Rate = measure("insured_6m", c.Insured6, c.Due6)
	responses, hidden := r.count("responses", c.Responses)
	r.Responses = responses
	switch {
	case hidden:
		r.Suppressed = append(r.Suppressed, "satisfaction")
	case c.Responses > 0:
		mean := round(float64(c.RatingSum)/float64(c.Responses), 2)
		r.Satisfaction = &mean
	}
	return r
}

// count publishes n under name: nil and named in Suppressed when it is a
// small cell (hidden true).
func (r *Row) count(name string, n int) (v *int, hidden bool) {
	if n >= 1 && n <= SmallCell {
		r.Suppressed = append(r.Suppressed, name)
		return nil, true
	}
	return &n, false
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
