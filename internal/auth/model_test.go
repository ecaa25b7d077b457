package auth

import "testing"

// A cohort is overseen by admins and by its own instructor only.
func TestOversees(t *testing.T) {
	t.Parallel()
	const teacher = "0190a000-0000-7000-8000-000000000001"
	for _, c := range []struct {
		actor Actor
		want  bool
	}{
		{Actor{ID: "0190a000-0000-7000-8000-0000000000ad", Role: Admin}, true},
		{Actor{ID: teacher, Role: Instructor}, true},
		{Actor{ID: "0190a000-0000-7000-8000-000000000002", Role: Instructor}, false},
		{Actor{ID: "0190a000-0000-7000-8000-000000000003", Role: Trainee}, false},
		{Actor{ID: "0190a000-0000-7000-8000-000000000004", Role: Company}, false},
	} {
		if got := c.actor.Oversees(teacher); got != c.want {
			t.Errorf("%s %s oversees: %v, want %v", c.actor.Role, c.actor.ID, got, c.want)
		}
	}
}
