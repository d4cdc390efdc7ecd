package transfer

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"strconv"
	"strings"
	"time"
)

// Action is what a sync does with one key.
type Action int

// Sync actions. Keys equal on both sides produce no step.
const (
	// ActionCopy: the key exists only in the source.
	ActionCopy Action = iota
	// ActionUpdate: the key exists on both sides and differs.
	ActionUpdate
	// ActionDelete: the key exists only in the destination (with Delete).
	ActionDelete
)

// String returns the action's name.
func (a Action) String() string {
	switch a {
	case ActionCopy:
		return "copy"
	case ActionUpdate:
		return "update"
	case ActionDelete:
		return "delete"
	}
	return "unknown"
}

// Step is one planned sync operation.
type Step struct {
	Action Action
	Key    string // relative key
	Src    Entry  // zero for ActionDelete
	Dst    Entry  // zero for ActionCopy
	Reason string // why an update is needed, e.g. "size differs"
}

// CompareFunc reports whether src and dst (same key) differ, and why.
type CompareFunc func(ctx context.Context, src, dst Entry) (differ bool, reason string, err error)

// SyncOptions configure Manager.Sync and PlanSync.
type SyncOptions struct {
	// Delete plans deletion of destination keys missing from the source.
	Delete bool
	// Force allows Delete when the source is missing or empty.
	Force bool
	// Compare decides updates (default CompareSizeTime(false)).
	Compare CompareFunc

	// The fields below apply to Manager.Sync only: PlanSync reads the
	// streams it is given.

	// Filter selects the keys, relative to each side's root, to consider.
	Filter Filter
	// DryRun yields the Results the sync would produce and changes nothing.
	DryRun bool
	// Concurrency is the number of files or objects in flight at once
	// (default: the Manager's Options.Concurrency).
	Concurrency int
}

// PlanSync merge-joins two key-ordered streams and yields the steps that make
// dst match src. Memory stays flat however many keys there are: each side is
// read once, in step. A source that is not in strictly increasing key order
// is an error (a join over it would plan wrong deletes), and so is any error
// from the source: an unreadable source directory must never look empty.
//
// With Delete, a source that is empty or missing (an error wrapping
// fs.ErrNotExist) stops the plan with ErrUnsafeDelete before any step unless
// Force is set.
func PlanSync(ctx context.Context, src, dst iter.Seq2[Entry, error], opts SyncOptions) iter.Seq2[Step, error] {
	if opts.Compare == nil {
		opts.Compare = CompareSizeTime(false)
	}
	return func(yield func(Step, error) bool) {
		nextS, stopS := iter.Pull2(src)
		defer stopS()
		nextD, stopD := iter.Pull2(dst)
		defer stopD()
		s, serr, sok := nextS()
		if serr != nil && errors.Is(serr, fs.ErrNotExist) && opts.Force {
			sok, serr = false, nil // a missing source with --force is empty
		}
		if serr != nil {
			if opts.Delete && errors.Is(serr, fs.ErrNotExist) {
				serr = fmt.Errorf("%w: %w", ErrUnsafeDelete, serr)
			}
			yield(Step{}, fmt.Errorf("source: %w", serr))
			return
		}
		if !sok && opts.Delete && !opts.Force {
			yield(Step{}, ErrUnsafeDelete)
			return
		}
		d, derr, dok := nextD()
		var lastS, lastD string
		for sok || dok {
			if err := ctx.Err(); err != nil {
				yield(Step{}, err)
				return
			}
			if derr != nil {
				yield(Step{}, fmt.Errorf("destination: %w", derr))
				return
			}
			if sok && lastS != "" && s.Key <= lastS || dok && lastD != "" && d.Key <= lastD {
				yield(Step{}, fmt.Errorf("sync: keys out of order near %q", min(s.Key, d.Key)))
				return
			}
			var step Step
			emit := true
			switch {
			case sok && (!dok || s.Key < d.Key):
				step = Step{Action: ActionCopy, Key: s.Key, Src: s}
			case dok && (!sok || d.Key < s.Key):
				step, emit = Step{Action: ActionDelete, Key: d.Key, Dst: d}, opts.Delete
			default:
				differ, why, err := opts.Compare(ctx, s, d)
				if err != nil {
					yield(Step{}, fmt.Errorf("compare %s: %w", s.Key, err))
					return
				}
				step, emit = Step{Action: ActionUpdate, Key: s.Key, Src: s, Dst: d, Reason: why}, differ
			}
			if emit && !yield(step, nil) {
				return
			}
			if step.Action != ActionDelete {
				lastS = s.Key
				s, serr, sok = nextS()
				if serr != nil {
					yield(Step{}, fmt.Errorf("source: %w", serr))
					return
				}
			}
			if step.Action != ActionCopy {
				lastD = d.Key
				d, derr, dok = nextD()
			}
		}
	}
}

// CompareSizeTime is aws-cli's default sync rule: update when the sizes
// differ or the source is newer than the destination (by whole seconds, as
// S3 stores LastModified). With exact, any difference in mtime updates:
// aws-cli's --exact-timestamps.
func CompareSizeTime(exact bool) CompareFunc {
	return func(_ context.Context, src, dst Entry) (bool, string, error) {
		if src.Size != dst.Size {
			return true, "size differs", nil
		}
		st, dt := src.ModTime.Truncate(time.Second), dst.ModTime.Truncate(time.Second)
		if exact && !st.Equal(dt) {
			return true, "modification time differs", nil
		}
		if st.After(dt) {
			return true, "source is newer", nil
		}
		return false, "", nil
	}
}

// CompareChecksum compares content: the MD5 of a local file (or its
// multipart form for partSize) with the remote ETag, or two ETags. An ETag
// that cannot be reproduced (other part size, encryption) counts as a
// difference, so the object is copied again rather than wrongly skipped.
func CompareChecksum(partSize int64) CompareFunc {
	return func(ctx context.Context, src, dst Entry) (bool, string, error) {
		if src.Size != dst.Size {
			return true, "size differs", nil
		}
		var a, b string
		var err error
		switch {
		case src.Path == "" && dst.Path == "":
			a, b = src.ETag, dst.ETag
		case src.Path != "" && dst.Path != "":
			if a, err = LocalETag(src.Path, partSize, 0); err == nil {
				b, err = LocalETag(dst.Path, partSize, 0)
			}
		case src.Path != "":
			b = dst.ETag
			a, err = LocalETag(src.Path, partSize, etagParts(b))
		default:
			a = src.ETag
			b, err = LocalETag(dst.Path, partSize, etagParts(a))
		}
		if err != nil {
			return false, "", err
		}
		if a == "" || a != b {
			return true, "content differs", nil
		}
		return false, "", nil
	}
}

// etagParts is the part count in a multipart ETag, 0 for single-part.
func etagParts(etag string) int {
	_, n, ok := strings.Cut(trimETag(etag), "-")
	if !ok {
		return 0
	}
	p, _ := strconv.Atoi(n)
	return p
}

// LocalETag computes the ETag S3 would give the file at path: its MD5 when
// parts is 0, else the multipart ETag for partSize parts (when the file
// splits into exactly that many parts; otherwise "" as it cannot match).
func LocalETag(path string, partSize int64, parts int) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if parts == 0 {
		h := md5.New()
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if int((fi.Size()+partSize-1)/partSize) != parts {
		return "", nil
	}
	sums := make([][]byte, 0, parts)
	for range parts {
		h := md5.New()
		if _, err := io.CopyN(h, f, partSize); err != nil && err != io.EOF {
			return "", err
		}
		sums = append(sums, h.Sum(nil))
	}
	return compositeMD5(sums), nil
}
