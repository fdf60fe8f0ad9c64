package stats_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tropa"
	"tropa/stats"
)

// seriesHeader is the header names a series file may use, as the catalogs
// give them in English and Russian.
var seriesHeader = stats.SeriesHeader{"month": stats.SeriesMonth, "value": stats.SeriesValue,
	"месяц": stats.SeriesMonth, "значение": stats.SeriesValue}

var seriesNow = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

// A file in Russian, columns the other way round, months out of order,
// thousands set apart: the months' figures, oldest first.
func TestReadSeries(t *testing.T) {
	t.Parallel()
	file := "\uFEFFЗначение, Месяц\r\n1 204,2023-11\r\n\r\n412,2023-09\r\n0,2023-10\r\n"
	got, err := stats.ReadSeries(strings.NewReader(file), seriesHeader, seriesNow)
	if err != nil || !got.OK() {
		t.Fatalf("ReadSeries = %+v, %v", got.Bad, err)
	}
	want := []tropa.SeriesValue{{Month: month(2023, 9), Value: 412}, {Month: month(2023, 10), Value: 0}, {Month: month(2023, 11), Value: 1204}}
	if len(got.Values) != len(want) {
		t.Fatalf("values %+v, want %+v", got.Values, want)
	}
	for i := range want {
		if !got.Values[i].Month.Equal(want[i].Month) || got.Values[i].Value != want[i].Value {
			t.Errorf("value %d = %+v, want %+v", i, got.Values[i], want[i])
		}
	}
}

// Every bad row is reported with the line it starts on and why.
func TestReadSeriesBadRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		// want is line: message id, in order.
		want []string
	}{
		{"empty", "", []string{"1:ErrSeriesEmpty"}},
		{"unknown column", "month,count\n2023-09,1\n", []string{"1:ErrImportHeaderUnknown"}},
		{"column twice", "month,месяц\n", []string{"1:ErrImportHeaderTwice"}},
		{"column missing", "month\n2023-09\n", []string{"1:ErrImportHeaderMissing"}},
		{"every kind of bad row", "month,value\n" +
			"2023-13,5\n" + // 2
			"2023-09,-3\n" + // 3
			"2023-10,двенадцать\n" + // 4
			"2023-09,1\n" + // 5: good
			"2023-09,2\n" + // 6: twice
			"2027-01,4\n" + // 7: not yet
			"1899-12,4\n" + // 8: too early
			"2023-11\n" + // 9: one column
			"\"2023-12,\"7\n" + // 10: quotes
			"2024-01,\n" + // 11: empty
			"2024-02,2000000000\n" + // 12: too large
			"\"2024\n-03\",5\n" + // 13-14: not a month, over two lines
			"2024-04,\xff\n", // 15
			[]string{"2:ErrSeriesMonth", "3:ErrSeriesValue", "4:ErrSeriesValue", "6:ErrSeriesMonthTwice", "7:ErrSeriesMonthRange",
				"8:ErrSeriesMonthRange", "9:ErrImportColumnCount", "10:ErrImportQuotes", "11:ErrImportValueMissing",
				"12:ErrSeriesValue", "13:ErrSeriesMonth", "15:ErrInvalidText"}},
		{"too large", "month,value\n" + strings.Repeat("2023-09,1\n", stats.MaxSeriesFile/10+10), nil},
		{"too large, blank", "month,value\n2023-09,1\n" + strings.Repeat("\n", stats.MaxSeriesFile), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := stats.ReadSeries(strings.NewReader(tt.file), seriesHeader, seriesNow)
			if err != nil {
				t.Fatalf("ReadSeries: %v", err)
			}
			var lines []string
			for _, b := range got.Bad {
				var e *tropa.Error
				if !errors.As(b, &e) {
					t.Fatalf("line %d: %v is no tropa error", b.Line, b.Err)
				}
				lines = append(lines, strings.Join([]string{strconv.Itoa(b.Line), e.MessageID}, ":"))
			}
			if strings.HasPrefix(tt.name, "too large") {
				last := lines[len(lines)-1]
				if !strings.HasSuffix(last, ":ErrSeriesTooLarge") {
					t.Errorf("a file of %d bytes ends with %q, want ErrSeriesTooLarge", len(tt.file), last)
				}
				return
			}
			if strings.Join(lines, " ") != strings.Join(tt.want, " ") {
				t.Errorf("bad rows\n%v\nwant\n%v", lines, tt.want)
			}
		})
	}
}

// FuzzReadSeries feeds the series reader any bytes: it never panics, ends,
// refuses every bad row with a line in the file and a message for the
// catalogs, and gives only months it may keep, each once, in order.
func FuzzReadSeries(f *testing.F) {
	f.Add([]byte("month,value\n2023-09,412\n2023-10,1 204\n"))
	f.Add([]byte("значение;месяц\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := stats.ReadSeries(bytes.NewReader(data), seriesHeader, seriesNow)
		if err != nil {
			t.Fatalf("ReadSeries: %v", err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, b := range got.Bad {
			var e *tropa.Error
			if b.Line < 1 || b.Line > lines || !errors.As(b, &e) || e.MessageID == "" || e.Code != tropa.EINVALID {
				t.Fatalf("bad row %d of %d: %v", b.Line, lines, b.Err)
			}
			for _, v := range e.Data {
				if s, ok := v.(string); ok && !utf8.ValidString(s) {
					t.Fatalf("an error names %q, not UTF-8", s)
				}
			}
		}
		for i, v := range got.Values {
			if err := tropa.CheckSeriesValue(v, seriesNow); err != nil {
				t.Fatalf("value %+v kept: %v", v, err)
			}
			if i > 0 && !v.Month.After(got.Values[i-1].Month) {
				t.Fatalf("months out of order or twice: %+v", got.Values)
			}
		}
	})
}

// A series' chart: exact figures drawn to their height, however small,
// a month without a figure a marked gap with the chart's word for it, and
// the source on a line of its own under the axis labels, escaped, and in
// the text alternative.
func TestChartSource(t *testing.T) {
	t.Parallel()
	const source = `Source: <courts> & "form 10-a"`
	c := stats.Chart{Title: "Courts", NowName: "This period", BeforeName: "Period before", Withheld: "no figure", Compare: true,
		Source: source, Groups: []stats.ChartGroup{
			{Label: "Jan 2026", BeforeLabel: "Oct 2025", Now: stats.Exact(3), Before: stats.Exact(1310)},
			{Label: "Feb 2026", BeforeLabel: "Nov 2025", Now: stats.Exact(0), Before: stats.Absent()},
		}}
	out, svg := draw(t, c)
	if strings.Contains(out, "<courts>") {
		t.Fatal("the source is not escaped")
	}
	lines := svg.all(func(n *node) bool { return n.attr["class"] == "chart-source" })
	if len(lines) != 1 || lines[0].text != source {
		t.Fatalf("source lines %+v", lines)
	}
	height := svg.num(t, "height")
	if y := lines[0].num(t, "y"); y >= height || y <= 292 {
		t.Errorf("the source at y=%v, in a chart %v tall, under the compared months at 292", y, height)
	}
	bs := bars(svg)
	if got := bs[0].child("text").text; got != "3" {
		t.Errorf("an exact 3 reads %q, want it as it is", got)
	}
	if bs[0].child("rect").num(t, "height") <= 0 {
		t.Error("an exact 3 is drawn with no height")
	}
	if !strings.HasSuffix(bs[3].attr["class"], "withheld") || bs[3].child("text").text != "no figure" {
		t.Errorf("a month without a figure is %q reading %q", bs[3].attr["class"], bs[3].child("text").text)
	}
	if desc := svg.child("desc").text; !strings.HasSuffix(desc, "; "+source) {
		t.Errorf("the text alternative %q does not end with the source", desc)
	}
	c.Source = "Source: " + strings.Repeat("ы", 200)
	_, long := draw(t, c)
	line := long.all(func(n *node) bool { return n.attr["class"] == "chart-source" })[0].text
	if n := utf8.RuneCountInString(line); !strings.HasSuffix(line, "…") || float64(n*7) > long.num(t, "width")-16 {
		t.Errorf("a long source is drawn %d characters long in a chart %v wide", n, long.num(t, "width"))
	}
	if desc := long.child("desc").text; !strings.HasSuffix(desc, c.Source) {
		t.Error("the text alternative does not have the whole of a long source")
	}
	c.Source = ""
	if _, plain := draw(t, c); plain.num(t, "height") != 308 {
		t.Errorf("a chart without a source is %v tall, want 308 as before", plain.num(t, "height"))
	}
}
