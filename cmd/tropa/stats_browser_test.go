package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestStatsChartBrowser opens the demo's figures for this quarter in
// Russian, with JavaScript off, on a phone and on a desktop: the chart
// shows, within the window, and the page is no wider than the window.
// Printed, the page keeps the chart, the tables, the period and the rule
// of what is withheld, and drops the navigation and the forms.
//
//	TROPA_TEST_CHROMIUM=/usr/bin/chromium go test -run TestStatsChartBrowser ./cmd/tropa/
func TestStatsChartBrowser(t *testing.T) {
	browser := startChrome(t)
	s := startDemo(t)
	ctx := anotherPerson(t, browser)
	noScript(t, ctx)
	s.login(t, ctx, "demo-coordinator")
	now := time.Now().UTC()
	quarter := fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())-1)/3+1)
	do(t, ctx, "open the quarter's figures", chromedp.Navigate(s.url+"staff/stats?quarter="+quarter+"&lang=ru"))
	title, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("svg.chart text.chart-title")))
	if err != nil || title != "Обращения по месяцам" {
		t.Fatalf("the chart's title is %q (%v), want it in Russian", title, err)
	}

	for _, screen := range []struct {
		name          string
		width, height int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		do(t, ctx, "resize to a "+screen.name, chromedp.EmulateViewport(screen.width, screen.height))
		box, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS("svg.chart")))
		if err != nil {
			t.Fatalf("%s: where the chart is: %v", screen.name, err)
		}
		// Border is the box's four corners, x and y in turn.
		left, top, right, bottom := box.Border[0], box.Border[1], box.Border[4], box.Border[5]
		if right-left < 300 || bottom-top < 120 || left < 0 || right > float64(screen.width) {
			t.Errorf("%s: the chart is drawn from %.0f to %.0f across, %.0f px tall, in a window %d px wide",
				screen.name, left, right, bottom-top, screen.width)
		}
		checkWidth(t, ctx, "the stats page on a "+screen.name)
		screenshot(t, ctx, "stats-chart-"+screen.name)
	}

	do(t, ctx, "print", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	for _, sel := range []string{"svg.chart", "section#stats-kind table", "p.period", "p.hint.rule"} {
		if _, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS(sel))); err != nil {
			t.Errorf("printed, the page has no %s: %v", sel, err)
		}
	}
	for _, sel := range []string{"form.quarter", "form.month", "nav.staff-nav", "nav.months"} {
		if _, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS(sel))); err == nil {
			t.Errorf("printed, the page still shows %s", sel)
		}
	}
	screenshot(t, ctx, "stats-chart-print")
}
