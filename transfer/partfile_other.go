//go:build !linux

package transfer

import "os"

// openUnnamed returns nil: unnamed files are a Linux feature.
func openUnnamed(dir, name string) *os.File { return nil }

// fdPath is never called where openUnnamed returns nil.
func fdPath(f *os.File) string { return f.Name() }

// linkUnnamed is never called where openUnnamed returns nil.
func linkUnnamed(f *os.File, dir, base, path string) error {
	return os.Rename(f.Name(), path)
}
