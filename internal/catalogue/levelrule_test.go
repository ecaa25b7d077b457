package catalogue

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStandingOfFoldsLevels(t *testing.T) {
	t.Parallel()
	course := func(id, track string, level int) standingRow {
		return standingRow{Kind: "c", CourseID: &id, Track: track, Level: level}
	}
	placed := func(track string, level int) standingRow {
		return standingRow{Kind: "p", Track: track, Level: level}
	}
	for _, tc := range []struct {
		name          string
		rows          []standingRow
		wantLevels    map[string]int
		wantCompleted map[string]bool
	}{
		{"nothing is no level anywhere", nil, map[string]int{}, map[string]bool{}},
		{"the highest course completed in a track",
			[]standingRow{course("a", "bms", 1), course("b", "bms", 3), course("c", "bms", 2)},
			map[string]int{"bms": 3}, map[string]bool{"a": true, "b": true, "c": true}},
		{"a placement above the courses counts",
			[]standingRow{course("a", "bms", 1), placed("bms", 3)},
			map[string]int{"bms": 3}, map[string]bool{"a": true}},
		{"a placement below the courses does not lower the level",
			[]standingRow{placed("bms", 1), course("b", "bms", 2)},
			map[string]int{"bms": 2}, map[string]bool{"b": true}},
		{"tracks are apart",
			[]standingRow{course("a", "bms", 2), placed("cell-design", 4), course("d", "materials", 1)},
			map[string]int{"bms": 2, "cell-design": 4, "materials": 1}, map[string]bool{"a": true, "d": true}},
		{"a placement is no completed course",
			[]standingRow{placed("bms", 2)},
			map[string]int{"bms": 2}, map[string]bool{}},
		{"a placement at level 0 leaves the track out",
			[]standingRow{placed("bms", 0)},
			map[string]int{}, map[string]bool{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := standingOf(tc.rows)
			if diff := cmp.Diff(tc.wantLevels, st.levels); diff != "" {
				t.Errorf("levels (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantCompleted, st.completed); diff != "" {
				t.Errorf("completed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLevelAllowsOneStepUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		have, level int
		want        bool
	}{
		{0, 1, true}, {0, 2, false}, {1, 1, true}, {1, 2, true}, {1, 3, false},
		{3, 1, true}, {3, 4, true}, {3, 5, false}, {4, 5, true}, {5, 5, true},
	} {
		if got := levelAllows(tc.have, tc.level); got != tc.want {
			t.Errorf("levelAllows(have %d, level %d) = %v, want %v", tc.have, tc.level, got, tc.want)
		}
	}
}
