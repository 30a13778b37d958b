package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/sys/unix"
)

// A run directory holds only files the run writes (runFile); while a
// trainer works in it, it holds an flock(2) on dir/.lock. The kernel
// drops the lock when the process dies, so a killed trainer never leaves a
// stale lock behind: the file stays, unlocked.
const lockFile = ".lock"

// runFile matches the names of the files a run writes.
var runFile = regexp.MustCompile(`^(config\.json|loss\.csv|model\.safetensors|prior\.safetensors|ckpt-[0-9]{8,}\.safetensors|samples-[0-9]{8,}\.png|\.lock)$`)

// tempFile matches the temporary files of atomic writes
// (internal/atomicfile: ".NAME.tmp-RANDOM") of the run's own files.
var tempFile = regexp.MustCompile(`^\.(.+)\.tmp-[0-9]+$`)

// runLock is a held lock on a run directory.
type runLock struct{ f *os.File }

// lockRun takes the run directory's lock, or says who holds it.
func lockRun(dir string) (*runLock, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is being trained by another process (it holds %s); wait for it or stop it", dir, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &runLock{f: f}, nil
}

// unlock releases the lock (closing the file releases the flock).
func (l *runLock) unlock() { l.f.Close() }

// checkNewRunDir refuses a directory that holds files but no run: a fresh
// run must not overwrite or prune someone's files. A missing or empty
// directory, or one holding only the lock, is fine.
func checkNewRunDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var others []string
	for _, e := range ents {
		if e.Name() == configFile {
			return nil // a run: the caller decides
		}
		if e.Name() != lockFile && !tempFile.MatchString(e.Name()) {
			others = append(others, e.Name())
		}
	}
	if len(others) > 0 {
		return fmt.Errorf("%s is not empty (%s) but holds no run (no %s): choose a new or empty directory", dir, listSome(others), configFile)
	}
	return nil
}

func listSome(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}

// removeStaleTemps deletes the temporary files that interrupted atomic
// writes of the run's own files left behind (a kill -9 mid-checkpoint).
// The caller holds the run's lock, so no write of this run is in flight.
func removeStaleTemps(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range ents {
		m := tempFile.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() || !runFile.MatchString(m[1]) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, fmt.Errorf("removing stale %s: %w", e.Name(), err)
		}
		removed = append(removed, e.Name())
	}
	return removed, nil
}
