package data

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/pfgm/pfgm/internal/atomicfile"
)

// ReadCSV reads points from a CSV file: one point a row, fields separated
// by commas (spaces around fields are ignored). A first line that does not
// parse as numbers is taken as a header and skipped; blank lines are
// skipped. Ragged rows, non-numeric fields, NaN and ±Inf are errors naming
// the file and line.
func ReadCSV(path string) (*Points, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCSV(f, path)
}

func readCSV(r io.Reader, name string) (*Points, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
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
			if !allNumeric(fields) {
				continue // header
			}
		}
		if p.Dim == 0 {
			p.Dim = len(fields)
		} else if len(fields) != p.Dim {
			return nil, fmt.Errorf("%s:%d: %d fields, earlier rows have %d", name, line, len(fields), p.Dim)
		}
		for k, s := range fields {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: field %d: %q is not a number", name, line, k+1, s)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d: field %d is %s", name, line, k+1, s)
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

func splitCSV(text string, dst []string) []string {
	for f := range strings.SplitSeq(text, ",") {
		dst = append(dst, strings.TrimSpace(f))
	}
	return dst
}

// allNumeric says whether every field parses as a number; NaN and Inf
// count as numbers here so that a data row holding them is reported as
// bad data rather than skipped as a header.
func allNumeric(fields []string) bool {
	for _, s := range fields {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return false
		}
	}
	return true
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
