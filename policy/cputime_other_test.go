//go:build !unix

package policy

import "time"

// processCPU is unavailable here; the cpu-ns/op metric then reads 0.
func processCPU() time.Duration { return 0 }
