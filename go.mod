module github.com/pfgm/pfgm

go 1.26.0

require (
	github.com/spf13/cobra v1.9.1
	github.com/spf13/pflag v1.0.9
	golang.org/x/image v0.48.0
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
)

<<<<<<< HEAD
require github.com/prometheus/client_golang v1.25.0 // indirect
=======
require github.com/inconshreveable/mousetrap v1.1.0 // indirect
>>>>>>> cli
