package httpapi

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

// Downloads. Every export is a table: a list of columns, each with a
// header and a typed value getter, defined once next to its handler and
// written by both writers below, as CSV (operations ending in .csv) or as
// an XLSX workbook (the same path ending in .xlsx). The JSON operations
// never answer anything else.

// fileFormat is the form of a download.
type fileFormat int

const (
	csvFile fileFormat = iota
	xlsxFile
)

const (
	csvContentType  = "text/csv; charset=utf-8"
	xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// csvTime is how a CSV writes a timestamp: spreadsheets read it as a
	// date and time without an import dialog, unlike RFC 3339.
	csvTime = "2006-01-02 15:04:05"
	// xlsxTime and xlsxDate are the number formats of date cells.
	xlsxTime = "yyyy-mm-dd hh:mm:ss"
	xlsxDate = "yyyy-mm-dd"
)

// koreaTime is the zone downloads show timestamps in, whatever the
// server's zone: Asia/Seoul, which has kept UTC+9 without daylight saving
// since 1988, so a fixed zone is exact and needs no tz database.
func koreaTime() *time.Location { return time.FixedZone("KST", 9*60*60) }

// cellKind is the type of a column's values.
type cellKind int

const (
	textCell cellKind = iota
	numberCell
	timeCell // an instant, shown in Korea time
	dateCell // a calendar date, YYYY-MM-DD
)

// cell is one typed value of a table; a null cell is empty.
type cell struct {
	null bool
	text string    // textCell, and dateCell as YYYY-MM-DD
	num  float64   // numberCell
	at   time.Time // timeCell
}

// column is one column of an export: its header and how a row gives its
// value. Build columns with the constructors below, so that a column's kind
// and its values agree.
type column[T any] struct {
	header string
	kind   cellKind
	get    func(T) cell
}

func textCol[T any](header string, get func(T) string) column[T] {
	return column[T]{header, textCell, func(r T) cell { return cell{text: get(r)} }}
}

func optTextCol[T any](header string, get func(T) *string) column[T] {
	return column[T]{header, textCell, func(r T) cell {
		if s := get(r); s != nil {
			return cell{text: *s}
		}
		return cell{null: true}
	}}
}

func intCol[T any](header string, get func(T) int) column[T] {
	return column[T]{header, numberCell, func(r T) cell { return cell{num: float64(get(r))} }}
}

// optIntCol is a whole number that may be absent (ok false).
func optIntCol[T any](header string, get func(T) (int, bool)) column[T] {
	return column[T]{header, numberCell, func(r T) cell {
		if n, ok := get(r); ok {
			return cell{num: float64(n)}
		}
		return cell{null: true}
	}}
}

func numberCol[T any](header string, get func(T) *float64) column[T] {
	return column[T]{header, numberCell, func(r T) cell {
		if n := get(r); n != nil {
			return cell{num: *n}
		}
		return cell{null: true}
	}}
}

// timeCol is an instant, written in Korea time to the second; its header
// says so.
func timeCol[T any](header string, get func(T) (time.Time, bool)) column[T] {
	return column[T]{header + " (KST)", timeCell, func(r T) cell {
		if t, ok := get(r); ok {
			return cell{at: t}
		}
		return cell{null: true}
	}}
}

// dateCol is a calendar date, YYYY-MM-DD ("" when absent).
func dateCol[T any](header string, get func(T) string) column[T] {
	return column[T]{header, dateCell, func(r T) cell {
		if d := get(r); d != "" {
			return cell{text: d}
		}
		return cell{null: true}
	}}
}

// table is one export: its file name (without extension), which also
// names the workbook's sheet, and its columns.
type table[T any] struct {
	name    string
	columns []column[T]
}

// chunks reads an export's rows a chunk at a time; an empty chunk ends it.
type chunks[T any] func(ctx context.Context) ([]T, error)

// allAtOnce is the chunks of rows already in memory.
func allAtOnce[T any](rows []T) chunks[T] {
	done := false
	return func(context.Context) ([]T, error) {
		if done {
			return nil, nil
		}
		done = true
		return rows, nil
	}
}

// sendTable answers the rows of t in format f as an attachment; idle is
// the server's write timeout, which bounds the download's stalls rather
// than its length (stallWriter).
func sendTable[T any](c *fiber.Ctx, log *slog.Logger, idle time.Duration, f fileFormat, t table[T], next chunks[T]) error {
	if f == xlsxFile {
		return sendXLSX(c, log, idle, t, next)
	}
	return sendCSV(c, log, idle, t, next)
}

// stallWriter passes a download's bytes to w, and moves the connection's
// write deadline to idle from now while they flow (at most every tenth
// of idle, so a write costs no system call). The server's write timeout
// is set once per response, before its first byte: without this, a
// download of the whole pool would be cut off after that long however
// fast it moved. With it, a download runs as long as it keeps moving and
// ends only when nothing could be sent for idle (a client that stopped
// reading), so exports of any size complete while a stalled client still
// frees its connection.
type stallWriter struct {
	w    io.Writer
	conn net.Conn
	idle time.Duration
	next time.Time // when to move the deadline again
}

func newStallWriter(w io.Writer, conn net.Conn, idle time.Duration) *stallWriter {
	return &stallWriter{w: w, conn: conn, idle: idle}
}

func (s *stallWriter) Write(p []byte) (int, error) {
	if now := time.Now(); !now.Before(s.next) {
		if err := s.conn.SetWriteDeadline(now.Add(s.idle)); err != nil {
			return 0, err
		}
		s.next = now.Add(s.idle / 10)
	}
	return s.w.Write(p)
}

func attachment(c *fiber.Ctx, contentType, filename string) {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
}

// sendCSV streams t as CSV (UTF-8 with a byte-order mark, so that
// spreadsheets open Korean text correctly, and a header row), one chunk at
// a time, so that a large export never sits in memory. An error before the
// body begins (reading the first chunk) is answered normally. Once the
// body has begun, the 200 is sent and an error can no longer be answered:
// it is logged and the connection is closed before the body's last chunk,
// so that the client sees a broken transfer (Go's client: unexpected EOF;
// curl: exit 18) instead of a complete-looking file that silently lacks
// rows.
func sendCSV[T any](c *fiber.Ctx, log *slog.Logger, idle time.Duration, t table[T], next chunks[T]) error {
	ctx := c.UserContext()
	first, err := next(ctx)
	if err != nil {
		return err
	}
	rid, conn := requestID(c), c.Context().Conn()
	attachment(c, csvContentType, t.name+".csv")
	// The writer runs after the handler returns, when fasthttp sends the
	// body: it must not touch c.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		_, _ = w.WriteString("\ufeff")
		cw := newCSVWriter(newStallWriter(w, conn, idle))
		err := func() error {
			if err := cw.Write(t.headers()); err != nil {
				return err
			}
			for rows := first; len(rows) > 0; {
				for _, r := range rows {
					if err := writeCells(cw, t.columns, r); err != nil {
						return err
					}
				}
				cw.Flush()
				if err := cw.Error(); err != nil {
					return err
				}
				if err := w.Flush(); err != nil {
					return err
				}
				var err error
				if rows, err = next(ctx); err != nil {
					return err
				}
			}
			return nil
		}()
		cw.Flush()
		if err != nil {
			log.ErrorContext(ctx, "export ended early; closing the connection", "export", t.name, "err", err.Error(), "request_id", rid)
			_ = w.Flush()
			_ = conn.Close()
		}
	})
	return nil
}

func (t table[T]) headers() []string {
	out := make([]string, len(t.columns))
	for i, col := range t.columns {
		out[i] = col.header
	}
	return out
}

// csvWriter writes CSV whose every text cell is safe to open in a
// spreadsheet: a cell that starts with = + - @ or a tab or carriage
// return, which a spreadsheet would evaluate as a formula, gets a leading
// apostrophe. Text is written by users and operators; numbers and dates,
// written by writeCells, are left as they are (a negative number stays a
// number).
type csvWriter struct {
	*csv.Writer
	safe []string
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{Writer: csv.NewWriter(w)} }

// Write writes a record of text cells, each defused.
func (w *csvWriter) Write(record []string) error {
	w.safe = append(w.safe[:0], record...)
	for i, s := range w.safe {
		w.safe[i] = defused(s)
	}
	return w.Writer.Write(w.safe)
}

func defused(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeCells writes the row r of the columns: text defused, timestamps as
// YYYY-MM-DD HH:MM:SS in Korea time, numbers in their shortest form.
func writeCells[T any](w *csvWriter, columns []column[T], r T) error {
	w.safe = w.safe[:0]
	kst := koreaTime()
	for _, col := range columns {
		v := col.get(r)
		var s string
		switch {
		case v.null:
		case col.kind == numberCell:
			s = strconv.FormatFloat(v.num, 'f', -1, 64)
		case col.kind == timeCell:
			s = v.at.In(kst).Format(csvTime)
		case col.kind == dateCell:
			s = v.text
		default:
			s = defused(v.text)
		}
		w.safe = append(w.safe, s)
	}
	return w.Writer.Write(w.safe)
}

// sendXLSX answers t as an XLSX workbook of one sheet: a bold, frozen
// header row, then one row per record with typed cells: numbers as
// numbers, timestamps (Korea time) and dates as date cells with a date
// number format, text as text (never a formula, so it needs no defusing).
// XLSX is UTF-8 XML: Korean text opens correctly in Excel, LibreOffice and
// Hancom Office without an import dialog.
//
// The rows are written before the answer begins, through excelize's
// stream writer, which keeps at most 16 MiB of the sheet in memory and
// the rest in a temporary file; so an error while reading them is
// answered as a problem. The workbook is then zipped straight into the
// response: excelize's WriteTo would build the whole file in memory
// first, so its zip writer is pointed at the response instead.
func sendXLSX[T any](c *fiber.Ctx, log *slog.Logger, idle time.Duration, t table[T], next chunks[T]) error {
	ctx := c.UserContext()
	f := excelize.NewFile()
	handed := false
	defer func() {
		if !handed {
			_ = f.Close()
		}
	}()
	if err := fillSheet(ctx, f, t, next); err != nil {
		return err
	}
	rid, conn := requestID(c), c.Context().Conn()
	attachment(c, xlsxContentType, t.name+".xlsx")
	handed = true
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer f.Close()
		var zw *zip.Writer
		f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
			zw = zip.NewWriter(newStallWriter(w, conn, idle))
			return zw
		})
		if err := f.Write(io.Discard); err != nil || zw == nil {
			log.ErrorContext(ctx, "workbook ended early; closing the connection", "export", t.name, "err", fmt.Sprint(err), "request_id", rid)
			_ = w.Flush()
			_ = conn.Close()
		}
	})
	return nil
}

// fillSheet writes the header and every row of t into the workbook's one
// sheet.
func fillSheet[T any](ctx context.Context, f *excelize.File, t table[T], next chunks[T]) error {
	sheet := t.name
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	timeFmt, dateFmt := xlsxTime, xlsxDate
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	if err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	// Widths and panes must come before the first row.
	for i, col := range t.columns {
		width := float64(max(12, len(col.header)+2))
		if col.kind == timeCell {
			width = max(width, 21)
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	values := make([]any, len(t.columns))
	for i, h := range t.headers() {
		values[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", values); err != nil {
		return err
	}
	kst, row := koreaTime(), 1
	for {
		rows, err := next(ctx)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			row++
			for i, col := range t.columns {
				v := col.get(r)
				switch {
				case v.null:
					values[i] = nil
				case col.kind == numberCell:
					values[i] = v.num
				case col.kind == timeCell:
					values[i] = excelize.Cell{StyleID: timeStyle, Value: v.at.In(kst).Truncate(time.Second)}
				case col.kind == dateCell:
					d, err := time.Parse(time.DateOnly, v.text)
					if err != nil {
						return fmt.Errorf("%s: %q is not a date: %w", col.header, v.text, err)
					}
					values[i] = excelize.Cell{StyleID: dateStyle, Value: d}
				case v.text == "":
					values[i] = nil
				default:
					values[i] = v.text
				}
			}
			name, err := excelize.CoordinatesToCellName(1, row)
			if err != nil {
				return err
			}
			if err := sw.SetRow(name, values); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}
