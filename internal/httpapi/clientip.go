package httpapi

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxies are the load balancers whose X-Forwarded-For is believed.
type proxies []netip.Prefix

// parseProxies reads the configured IPs and CIDRs (checked by config).
func parseProxies(list []string) proxies {
	var ps proxies
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			ps = append(ps, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return ps
}

func (ps proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddress is the address that per-client limits count: the peer
// itself, unless the peer is a trusted proxy; then the nearest address in
// X-Forwarded-For that is not a trusted proxy. Each proxy appends the
// address it received the request from, so only the right-hand end of the
// header is vouched for: the left-hand end is whatever the client wrote,
// and reading it (as Fiber's c.IP() does) would let a client pick a fresh
// address for every guess.
func (h *Handlers) clientAddress(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	client := peer.Unmap()
	if !h.proxies.trusted(client) {
		return client.String()
	}
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // not written by a proxy of ours: stop at the last one we trust
		}
		client = a.Unmap()
		if !h.proxies.trusted(client) {
			break
		}
	}
	return client.String()
}
