package transfer

import (
	"errors"
	"io"
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
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EEXIST) {
		// A filesystem or security policy that allows unnamed files but
		// not linking them: keep the downloaded bytes by copying them.
		return copyOut(f, dir, base, path)
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

// copyOut copies the unnamed file f into a new named temporary file in
// dir and renames that over path.
func copyOut(f *os.File, dir, base, path string) error {
	p, err := createNamedPart(dir, base)
	if err != nil {
		return err
	}
	if _, err = f.Seek(0, io.SeekStart); err == nil {
		_, err = io.Copy(p.File, f)
	}
	if err == nil {
		var fi os.FileInfo
		if fi, err = f.Stat(); err == nil {
			err = os.Chtimes(p.Name(), fi.ModTime(), fi.ModTime())
		}
	}
	if err != nil {
		p.discard()
		return err
	}
	return p.publish(path)
}
