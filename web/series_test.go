package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// postSeries uploads a series file with the form's fields, as a browser
// without JavaScript sends it.
func (b *browser) postSeries(tb testing.TB, path string, form url.Values, file string) *response {
	tb.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	part, err := w.CreateFormFile("file", "series.csv")
	if err != nil {
		tb.Fatal(err)
	}
	part.Write([]byte(file))
	w.Close()
	req := newRequest(tb, http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(tb, req, true)
}

const (
	courtsName   = "Военные суды: СОЧ"
	courtsSource = "https://stat.example.org/courts — форма 10-а, раздел 2"
)

// An analyst uploads a series in Russian: a bad file is refused by line in
// Russian and the form keeps what was typed; a good one is listed; the
// same name again is refused unless it replaces the first; deleting it
// leaves none; each change is in the audit log.
func TestSeriesUpload(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ivan := ts.staffBrowser(t, analystName, analystPassword)
	form := url.Values{"name": {courtsName}, "source": {courtsSource}}

	resp := ivan.postSeries(t, "/staff/stats/series?lang=ru", form, "месяц,значение\n2025-13,5\n2025-11,-1\n2025-12,7\n2025-12,8\n")
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad file = %d, want 422", resp.status)
	}
	doc := resp.doc(t)
	rows := htmlcheck.MustQuery(t, doc, "ul.bad-rows li")
	want := []string{"строка 2: «2025-13» — не месяц", "строка 3: «-1» — не целое число", "строка 5: Месяц 2025-12 уже был, в строке 4."}
	if len(rows) != len(want) {
		t.Fatalf("%d bad rows listed, want %d: %s", len(rows), len(want), resp.body)
	}
	for i, w := range want {
		if got := htmlcheck.Text(rows[i]); !strings.HasPrefix(got, w) {
			t.Errorf("bad row %d reads %q, want %q…", i, got, w)
		}
	}
	if v, _ := htmlcheck.Attr(htmlcheck.HasOne(t, doc, "input#series-name"), "value"); v != courtsName {
		t.Errorf("the refused form keeps the name %q, want %q", v, courtsName)
	}
	if v, _ := htmlcheck.Attr(htmlcheck.HasOne(t, doc, "input#series-source"), "value"); v != courtsSource {
		t.Errorf("the refused form keeps the source %q", v)
	}
	if list, _ := ts.desk.LocalListSeries(context.Background()); len(list) != 0 {
		t.Fatalf("a refused file left series %+v", list)
	}

	good := "month,value\n2025-10,1 204\n2025-11,980\n2026-01,1310\n2026-02,0\n"
	resp = ivan.postSeries(t, "/staff/stats/series?lang=ru", form, good)
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, "/staff/stats/series") {
		t.Fatalf("a good file = %d at %s", resp.status, resp.path)
	}
	doc = resp.doc(t)
	htmlcheck.HasText(t, doc, "table.series tbody th", courtsName)
	htmlcheck.HasText(t, doc, "table.series td.source", courtsSource)
	htmlcheck.HasText(t, doc, "table.series tbody td", "2025-10 – 2026-02 (4 мес.)")

	resp = ivan.postSeries(t, "/staff/stats/series?lang=ru", form, "month,value\n2025-10,1\n")
	if resp.status != http.StatusConflict || !strings.Contains(resp.body, "уже есть") {
		t.Errorf("the same name again = %d, want 409 saying it exists", resp.status)
	}
	form.Set("replace", "yes")
	if resp = ivan.postSeries(t, "/staff/stats/series", form, "month,value\n2025-10,1\n"); resp.status != http.StatusOK {
		t.Errorf("replacing = %d", resp.status)
	}
	se, err := ts.desk.LocalSeries(context.Background(), courtsName)
	if err != nil || len(se.Values) != 1 {
		t.Fatalf("after replacing: %+v, %v; want one month", se, err)
	}
	if resp = ivan.post(t, "/staff/stats/series/delete", url.Values{"name": {courtsName}}); resp.status != http.StatusOK {
		t.Errorf("deleting = %d", resp.status)
	}
	if list, _ := ts.desk.LocalListSeries(context.Background()); len(list) != 0 {
		t.Errorf("after deleting, series %+v", list)
	}
	var actions []string
	if err := ts.store.AuditEntries(context.Background(), func(e *tropa.AuditEntry) error {
		if strings.HasPrefix(e.Action, "series.") {
			if e.Detail != courtsName {
				t.Errorf("audit entry %s names %q", e.Action, e.Detail)
			}
			actions = append(actions, e.Action)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(actions, " "); got != "series.import series.import series.delete" {
		t.Errorf("audited %q", got)
	}
}

// A series charted beside the requests: its own chart over the quarter
// against the quarter before, a bar for each month with its figure, a
// marked gap for the month it lacks, its own axis, month names in Russian,
// its name and source in the picture and under it, and the same figures
// as a table.
func TestSeriesChart(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ivan := ts.staffBrowser(t, analystName, analystPassword)
	if resp := ivan.postSeries(t, "/staff/stats/series", url.Values{"name": {courtsName}, "source": {courtsSource}},
		"month,value\n2025-10,1204\n2025-11,980\n2026-01,1310\n2026-02,0\n2026-03,45\n"); resp.status != http.StatusOK {
		t.Fatalf("upload = %d", resp.status)
	}
	list := ivan.get(t, "/staff/stats?quarter=2026-Q1&lang=ru").doc(t)
	htmlcheck.HasText(t, list, "select#series option", courtsName)
	htmlcheck.HasNone(t, list, "svg#chart-series")

	resp := ivan.get(t, "/staff/stats?quarter=2026-Q1&series="+url.QueryEscape(courtsName)+"&lang=ru")
	if resp.status != http.StatusOK {
		t.Fatalf("GET with the series = %d", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasOne(t, doc, "svg#chart-received")
	svg := htmlcheck.HasOne(t, doc, "figure#stats-series-chart svg#chart-series")
	if role, _ := htmlcheck.Attr(svg, "role"); role != "img" {
		t.Errorf("the series chart's role is %q", role)
	}
	htmlcheck.HasText(t, doc, "svg#chart-series title", courtsName)
	// The chart's own line is cut to fit; the whole source is in its
	// text alternative and under it.
	if line := htmlcheck.Text(htmlcheck.HasOne(t, doc, "svg#chart-series text.chart-source")); !strings.HasPrefix(line, "Источник: https://stat.example.org/courts") {
		t.Errorf("the chart's source line reads %q", line)
	}
	// Bars in order: January against October, February against
	// November, March against December, which the series lacks.
	bars := htmlcheck.MustQuery(t, doc, "svg#chart-series g.bars > g")
	wantBars := []string{"1310", "1204", "0", "980", "45", "нет данных"}
	if len(bars) != len(wantBars) {
		t.Fatalf("%d bars, want %d", len(bars), len(wantBars))
	}
	for i, want := range wantBars {
		if got := htmlcheck.Text(htmlcheck.HasOne(t, bars[i], "text")); got != want {
			t.Errorf("bar %d reads %q, want %q", i, got, want)
		}
	}
	// The series' own axis: up to 1310, in steps of 500.
	var ticks []string
	for _, n := range htmlcheck.MustQuery(t, doc, "svg#chart-series g.axis > text") {
		if _, month := htmlcheck.Attr(n, "class"); !month {
			ticks = append(ticks, htmlcheck.Text(n))
		}
	}
	if got := strings.Join(ticks, " "); got != "0 500 1000 1500" {
		t.Errorf("the series' axis reads %q, want 0 500 1000 1500", got)
	}
	for i, want := range []string{"янв. 2026", "февр. 2026", "март 2026"} {
		if got := htmlcheck.Text(htmlcheck.MustQuery(t, doc, "svg#chart-series text.month")[i]); got != want {
			t.Errorf("month %d is %q, want %q", i, got, want)
		}
	}
	// The quarter before keeps the series beside it.
	if prev, _ := htmlcheck.Attr(htmlcheck.HasOne(t, doc, `nav.months a[rel="prev"]`), "href"); !strings.Contains(prev, "quarter=2025-Q4") ||
		!strings.Contains(prev, "series="+url.QueryEscape(courtsName)) {
		t.Errorf("the link to the quarter before is %q, want it to keep the series", prev)
	}
	desc := htmlcheck.Text(htmlcheck.HasOne(t, doc, "svg#chart-series desc"))
	if !strings.Contains(desc, "янв. 2026: 1310, окт. 2025: 1204") || !strings.Contains(desc, "дек. 2025: нет данных") ||
		!strings.HasSuffix(desc, "Источник: "+courtsSource) {
		t.Errorf("the text alternative reads %q", desc)
	}
	htmlcheck.HasText(t, doc, "figure#stats-series-chart figcaption .series-source", courtsSource)
	htmlcheck.HasText(t, doc, `figure#stats-series-chart tr[data-key="2026-01"] td.n`, "1310")
	htmlcheck.HasText(t, doc, `figure#stats-series-chart tr[data-key="2026-01"] td.change`, "+9%")

	// The export carries it as a table of its own, saying it is not
	// suppressed.
	link, _ := htmlcheck.Attr(htmlcheck.MustQuery(t, doc, "figure#stats-series-chart figcaption a")[0], "href")
	if !strings.Contains(link, "/staff/stats.csv?quarter=2026-Q1") || !strings.Contains(link, "series="+url.QueryEscape(courtsName)) {
		t.Errorf("the series' CSV link is %q", link)
	}
	csv := ivan.get(t, "/staff/stats.csv?quarter=2026-Q1&lang=en&series="+url.QueryEscape(courtsName)).body
	for _, line := range []string{"series,2026-01,Jan 2026 against Oct 2025,1310,1204,+9%,,", "series,2026-03,Mar 2026 against Dec 2025,45,no figure,,,"} {
		if !strings.Contains(csv, line+"\n") && !strings.Contains(csv, line+"\r\n") {
			t.Errorf("the CSV lacks %q:\n%s", line, csv)
		}
	}
	if !strings.Contains(csv, "not suppressed") || !strings.Contains(csv, courtsSource) {
		t.Errorf("the CSV does not give the series' source and that it is not suppressed:\n%s", csv)
	}

	resp = ivan.get(t, "/staff/stats?quarter=2026-Q1&series=none+such&lang=en")
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "There is no series named") {
		t.Errorf("an unknown series = %d, want the page with a message", resp.status)
	}
}
