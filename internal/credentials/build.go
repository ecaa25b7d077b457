package credentials

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/skillgrid/skillgrid/internal/results"
)

// URLs builds the public addresses of what SkillGrid publishes, from the
// base URL it is reached at (SKILLGRID_ISSUER_URL).
type URLs struct{ Base string }

// Issuer is the issuer Profile's id.
func (u URLs) Issuer() string { return u.Base + "/v1/issuer" }

// JWKS is the key set's address.
func (u URLs) JWKS() string { return u.Base + "/.well-known/jwks.json" }

// Credential is a certificate's credential, which is also its id.
func (u URLs) Credential(code string) string {
	return u.Base + "/v1/certificates/" + code + "/credential"
}

// Verify is a certificate's page for people.
func (u URLs) Verify(code string) string { return u.Base + "/verify/" + code }

// StatusList is a status list credential, which is also its id.
func (u URLs) StatusList(id string) string { return u.Base + "/v1/status-lists/" + id }

// Achievement is a course's stable achievement id: the course itself.
func (u URLs) Achievement(courseID string) string { return u.Base + "/v1/courses/" + courseID }

// Revocation is the one status purpose SkillGrid's lists serve.
const Revocation = "revocation"

// NCSFramework names the framework NCS alignments point into.
const NCSFramework = "NCS (National Competency Standards, Korea)"

// num writes a number as people read it: no trailing zeros.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Narrative is the course's criteria in English and Korean: hours, the
// attendance rule and the pass score.
func Narrative(f Facts) string {
	req := results.Required(f.MinAttendance, f.Hours)
	pct := num(math.Round(f.MinAttendance*1e4) / 1e2)
	return fmt.Sprintf("Complete the %s-hour course %s (level %d): attend at least %s%% of its hours (%s h) and score at least %s out of 100.\n\n"+
		"%s 과정(레벨 %d, %s시간)을 수료: 수업 시간의 %s%% 이상(%s시간) 출석하고 100점 만점에 %s점 이상 득점.",
		num(f.Hours), f.CourseCode, f.Level, pct, num(req), num(f.PassScore),
		f.CourseCode, f.Level, num(f.Hours), pct, num(req), num(f.PassScore))
}

// IdentityHash is the Open Badges hash of an e-mail address: SHA-256 of
// the address (lower case, trimmed) followed by the salt, in hex, after
// the algorithm's name.
func IdentityHash(email, salt string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email)) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// timestamp is a time as the credential writes it: UTC, whole seconds.
func timestamp(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// Build is the OpenBadgeCredential of a certificate: a pure function of
// its facts, the addresses and the issuer.
func Build(f Facts, u URLs, issuer Profile) Credential {
	ach := u.Achievement(f.CourseID)
	desc := f.Description
	if strings.TrimSpace(desc) == "" {
		desc = f.CourseTitle
	}
	a := Achievement{
		ID: ach, Type: []string{"Achievement"}, AchievementType: "Course",
		Name: f.CourseTitle, Description: desc, HumanCode: f.CourseCode, FieldOfStudy: f.Track,
		Criteria: Criteria{Narrative: Narrative(f)},
		ResultDescription: []ResultDescription{
			{ID: ach + "#score", Type: []string{"ResultDescription"}, Name: "Score (점수)", ResultType: "RawScore",
				ValueMin: "0", ValueMax: "100", RequiredValue: num(f.PassScore)},
			{ID: ach + "#attended-hours", Type: []string{"ResultDescription"}, Name: "Attended hours (출석 시간)", ResultType: "ext:AttendedHours",
				ValueMin: "0", ValueMax: num(f.Hours), RequiredValue: num(results.Required(f.MinAttendance, f.Hours))},
		},
	}
	for _, n := range f.NCSUnits {
		a.Alignment = append(a.Alignment, Alignment{
			Type: []string{"Alignment"}, TargetCode: n.Code, TargetName: n.Name,
			TargetDescription: fmt.Sprintf("NCS competency unit %s, level %d (NCS 능력단위, %d수준)", n.Code, n.Level, n.Level),
			TargetFramework:   NCSFramework, TargetType: "ext:NCSCompetencyUnit",
			TargetURL: ach + "#ncs-" + n.Code,
		})
	}
	s := Subject{
		// The subject's id names this award, not the person (who is named
		// by the salted identifier), so that two of one graduate's
		// credentials cannot be linked by it; sub mirrors it.
		ID:   "urn:uuid:" + f.CertificateID,
		Type: []string{"AchievementSubject"},
		Identifier: []IdentityObject{{
			Type: "IdentityObject", Hashed: true, IdentityHash: IdentityHash(f.Email, f.Salt),
			IdentityType: "emailAddress", Salt: f.Salt,
		}},
		Achievement: a,
	}
	if f.Score != nil {
		s.Result = append(s.Result, Result{Type: []string{"Result"}, ResultDescription: ach + "#score", Value: num(*f.Score)})
	}
	if f.AttendedHours != nil {
		s.Result = append(s.Result, Result{Type: []string{"Result"}, ResultDescription: ach + "#attended-hours", Value: num(*f.AttendedHours)})
	}
	list := u.StatusList(f.ListID)
	return Credential{
		Context: []string{ContextVC, ContextOB},
		ID:      u.Credential(f.Code),
		Type:    []string{"VerifiableCredential", "OpenBadgeCredential"},
		Issuer:  issuer, ValidFrom: timestamp(f.IssuedAt), Name: f.CourseTitle,
		CredentialSubject: s,
		CredentialStatus: &StatusEntry{
			ID: list + "#" + strconv.Itoa(f.StatusIndex), Type: "BitstringStatusListEntry", StatusPurpose: Revocation,
			StatusListIndex: strconv.Itoa(f.StatusIndex), StatusListCredential: list,
		},
	}
}

// StatusListCredential is the BitstringStatusListCredential of a list.
func StatusListCredential(id string, created time.Time, encoded string, u URLs, issuer Profile) Credential {
	list := u.StatusList(id)
	return Credential{
		Context: []string{ContextVC},
		ID:      list,
		Type:    []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:  issuer, ValidFrom: timestamp(created),
		CredentialSubject: StatusListSubject{ID: list + "#list", Type: "BitstringStatusList", StatusPurpose: Revocation, EncodedList: encoded},
	}
}

// TokenOf adds to a credential the registered claims that mirror it.
func TokenOf(c Credential) (Token, error) {
	from, err := time.Parse(time.RFC3339, c.ValidFrom)
	if err != nil {
		return Token{}, fmt.Errorf("validFrom: %w", err)
	}
	t := Token{Credential: c, Claims: Claims{Issuer: c.Issuer.ID, ID: c.ID, NotBefore: from.Unix()}}
	if c.ValidUntil != "" {
		until, err := time.Parse(time.RFC3339, c.ValidUntil)
		if err != nil {
			return Token{}, fmt.Errorf("validUntil: %w", err)
		}
		exp := until.Unix()
		t.Expires = &exp
	}
	t.Subject = subjectID(c.CredentialSubject)
	return t, nil
}

// subjectID is credentialSubject.id, whatever the subject's type.
func subjectID(subject any) string {
	switch s := subject.(type) {
	case Subject:
		return s.ID
	case StatusListSubject:
		return s.ID
	}
	raw, err := json.Marshal(subject)
	if err != nil {
		return ""
	}
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.ID
}
