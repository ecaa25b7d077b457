package outcomes

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ip(n int) *int         { return &n }
func fp(f float64) *float64 { return &f }
func sp(s string) *string   { return &s }

func TestPublish(t *testing.T) {
	t.Parallel()
	const today = "2027-08-15"
	for _, tc := range []struct {
		name string
		in   Counts
		want Row
	}{{
		name: "measured, large enough",
		in:   Counts{Track: "bms", Level: 1, Completers: 10, Employed3: 6, Employed6: 8, Insured6: 0, Due3: sp("2027-04-30"), Due6: sp("2027-07-31"), Responses: 6, RatingSum: 22},
		want: Row{Track: "bms", Level: 1, Completers: ip(10), Employed3: ip(6), Employed6: ip(8), Insured6: ip(0),
			Employed3Rate: fp(0.6), Employed6Rate: fp(0.8), Insured6Rate: fp(0), Responses: ip(6), Satisfaction: fp(3.67),
			Suppressed: []string{}, NotYetMeasurable: []string{}},
	}, {
		name: "the due day itself is not yet over",
		in:   Counts{Track: "bms", Level: 1, Completers: 5, Employed3: 5, Employed6: 5, Insured6: 5, Due3: sp("2027-05-15"), Due6: sp(today)},
		want: Row{Track: "bms", Level: 1, Completers: ip(5), Employed3: ip(5), Employed3Rate: fp(1), Responses: ip(0),
			Suppressed: []string{}, NotYetMeasurable: []string{"employed_6m", "employed_6m_rate", "insured_6m", "insured_6m_rate"}},
	}, {
		name: "small cells and the rates built on them",
		in:   Counts{Track: "bms", Level: 2, Completers: 12, Employed3: 4, Employed6: 5, Insured6: 1, Due3: sp("2027-01-01"), Due6: sp("2027-04-01"), Responses: 3, RatingSum: 12},
		want: Row{Track: "bms", Level: 2, Completers: ip(12), Employed6: ip(5), Employed6Rate: fp(0.4167),
			Suppressed:       []string{"employed_3m", "employed_3m_rate", "insured_6m", "insured_6m_rate", "responses", "satisfaction"},
			NotYetMeasurable: []string{}},
	}, {
		name: "few completers hide every rate, zero counts stay",
		in:   Counts{Track: "bms", Level: 3, Completers: 3, Due3: sp("2027-01-01"), Due6: sp("2027-04-01")},
		want: Row{Track: "bms", Level: 3, Employed3: ip(0), Employed6: ip(0), Insured6: ip(0), Responses: ip(0),
			Suppressed:       []string{"completers", "employed_3m_rate", "employed_6m_rate", "insured_6m_rate"},
			NotYetMeasurable: []string{}},
	}, {
		name: "no completers: no rates, nothing to wait for",
		in:   Counts{Track: "bms", Level: 4, Responses: 5, RatingSum: 9},
		want: Row{Track: "bms", Level: 4, Completers: ip(0), Employed3: ip(0), Employed6: ip(0), Insured6: ip(0),
			Responses: ip(5), Satisfaction: fp(1.8), Suppressed: []string{}, NotYetMeasurable: []string{}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Publish(tc.in, today)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}
