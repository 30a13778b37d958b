//go:build !amd64 || noasm

package field

const useAsmScan = false

func minPlusAsm(a, b *float32, n int) float32 { panic("field: no assembly scan") }

func selectLEAsm(a, b *float32, n int, thr float32, base int32, idx *int32, limit int) int {
	panic("field: no assembly scan")
}
