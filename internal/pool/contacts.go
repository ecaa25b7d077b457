package pool

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// SendContactRequest is an approved company asking to contact a graduate
// who is in the pool now (else 404). A company has at most one open
// (pending) request per graduate: another is 409 contact_request_open.
// Audited as contact_request.created.
func (s *Service) SendContactRequest(ctx context.Context, actor auth.Actor, graduateID, message string) (Sent, error) {
	c, err := s.approvedCompany(ctx, actor)
	if err != nil {
		return Sent{}, err
	}
	if !ids.Valid(graduateID) {
		return Sent{}, apperr.NotFound(msg.NotFoundGraduate)
	}
	now := s.Now().UTC()
	cr := ContactRequest{
		ID: ids.New(), CompanyID: c.ID, TraineeID: graduateID, SentBy: actor.ID,
		Message: strings.TrimSpace(message), Status: Pending, CreatedAt: now,
	}
	var out Sent
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.Store.graduate(ctx, tx, graduateID); err != nil {
			return err
		}
		if err := s.Store.insertContactRequest(ctx, tx, &cr); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "contact_request.created", Entity: "contact_request", EntityID: cr.ID,
			After: map[string]any{"status": cr.Status, "company_id": cr.CompanyID, "trainee_id": cr.TraineeID},
		}); err != nil {
			return err
		}
		if err := events.Record(ctx, tx, contactEvent(events.ContactRequestReceived, cr, c.Name, cr.TraineeID, now)); err != nil {
			return err
		}
		out, err = s.Store.sent(ctx, tx, cr.ID)
		return err
	})
	if err != nil {
		return Sent{}, err
	}
	return out, nil
}

// Received is one page of the contact requests sent to the trainee,
// newest first, optionally of one status.
func (s *Service) Received(ctx context.Context, actor auth.Actor, status string, p page.Params) (page.Page[Received], error) {
	after, err := idCursor(p.After)
	if err != nil {
		return page.Page[Received]{}, err
	}
	rs, err := s.Store.receivedBy(ctx, s.DB, actor.ID, status, p.Limit+1, after)
	if err != nil {
		return page.Page[Received]{}, err
	}
	return page.Build(rs, p.Limit, func(r Received) []string { return []string{r.ID} }), nil
}

// Sent is one page of the approved company's own contact requests,
// newest first, optionally of one status; a graduate's email and phone
// show only on requests they accepted.
func (s *Service) Sent(ctx context.Context, actor auth.Actor, status string, p page.Params) (page.Page[Sent], error) {
	c, err := s.approvedCompany(ctx, actor)
	if err != nil {
		return page.Page[Sent]{}, err
	}
	after, err := idCursor(p.After)
	if err != nil {
		return page.Page[Sent]{}, err
	}
	rs, err := s.Store.sentBy(ctx, s.DB, c.ID, status, p.Limit+1, after)
	if err != nil {
		return page.Page[Sent]{}, err
	}
	return page.Build(rs, p.Limit, func(r Sent) []string { return []string{r.ID} }), nil
}

// Accept is the graduate accepting a pending request sent to them: the
// company sees their email and phone from now on.
func (s *Service) Accept(ctx context.Context, actor auth.Actor, id string) (Received, error) {
	return s.decide(ctx, actor, id, Accepted)
}

// Decline is the graduate declining a pending request sent to them.
func (s *Service) Decline(ctx context.Context, actor auth.Actor, id string) (Received, error) {
	return s.decide(ctx, actor, id, Declined)
}

// decide answers a request for the trainee it was sent to; to anyone else
// it does not exist (404). Only a pending request can be answered (409
// contact_request_answered). Audited as contact_request.<status>.
func (s *Service) decide(ctx context.Context, actor auth.Actor, id, status string) (Received, error) {
	if !ids.Valid(id) {
		return Received{}, apperr.NotFound(msg.NotFoundContactRequest)
	}
	now := s.Now().UTC()
	var out Received
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		cr, err := s.Store.contactRequest(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cr.TraineeID != actor.ID {
			return apperr.NotFound(msg.NotFoundContactRequest)
		}
		if cr.Status != Pending {
			return apperr.Conflict("contact_request_answered", msg.ContactRequestAnsweredAs, "status", cr.Status)
		}
		cr.Status, cr.DecidedAt = status, &now
		ok, err := s.Store.decide(ctx, tx, &cr)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Conflict("contact_request_answered", msg.ContactRequestAnswered)
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "contact_request." + status, Entity: "contact_request", EntityID: cr.ID,
			Before: map[string]any{"status": Pending}, After: map[string]any{"status": status},
		}); err != nil {
			return err
		}
		if out, err = s.Store.received(ctx, tx, cr.ID); err != nil {
			return err
		}
		t := events.ContactRequestAccepted
		if status == Declined {
			t = events.ContactRequestDeclined
		}
		return events.Record(ctx, tx, contactEvent(t, cr, out.CompanyName, cr.SentBy, now))
	})
	if err != nil {
		return Received{}, err
	}
	return out, nil
}

// Hire records that the approved company that sent the request hired its
// graduate. Another company gets 404; a request not accepted is 409
// not_accepted; a second hire for one request is 409 already_hired. A
// hire that names a demand fills one of its places in the same
// transaction (see Demands), or is refused with it. Audited as
// hire.created.
func (s *Service) Hire(ctx context.Context, actor auth.Actor, requestID string, in NewHire) (Hire, error) {
	c, err := s.approvedCompany(ctx, actor)
	if err != nil {
		return Hire{}, err
	}
	if !ids.Valid(requestID) {
		return Hire{}, apperr.NotFound(msg.NotFoundContactRequest)
	}
	now := s.Now().UTC()
	var h Hire
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		cr, err := s.Store.contactRequest(ctx, tx, requestID, true)
		if err != nil {
			return err
		}
		if cr.CompanyID != c.ID {
			return apperr.NotFound(msg.NotFoundContactRequest)
		}
		if cr.Status != Accepted {
			return apperr.Conflict("not_accepted", msg.HireNeedsAcceptance, "status", cr.Status)
		}
		h = Hire{
			ID: ids.New(), CompanyID: c.ID, TraineeID: cr.TraineeID, ContactRequestID: cr.ID,
			Position: strings.TrimSpace(in.Position), HiredOn: in.HiredOn, RecordedBy: actor.ID, CreatedAt: now,
		}
		if in.DemandID != "" {
			id := in.DemandID
			h.DemandID = &id
			if err := s.Demands.Fill(ctx, tx, actor.ID, c.ID, id, now); err != nil {
				if apperr.IsKind(err, apperr.KindNotFound) {
					// No demand of this company: a bad field of the hire.
					return apperr.Invalid(apperr.Field("demand_id", msg.HireDemandUnknown))
				}
				return err
			}
		}
		if err := s.Store.insertHire(ctx, tx, &h); err != nil {
			return err
		}
		if err := events.Record(ctx, tx, events.Event{
			Type: events.HireRecorded, Subject: "/v1/contact-requests/" + cr.ID, At: now, Recipients: []string{cr.TraineeID},
			Data: hireData{HireID: h.ID, ContactRequestID: cr.ID, CompanyID: c.ID, Company: c.Name, TraineeID: cr.TraineeID,
				Position: h.Position, HiredOn: h.HiredOn},
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "hire.created", Entity: "hire", EntityID: h.ID, After: h,
		})
	})
	if err != nil {
		return Hire{}, err
	}
	return h, nil
}

// idCursor reads a cursor keyed on an id.
func idCursor(after []string) (string, error) {
	after, err := page.Key(after, 1)
	if err != nil || after == nil {
		return "", err
	}
	if !ids.Valid(after[0]) {
		return "", apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	return after[0], nil
}

// contactData is the payload of the contact_request.* events.
type contactData struct {
	ContactRequestID string `json:"contact_request_id"`
	CompanyID        string `json:"company_id"`
	Company          string `json:"company"`
	TraineeID        string `json:"trainee_id"`
	Status           string `json:"status"`
}

// hireData is the payload of hire.recorded.
type hireData struct {
	HireID           string `json:"hire_id"`
	ContactRequestID string `json:"contact_request_id"`
	CompanyID        string `json:"company_id"`
	Company          string `json:"company"`
	TraineeID        string `json:"trainee_id"`
	Position         string `json:"position"`
	HiredOn          string `json:"hired_on"`
}

// contactEvent tells to (the graduate, or the company's user who sent the
// request) what became of a contact request.
func contactEvent(t events.Type, cr ContactRequest, company, to string, at time.Time) events.Event {
	return events.Event{
		Type: t, Subject: "/v1/contact-requests/" + cr.ID, At: at, Recipients: []string{to},
		Data: contactData{ContactRequestID: cr.ID, CompanyID: cr.CompanyID, Company: company, TraineeID: cr.TraineeID, Status: cr.Status},
	}
}
