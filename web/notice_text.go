package web

import (
	"tropa/desk"
	"tropa/locale"
)

// NoticeText returns what writes staff notices from the message catalogs,
// in the language each person chose, for the desk's Config.NoticeText. It
// is given a count and a link and nothing else, so that is all a notice
// can say.
func NoticeText() (func(lang string, count int, link string) desk.Notice, error) {
	loc, err := locale.Load()
	if err != nil {
		return nil, err
	}
	return func(lang string, count int, link string) desk.Notice {
		t := loc.In(lang)
		body := t.T("NoticeMailBodyNoLink", "N", count)
		if link != "" {
			body = t.T("NoticeMailBody", "N", count, "Link", link)
		}
		return desk.Notice{Subject: t.T("NoticeMailSubject"), Body: body}
	}, nil
}
