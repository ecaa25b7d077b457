package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"syscall"

	"github.com/skillgrid/skillgrid/internal/msg"
)

// Rules is the rule of where webhooks may go: https only, and never to a
// private, loopback or link-local address (a subscriber's URL must not
// reach into the operator's own network). AllowPrivate lifts both, for
// development and tests (SKILLGRID_WEBHOOK_ALLOW_PRIVATE).
type Rules struct {
	AllowPrivate bool
	// Resolve looks a host up; net.DefaultResolver's when nil.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// forbidden reports an address no webhook may reach.
func forbidden(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(a) // carrier-grade NAT, private in practice
}

// Check checks a subscription's URL when it is made: the field's message
// when it breaks the rule, "" when it passes.
func (r Rules) Check(ctx context.Context, raw string) msg.ID {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return msg.WebhookURLScheme
	}
	if r.AllowPrivate {
		return ""
	}
	if u.Scheme != "https" {
		return msg.WebhookURLScheme
	}
	addrs, err := r.resolve(ctx, u.Hostname())
	if err != nil || len(addrs) == 0 {
		return msg.WebhookURLUnresolvable
	}
	for _, a := range addrs {
		if forbidden(a) {
			return msg.WebhookURLPrivate
		}
	}
	return ""
}

func (r Rules) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	if r.Resolve != nil {
		return r.Resolve(ctx, host)
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// errForbiddenAddress is a delivery refused because its URL resolved to an
// address no webhook may reach (checked again at every connection, so a
// name that changes its address after the check gains nothing).
var errForbiddenAddress = errors.New("the URL resolves to a private, loopback or link-local address")

// errNotHTTPS is a delivery to a URL that is not https.
var errNotHTTPS = errors.New("the URL is not https")

// dialControl refuses, at connection time, an address no webhook may
// reach, unless the rule is lifted.
func (r Rules) dialControl(_, address string, _ syscall.RawConn) error {
	if r.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, errForbiddenAddress)
	}
	if forbidden(ap.Addr()) {
		return errForbiddenAddress
	}
	return nil
}
