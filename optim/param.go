package optim

import "fmt"

// Param is a named view of one parameter tensor: its values and its gradient,
// both flat and of the same length. Shape is optional (nil means flat); it is
// recorded in saved state so checkpoints show the real layout and a load into
// a differently shaped model fails.
type Param struct {
	Name  string
	Data  []float32
	Grad  []float32
	Shape []int
}

func (p Param) shape() []int {
	if p.Shape == nil {
		return []int{len(p.Data)}
	}
	return p.Shape
}

// checkParams reports the first structural problem in params: empty or
// duplicate names, or values and gradient (when needGrad) of different
// lengths, or a Shape that disagrees with the length.
func checkParams(params []Param, needGrad bool) error {
	seen := make(map[string]bool, len(params))
	for i, p := range params {
		if p.Name == "" {
			return fmt.Errorf("optim: parameter %d has no name", i)
		}
		if seen[p.Name] {
			return fmt.Errorf("optim: duplicate parameter name %q", p.Name)
		}
		seen[p.Name] = true
		if needGrad && len(p.Grad) != len(p.Data) {
			return fmt.Errorf("optim: parameter %q has %d values but %d gradients", p.Name, len(p.Data), len(p.Grad))
		}
		if p.Shape != nil {
			n := 1
			for _, d := range p.Shape {
				n *= d
			}
			if n != len(p.Data) {
				return fmt.Errorf("optim: parameter %q has shape %v but %d values", p.Name, p.Shape, len(p.Data))
			}
		}
	}
	return nil
}
