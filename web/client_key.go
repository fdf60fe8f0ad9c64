package web

import (
	"net"
	"net/http"
	"net/netip"
)

// torCircuits holds the addresses Tor gives the connections to an onion
// service told HiddenServiceExportCircuitID haproxy: each circuit its own.
// Each is limited on its own, where a /48 would lump every circuit, and so
// every Tor user, together with the one flooder.
var torCircuits = netip.MustParsePrefix("fc00:dead:beef:4dad::/64")

// clientKey is what the limits know r's sender by: the network it came
// from, as bytes, or nil when there is none to tell (see clientPrefix).
func clientKey(r *http.Request) []byte {
	p, ok := clientPrefix(r)
	if !ok {
		return nil
	}
	b, _ := p.MarshalBinary()
	return b
}

// clientPrefix is the network the request came from: a /24 for IPv4, a /48
// for IPv6, one Tor circuit. Loopback has none: behind Tor or a local proxy
// not trusted to name the client, every applicant arrives from there, and
// limiting it would let one flooder lock out all.
func clientPrefix(r *http.Request) (netip.Prefix, bool) {
	addr, ok := remoteAddr(r)
	if !ok || addr.IsLoopback() {
		return netip.Prefix{}, false
	}
	bits := 48
	switch {
	case addr.Is4():
		bits = 24
	case torCircuits.Contains(addr):
		bits = 128
	}
	p, err := addr.Prefix(bits)
	return p, err == nil
}

// remoteAddr is the address of the peer r came from: after realClient, the
// client a trusted proxy forwarded it for.
func remoteAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap().WithZone(""), true
}
