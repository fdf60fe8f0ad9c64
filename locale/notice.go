package locale

import "tropa/desk"

// NoticeText returns what writes staff notices from the message catalogs,
// in the language each person chose, for the desk's Config.NoticeText,
// whichever channel carries them. It is given a count and a link and
// nothing else, so that is all a notice can say.
func NoticeText() (func(lang string, count int, link string) desk.Notice, error) {
	cs, err := Load()
	if err != nil {
		return nil, err
	}
	return func(lang string, count int, link string) desk.Notice {
		c := cs.In(lang)
		body := c.T("NoticeMailBodyNoLink", "N", count)
		if link != "" {
			body = c.T("NoticeMailBody", "N", count, "Link", link)
		}
		return desk.Notice{Subject: c.T("NoticeMailSubject"), Body: body}
	}, nil
}
