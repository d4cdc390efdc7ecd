//go:build !unix

package sse

// lockFile is a no-op where flock(2) is missing: concurrent key creation
// by two processes is then not serialised.
func (k *KMS) lockFile() (unlock func(), err error) { return func() {}, nil }
