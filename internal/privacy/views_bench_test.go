package privacy_test

import (
	"context"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/privacy"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// BenchmarkRecordViews is the cost a page of 20 search results adds to a
// company's search: one batch insert of the views.
func BenchmarkRecordViews(b *testing.B) {
	for _, dialect := range testutil.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			e := testutil.New(b, dialect)
			co := e.NewUser(auth.Company)
			c, err := e.App.Accounts.CompanyOf(context.Background(), co.ID)
			if err != nil {
				b.Fatal(err)
			}
			grads := make([]string, 20)
			for i := range grads {
				grads[i] = e.NewUser(auth.Trainee).ID
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := (privacy.Views{}).Record(ctx, e.DB, c.ID, privacy.ViewSearch, time.Now(), grads); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
