//go:build !linux

package disk

import "os"

// allocate gives f size bytes by writing zeros.
func allocate(f *os.File, size int64) error { return writeZeros(f, size) }

// statfs is not known here: the store tries to restore its reserve
// instead (see space.admit).
func statfs(string) (avail, total int64, ok bool) { return 0, 0, false }
