package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SpecKind is the kind of data set a spec names.
type SpecKind int

const (
	// ToySpec is "toy:NAME", a seeded 2-D toy set (see [Toy]).
	ToySpec SpecKind = iota + 1
	// PointsFileSpec is the path of a .csv or .npy file of points.
	PointsFileSpec
	// IDXSpec is "mnist" or "fashion-mnist", optionally followed by
	// ":train" or ":test".
	IDXSpec
	// PNGDirSpec is the path of a folder of PNG files.
	PNGDirSpec
)

// String names the kind: "toy", "points file", "IDX images" or "PNG folder".
func (k SpecKind) String() string {
	switch k {
	case ToySpec:
		return "toy"
	case PointsFileSpec:
		return "points file"
	case IDXSpec:
		return "IDX images"
	case PNGDirSpec:
		return "PNG folder"
	}
	return fmt.Sprintf("SpecKind(%d)", int(k))
}

// Spec is a parsed data spec.
type Spec struct {
	Kind SpecKind
	// Name is the toy set (ToySpec) or "mnist" / "fashion-mnist" (IDXSpec).
	Name string
	// Split is "train" or "test" (IDXSpec).
	Split string
	// Path is the file or folder (PointsFileSpec, PNGDirSpec).
	Path string
}

// specHelp lists what a spec may be, for error messages.
const specHelp = "want toy:NAME, a .csv or .npy file, mnist, fashion-mnist or a folder of PNG files"

// ParseSpec says what a data spec names: "toy:NAME", "mnist[:SPLIT]",
// "fashion-mnist[:SPLIT]" (SPLIT is train, the default, or test), a .csv
// or .npy file, or a folder of PNG files. Names are checked, and a path
// without one of the two extensions must be an existing folder; a
// missing one is reported as such. Files are not opened.
func ParseSpec(spec string) (Spec, error) {
	if spec == "" {
		return Spec{}, errors.New("empty data spec (" + specHelp + ")")
	}
	if name, ok := strings.CutPrefix(spec, "toy:"); ok {
		if _, ok := toys[name]; !ok {
			return Spec{}, fmt.Errorf("unknown toy data set %q (known: %s)", name, strings.Join(ToyNames(), ", "))
		}
		return Spec{Kind: ToySpec, Name: name}, nil
	}
	if name, split, _ := strings.Cut(spec, ":"); name == "mnist" || name == "fashion-mnist" {
		switch split {
		case "", "train":
			split = "train"
		case "test", "t10k":
			split = "test"
		default:
			return Spec{}, fmt.Errorf("%s: unknown split %q (want train or test)", name, split)
		}
		return Spec{Kind: IDXSpec, Name: name, Split: split}, nil
	}
	switch ext := strings.ToLower(filepath.Ext(spec)); ext {
	case ".csv", ".npy":
		return Spec{Kind: PointsFileSpec, Path: spec}, nil
	}
	st, err := os.Stat(spec)
	if pe, ok := err.(*fs.PathError); ok {
		return Spec{}, fmt.Errorf("data %s: %w (%s)", spec, pe.Err, specHelp)
	}
	if err != nil {
		return Spec{}, fmt.Errorf("data %s: %w", spec, err)
	}
	if !st.IsDir() {
		return Spec{}, fmt.Errorf("data %s: unknown extension %q (%s)", spec, filepath.Ext(spec), specHelp)
	}
	return Spec{Kind: PNGDirSpec, Path: spec}, nil
}

// String is the spec ParseSpec parses back to s.
func (s Spec) String() string {
	switch s.Kind {
	case ToySpec:
		return "toy:" + s.Name
	case IDXSpec:
		if s.Split == "train" {
			return s.Name
		}
		return s.Name + ":" + s.Split
	}
	return s.Path
}

// Images says whether s names an image set rather than points.
func (s Spec) Images() bool { return s.Kind == IDXSpec || s.Kind == PNGDirSpec }
