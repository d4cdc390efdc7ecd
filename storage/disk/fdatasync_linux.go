package disk

import (
	"os"
	"runtime"
	"syscall"
)

// fdatasync flushes f's data and the metadata needed to read it back (its
// size), skipping timestamps: cheaper than fsync for an appended log.
//
// Only the committer calls it, once per group, and it issues the flush as
// a raw system call: the committer keeps its P while the disk flushes.
// Through syscall.Fdatasync the runtime's monitor sees a P in a system
// call for more than 20 us on every group, hands that P to another thread
// and the committer's thread queues to get one back on return; the monitor,
// having just retaken a P, also keeps polling every 20 us. Measured under
// 16 writers of 4 KiB objects that was 3.1 context switches per PUT against
// 1.9 with the raw call, and 15-35 % more server CPU per PUT (see
// bench/results/perf.md, "Fourth session").
//
// The price: a stop-the-world phase of the garbage collector waits for a
// flush in progress, and the committer's P runs nothing else meanwhile. So
// with a single P (where that would stall every request for the length of
// each flush) it uses the ordinary call.
func fdatasync(f *os.File) error {
	raw := runtime.GOMAXPROCS(0) > 1
	for {
		var err error
		if raw {
			if _, _, e := syscall.RawSyscall(syscall.SYS_FDATASYNC, f.Fd(), 0, 0); e != 0 {
				err = e
			}
		} else {
			err = syscall.Fdatasync(int(f.Fd()))
		}
		if err != syscall.EINTR {
			if err != nil {
				return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}
