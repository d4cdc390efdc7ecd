// Package secret is the one place s3kit shows and stores secrets: Mask
// hides all but the tail of a key for logs, errors and --json output, and
// WriteFile replaces a file that holds one (a key store, an SSO token
// cache, the AWS shared files) without a moment in which it is half
// written or readable under a wider mode.
package secret

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Mask replaces every character of s but the last four with '*', the form
// `s3kit creds` and `aws configure list` show keys in: the tail is enough
// to tell two keys apart. A value of four characters or fewer would be
// shown whole, so it is masked entirely. Characters, not bytes, are
// counted, so a multi-byte character is never cut in half.
func Mask(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// WriteFile replaces path with data: it writes a temporary file in the
// same directory with mode perm, fsyncs it, renames it over path and fsyncs
// the directory, so readers and crashes see the old content or the new,
// never a mix, and a secret is never readable under a wider mode even
// briefly (the mode is set before the first byte is written). On failure
// path is unchanged and the temporary file is gone.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes the rename durable. A file system that cannot fsync a
// directory (os.ErrInvalid) has nothing to flush.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
