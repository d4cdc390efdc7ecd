package disk

import (
	"errors"
	"os"
	"syscall"
)

// allocate gives f size bytes of allocated blocks without writing them
// (falling back to writing zeros where fallocate is not supported).
func allocate(f *os.File, size int64) error {
	err := syscall.Fallocate(int(f.Fd()), 0, 0, size)
	if errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS) {
		return writeZeros(f, size)
	}
	return err
}

// statfs returns the bytes an unprivileged writer may still use on dir's
// file system, and the file system's size.
func statfs(dir string) (avail, total int64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), int64(st.Blocks) * int64(st.Bsize), true
}
