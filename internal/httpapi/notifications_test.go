package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type notificationView struct {
	ID     string  `json:"id"`
	Type   string  `json:"type"`
	Title  string  `json:"title"`
	Body   string  `json:"body"`
	Link   string  `json:"link"`
	ReadAt *string `json:"read_at"`
}

type notificationPage struct {
	Items      []notificationView `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func notifications(t *testing.T, e *testutil.Env, token, query string) notificationPage {
	t.Helper()
	var p notificationPage
	e.Get("/v1/me/notifications"+query, token).Want(t, http.StatusOK).JSON(t, &p)
	return p
}

// A trainee promoted from the waitlist by a withdrawal finds it among
// their notifications at once, in their locale, linked to the enrolment;
// reading one or all marks them, and nobody else may.
func TestNotificationsInTheRecipientsLocale(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		first, waiting := e.NewUser(auth.Trainee), e.NewUser(auth.Trainee)
		ko := "ko"
		e.UpdateTrainee(waiting.ID, account.ProfilePatch{Locale: &ko})
		seat := enrol(t, e, c.ID, first, http.StatusCreated)
		queued := enrol(t, e, c.ID, waiting, http.StatusCreated)
		e.Post("/v1/enrolments/"+seat.ID+"/withdraw", first.Token, nil).Want(t, http.StatusOK)

		// English headers do not change the recipient's language.
		got := notifications(t, e, waiting.Token, "")
		if len(got.Items) != 2 {
			t.Fatalf("notifications %+v", got.Items)
		}
		promoted, created := got.Items[0], got.Items[1]
		if promoted.Type != "enrolment.promoted" || promoted.Link != "/v1/enrolments/"+queued.ID || promoted.ReadAt != nil ||
			promoted.Title == "" || !containsHangul(promoted.Title) || !containsHangul(promoted.Body) {
			t.Fatalf("promoted %+v", promoted)
		}
		if created.Type != "enrolment.created" || !containsHangul(created.Body) {
			t.Fatalf("created %+v", created)
		}
		mine := notifications(t, e, first.Token, "")
		if len(mine.Items) != 2 || mine.Items[0].Type != "enrolment.withdrawn" || containsHangul(mine.Items[0].Title) {
			t.Fatalf("first trainee's %+v", mine.Items)
		}

		// Pages.
		p1 := notifications(t, e, waiting.Token, "?limit=1")
		if len(p1.Items) != 1 || p1.NextCursor == nil || p1.Items[0].ID != promoted.ID {
			t.Fatalf("page 1 %+v", p1)
		}
		p2 := notifications(t, e, waiting.Token, "?limit=1&cursor="+*p1.NextCursor)
		if len(p2.Items) != 1 || p2.NextCursor != nil || p2.Items[0].ID != created.ID {
			t.Fatalf("page 2 %+v", p2)
		}

		// Reading: someone else's is 404; one, then all.
		e.Post("/v1/me/notifications/"+promoted.ID+"/read", first.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/me/notifications/"+promoted.ID+"/read", waiting.Token, nil).Want(t, http.StatusNoContent)
		e.Post("/v1/me/notifications/"+promoted.ID+"/read", waiting.Token, nil).Want(t, http.StatusNoContent)
		unread := notifications(t, e, waiting.Token, "?unread=true")
		if len(unread.Items) != 1 || unread.Items[0].ID != created.ID {
			t.Fatalf("unread %+v", unread.Items)
		}
		e.Post("/v1/me/notifications/read-all", waiting.Token, nil).Want(t, http.StatusNoContent)
		if n := len(notifications(t, e, waiting.Token, "?unread=true").Items); n != 0 {
			t.Fatalf("%d unread after read-all", n)
		}
		if n := len(notifications(t, e, first.Token, "?unread=true").Items); n != 2 {
			t.Fatalf("read-all of one user read %d of another's", 2-n)
		}
		e.Get("/v1/me/notifications?unread=maybe", waiting.Token).WantProblem(t, http.StatusBadRequest, "wrong_type")
		e.Get("/v1/me/notifications?seen=true", waiting.Token).WantProblem(t, http.StatusBadRequest, "unknown_parameter")
		e.Post("/v1/me/notifications/not-an-id/read", waiting.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
	})
}

func containsHangul(s string) bool {
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7A3 {
			return true
		}
	}
	return false
}
