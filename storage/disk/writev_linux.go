package disk

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// maxIov is how many buffers one pwritev takes (IOV_MAX is 1024).
const maxIov = 1024

// writeVec writes bufs back to back at off with pwritev, resuming after
// short writes.
func writeVec(f *os.File, bufs [][]byte, off int64) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	for len(bufs) > 0 {
		if len(bufs[0]) == 0 {
			bufs = bufs[1:]
			continue
		}
		batch := bufs[:min(len(bufs), maxIov)]
		var n int
		var werr error
		if err := sc.Write(func(fd uintptr) bool {
			for {
				n, werr = unix.Pwritev(int(fd), batch, off)
				if werr != unix.EINTR {
					return true
				}
			}
		}); err != nil {
			return err
		}
		if werr != nil {
			return &os.PathError{Op: "pwritev", Path: f.Name(), Err: werr}
		}
		if n == 0 {
			return &os.PathError{Op: "pwritev", Path: f.Name(), Err: io.ErrShortWrite}
		}
		off += int64(n)
		for n > 0 {
			if n >= len(bufs[0]) {
				n -= len(bufs[0])
				bufs = bufs[1:]
			} else {
				bufs[0] = bufs[0][n:]
				n = 0
			}
		}
	}
	return nil
}
