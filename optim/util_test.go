package optim

import "fmt"

func fmtKey(format string, args ...any) string { return fmt.Sprintf(format, args...) }
