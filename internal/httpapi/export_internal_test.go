package httpapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
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

// serveDownload serves one CSV download of rows chunks of rows, each row a
// width-byte text cell, produced pause apart, under a write timeout of
// idle, and returns its address.
func serveDownload(t *testing.T, idle time.Duration, chunks, rows, width int, pause time.Duration) string {
	t.Helper()
	app := fiber.New(fiber.Config{WriteTimeout: idle, DisableStartupMessage: true})
	cols := []column[string]{textCol("text", func(s string) string { return s })}
	chunk := make([]string, rows)
	for i := range chunk {
		chunk[i] = strings.Repeat("x", width)
	}
	app.Get("/", func(c *fiber.Ctx) error {
		sent := 0
		next := func(context.Context) ([]string, error) {
			if sent == chunks {
				return nil, nil
			}
			sent++
			time.Sleep(pause)
			return chunk, nil
		}
		return sendTable(c, slog.New(slog.DiscardHandler), idle, csvFile, table[string]{name: "t", columns: cols}, next)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String() + "/"
}

// TestDownloadOutlivesTheWriteTimeout: the server's write timeout bounds a
// download's stalls, not its length. A CSV whose chunks keep coming for
// four times the timeout arrives whole (before stallWriter, it was cut
// off once the timeout had passed since its first byte).
func TestDownloadOutlivesTheWriteTimeout(t *testing.T) {
	t.Parallel()
	const idle = 200 * time.Millisecond
	url := serveDownload(t, idle, 8, 1, 10, idle/2)
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("the download was cut off after %d bytes: %v", len(body), err)
	}
	if lines := strings.Count(string(body), "\n"); lines != 9 {
		t.Errorf("%d lines, want a header and 8 rows:\n%s", lines, body)
	}
}

// TestStalledDownloadIsCutOff: a client that stops reading a download
// that is too large for the sockets' buffers is cut off once nothing
// could be sent for the write timeout, and sees a broken transfer when it
// reads on, not a complete-looking file.
func TestStalledDownloadIsCutOff(t *testing.T) {
	t.Parallel()
	const idle = 200 * time.Millisecond
	// 64 MiB: more than loopback's socket buffers can hold.
	url := serveDownload(t, idle, 64, 1024, 1023, 0)
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	time.Sleep(5 * idle)
	n, err := io.Copy(io.Discard, res.Body)
	if err == nil {
		t.Fatalf("a client that stalled for %v read all %d bytes", 5*idle, n)
	}
	if n >= 64<<20 {
		t.Errorf("read %d bytes before the cut", n)
	}
}
