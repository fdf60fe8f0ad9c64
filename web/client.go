package web

import (
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/pires/go-proxyproto"
)

// Who is talking to us. Behind a reverse proxy or Tor every connection
// comes from the proxy, so the limits per network would see one client.
// A proxy in Config.TrustedProxies names the client in X-Forwarded-For,
// and Tor (HiddenServiceExportCircuitID haproxy) names each circuit in a
// PROXY protocol header. The address is used for the limits and nothing
// else: never logged, never stored.

// trusts reports whether addr is one of the proxies in trusted.
func trusts(trusted []netip.Prefix, addr netip.Addr) bool {
	return slices.ContainsFunc(trusted, func(p netip.Prefix) bool { return p.Contains(addr) })
}

// forwardedClient returns the client that the X-Forwarded-For header
// values name, when the request came from a proxy in trusted: the
// right-most address not itself in trusted. Every proxy appends the address
// it was reached from, so whatever lies left of that the client wrote, and
// may have made up. It reports false when the header names only trusted
// proxies, or holds something not an address where the client should be.
func forwardedClient(values []string, trusted []netip.Prefix) (netip.Addr, bool) {
	for i := len(values) - 1; i >= 0; i-- {
		rest := values[i]
		for {
			comma := strings.LastIndexByte(rest, ',')
			addr, ok := forwardedAddr(rest[comma+1:])
			if !ok {
				return netip.Addr{}, false
			}
			if !trusts(trusted, addr) {
				return addr, true
			}
			if comma < 0 {
				break
			}
			rest = rest[:comma]
		}
	}
	return netip.Addr{}, false
}

// forwardedAddr parses one element of X-Forwarded-For: an address, which
// some proxies write with a port.
func forwardedAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	addr, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		addr = ap.Addr()
	}
	return addr.Unmap().WithZone(""), true
}

// realClient makes a request that a trusted proxy forwarded look as if it
// came from the client the proxy names, for everything after it.
func (s *Server) realClient(next http.Handler) http.Handler {
	if len(s.TrustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if peer, ok := remoteAddr(r); ok && trusts(s.TrustedProxies, peer) {
			if client, ok := forwardedClient(r.Header.Values("X-Forwarded-For"), s.TrustedProxies); ok {
				r = r.WithContext(r.Context())
				r.RemoteAddr = netip.AddrPortFrom(client, 0).String()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// proxyProtocol makes l read a PROXY protocol header, version 1 or 2, at
// the start of every connection from loopback or a trusted proxy, which
// must send one, and take the client's address from it. Anyone else may
// not send one: it would name whatever client it liked.
func proxyProtocol(l net.Listener, trusted []netip.Prefix, timeout time.Duration) net.Listener {
	return &proxyproto.Listener{
		Listener:          l,
		ReadHeaderTimeout: timeout,
		ConnPolicy: func(o proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) {
			if ap, err := netip.ParseAddrPort(o.Upstream.String()); err == nil {
				if addr := ap.Addr().Unmap(); addr.IsLoopback() || trusts(trusted, addr) {
					return proxyproto.REQUIRE, nil
				}
			}
			return proxyproto.REJECT, nil
		},
	}
}
