package transfer

import (
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// openUnnamed opens an unnamed file in dir (O_TMPFILE), named name in
// errors, or returns nil where the filesystem has none or /proc/self/fd,
// through which it is linked, is missing.
func openUnnamed(dir, name string) *os.File {
	fd, err := unix.Open(dir, unix.O_RDWR|unix.O_TMPFILE|unix.O_CLOEXEC, 0o666)
	if err != nil {
		return nil
	}
	f := os.NewFile(uintptr(fd), name)
	if _, err := os.Lstat(fdPath(f)); err != nil {
		f.Close()
		return nil
	}
	return f
}

// fdPath is the /proc path through which f's inode is reached.
func fdPath(f *os.File) string { return "/proc/self/fd/" + strconv.Itoa(int(f.Fd())) }

// linkUnnamed gives the unnamed file f the name path. A file already at
// path is replaced atomically: f is linked under a temporary name in dir
// and renamed over it.
func linkUnnamed(f *os.File, dir, base, path string) error {
	src := fdPath(f)
	err := unix.Linkat(unix.AT_FDCWD, src, unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	if !errors.Is(err, unix.EEXIST) {
		if err != nil {
			return &os.LinkError{Op: "link", Old: f.Name(), New: path, Err: err}
		}
		return nil
	}
	for range 100 {
		tmp := tempName(dir, base)
		err = unix.Linkat(unix.AT_FDCWD, src, unix.AT_FDCWD, tmp, unix.AT_SYMLINK_FOLLOW)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return &os.LinkError{Op: "link", Old: f.Name(), New: tmp, Err: err}
		}
		if err = os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
		}
		return err
	}
	return &os.LinkError{Op: "link", Old: f.Name(), New: path, Err: errors.New("too many name collisions")}
}
