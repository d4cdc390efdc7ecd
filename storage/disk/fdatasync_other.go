//go:build !linux

package disk

import "os"

// fdatasync is fsync where fdatasync(2) is not available; raw is ignored.
func fdatasync(f *os.File, raw bool) error { return f.Sync() }
