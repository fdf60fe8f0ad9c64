package web

import (
	"net/http"
	"time"

	"tropa"
	"tropa/official"
)

// channelsData is the organization's signed list of its official
// channels, for anyone to check the channel he is on against.
type channelsData struct {
	// Published is false until the organization publishes a list.
	Published    bool
	Organization string
	Issued       string
	Fingerprint  string
	Channels     []channelRow
}

// channelRow is one official channel as the page shows it.
type channelRow struct {
	Kind  official.Kind
	Value string
	// Link opens the channel, "" for a phone number.
	Link string
	// BotID is a Telegram bot's numeric id, 0 for other channels.
	BotID int64
}

func (s *Server) channelsShow(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r)
	pub, err := s.Desk.OfficialChannels(r.Context())
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		p.Data = channelsData{}
		s.render(w, http.StatusOK, "channels", p)
		return nil
	} else if err != nil {
		return err
	}
	data := channelsData{Published: true, Organization: pub.List.Organization,
		Issued: pub.List.Issued.Format(time.DateOnly), Fingerprint: pub.List.Fingerprint()}
	for _, c := range pub.List.Channels {
		id, _, _ := c.Bot()
		data.Channels = append(data.Channels, channelRow{Kind: c.Kind, Value: c.Value, Link: c.Link(), BotID: id})
	}
	p.Data = data
	s.render(w, http.StatusOK, "channels", p)
	return nil
}

// channelsFile serves the signed list byte for byte, for tropa channels
// verify: a copy that was changed in any way fails its signature.
func (s *Server) channelsFile(w http.ResponseWriter, r *http.Request) error {
	pub, err := s.Desk.OfficialChannels(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err = w.Write(pub.Signed)
	return err
}
