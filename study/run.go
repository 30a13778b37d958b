package study

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Names lists the studies Run knows.
func Names() []string { return []string{"robustness", "data-efficiency", "steps", "limit"} }

// Run runs the study called name.
func Run(ctx context.Context, name string, o Options) error {
	switch name {
	case "robustness":
		return Robustness(ctx, o)
	case "data-efficiency":
		return DataEfficiency(ctx, o)
	case "steps":
		return Steps(ctx, o)
	case "limit":
		return Limit(ctx, o)
	}
	return fmt.Errorf("unknown study %q (want %s)", name, strings.Join(slices.Clone(Names()), ", "))
}
