package main

import (
	"context"
	"crypto/rand"
	"time"

	"tropa/desk"
	"tropa/official"
)

// demoChannels is the demo organization's list of official channels:
// addresses that belong to no one, under a name that says it is fake.
var demoChannels = official.List{Organization: "DEMO help group (fake)", Channels: []official.Channel{
	{Kind: official.KindTelegramBot, Value: "1234567890 @tropa_demo_bot"},
	{Kind: official.KindWeb, Value: "https://help.example.org/"},
	{Kind: official.KindPhone, Value: "+49 30 0000000"},
}}

// publishDemoChannels signs the demo's list with a key made for the
// demo and forgotten at once, as a real organization's offline machine
// would, and publishes it. It returns the key's fingerprint.
func publishDemoChannels(ctx context.Context, d *desk.Desk, now time.Time) (string, error) {
	key, err := official.NewKey(rand.Reader)
	if err != nil {
		return "", err
	}
	signed, err := official.Sign(demoChannels, key, now)
	if err != nil {
		return "", err
	}
	l, err := d.PublishChannels(ctx, signed, false)
	return l.Fingerprint(), err
}
