//go:build !unix

package keys

// lockFile is a no-op where flock is unavailable: writers in one process are
// still serialised by the Store's mutex, and every write is atomic.
func lockFile(string) (func(), error) { return func() {}, nil }
