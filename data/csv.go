package data

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/internal/regularfile"
)

// ReadCSV reads points from a CSV file: one point a row, fields separated
// by commas (spaces around fields are ignored), lines ended by LF, CRLF or
// a lone CR. A first row in which no field is a number is taken as a
// header and skipped; blank lines are skipped. Numbers are decimal
// (strconv.ParseFloat syntax without its hexadecimal floats and digit
// underscores). Ragged rows, non-numeric fields, NaN, ±Inf and values out
// of float64 range are errors naming the file, line and field.
func ReadCSV(path string) (*Points, error) { return ReadCSVContext(context.Background(), path) }

// ReadCSVContext is ReadCSV that stops with ctx's error when ctx ends:
// parsing a large file takes long enough that Ctrl-C must reach it.
func ReadCSVContext(ctx context.Context, path string) (*Points, error) {
	f, _, err := regularfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := readCSV(ctxReader{ctx, f}, path)
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr // the scanner's wrapped error would say less
	}
	return p, err
}

// ctxReader fails its reads once ctx has ended. The scanner reads 64 KiB or
// more at a time, so the check costs nothing against the parsing.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(b)
}

// maxCSVLine bounds the length of one CSV line (64 MiB).
const maxCSVLine = 1 << 26

func readCSV(r io.Reader, name string) (*Points, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxCSVLine)
	sc.Split(scanLines)
	p := &Points{}
	line := 0
	first := true
	var fields []string
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields = splitCSV(text, fields[:0])
		if first {
			first = false
			if isHeader(fields) {
				continue
			}
		}
		if p.Dim == 0 {
			p.Dim = len(fields)
		} else if len(fields) != p.Dim {
			return nil, fmt.Errorf("%s:%d: %d fields, earlier rows have %d", name, line, len(fields), p.Dim)
		}
		for k, s := range fields {
			v, err := parseNumber(s)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: field %d: %w", name, line, k+1, err)
			}
			p.X = append(p.X, v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if len(p.X) == 0 {
		return nil, fmt.Errorf("%s: no data rows", name)
	}
	return p, nil
}

// scanLines is bufio.ScanLines that also ends a line at a lone CR (old
// Mac line endings), so a CR-only file is not read as one long line.
func scanLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\n' {
			return i + 1, data[:i], nil
		}
		// CR: a CRLF pair may be split across reads.
		if i+1 < len(data) {
			if data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
			return i + 1, data[:i], nil
		}
		if atEOF {
			return i + 1, data[:i], nil
		}
		return 0, nil, nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func splitCSV(text string, dst []string) []string {
	for f := range strings.SplitSeq(text, ",") {
		dst = append(dst, strings.TrimSpace(f))
	}
	return dst
}

// isHeader says whether a first row is a header: some field holds text
// and none holds a number. NaN and Inf count as numbers here, so a data
// row holding them is reported as bad data rather than skipped, and so
// does a row that is numbers except for a typo.
func isHeader(fields []string) bool {
	text := false
	for _, s := range fields {
		if _, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
			return false
		}
		text = text || s != ""
	}
	return text
}

// parseNumber parses a finite decimal number. strconv.ParseFloat alone
// would also take "1_0" as 10 and "0x1p3" as 8.
func parseNumber(s string) (float64, error) {
	if u := strings.TrimLeft(s, "+-"); strings.Contains(s, "_") || strings.HasPrefix(u, "0x") || strings.HasPrefix(u, "0X") {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is out of the float64 range", s)
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%q is not a number", s)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q: NaN and infinite values are not data", s)
	}
	return v, nil
}

// WriteCSV writes p atomically as CSV, one point a row, no header, each
// value in the shortest form that reads back exactly.
func WriteCSV(path string, p *Points) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.WriteFunc(path, func(w io.Writer) error {
		var buf bytes.Buffer
		for i := range p.N() {
			buf.Reset()
			for k, v := range p.Row(i) {
				if k > 0 {
					buf.WriteByte(',')
				}
				buf.Write(strconv.AppendFloat(buf.AvailableBuffer(), v, 'g', -1, 64))
			}
			buf.WriteByte('\n')
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
		}
		return nil
	})
}
