// Package privacy gives users the rights the Personal Information
// Protection Act (PIPA) grants them (PRODUCT.md, "Personal information"):
// the history of their consents, who viewed their pool entry, an export of
// everything held about them, and erasure.
package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Purpose is what a consent is for.
type Purpose string

// The purposes a user consents to.
const (
	PurposePool  Purpose = "pool"  // being found by approved companies
	PurposeEmail Purpose = "email" // e-mail notifications
	PurposeTerms Purpose = "terms" // the terms of use, accepted with the account
)

// Source is how a consent was given or withdrawn.
type Source string

// The sources of a consent change.
const (
	SourceRegistration Source = "registration" // self-registration
	SourceProfile      Source = "profile"      // PATCH /v1/me
	SourceAdmin        Source = "admin"        // an account an operator made
	SourceErasure      Source = "erasure"      // withdrawn by erasing the account
	SourceMigration    Source = "migration"    // known from before the history was kept
)

// Consent is one grant or withdrawal.
type Consent struct {
	bun.BaseModel `bun:"table:consents"`

	ID      string    `bun:"id,pk" json:"-"`
	UserID  string    `bun:"user_id" json:"-"`
	Purpose Purpose   `bun:"purpose" json:"purpose"`
	Granted bool      `bun:"granted" json:"granted"`
	At      time.Time `bun:"at" json:"at"`
	Source  Source    `bun:"source" json:"source"`
}

// RecordConsent adds a grant (granted true) or withdrawal of purpose by
// the user at the time at, through tx, which must be the transaction making
// the change it records (a profile update, a registration, an erasure).
// Callers record changes only: a PATCH that repeats the current choice
// records nothing.
func RecordConsent(ctx context.Context, tx bun.IDB, userID string, purpose Purpose, granted bool, source Source, at time.Time) error {
	_, err := db.Exec(ctx, tx, `INSERT INTO consents (id, user_id, purpose, granted, at, source) VALUES (?0, ?1, ?2, ?3, ?4, ?5)`,
		ids.New(), userID, string(purpose), granted, at.UTC(), string(source))
	if err != nil {
		return fmt.Errorf("record %s consent of %s: %w", purpose, userID, err)
	}
	return nil
}
