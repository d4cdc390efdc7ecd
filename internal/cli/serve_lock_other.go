//go:build !unix

package cli

// lockDataDir is a no-op where flock is unavailable; the storage index's
// own lock still keeps a second server out, after a timeout.
func lockDataDir(string) (func(), error) { return func() {}, nil }
