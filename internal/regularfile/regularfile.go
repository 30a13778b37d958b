// Package regularfile opens and reads files only if they are regular
// files: a FIFO would block its reader until a writer comes, and a device
// such as /dev/zero (or a symbolic link to one) never ends, so a parser
// handed one by mistake or malice hangs or streams forever. Both are
// refused before a byte is read.
package regularfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode"
)

// Name returns path as a one-line message should show it: unchanged when
// every character is printable, quoted otherwise. File names may hold
// newlines and other control characters, and an error that breaks across
// lines is misread by people and by log parsers alike.
func Name(path string) string {
	for _, r := range path {
		if !unicode.IsPrint(r) {
			return strconv.Quote(path)
		}
	}
	return path
}

// named rewrites the path inside an *os.PathError with Name.
func named(err error) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok && pe.Path != Name(pe.Path) {
		return &os.PathError{Op: pe.Op, Path: Name(pe.Path), Err: pe.Err}
	}
	return err
}

// Open opens path for reading if it is a regular file (after following
// symbolic links) and returns it with its size.
func Open(path string) (*os.File, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, named(err)
	}
	if err := check(path, st); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, named(err)
	}
	// The file may have been swapped between Stat and Open.
	if st, err = f.Stat(); err == nil {
		err = check(path, st)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// ReadFile reads the whole of a regular file, no more than the size it
// had when opened.
func ReadFile(path string) ([]byte, error) {
	f, size, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, size)
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("%s shrank from %d to %d bytes while being read", Name(path), size, n)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", Name(path), err)
	}
	return b, nil
}

func check(path string, st os.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("%s is a directory, not a file", Name(path))
	default:
		return fmt.Errorf("%s is not a regular file (%s)", Name(path), kind(m))
	}
}

func kind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}
