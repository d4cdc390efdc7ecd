//go:build unix

package policy

import (
	"syscall"
	"time"
)

// processCPU is the process's user+system CPU time. The shared build
// machine gives a benchmark a fraction of a core, so wall time per
// operation overstates the cost; CPU time per operation does not (the
// decision allocates nothing, so no GC work hides in it).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
