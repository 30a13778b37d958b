package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/internal/regularfile"
)

// Array is an n-dimensional array read from an NPY file, in C order,
// converted to float64. Descr is the file's dtype as numpy writes it
// ("<f4", "<f8" or "|u1"), so callers can tell 8-bit pixels from floats.
type Array struct {
	Shape []int
	Data  []float64
	Descr string
}

const npyMagic = "\x93NUMPY"

// ReadNPY reads a little-endian float32 or float64 or a uint8 NPY file (format
// version 1.0, 2.0 or 3.0). Fortran-ordered arrays are transposed to C
// order. Truncated files, trailing bytes and other dtypes are errors.
func ReadNPY(path string) (*Array, error) {
	b, err := regularfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	a, err := parseNPY(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func parseNPY(b []byte) (*Array, error) {
	if len(b) < 10 || string(b[:6]) != npyMagic {
		return nil, errors.New("not an NPY file (bad magic)")
	}
	major := b[6]
	var hlen, off int
	switch major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, errors.New("truncated NPY header")
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, fmt.Errorf("unsupported NPY format version %d.%d", major, b[7])
	}
	if len(b) < off+hlen {
		return nil, errors.New("truncated NPY header")
	}
	h, err := parseNPYHeader(string(b[off : off+hlen]))
	if err != nil {
		return nil, err
	}
	body := b[off+hlen:]
	// The header may lie: size the data from the shape with overflow
	// checks, and compare with the bytes actually there before allocating.
	n, ok := shapeProduct(h.shape)
	if !ok || n > math.MaxInt/h.size {
		return nil, fmt.Errorf("shape %v is too large (the file has %d data bytes)", h.shape, len(body))
	}
	want := n * h.size
	switch {
	case len(body) < want:
		return nil, fmt.Errorf("truncated: shape %v of %s needs %d data bytes, file has %d", h.shape, h.descr, want, len(body))
	case len(body) > want:
		return nil, fmt.Errorf("%d unexpected bytes after the data of shape %v", len(body)-want, h.shape)
	}
	data := make([]float64, n)
	switch h.size {
	case 1:
		for i := range data {
			data[i] = float64(body[i])
		}
	case 8:
		for i := range data {
			data[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
		}
	default:
		for i := range data {
			data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:])))
		}
	}
	if h.fortran && len(h.shape) > 1 {
		data = fortranToC(data, h.shape)
	}
	return &Array{Shape: h.shape, Data: data, Descr: h.descr}, nil
}

type npyHeader struct {
	descr   string
	size    int
	fortran bool
	shape   []int
}

// parseNPYHeader reads the Python dict literal numpy writes, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	descr, ok := dictValue(s, "descr")
	if !ok {
		return h, fmt.Errorf("NPY header has no 'descr': %q", s)
	}
	h.descr = strings.Trim(descr, `'"`)
	switch h.descr {
	case "<f8", "=f8":
		h.size = 8
	case "<f4", "=f4":
		h.size = 4
	case "|u1", "<u1", "=u1":
		h.size, h.descr = 1, "|u1"
	default:
		return h, fmt.Errorf("unsupported NPY dtype %q (want little-endian float32 '<f4', float64 '<f8' or uint8 '|u1')", h.descr)
	}
	fo, ok := dictValue(s, "fortran_order")
	if !ok {
		return h, fmt.Errorf("NPY header has no 'fortran_order': %q", s)
	}
	h.fortran = fo == "True"
	sh, ok := dictValue(s, "shape")
	if !ok {
		return h, fmt.Errorf("NPY header has no 'shape': %q", s)
	}
	sh = strings.TrimSpace(sh)
	if !strings.HasPrefix(sh, "(") || !strings.HasSuffix(sh, ")") {
		return h, fmt.Errorf("bad NPY shape %q", sh)
	}
	h.shape = []int{}
	for f := range strings.SplitSeq(sh[1:len(sh)-1], ",") {
		f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "L"))
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v < 0 {
			return h, fmt.Errorf("bad NPY shape %q", sh)
		}
		h.shape = append(h.shape, v)
	}
	if len(h.shape) == 0 {
		return h, errors.New("NPY array is a scalar, want at least one dimension")
	}
	return h, nil
}

// dictValue finds 'key': VALUE in a flat Python dict literal; VALUE ends at
// the comma or brace that closes it (shapes are parenthesised).
func dictValue(s, key string) (string, bool) {
	i := strings.Index(s, "'"+key+"'")
	if i < 0 {
		i = strings.Index(s, `"`+key+`"`)
		if i < 0 {
			return "", false
		}
	}
	rest := strings.TrimSpace(s[i+len(key)+2:])
	rest, ok := strings.CutPrefix(rest, ":")
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	depth := 0
	for j, c := range rest {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return rest[:j+1], true
			}
		case ',', '}':
			if depth == 0 {
				return strings.TrimSpace(rest[:j]), true
			}
		}
	}
	return "", false
}

// fortranToC reorders column-major data into row-major.
func fortranToC(src []float64, shape []int) []float64 {
	nd := len(shape)
	dst := make([]float64, len(src))
	idx := make([]int, nd)
	for c := range dst {
		// idx is the multi-index of C-order position c; find its F offset.
		f, stride := 0, 1
		for k := range nd {
			f += idx[k] * stride
			stride *= shape[k]
		}
		dst[c] = src[f]
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return dst
}

// WriteNPY writes x (C order) with the given shape as a float64 NPY file,
// atomically.
func WriteNPY(path string, shape []int, x []float64) error {
	return writeNPY(path, shape, x, "<f8", func(b []byte, v float64) []byte {
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	})
}

// WriteNPY32 writes x (C order) with the given shape as a float32 NPY
// file, atomically.
func WriteNPY32(path string, shape []int, x []float32) error {
	return writeNPY(path, shape, x, "<f4", appendFloat32)
}

func appendFloat32(b []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
}

// writeNPY writes the header for descr and x's values, encoded by put, in
// 32 KiB chunks.
func writeNPY[F float32 | float64](path string, shape []int, x []F, descr string, put func([]byte, F) []byte) error {
	if err := checkShape(shape, len(x)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.WriteFunc(path, func(w io.Writer) error { return encodeNPY(w, shape, x, descr, put) })
}

// EncodeNPY32 writes x as a float32 NPY array of the given shape to w:
// WriteNPY32 without the file, for answers sent over the network.
func EncodeNPY32(w io.Writer, shape []int, x []float32) error {
	if err := checkShape(shape, len(x)); err != nil {
		return err
	}
	return encodeNPY(w, shape, x, "<f4", appendFloat32)
}

// encodeNPY writes the NPY header and the values, little-endian.
func encodeNPY[F float32 | float64](w io.Writer, shape []int, x []F, descr string, put func([]byte, F) []byte) error {
	if _, err := w.Write(npyHeaderBytes(descr, shape)); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<15)
	for _, v := range x {
		buf = put(buf, v)
		if len(buf) >= cap(buf)-8 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// shapeProduct is the number of values of an array of the given shape,
// and false if it overflows an int.
func shapeProduct(shape []int) (int, bool) {
	n := 1
	for _, s := range shape {
		if s < 0 || (s > 0 && n > math.MaxInt/s) {
			return 0, false
		}
		n *= s
	}
	return n, true
}

func checkShape(shape []int, n int) error {
	if len(shape) == 0 {
		return errors.New("empty shape")
	}
	for _, s := range shape {
		if s < 0 {
			return fmt.Errorf("negative size in shape %v", shape)
		}
	}
	prod, ok := shapeProduct(shape)
	if !ok || prod != n {
		return fmt.Errorf("shape %v holds %d values, have %d", shape, prod, n)
	}
	return nil
}

// npyHeaderBytes returns the magic, version 1.0 and the header dict padded
// so the data starts on a 64-byte boundary, as numpy does.
func npyHeaderBytes(descr string, shape []int) []byte {
	// A header needs a shape of thousands of dimensions to outgrow
	// version 1.0's 16-bit length, so only 1.0 is written.
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh)
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	dict += strings.Repeat(" ", pad) + "\n"
	out := []byte(npyMagic)
	out = append(out, 1, 0)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(dict)))
	return append(out, dict...)
}
