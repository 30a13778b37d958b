package data

import "fmt"

// Images is a set of N images of C channels and H×W pixels stored as
// N×C×H×W float32 (channel-major within an image), scaled to [−1, 1].
// Labels holds a class per image (nil if the set has none) and Classes the
// number of classes (0 if none).
type Images struct {
	N, C, H, W int
	X          []float32
	Labels     []int
	Classes    int
}

// Size is the number of values in one image, C·H·W.
func (im *Images) Size() int { return im.C * im.H * im.W }

// Image returns image i as a slice sharing im's storage.
func (im *Images) Image(i int) []float32 {
	s := im.Size()
	return im.X[i*s : (i+1)*s : (i+1)*s]
}

// Validate checks that the sizes agree with the data.
func (im *Images) Validate() error {
	switch {
	case im.N < 1 || im.C < 1 || im.H < 1 || im.W < 1:
		return fmt.Errorf("bad image set shape %d×%d×%d×%d", im.N, im.C, im.H, im.W)
	case len(im.X) != im.N*im.Size():
		return fmt.Errorf("image set %d×%d×%d×%d holds %d values, want %d", im.N, im.C, im.H, im.W, len(im.X), im.N*im.Size())
	case im.Labels != nil && len(im.Labels) != im.N:
		return fmt.Errorf("%d labels for %d images", len(im.Labels), im.N)
	}
	return nil
}
