//go:build !amd64 || noasm

package field

const useAsmScan = false

func minPlusAsm(a, b *float32, n int) float32 { panic("field: no assembly scan") }

func selectLEAsm(a, b *float32, n int, thr float32, base int32, idx *int32, limit int) int {
	panic("field: no assembly scan")
}

const useAsmMath = false

func expAsm(v *float64, n int) int { panic("field: no assembly exp") }

func logWeightsAsm(d *float64, n int, negA, r2 float64) int { panic("field: no assembly log") }
