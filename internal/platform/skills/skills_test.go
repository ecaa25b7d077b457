package skills_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/platform/skills"
)

func TestNormalise(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"nil is empty, not nil", nil, []string{}},
		{"blank tags dropped", []string{"", "  ", "\t"}, []string{}},
		{"trimmed and lower-cased", []string{"  BMS ", "Cell-Balancing"}, []string{"bms", "cell-balancing"}},
		{"duplicates after normalising dropped", []string{"bms", "BMS", " bms"}, []string{"bms"}},
		{"sorted", []string{"soc", "bms", "cell"}, []string{"bms", "cell", "soc"}},
		{"korean kept as is", []string{"배터리", "BMS"}, []string{"bms", "배터리"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := skills.Normalise(tc.in)
			if got == nil {
				t.Fatal("Normalise returned nil")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Normalise(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
