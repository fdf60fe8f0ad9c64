package web

import (
	"net/netip"
	"testing"
)

// FuzzForwardedFor reads arbitrary X-Forwarded-For headers, in one or two
// lines, from behind trusted proxies. The client found is never a trusted
// proxy; what a client writes to the left of it, or a trusted proxy
// appends to the right, does not change it.
func FuzzForwardedFor(f *testing.F) {
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128")}
	for _, seed := range [][2]string{
		{"203.0.113.7", ""},
		{"198.51.100.1, 203.0.113.7", "10.0.0.2"},
		{"203.0.113.7:5678", "[2001:db8::1]:443"},
		{"2001:db8::1, 10.1.2.3, 127.0.0.1", ""},
		{"::ffff:203.0.113.7", "fe80::1%eth0"},
		{"unknown, 203.0.113.7", ""},
		{"203.0.113.7,,10.0.0.1", ""},
		{"10.0.0.1, 127.0.0.1", "::1"},
		{"", ""},
		{" , ,", "fc00:dead:beef:4dad::1:2"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		values := []string{first}
		if second != "" {
			values = append(values, second)
		}
		client, ok := forwardedClient(values, trusted)
		if !ok {
			return
		}
		if !client.IsValid() || trusts(trusted, client) {
			t.Fatalf("forwardedClient(%q) = %v, a trusted proxy or no address", values, client)
		}
		more := append(append([]string{}, values...), "10.9.9.9")
		if again, ok := forwardedClient(more, trusted); !ok || again != client {
			t.Fatalf("with a trusted proxy appended: %v, %v; want %v", again, ok, client)
		}
		forged := append([]string{"198.51.100.99, " + values[0]}, values[1:]...)
		if again, ok := forwardedClient(forged, trusted); !ok || again != client {
			t.Fatalf("with a forged client prepended: %v, %v; want %v", again, ok, client)
		}
	})
}
