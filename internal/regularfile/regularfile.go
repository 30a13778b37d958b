// Package regularfile opens and reads files only if they are regular
// files: a FIFO would block its reader until a writer comes, and a device
// such as /dev/zero (or a symbolic link to one) never ends, so a parser
// handed one by mistake or malice hangs or streams forever. Both are
// refused before a byte is read.
package regularfile

import (
	"fmt"
	"io"
	"os"
)

// Open opens path for reading if it is a regular file (after following
// symbolic links) and returns it with its size.
func Open(path string) (*os.File, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if err := check(path, st); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
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
		return nil, fmt.Errorf("%s shrank from %d to %d bytes while being read", path, size, n)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

func check(path string, st os.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("%s is a directory, not a file", path)
	default:
		return fmt.Errorf("%s is not a regular file (%s)", path, kind(m))
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
