//go:build unix

package cli

import "syscall"

// diskSpace is the size of the file system holding dir and the bytes
// available on it to an unprivileged writer (0, 0 when unknown).
func diskSpace(dir string) (total, free uint64) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0
	}
	return st.Blocks * uint64(st.Bsize), st.Bavail * uint64(st.Bsize)
}
