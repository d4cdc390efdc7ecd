package transfer

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// partFile is the file a download writes before it has its final name.
// On Linux it is an unnamed file (O_TMPFILE) in the target's directory,
// given its name only when complete: a download that is interrupted, even
// by SIGKILL, leaves nothing behind, and the directory is changed once
// per file (the link) instead of twice (create, rename), which is what
// many small downloads into one directory queue on. Elsewhere, or where
// the filesystem has no unnamed files, it is a hidden ".NAME.s3kit-*.part"
// file renamed over the target at the end.
type partFile struct {
	*os.File
	dir, base string
	unnamed   bool
}

// createPartFile opens the file a download to dir/base goes to. Its mode
// is 0666 less the umask, as for any file a program creates (and
// aws-cli's downloads); os.CreateTemp would make it 0600, and a later
// chmod to a fixed mode would ignore the umask.
func createPartFile(dir, base string) (*partFile, error) {
	if f := openUnnamed(dir, filepath.Join(dir, base)); f != nil {
		return &partFile{File: f, dir: dir, base: base, unnamed: true}, nil
	}
	return createNamedPart(dir, base)
}

// createNamedPart opens a new hidden file in dir for a download to base.
func createNamedPart(dir, base string) (*partFile, error) {
	for range 100 {
		f, err := os.OpenFile(tempName(dir, base), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			if err != nil {
				return nil, err
			}
			return &partFile{File: f, dir: dir, base: base}, nil
		}
	}
	return nil, fmt.Errorf("create a temporary file in %s: too many name collisions", dir)
}

// tempName is a fresh hidden name in dir for a download to base.
func tempName(dir, base string) string {
	return filepath.Join(dir, "."+base+".s3kit-"+strconv.FormatUint(rand.Uint64(), 36)+".part")
}

// setMtime sets the file's modification (and access) time.
func (p *partFile) setMtime(t time.Time) error {
	if p.unnamed {
		return os.Chtimes(fdPath(p.File), t, t)
	}
	return os.Chtimes(p.Name(), t, t)
}

// publish gives the complete file its final name, path, replacing any file
// there, and closes it. A named file is closed first, so that an error
// only close reports (NFS, which has no unnamed files, reports failed
// writes there) keeps it from being published; an unnamed one must be
// linked while open.
func (p *partFile) publish(path string) error {
	var err error
	if p.unnamed {
		err = linkUnnamed(p.File, p.dir, p.base, path)
		if cerr := p.Close(); err == nil {
			err = cerr
		}
	} else if err = p.Close(); err == nil {
		err = os.Rename(p.Name(), path)
	}
	if err != nil {
		p.discard()
	}
	return err
}

// discard closes the file and removes what is left of it.
func (p *partFile) discard() {
	p.Close()
	if !p.unnamed {
		os.Remove(p.Name())
	}
}
