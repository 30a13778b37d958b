package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"

	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/internal/regularfile"
)

// Tensor is a dense row-major float32 array. A scalar has an empty Shape and
// one element.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NumElements is the product of the shape (1 for a scalar).
func (t Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

const (
	metadataKey = "__metadata__"
	// maxHeader bounds the JSON header so that a corrupt length cannot make
	// a reader allocate or scan gigabytes; it matches the reference Rust
	// implementation's limit.
	maxHeader = 100 << 20
)

// Write stores tensors and metadata at path, atomically: a reader or a crash
// sees either the old file or the complete new one.
func Write(path string, tensors map[string]Tensor, metadata map[string]string) error {
	if err := atomicfile.WriteFunc(path, func(w io.Writer) error {
		return encode(w, tensors, metadata)
	}); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// Encode writes tensors and metadata in the safetensors format. Tensors are
// stored as F32 in the order of their sorted names and the header is padded
// with spaces to a multiple of 8 bytes, so the data is 8-byte aligned and a
// file without metadata is byte-identical to one written by the PyTorch
// peer's save_safetensors.
func Encode(w io.Writer, tensors map[string]Tensor, metadata map[string]string) error {
	if err := encode(w, tensors, metadata); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

func encode(w io.Writer, tensors map[string]Tensor, metadata map[string]string) error {
	names := make([]string, 0, len(tensors))
	for name, t := range tensors {
		if name == "" || name == metadataKey {
			return fmt.Errorf("invalid tensor name %q", name)
		}
		if err := checkShape(t); err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
		names = append(names, name)
	}
	slices.Sort(names)

	var h bytes.Buffer
	h.WriteByte('{')
	if len(metadata) > 0 {
		keys := slices.Sorted(maps.Keys(metadata))
		h.WriteString(`"` + metadataKey + `":{`)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			writeJSONString(&h, k)
			h.WriteByte(':')
			writeJSONString(&h, metadata[k])
		}
		h.WriteByte('}')
		if len(names) > 0 {
			h.WriteByte(',')
		}
	}
	var off int64
	for i, name := range names {
		t := tensors[name]
		if i > 0 {
			h.WriteByte(',')
		}
		writeJSONString(&h, name)
		n := int64(len(t.Data)) * 4
		fmt.Fprintf(&h, `:{"dtype":"F32","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				h.WriteByte(',')
			}
			fmt.Fprintf(&h, "%d", d)
		}
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, off, off+n)
		off += n
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}

	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(h.Len()))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(h.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<15)
	for _, name := range names {
		for _, v := range tensors[name].Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	if _, err := w.Write(buf); err != nil {
		return err
	}
	return nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

func checkShape(t Tensor) error {
	n := 1
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("negative dimension in shape %v", t.Shape)
		}
		if d != 0 && n > math.MaxInt32/d {
			return fmt.Errorf("shape %v too large", t.Shape)
		}
		n *= d
	}
	if n != len(t.Data) {
		return fmt.Errorf("shape %v needs %d values, have %d", t.Shape, n, len(t.Data))
	}
	return nil
}

// Read loads every tensor and the metadata of the file at path. Errors name
// the file and, where one is at fault, the tensor.
func Read(path string) (map[string]Tensor, map[string]string, error) {
	b, err := regularfile.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	tensors, meta, err := decode(b)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	return tensors, meta, nil
}

// ReadFrom decodes a whole safetensors stream from r.
func ReadFrom(r io.Reader) (map[string]Tensor, map[string]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	return Decode(b)
}

// ErrFormat is wrapped by every error about malformed input, so callers can
// tell a corrupt file from an I/O failure with errors.Is.
var ErrFormat = errors.New("invalid safetensors data")

type formatError struct{ msg string }

func (e *formatError) Error() string        { return e.msg }
func (e *formatError) Is(target error) bool { return target == ErrFormat }

func bad(format string, args ...any) error {
	return &formatError{fmt.Sprintf(format, args...)}
}

// headerEntry is one tensor's description in the JSON header. Pointers tell
// a missing field from a zero one.
type headerEntry struct {
	Dtype       *string  `json:"dtype"`
	Shape       *[]int64 `json:"shape"`
	DataOffsets *[]int64 `json:"data_offsets"`
}

// dtypeSize is the size in bytes of an element of a dtype this package
// reads, and false for any other dtype.
func dtypeSize(dtype string) (int64, bool) {
	switch dtype {
	case "F32":
		return 4, true
	case "F64":
		return 8, true
	case "F16", "BF16":
		return 2, true
	}
	return 0, false
}

type entry struct {
	name       string
	dtype      string
	shape      []int
	begin, end int64
}

// Decode parses a complete safetensors file held in b. The returned tensors
// do not alias b.
func Decode(b []byte) (map[string]Tensor, map[string]string, error) {
	tensors, meta, err := decode(b)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	return tensors, meta, nil
}

func decode(b []byte) (map[string]Tensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, bad("%d bytes is too short for the 8-byte header length (truncated file?)", len(b))
	}
	hlen := binary.LittleEndian.Uint64(b[:8])
	if hlen > maxHeader {
		return nil, nil, bad("header length %d exceeds the %d-byte limit (corrupt file?)", hlen, maxHeader)
	}
	if hlen > uint64(len(b)-8) {
		return nil, nil, bad("header length %d but only %d bytes follow (truncated file?)", hlen, len(b)-8)
	}
	header := b[8 : 8+hlen]
	data := b[8+hlen:]

	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, nil, bad("header is not a JSON object: %v", err)
	}
	if raw == nil {
		return nil, nil, bad("header is JSON null, want an object")
	}

	var meta map[string]string
	entries := make([]entry, 0, len(raw))
	for name, msg := range raw {
		if name == metadataKey {
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, nil, bad("%s must map strings to strings: %v", metadataKey, err)
			}
			continue
		}
		e, err := parseEntry(name, msg)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}

	// The data section must be covered exactly: tensors laid end to end in
	// offset order, with no gaps, overlaps or trailing bytes.
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	var pos int64
	for _, e := range entries {
		if e.begin != pos {
			if e.begin < pos {
				return nil, nil, bad("tensor %q: data_offsets [%d, %d] overlap the previous tensor, which ends at %d", e.name, e.begin, e.end, pos)
			}
			return nil, nil, bad("tensor %q: data_offsets [%d, %d] leave a gap after byte %d", e.name, e.begin, e.end, pos)
		}
		if e.end > int64(len(data)) {
			return nil, nil, bad("tensor %q: data_offsets [%d, %d] run past the %d data bytes (truncated file?)", e.name, e.begin, e.end, len(data))
		}
		pos = e.end
	}
	if pos != int64(len(data)) {
		return nil, nil, bad("tensors cover %d data bytes but the file has %d", pos, len(data))
	}

	tensors := make(map[string]Tensor, len(entries))
	for _, e := range entries {
		tensors[e.name] = Tensor{Shape: e.shape, Data: convert(e.dtype, data[e.begin:e.end])}
	}
	if meta == nil {
		meta = map[string]string{}
	}
	return tensors, meta, nil
}

func parseEntry(name string, msg json.RawMessage) (entry, error) {
	var h headerEntry
	if err := json.Unmarshal(msg, &h); err != nil {
		return entry{}, bad("tensor %q: bad header entry: %v", name, err)
	}
	if h.Dtype == nil || h.Shape == nil || h.DataOffsets == nil {
		return entry{}, bad("tensor %q: header entry needs dtype, shape and data_offsets", name)
	}
	size, ok := dtypeSize(*h.Dtype)
	if !ok {
		return entry{}, bad("tensor %q: unsupported dtype %q (want F32, F64, F16 or BF16)", name, *h.Dtype)
	}
	off := *h.DataOffsets
	if len(off) != 2 {
		return entry{}, bad("tensor %q: data_offsets has %d numbers, want 2", name, len(off))
	}
	if off[0] < 0 || off[1] < off[0] {
		return entry{}, bad("tensor %q: data_offsets [%d, %d] are not an increasing byte range", name, off[0], off[1])
	}
	shape := make([]int, len(*h.Shape))
	n := int64(1)
	for i, d := range *h.Shape {
		if d < 0 {
			return entry{}, bad("tensor %q: negative dimension in shape %v", name, *h.Shape)
		}
		// Bound the element count before multiplying so a hostile shape
		// cannot overflow into a plausible byte length.
		if d != 0 && n > math.MaxInt32/d {
			return entry{}, bad("tensor %q: shape %v is too large", name, *h.Shape)
		}
		n *= d
		shape[i] = int(d)
	}
	if n*size != off[1]-off[0] {
		return entry{}, bad("tensor %q: shape %v of %s needs %d bytes but data_offsets [%d, %d] hold %d",
			name, *h.Shape, *h.Dtype, n*size, off[0], off[1], off[1]-off[0])
	}
	return entry{name: name, dtype: *h.Dtype, shape: shape, begin: off[0], end: off[1]}, nil
}
