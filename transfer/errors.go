package transfer

import (
	"errors"
	"fmt"
)

// Error is a failed transfer of one object. Op is the operation ("upload",
// "download", "copy", "delete"), Path the local file if any.
type Error struct {
	Op     string
	Bucket string
	Key    string
	Path   string
	Err    error
}

// Error implements error.
func (e *Error) Error() string {
	target := "s3://" + e.Bucket + "/" + e.Key
	switch {
	case e.Path != "" && e.Op == "download":
		target = target + " to " + e.Path
	case e.Path != "":
		target = e.Path + " to " + target
	}
	return fmt.Sprintf("%s %s: %v", e.Op, target, e.Err)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// IntegrityError reports bytes whose digest did not match what S3 claims.
type IntegrityError struct {
	// What was compared, e.g. "part 3 etag" or "object md5".
	What     string
	Expected string
	Got      string
}

// Error implements error.
func (e *IntegrityError) Error() string {
	return fmt.Sprintf("integrity check failed: %s: expected %s, got %s", e.What, e.Expected, e.Got)
}

// ErrTooLarge is returned (wrapped) when an object cannot fit in 10,000
// parts of at most 5 GiB, or a stream exceeds 5 TiB.
var ErrTooLarge = errors.New("object too large for S3 multipart limits")

// ErrUnsafeDelete is returned by sync with Delete when the source is missing
// or empty and Force is not set: aws-cli's "sync --delete" with an empty
// source deletes the whole destination, which has wiped backups.
var ErrUnsafeDelete = errors.New("refusing to delete: the source is missing or empty (use --force to allow)")

// ErrSizeChanged is returned (wrapped) when a file's size changed while it
// was being uploaded, or an object's while it was downloaded.
var ErrSizeChanged = errors.New("size changed during transfer")

// ErrLocalToLocal is returned by CopyTree, Sync and Transfer when neither
// side is in S3: they move data between a machine and S3, or within S3.
var ErrLocalToLocal = errors.New("transfer: neither side is in S3")
