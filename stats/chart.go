package stats

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
)

// Chart is a bar chart of published figures, a group of bars for each
// month of a period with, beside each, the same month of the period it is
// compared with. It draws only what may be published: a withheld figure
// is a marked gap, never a bar, so its height gives nothing away.
type Chart struct {
	// ID prefixes the ids of the chart's elements; it must be unique on
	// the page.
	ID string
	// Title names what is counted; NowName and BeforeName the two periods,
	// for the legend.
	Title, NowName, BeforeName string
	// Withheld is the word for a figure withheld to protect a "<5".
	Withheld string
	// Compare says every group has a bar for the period before.
	Compare bool
	Groups  []ChartGroup
	// Threshold is the one the figures were suppressed with, for "<5";
	// DefaultThreshold when 0.
	Threshold int
	// Source, when set, is written under the chart, cut short to fit:
	// where its figures were published, for a series of others'.
	Source string
}

// ChartGroup is one month's figure and the compared month's, with the
// names of both months (in the page's language).
type ChartGroup struct {
	Label, BeforeLabel string
	Now, Before        Figure
}

// The chart's frame, in the units of its viewBox: as wide as its months
// need, within bounds, so that a quarter's text stays legible when it
// scales down to a phone's width.
const (
	groupWidth    = 130
	minChartWidth = 360
	maxChartWidth = 640
	chartLeft     = 48
	chartRight    = 8
	chartTop      = 84
	chartBottom   = 256
	chartHeight   = 308
	maxBarWidth   = 56
	chartBarGap   = 4
	// minGroupWidth is the least a month is drawn in, so that its names
	// do not run into the next month's: a range of more months than fit
	// in maxChartWidth draws wider, and the page scrolls it.
	minGroupWidth = 72
	// sourceHeight is the room the line of a chart's Source takes, and
	// sourceCharWidth about how wide one of its characters is.
	sourceHeight    = 22
	sourceCharWidth = 7
)

// chartView is the chart as the template draws it, every number worked
// out.
type chartView struct {
	ID, Title, Desc, NowName, BeforeName string
	Compare                              bool
	Width, Height, Left, Right, Bottom   int
	// Wide says the chart is wider than maxChartWidth.
	Wide   bool
	Ticks  []chartTick
	Bars   []chartBar
	Labels []chartLabel

	Source string
}

type chartTick struct {
	Y     float64
	Label string
}

// chartBar is a bar, or for a withheld figure the gap that stands for
// it, with its words: the count, "<5", or the word for withheld.
type chartBar struct {
	Class, Label, Text string
	X, Y, W, H, Mid    float64
	Withheld           bool
}

type chartLabel struct {
	X                  float64
	Label, BeforeLabel string
}

var chartTemplate = template.Must(template.New("chart").Funcs(template.FuncMap{"n": num, "add": shift}).Parse(
	`<svg class="chart{{if .Wide}} wide{{end}}" id="{{.ID}}" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}" role="img" aria-labelledby="{{.ID}}-title {{.ID}}-desc">` +
		`<title id="{{.ID}}-title">{{.Title}}</title><desc id="{{.ID}}-desc">{{.Desc}}</desc>` +
		`<text class="chart-title" x="{{.Left}}" y="20" font-size="17" font-weight="600" fill="#1b1b1b">{{.Title}}</text>` +
		`<g class="legend" font-size="14" fill="#1b1b1b">` +
		`<rect class="now" x="{{.Left}}" y="32" width="12" height="12" fill="#0b5394"/><text x="{{n (add .Left 18)}}" y="43">{{.NowName}}</text>` +
		`{{if .Compare}}<rect class="before" x="{{.Left}}" y="52" width="12" height="12" fill="#9aa5b1"/><text x="{{n (add .Left 18)}}" y="63">{{.BeforeName}}</text>{{end}}` +
		`</g>` +
		`<g class="axis" font-size="13" fill="#555">` +
		`{{range .Ticks}}<line x1="{{$.Left}}" x2="{{$.Right}}" y1="{{n .Y}}" y2="{{n .Y}}" stroke="#ddd"/><text x="{{n (add $.Left -6)}}" y="{{n (add .Y 4)}}" text-anchor="end">{{.Label}}</text>{{end}}` +
		`<line x1="{{.Left}}" x2="{{.Right}}" y1="{{.Bottom}}" y2="{{.Bottom}}" stroke="#555"/>` +
		`{{range .Labels}}<text class="month" x="{{n .X}}" y="{{n (add $.Bottom 18)}}" text-anchor="middle" fill="#1b1b1b">{{.Label}}</text>` +
		`{{if $.Compare}}<text class="month-before" x="{{n .X}}" y="{{n (add $.Bottom 36)}}" text-anchor="middle">{{.BeforeLabel}}</text>{{end}}{{end}}` +
		`</g>` +
		`<g class="bars" font-size="13">{{range .Bars}}{{if .Withheld}}` +
		`<g class="{{.Class}} withheld"><title>{{.Label}}: {{.Text}}</title>` +
		`<rect x="{{n .X}}" y="{{n .Y}}" width="{{n .W}}" height="{{n .H}}" fill="none" stroke="#555" stroke-dasharray="3 3"/>` +
		`<text x="{{n .Mid}}" y="{{n (add .Y -4)}}" text-anchor="middle" fill="#555" font-style="italic">{{.Text}}</text></g>` +
		`{{else}}<g class="{{.Class}}"><title>{{.Label}}: {{.Text}}</title>` +
		`<rect x="{{n .X}}" y="{{n .Y}}" width="{{n .W}}" height="{{n .H}}" fill="{{if eq .Class "now"}}#0b5394{{else}}#9aa5b1{{end}}"/>` +
		`<text x="{{n .Mid}}" y="{{n (add .Y -4)}}" text-anchor="middle" fill="#1b1b1b">{{.Text}}</text></g>` +
		`{{end}}{{end}}</g>` +
		`{{with .Source}}<text class="chart-source" x="8" y="{{n (add $.Height -6)}}" font-size="12" fill="#555">{{.}}</text>{{end}}</svg>`))

// num writes a coordinate as SVG reads it.
func num(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return "0"
}

// shift moves a coordinate by d.
func shift(v any, d int) float64 {
	switch x := v.(type) {
	case int:
		return float64(x + d)
	case float64:
		return x + float64(d)
	}
	return float64(d)
}

// withheldHeight is how tall the dashed outline of a withheld figure is:
// the same for every one, so it says nothing of the count.
const withheldHeight = 12

// SVG draws the chart as an inline SVG element: text escaped, no script,
// no style attribute and nothing fetched from elsewhere, so that it shows
// with scripts off and under a policy that allows neither.
func (c Chart) SVG() (template.HTML, error) {
	threshold := c.Threshold
	if threshold == 0 {
		threshold = DefaultThreshold
	}
	width := min(max(chartLeft+chartRight+len(c.Groups)*groupWidth, minChartWidth), maxChartWidth)
	wide := chartLeft+chartRight+len(c.Groups)*minGroupWidth > width
	if wide {
		width = chartLeft + chartRight + len(c.Groups)*minGroupWidth
	}
	v := chartView{ID: c.ID, Title: c.Title, NowName: c.NowName, BeforeName: c.BeforeName, Compare: c.Compare,
		Width: width, Height: chartHeight, Left: chartLeft, Right: width - chartRight, Bottom: chartBottom, Wide: wide}
	if c.Source != "" {
		v.Height += sourceHeight
		v.Source = cut(c.Source, (width-2*chartRight)/sourceCharWidth)
	}
	word := func(f Figure) string {
		switch f.Mark() {
		case Small:
			return "<" + strconv.Itoa(threshold)
		case Hidden:
			return c.Withheld
		}
		n, _ := f.Value()
		return strconv.Itoa(n)
	}
	most := 0
	for _, g := range c.Groups {
		for _, f := range []Figure{g.Now, g.Before} {
			if n, ok := f.Value(); ok && n > most {
				most = n
			}
		}
	}
	top, step := scale(most)
	plot := float64(chartBottom - chartTop)
	for t := 0; t <= top; t += step {
		v.Ticks = append(v.Ticks, chartTick{Y: round1(chartBottom - plot*float64(t)/float64(top)), Label: strconv.Itoa(t)})
	}
	var desc []string
	if len(c.Groups) > 0 {
		gw := float64(v.Right-chartLeft) / float64(len(c.Groups))
		bars := 1
		if c.Compare {
			bars = 2
		}
		bw := min(maxBarWidth, (gw*0.7-chartBarGap)/float64(bars))
		for i, g := range c.Groups {
			mid := chartLeft + gw*(float64(i)+0.5)
			v.Labels = append(v.Labels, chartLabel{X: round1(mid), Label: g.Label, BeforeLabel: g.BeforeLabel})
			x := mid - (float64(bars)*bw+float64(bars-1)*chartBarGap)/2
			v.Bars = append(v.Bars, bar("now", g.Label, g.Now, word(g.Now), x, bw, plot, top))
			line := g.Label + ": " + word(g.Now)
			if c.Compare {
				v.Bars = append(v.Bars, bar("before", g.BeforeLabel, g.Before, word(g.Before), x+bw+chartBarGap, bw, plot, top))
				line += ", " + g.BeforeLabel + ": " + word(g.Before)
			}
			desc = append(desc, line)
		}
	}
	if c.Source != "" {
		desc = append(desc, c.Source)
	}
	v.Desc = strings.Join(desc, "; ")
	var b bytes.Buffer
	if err := chartTemplate.Execute(&b, v); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// bar is one figure's bar, its height in proportion to the count over
// top, or the same dashed outline for every withheld figure.
func bar(class, label string, f Figure, text string, x, w, plot float64, top int) chartBar {
	b := chartBar{Class: class, Label: label, Text: text, X: round1(x), W: round1(w), Mid: round1(x + w/2)}
	n, ok := f.Value()
	if !ok {
		b.Withheld, b.H, b.Y = true, withheldHeight, chartBottom-withheldHeight
		return b
	}
	b.H = round1(plot * float64(n) / float64(top))
	b.Y = round1(chartBottom - b.H)
	return b
}

// scale is the top of the count axis and the step between its ticks: a
// round number at or above most, in at most five steps of 1, 2 or 5
// times a power of ten.
func scale(most int) (top, step int) {
	if most < 1 {
		return 1, 1
	}
	for pow := 1; ; pow *= 10 {
		for _, m := range []int{1, 2, 5} {
			step = m * pow
			if step*5 >= most {
				top = (most + step - 1) / step * step
				return top, step
			}
		}
	}
}

// cut shortens s to at most most characters, the last of them "…", so
// that a line of text fits the chart: its whole is in the text
// alternative.
func cut(s string, most int) string {
	r := []rune(s)
	if len(r) <= most {
		return s
	}
	return string(r[:most-1]) + "…"
}

// round1 rounds a coordinate to a tenth, which no screen tells apart.
func round1(x float64) float64 {
	return float64(int(x*10+0.5)) / 10
}
