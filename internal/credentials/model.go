// Package credentials makes SkillGrid's certificates portable: each one as
// an Open Badges 3.0 OpenBadgeCredential signed as a VC-JWT, the issuer's
// keys and Profile, and W3C Bitstring Status Lists for revocation.
package credentials

import (
	"time"

	"github.com/skillgrid/skillgrid/internal/catalogue"
)

// Contexts of the documents: the W3C Verifiable Credentials Data Model 2.0
// (which also defines the Bitstring Status List terms) and Open Badges 3.0.
const (
	ContextVC = "https://www.w3.org/ns/credentials/v2"
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Facts are what a credential states about one certificate, read from the
// database.
type Facts struct {
	CertificateID string             `bun:"certificate_id"`
	Code          string             `bun:"code"`
	IssuedAt      time.Time          `bun:"issued_at"`
	Status        string             `bun:"status"`
	RevokedAt     *time.Time         `bun:"revoked_at"`
	TraineeName   string             `bun:"trainee_name"`
	Email         string             `bun:"email"`
	CourseID      string             `bun:"course_id"`
	CourseCode    string             `bun:"course_code"`
	CourseTitle   string             `bun:"course_title"`
	Description   string             `bun:"description"`
	Track         string             `bun:"track"`
	Level         int                `bun:"level"`
	Hours         float64            `bun:"hours"`
	PassScore     float64            `bun:"pass_score"`
	MinAttendance float64            `bun:"min_attendance"`
	Score         *float64           `bun:"score"`
	AttendedHours *float64           `bun:"attended_hours"`
	NCSUnits      catalogue.NCSUnits `bun:"ncs_units"`
	// The certificate's place in a status list and its identity salt.
	ListID      string `bun:"list_id"`
	StatusIndex int    `bun:"status_index"`
	Salt        string `bun:"identity_salt"`
}

// Profile is the issuer as Open Badges 3.0 describes it.
type Profile struct {
	ID    string   `json:"id"`
	Type  []string `json:"type"`
	Name  string   `json:"name"`
	URL   string   `json:"url"`
	Email string   `json:"email,omitempty"`
}

// Credential is an OpenBadgeCredential (or, with a StatusListSubject, a
// BitstringStatusListCredential): the payload of the VC-JWT, without the
// registered claims.
type Credential struct {
	Context           []string     `json:"@context"`
	ID                string       `json:"id"`
	Type              []string     `json:"type"`
	Issuer            Profile      `json:"issuer"`
	ValidFrom         string       `json:"validFrom"`
	ValidUntil        string       `json:"validUntil,omitempty"`
	Name              string       `json:"name,omitempty"`
	CredentialSubject any          `json:"credentialSubject"`
	CredentialStatus  *StatusEntry `json:"credentialStatus,omitempty"`
}

// Subject is an AchievementSubject: who earned what, with which result.
type Subject struct {
	ID          string           `json:"id,omitempty"`
	Type        []string         `json:"type"`
	Identifier  []IdentityObject `json:"identifier"`
	Achievement Achievement      `json:"achievement"`
	Result      []Result         `json:"result,omitempty"`
}

// IdentityObject names the holder by a salted hash of their e-mail, so the
// credential carries no address yet its holder can prove it is theirs.
type IdentityObject struct {
	Type         string `json:"type"`
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Salt         string `json:"salt"`
}

// Achievement is the course as an Open Badges Achievement.
type Achievement struct {
	ID                string              `json:"id"`
	Type              []string            `json:"type"`
	AchievementType   string              `json:"achievementType"`
	Name              string              `json:"name"`
	Description       string              `json:"description"`
	HumanCode         string              `json:"humanCode"`
	FieldOfStudy      string              `json:"fieldOfStudy"`
	Criteria          Criteria            `json:"criteria"`
	Alignment         []Alignment         `json:"alignment,omitempty"`
	ResultDescription []ResultDescription `json:"resultDescription"`
}

// Criteria says what earning the achievement took.
type Criteria struct {
	Narrative string `json:"narrative"`
}

// Alignment ties the achievement to an NCS competency unit.
type Alignment struct {
	Type              []string `json:"type"`
	TargetCode        string   `json:"targetCode"`
	TargetName        string   `json:"targetName"`
	TargetDescription string   `json:"targetDescription"`
	TargetFramework   string   `json:"targetFramework"`
	TargetType        string   `json:"targetType"`
	TargetURL         string   `json:"targetUrl"`
}

// ResultDescription describes one kind of result the achievement records.
type ResultDescription struct {
	ID            string   `json:"id"`
	Type          []string `json:"type"`
	Name          string   `json:"name"`
	ResultType    string   `json:"resultType"`
	ValueMin      string   `json:"valueMin"`
	ValueMax      string   `json:"valueMax"`
	RequiredValue string   `json:"requiredValue"`
}

// Result is one result the holder reached.
type Result struct {
	Type              []string `json:"type"`
	ResultDescription string   `json:"resultDescription"`
	Value             string   `json:"value"`
}

// StatusEntry is a BitstringStatusListEntry: where the credential's
// revocation bit is.
type StatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// StatusListSubject is a BitstringStatusList: the bits themselves.
type StatusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}

// Claims are the registered JWT claims that mirror the credential's own
// fields, as the Open Badges 3.0 VC-JWT format maps them: iss is
// issuer.id, jti is id, nbf is validFrom, exp is validUntil (when it has
// one) and sub is credentialSubject.id (when it has one).
type Claims struct {
	Issuer    string `json:"iss"`
	ID        string `json:"jti"`
	NotBefore int64  `json:"nbf"`
	Expires   *int64 `json:"exp,omitempty"`
	Subject   string `json:"sub,omitempty"`
}

// Token is the whole JWT payload: the credential's members at the top
// level, with the claims beside them.
type Token struct {
	Credential
	Claims
}
