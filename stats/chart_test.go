package stats_test

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"

	"tropa/stats"
)

// node is an element of the drawn SVG, as a browser parses it.
type node struct {
	name  string
	attr  map[string]string
	text  string
	nodes []*node
}

func parseSVG(t *testing.T, s string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			top.nodes = append(top.nodes, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
	if len(stack) != 1 || len(root.nodes) != 1 || root.nodes[0].name != "svg" {
		t.Fatalf("not one well-formed svg element:\n%s", s)
	}
	return root.nodes[0]
}

func (n *node) all(match func(*node) bool) []*node {
	var out []*node
	for _, c := range n.nodes {
		if match(c) {
			out = append(out, c)
		}
		out = append(out, c.all(match)...)
	}
	return out
}

func (n *node) child(name string) *node {
	for _, c := range n.nodes {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (n *node) num(t *testing.T, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr[attr], 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", attr, n.attr[attr], err)
	}
	return v
}

// bars are the chart's bar groups in order: now, before, now, before…
func bars(svg *node) []*node {
	return svg.all(func(n *node) bool {
		return n.name == "g" && (strings.HasPrefix(n.attr["class"], "now") || strings.HasPrefix(n.attr["class"], "before"))
	})
}

// figures publishes counts as they are, with the counts from 1 to 4 as
// "<5", in a grid with no totals.
func figures(counts ...int) []stats.Figure {
	g := stats.Grid{Cells: [][]int{counts}}
	return stats.Suppress(g, stats.DefaultThreshold).Cells[0]
}

func draw(t *testing.T, c stats.Chart) (string, *node) {
	t.Helper()
	if c.ID == "" {
		c.ID = "chart"
	}
	out, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), parseSVG(t, string(out))
}

// TestChartPressExample draws September to November against June to
// August: each bar as tall as its count in proportion to the others, the
// month compared with beside it, its value written above it.
func TestChartPressExample(t *testing.T) {
	now, before := figures(218, 305, 54), figures(100, 150, 55)
	c := stats.Chart{Title: "Requests by month", NowName: "This period", BeforeName: "Period before", Compare: true}
	for i, m := range []string{"Sep", "Oct", "Nov"} {
		c.Groups = append(c.Groups, stats.ChartGroup{Label: m + " 2026", BeforeLabel: []string{"Jun", "Jul", "Aug"}[i] + " 2026",
			Now: now[i], Before: before[i]})
	}
	_, svg := draw(t, c)
	bs := bars(svg)
	if len(bs) != 6 {
		t.Fatalf("%d bars, want 6", len(bs))
	}
	counts := []int{218, 100, 305, 150, 54, 55}
	unit := bs[0].child("rect").num(t, "height") / 218
	for i, b := range bs {
		rect := b.child("rect")
		if want := []string{"now", "before"}[i%2]; b.attr["class"] != want {
			t.Errorf("bar %d is %q, want %q", i, b.attr["class"], want)
		}
		if h := rect.num(t, "height"); math.Abs(h-unit*float64(counts[i])) > 0.6 {
			t.Errorf("bar %d of %d is %.1f tall, want %.1f", i, counts[i], h, unit*float64(counts[i]))
		}
		if got := b.child("text").text; got != strconv.Itoa(counts[i]) {
			t.Errorf("bar %d reads %q, want %d", i, got, counts[i])
		}
		// Every bar stands on the axis.
		if bottom := rect.num(t, "y") + rect.num(t, "height"); math.Abs(bottom-bs[0].child("rect").num(t, "y")-bs[0].child("rect").num(t, "height")) > 0.2 {
			t.Errorf("bar %d ends at %.1f, not on the axis", i, bottom)
		}
	}
	for i := 0; i < 6; i += 2 {
		nowRect, beforeRect := bs[i].child("rect"), bs[i+1].child("rect")
		gap := beforeRect.num(t, "x") - (nowRect.num(t, "x") + nowRect.num(t, "width"))
		if gap < 0 || gap > 10 {
			t.Errorf("month %d: the period before's bar is %.1f from this period's, want it beside", i/2, gap)
		}
		if i > 0 && nowRect.num(t, "x") <= bs[i-1].child("rect").num(t, "x") {
			t.Errorf("month %d is not to the right of the month before it", i/2)
		}
	}
	labels := svg.all(func(n *node) bool { return n.attr["class"] == "month" })
	befores := svg.all(func(n *node) bool { return n.attr["class"] == "month-before" })
	if len(labels) != 3 || labels[0].text != "Sep 2026" || len(befores) != 3 || befores[2].text != "Aug 2026" {
		t.Errorf("month labels %v and %v, want Sep… and …Aug", labels, befores)
	}
	desc := svg.child("desc").text
	if !strings.Contains(desc, "Sep 2026: 218, Jun 2026: 100") || !strings.Contains(desc, "Nov 2026: 54, Aug 2026: 55") {
		t.Errorf("the text alternative reads %q, want every month's figures", desc)
	}
	if svg.attr["role"] != "img" || svg.attr["aria-labelledby"] != "chart-title chart-desc" ||
		svg.child("title").attr["id"] != "chart-title" || svg.child("desc").attr["id"] != "chart-desc" {
		t.Errorf("the chart is not labelled by its title and description: %v", svg.attr)
	}
	ticks := svg.all(func(n *node) bool { return n.name == "text" && n.attr["text-anchor"] == "end" })
	if len(ticks) < 2 || ticks[0].text != "0" {
		t.Errorf("count axis %v, want ticks from 0", ticks)
	}
}

// TestChartWithheld draws a "<5" and a figure withheld beside it as the
// same marked outline whatever their counts: a reader measuring the
// picture learns nothing a table would not tell him.
func TestChartWithheld(t *testing.T) {
	drawWith := func(small, big int) string {
		// Two columns with their totals: the small count's neighbour in
		// its column is withheld to protect it.
		g := stats.Grid{Cells: [][]int{{small, 40}, {big, 50}}, ColTotals: true}
		p := stats.Suppress(g, stats.DefaultThreshold)
		if p.Cells[0][0].Mark() != stats.Small || p.Cells[1][0].Mark() != stats.Hidden {
			t.Fatalf("suppression gave %v, want a <5 and a withheld figure", p.Cells)
		}
		out, _ := draw(t, stats.Chart{Title: "Requests", Withheld: "hidden", Compare: true, Groups: []stats.ChartGroup{
			{Label: "Jan", BeforeLabel: "Oct", Now: p.Cells[0][0], Before: p.Cells[0][1]},
			{Label: "Feb", BeforeLabel: "Nov", Now: p.Cells[1][0], Before: p.Cells[1][1]},
		}})
		return out
	}
	a := drawWith(1, 9)
	if b := drawWith(4, 300); a != b {
		t.Errorf("the chart differs with the withheld counts:\n%s\n%s", a, b)
	}
	svg := parseSVG(t, a)
	bs := bars(svg)
	for i, want := range []string{"<5", "", "hidden", ""} {
		if want == "" {
			continue
		}
		b := bs[i]
		if b.attr["class"] != "now withheld" {
			t.Errorf("bar %d is %q, want it marked withheld", i, b.attr["class"])
		}
		if b.child("text").text != want || !strings.HasSuffix(b.child("title").text, ": "+want) {
			t.Errorf("withheld bar %d reads %q, want %q", i, b.child("text").text, want)
		}
		if rect := b.child("rect"); rect.attr["fill"] != "none" || rect.attr["stroke-dasharray"] == "" {
			t.Errorf("withheld bar %d is drawn %v, want a dashed outline", i, rect.attr)
		}
	}
	if desc := svg.child("desc").text; !strings.Contains(desc, "Jan: <5") || !strings.Contains(desc, "Feb: hidden") {
		t.Errorf("the text alternative reads %q, want the withheld figures as published", desc)
	}
}

// TestChartNoRequests draws a period with no requests at all, and one
// with a quiet month: a 0 is a figure, drawn flat on the axis, not
// withheld.
func TestChartNoRequests(t *testing.T) {
	for _, counts := range [][]int{{0, 0, 0}, {12, 0, 7}} {
		fs := figures(counts...)
		c := stats.Chart{Title: "Requests", Withheld: "hidden"}
		for i, f := range fs {
			c.Groups = append(c.Groups, stats.ChartGroup{Label: strconv.Itoa(i + 1), Now: f})
		}
		out, svg := draw(t, c)
		if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
			t.Fatalf("%v: the chart has no numbers in it:\n%s", counts, out)
		}
		bs := bars(svg)
		if len(bs) != 3 {
			t.Fatalf("%v: %d bars, want 3, none for a period before", counts, len(bs))
		}
		for i, b := range bs {
			if b.attr["class"] != "now" || b.child("text").text != strconv.Itoa(counts[i]) {
				t.Errorf("%v: bar %d is %q reading %q", counts, i, b.attr["class"], b.child("text").text)
			}
			if h := b.child("rect").num(t, "height"); (h == 0) != (counts[i] == 0) {
				t.Errorf("%v: bar %d of %d is %.1f tall", counts, i, counts[i], h)
			}
		}
	}
	if _, svg := draw(t, stats.Chart{Title: "Requests"}); len(bars(svg)) != 0 {
		t.Error("a chart of no months has bars")
	}
}

// TestChartEscapes draws labels an attacker chose (a category name, a
// translation): they stay text, and the chart runs nothing and fetches
// nothing.
func TestChartEscapes(t *testing.T) {
	hostile := []string{`</title><script>alert(1)</script>`, `"><svg onload="alert(1)">`, `<a href="https://evil.example/">x</a>`,
		`]]><!--`, `&amp; <image href="//evil.example/x.png"/>`}
	fs := figures(12, 3)
	c := stats.Chart{ID: `x" onclick="alert(1)`, Title: hostile[0], NowName: hostile[1], BeforeName: hostile[2], Withheld: hostile[3],
		Compare: true, Groups: []stats.ChartGroup{{Label: hostile[4], BeforeLabel: hostile[0], Now: fs[0], Before: fs[1]}}}
	out, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	svg := parseSVG(t, string(out))
	for _, n := range append(svg.all(func(*node) bool { return true }), svg) {
		switch n.name {
		case "script", "a", "image", "use", "foreignObject", "style", "iframe":
			t.Errorf("the chart has a <%s> element", n.name)
		}
		for k := range n.attr {
			if strings.HasPrefix(k, "on") || k == "href" || k == "style" || k == "src" {
				t.Errorf("<%s> has an attribute %s=%q", n.name, k, n.attr[k])
			}
		}
	}
	if got := svg.child("title").text; got != hostile[0] {
		t.Errorf("the title reads %q, want the hostile label as text", got)
	}
	if got := svg.all(func(n *node) bool { return n.attr["class"] == "month" })[0].text; got != hostile[4] {
		t.Errorf("the month reads %q, want the hostile label as text", got)
	}
	if strings.Contains(string(out), "url(") || strings.Contains(string(out), "evil.example/\"") {
		t.Errorf("the chart refers to something elsewhere:\n%s", out)
	}
}

// TestChartManyMonths draws two years of months: each month keeps room
// for its names, and the chart says it is wider than a page.
func TestChartManyMonths(t *testing.T) {
	c := stats.Chart{Title: "Requests", Withheld: "hidden", Compare: true}
	for i, f := range figures(make([]int, 24)...) {
		c.Groups = append(c.Groups, stats.ChartGroup{Label: "Jun 2025 " + strconv.Itoa(i), BeforeLabel: "Jun 2023", Now: f, Before: f})
	}
	_, svg := draw(t, c)
	if !strings.Contains(svg.attr["class"], "wide") {
		t.Errorf("a chart of 24 months is classed %q, want wide", svg.attr["class"])
	}
	months := svg.all(func(n *node) bool { return n.attr["class"] == "month" })
	if len(months) != 24 {
		t.Fatalf("%d month names, want 24", len(months))
	}
	for i := 1; i < len(months); i++ {
		if gap := months[i].num(t, "x") - months[i-1].num(t, "x"); gap < 70 {
			t.Errorf("months %d and %d are %.1f apart, too close for their names", i-1, i, gap)
		}
	}
}
