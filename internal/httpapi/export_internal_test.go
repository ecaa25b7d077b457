package httpapi

import (
	"bytes"
	"testing"
	"time"
)

// TestWriteCellsDefusesTextOnly: a text cell that a spreadsheet would run
// as a formula is defused; numbers, timestamps and dates are written as
// they are, timestamps in Korea time whatever their own zone.
func TestWriteCellsDefusesTextOnly(t *testing.T) {
	t.Parallel()
	type r struct {
		text string
		num  float64
		at   time.Time
		day  string
	}
	cols := []column[r]{
		textCol("text", func(x r) string { return x.text }),
		numberCol("num", func(x r) *float64 { return &x.num }),
		timeCol("at", func(x r) (time.Time, bool) { return x.at, true }),
		dateCol("day", func(x r) string { return x.day }),
	}
	var b bytes.Buffer
	w := newCSVWriter(&b)
	ny := time.FixedZone("EST", -5*60*60)
	if err := w.Write(table[r]{columns: cols}.headers()); err != nil {
		t.Fatal(err)
	}
	for _, x := range []r{
		{"=SUM(A1)", -1.5, time.Date(2026, 12, 1, 10, 0, 0, 999, ny), "2026-12-02"},
		{"-3", 0, time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC), ""},
	} {
		if err := writeCells(w, cols, x); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	want := "text,num,at (KST),day\n'=SUM(A1),-1.5,2026-12-02 00:00:00,2026-12-02\n'-3,0,2027-01-01 00:00:00,\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
