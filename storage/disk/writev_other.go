//go:build !linux

package disk

import (
	"bytes"
	"os"
)

// writeVec writes bufs back to back at off.
func writeVec(f *os.File, bufs [][]byte, off int64) error {
	_, err := f.WriteAt(bytes.Join(bufs, nil), off)
	return err
}
