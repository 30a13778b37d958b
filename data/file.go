package data

import (
	"fmt"
	"io"
	"os"
)

// openRegular opens path for reading if it is a regular file (after
// following symbolic links) and returns it with its size. Anything else —
// a FIFO that would block, a device such as /dev/zero that never ends, a
// directory — is refused before it is read.
func openRegular(path string) (*os.File, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if err := checkRegular(path, st); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	// The file may have been swapped between Stat and Open.
	if st, err = f.Stat(); err != nil || checkRegular(path, st) != nil {
		f.Close()
		if err == nil {
			err = checkRegular(path, st)
		}
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func checkRegular(path string, st os.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("%s is a directory, not a file", path)
	default:
		return fmt.Errorf("%s is not a regular file (%s)", path, fileKind(m))
	}
}

func fileKind(m os.FileMode) string {
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

// readRegular reads a whole regular file, refusing other kinds of file and
// reading no more than the size it had when opened.
func readRegular(path string) ([]byte, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, size))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
