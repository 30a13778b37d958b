package sampler

import (
	"math"
	"testing"
)

func TestEDMGrid(t *testing.T) {
	g := EDMGrid(18, 0.002, 80, 7)
	if len(g) != 19 || g[0] != 80 || g[17] != 0.002 || g[18] != 0 {
		t.Fatalf("grid ends: len %d, %v … %v, %v", len(g), g[0], g[17], g[18])
	}
	for i := 1; i < len(g); i++ {
		if !(g[i] < g[i-1]) {
			t.Errorf("not decreasing at %d: %v ≥ %v", i, g[i], g[i-1])
		}
	}
	// σ_5 written out from the formula.
	want := math.Pow(math.Pow(80, 1.0/7)+5.0/17*(math.Pow(0.002, 1.0/7)-math.Pow(80, 1.0/7)), 7)
	if math.Abs(g[5]-want) > 1e-12*want {
		t.Errorf("σ_5 = %v, want %v", g[5], want)
	}
	// ρ = 1 is a uniform grid.
	u := EDMGrid(4, 1, 4, 1)
	for i, w := range []float64{4, 3, 2, 1, 0} {
		if math.Abs(u[i]-w) > 1e-12 {
			t.Errorf("ρ=1 grid[%d] = %v, want %v", i, u[i], w)
		}
	}
	if g := EDMGrid(1, 0.002, 80, 7); len(g) != 2 || g[0] != 80 || g[1] != 0 {
		t.Errorf("EDMGrid(1) = %v, want [80 0]", g)
	}
	if g := EDMGrid(2, 0.002, 80, 7); len(g) != 3 || g[0] != 80 || g[1] != 0.002 || g[2] != 0 {
		t.Errorf("EDMGrid(2) = %v, want [80 0.002 0]", g)
	}
	for _, bad := range [][4]float64{{0, 0.002, 80, 7}, {4, 0, 80, 7}, {4, 1, 1, 7}, {4, 0.002, 80, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("EDMGrid%v did not panic", bad)
				}
			}()
			EDMGrid(int(bad[0]), bad[1], bad[2], bad[3])
		}()
	}
}

func TestParseSolver(t *testing.T) {
	for in, want := range map[string]Solver{"euler": Euler, "Heun": Heun, "RK45": RK45, " rk45 ": RK45, "SDE": SDE, "edm-sde": EDMSDE} {
		if got, err := ParseSolver(in); err != nil || got != want {
			t.Errorf("ParseSolver(%q) = %v, %v", in, got, err)
		}
	}
	for _, s := range []Solver{Euler, Heun, RK45, SDE, EDMSDE} {
		if got, _ := ParseSolver(s.String()); got != s {
			t.Errorf("round trip of %v gave %v", s, got)
		}
	}
	if _, err := ParseSolver("rk4"); err == nil || err.Error() != `unknown solver "rk4" (want euler, heun, rk45, sde or edm-sde)` {
		t.Errorf("ParseSolver(rk4) error = %v", err)
	}
}
