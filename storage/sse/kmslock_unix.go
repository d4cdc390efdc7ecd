//go:build unix

package sse

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on the key file's lock file, so a CLI
// and a server adding keys at once do not lose one.
func (k *KMS) lockFile() (unlock func(), err error) {
	if k.path == "" {
		return func() {}, nil
	}
	f, err := os.OpenFile(k.path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
