package data

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ReadPoints reads a point set, choosing the format by extension: .csv or
// .npy. A 1-D NPY array is read as 1-D points.
func ReadPoints(path string) (*Points, error) { return ReadPointsContext(context.Background(), path) }

// ReadPointsContext is ReadPoints that a cancelled ctx stops.
func ReadPointsContext(ctx context.Context, path string) (*Points, error) {
	var p *Points
	var err error
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		p, err = ReadCSVContext(ctx, path)
	case ".npy":
		p, err = readNPYPoints(path)
	default:
		// A misspelled name is better reported as missing than as having
		// the wrong extension.
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("read points: %w", err)
		}
		return nil, fmt.Errorf("read %s: unknown extension %q (want .csv or .npy)", path, ext)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("read points: %w", err)
	}
	return p, nil
}

// WritePoints writes p atomically, choosing the format by extension: .csv
// or .npy (float64).
func WritePoints(path string, p *Points) error {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		return WriteCSV(path, p)
	case ".npy":
		if err := p.Validate(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return WriteNPY(path, []int{p.N(), p.Dim}, p.X)
	default:
		return fmt.Errorf("write %s: unknown extension %q (want .csv or .npy)", path, ext)
	}
}

func readNPYPoints(path string) (*Points, error) {
	a, err := ReadNPY(path)
	if err != nil {
		return nil, err
	}
	p := &Points{X: a.Data}
	switch len(a.Shape) {
	case 1:
		p.Dim = 1
	case 2:
		p.Dim = a.Shape[1]
	default:
		return nil, fmt.Errorf("%s: shape %v: points need a 1-D or 2-D array", path, a.Shape)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
