package transfer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Location is one side of a transfer: a local path, or an object in S3.
// For CopyTree and Sync the path is a directory and the key a prefix, read
// as a "directory": "photos" and "photos/" both name the keys under
// "photos/".
type Location struct {
	// Bucket is the S3 bucket; "" makes the Location local.
	Bucket string
	// Key is the object key, or for a tree the key prefix ("" for the
	// whole bucket).
	Key string
	// Path is the local file, or for a tree the local directory.
	Path string
}

// Local returns the Location of a local file or directory.
func Local(path string) Location { return Location{Path: path} }

// Remote returns the Location of an object or prefix in bucket.
func Remote(bucket, key string) Location { return Location{Bucket: bucket, Key: key} }

// IsRemote reports whether l is in S3.
func (l Location) IsRemote() bool { return l.Bucket != "" }

// String returns "s3://bucket/key" for a remote Location, else the path.
func (l Location) String() string {
	if l.IsRemote() {
		return "s3://" + l.Bucket + "/" + l.Key
	}
	return l.Path
}

// Op names what one Result did.
type Op string

// The operations of a Result.
const (
	OpUpload   Op = "upload"
	OpDownload Op = "download"
	OpCopy     Op = "copy" // server-side, S3 to S3
	OpDelete   Op = "delete"
	// OpList is a failure to read a side of the transfer, which ends it.
	OpList Op = "list"
)

// Result is the outcome of one file or object of a transfer. A sequence
// returned by CopyTree or Sync yields it with a nil error once the operation
// is done (or, with DryRun, planned), or with the error that made it fail;
// one failure does not stop the others, as in aws-cli and s5cmd.
//
// In CopyTree and Sync, an error yielded with Op OpList (a side could not
// be listed, or a sync with Delete refused with ErrUnsafeDelete) or with a
// zero Op (the context ended, or ErrLocalToLocal) is the last one: the run
// stopped early.
type Result struct {
	Op Op
	// Move is set when the source is removed once the target is complete
	// (TreeOptions.Move, TransferOptions.Move).
	Move bool
	// Source is "s3://bucket/key" or a local path.
	Source string
	// Target is like Source, and "" for OpDelete.
	Target string
	// Size is the number of bytes moved, -1 when unknown.
	Size int64
}

// TreeOptions configure CopyTree.
type TreeOptions struct {
	// Filter selects the keys, relative to the source root, to copy.
	Filter Filter
	// Move removes each source file or object once its copy is complete.
	Move bool
	// DryRun yields the Results the copy would produce and changes nothing.
	DryRun bool
	// Concurrency is the number of files or objects in flight at once
	// (default: the Manager's Options.Concurrency). Their requests share
	// the Manager's request slots.
	Concurrency int
}

// TransferOptions configure Transfer.
type TransferOptions struct {
	// Move removes the source once the target is complete.
	Move bool
}

// SymlinkEscapeError is returned for a local path under a target directory
// that passes through a symbolic link leading outside it: writing or
// deleting there would touch files the caller never named.
type SymlinkEscapeError struct {
	Root, Link, Target string
}

// Error implements error.
func (e *SymlinkEscapeError) Error() string {
	if e.Target == "" {
		return fmt.Sprintf("%s is a symbolic link that leads nowhere, inside %s; skipped", e.Link, e.Root)
	}
	return fmt.Sprintf("%s is a symbolic link to %s, outside %s; skipped", e.Link, e.Target, e.Root)
}

// CopyTree copies every file under the local directory src, or object under
// the prefix src, that passes opts.Filter, to the same relative key under
// dst: an upload, a download or a server-side copy, as the sides are local
// or remote. Nothing starts until the sequence is ranged over; Results
// arrive as operations finish, and leaving the loop early cancels what is
// still running and waits for it to stop.
//
// Downloads never land outside dst: a key that is not a local relative path
// ("../x", "/etc/x") fails with an error and is skipped, and so is a path
// that passes through a symbolic link leading outside dst
// (*SymlinkEscapeError). Each file is written to a temporary file and
// renamed into place once complete, as DownloadFile does.
func (m *Manager) CopyTree(ctx context.Context, src, dst Location, opts TreeOptions) iter.Seq2[Result, error] {
	if !src.IsRemote() && !dst.IsRemote() {
		return failed(ErrLocalToLocal)
	}
	op := opBetween(src, dst)
	jobs := func(ctx context.Context) iter.Seq2[job, error] {
		return func(yield func(job, error) bool) {
			for e, err := range m.walk(ctx, src) {
				if err != nil {
					yield(job{}, fmt.Errorf("list %s: %w", src, err))
					return
				}
				if !opts.Filter.Match(e.Key) {
					continue
				}
				j, err := entryJob(op, src, dst, e)
				j.err = err
				j.move = opts.Move
				if !yield(j, nil) {
					return
				}
			}
		}
	}
	return m.run(ctx, jobs, opts.Concurrency, opts.DryRun)
}

// Sync makes dst match src as aws s3 sync does: keys missing from dst or
// differing (by opts.Compare) are copied, and with opts.Delete keys missing
// from src are deleted from dst, S3 keys in DeleteObjects batches. Both
// sides are walked in key order and merge-joined by PlanSync, so memory
// stays flat however many keys there are; opts.Filter applies to both
// sides. A missing local dst is an empty side (the downloads create it).
//
// With Delete, a missing or empty src stops the run before any change with
// an OpList error wrapping ErrUnsafeDelete, unless opts.Force is set.
// Downloads are as safe as CopyTree's, and local deletes never follow a
// symbolic link out of dst.
func (m *Manager) Sync(ctx context.Context, src, dst Location, opts SyncOptions) iter.Seq2[Result, error] {
	if !src.IsRemote() && !dst.IsRemote() {
		return failed(ErrLocalToLocal)
	}
	op := opBetween(src, dst)
	jobs := func(ctx context.Context) iter.Seq2[job, error] {
		steps := PlanSync(ctx, m.syncSide(ctx, src, opts.Filter, true), m.syncSide(ctx, dst, opts.Filter, false), opts)
		return func(yield func(job, error) bool) {
			for st, err := range steps {
				if err != nil {
					yield(job{}, fmt.Errorf("sync %s to %s: %w", src, dst, err))
					return
				}
				var j job
				var err error
				if st.Action == ActionDelete {
					j, err = entryJob(OpDelete, dst, dst, st.Dst)
					j.src = j.dst
				} else {
					j, err = entryJob(op, src, dst, st.Src)
				}
				j.err = err
				if !yield(j, nil) {
					return
				}
			}
		}
	}
	return m.run(ctx, jobs, opts.Concurrency, opts.DryRun)
}

// Transfer copies one file or object from src to dst: an upload, a
// download (through a temporary file, like DownloadFile) or a server-side
// copy, as the sides are local or remote. With opts.Move the source is
// removed once the target is complete.
func (m *Manager) Transfer(ctx context.Context, src, dst Location, opts TransferOptions) (Result, error) {
	j := job{op: opBetween(src, dst), src: src, dst: dst, size: -1, move: opts.Move}
	res := j.result()
	if !src.IsRemote() && !dst.IsRemote() {
		return res, ErrLocalToLocal
	}
	var err error
	res.Size, err = m.execJob(ctx, j)
	return res, err
}

// failed is a run that stops at once with err.
func failed(err error) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) { yield(Result{}, err) }
}

// opBetween is the operation that copies from src to dst.
func opBetween(src, dst Location) Op {
	if !src.IsRemote() {
		return OpUpload
	}
	if dst.IsRemote() {
		return OpCopy
	}
	return OpDownload
}

// job is one object operation of a tree transfer.
type job struct {
	op       Op
	src, dst Location
	size     int64
	move     bool
	// root, for a job with a local side, is the local directory that
	// side's path must stay inside.
	root string
	// err, when set, is reported instead of running the job.
	err error
}

// result is the Result of j before it runs.
func (j job) result() Result {
	r := Result{Op: j.op, Move: j.move, Source: j.src.String(), Size: j.size}
	if j.op != OpDelete {
		r.Target = j.dst.String()
	}
	return r
}

// dirPrefix turns a key into a "directory" prefix for tree operations.
func dirPrefix(key string) string {
	if key == "" || strings.HasSuffix(key, "/") {
		return key
	}
	return key + "/"
}

// walk streams the files under a local directory or objects under a
// prefix, keyed relative to it.
func (m *Manager) walk(ctx context.Context, l Location) iter.Seq2[Entry, error] {
	if l.IsRemote() {
		return WalkRemote(ctx, m.c, l.Bucket, dirPrefix(l.Key))
	}
	return WalkLocal(ctx, l.Path)
}

// syncSide streams one side of a sync, filtered. A missing local target
// directory is an empty side.
func (m *Manager) syncSide(ctx context.Context, l Location, f Filter, source bool) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for e, err := range m.walk(ctx, l) {
			if err != nil {
				if !source && errors.Is(err, fs.ErrNotExist) {
					return
				}
				yield(e, err)
				return
			}
			if f.Match(e.Key) && !yield(e, nil) {
				return
			}
		}
	}
}

// entryJob is the job for one relative key under src and dst. A key that
// would escape a local target directory ("../x", "/etc/x") is refused: an
// object's name must never choose where outside the target a file lands.
func entryJob(op Op, src, dst Location, e Entry) (job, error) {
	j := job{op: op, src: src, dst: dst, size: e.Size}
	if !dst.IsRemote() && !filepath.IsLocal(filepath.FromSlash(e.Key)) {
		return j, fmt.Errorf("%s%s: key is not a safe local path; skipped", dirPrefix(src.String()), e.Key)
	}
	if src.IsRemote() {
		j.src.Key = dirPrefix(src.Key) + e.Key
	} else {
		j.src.Path = e.Path
	}
	if dst.IsRemote() {
		j.dst.Key = dirPrefix(dst.Key) + e.Key
	} else {
		j.dst.Path = filepath.Join(dst.Path, filepath.FromSlash(e.Key))
		j.root = dst.Path
	}
	if op == OpDelete && !src.IsRemote() {
		j.root = src.Path
	}
	return j, nil
}

// CheckInsideRoot returns a *SymlinkEscapeError when path (root joined
// with a relative key) passes through an existing symbolic link that
// resolves outside root: a directory on the way, or with last the final
// component too (a delete removes a final link itself, harmlessly). Links
// that stay inside root are followed as usual, and so is root itself,
// which the caller named. Components that do not exist yet are created as
// directories by a download, so they cannot lead anywhere else. CopyTree
// and Sync check every local path they write or delete this way.
func CheckInsideRoot(root, path string, last bool) error {
	base, err := filepath.EvalSymlinks(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, path)
	if err != nil || !filepath.IsLocal(rel) {
		return fmt.Errorf("%s is not inside %s; skipped", path, root)
	}
	cur := root
	parts := strings.Split(rel, string(filepath.Separator))
	if !last {
		parts = parts[:len(parts)-1]
	}
	for _, part := range parts {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		target, err := filepath.EvalSymlinks(cur)
		if err != nil {
			return &SymlinkEscapeError{Root: root, Link: cur}
		}
		if r, err := filepath.Rel(base, target); err != nil || (r != "." && !filepath.IsLocal(r)) {
			return &SymlinkEscapeError{Root: root, Link: cur, Target: target}
		}
	}
	return nil
}

// outcome is one Result on its way from a worker to the caller's loop.
type outcome struct {
	res Result
	err error
}

// run runs the jobs with up to workers at once and yields their Results on
// the caller's goroutine. Workers hand Results over a channel: yield must
// never be called from two goroutines at once. Breaking out of the loop
// cancels the rest and waits for it to stop.
func (m *Manager) run(ctx context.Context, jobs func(context.Context) iter.Seq2[job, error], workers int, dryrun bool) iter.Seq2[Result, error] {
	if workers <= 0 {
		workers = m.opts.Concurrency
	}
	return func(yield func(Result, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		out := make(chan outcome)
		go func() {
			defer close(out)
			m.runJobs(ctx, jobs(ctx), workers, dryrun, func(r Result, err error) { out <- outcome{r, err} })
		}()
		// However the loop ends (a break, a return, a panic in its body),
		// stop the rest and let the workers finish sending.
		defer func() {
			cancel()
			for range out {
			}
		}()
		for o := range out {
			if !yield(o.res, o.err) {
				return
			}
		}
	}
}

// runJobs runs jobs, sending each Result; failures do not stop the others,
// except a failure to produce the jobs (a listing error), which stops the
// run.
func (m *Manager) runJobs(ctx context.Context, jobs iter.Seq2[job, error], workers int, dryrun bool, send func(Result, error)) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	// S3 deletes go through one batcher (DeleteObjects, 1,000 keys a
	// request) rather than a request per key.
	var del *deleteBatcher
	for j, err := range jobs {
		if err != nil {
			send(Result{Op: OpList}, err)
			break
		}
		if gctx.Err() != nil {
			break
		}
		res := j.result()
		if j.err != nil {
			send(res, j.err)
			continue
		}
		if dryrun {
			send(res, nil)
			continue
		}
		if j.op == OpDelete && j.src.IsRemote() {
			if del == nil {
				del = m.newDeleteBatcher(ctx, j.src.Bucket, send)
			}
			if del.bucket == j.src.Bucket {
				del.add(ctx, j.src.Key)
				continue
			}
		}
		g.Go(func() error {
			var err error
			res.Size, err = m.execJob(gctx, j)
			send(res, err)
			return nil
		})
	}
	_ = g.Wait()
	if del != nil {
		del.close()
	}
	if err := ctx.Err(); err != nil {
		send(Result{}, err)
	}
}

// execJob performs one job and returns the bytes moved.
func (m *Manager) execJob(ctx context.Context, j job) (int64, error) {
	var size int64 = -1
	var err error
	switch j.op {
	case OpUpload:
		var res UploadResult
		res, err = m.UploadFile(ctx, j.src.Path, j.dst.Bucket, j.dst.Key)
		size = res.Size
	case OpDownload:
		if j.root != "" {
			if err := CheckInsideRoot(j.root, j.dst.Path, true); err != nil {
				return size, fmt.Errorf("download %s: %w", j.src, err)
			}
		}
		var res DownloadResult
		res, err = m.DownloadFile(ctx, j.src.Bucket, j.src.Key, j.dst.Path)
		size = res.Size
	case OpCopy:
		_, err = m.Copy(ctx, j.src, j.dst, j.size)
		size = j.size
	case OpDelete:
		if j.src.IsRemote() {
			var keyErr error
			if err, keyErr = m.deleteOne(ctx, j.src); err == nil && keyErr != nil {
				err = fmt.Errorf("delete %s: %w", j.src, keyErr)
			}
		} else {
			if j.root != "" {
				if err := CheckInsideRoot(j.root, j.src.Path, false); err != nil {
					return j.size, fmt.Errorf("delete %s: %w", j.src.Path, err)
				}
			}
			err = os.Remove(j.src.Path)
		}
		return j.size, err
	}
	if err != nil || !j.move {
		return size, err
	}
	// A move removes the source only once the target is complete.
	if j.src.IsRemote() {
		var keyErr error
		if err, keyErr = m.deleteOne(ctx, j.src); err == nil {
			err = keyErr
		}
	} else {
		err = os.Remove(j.src.Path)
	}
	if err != nil {
		err = fmt.Errorf("copied, but could not remove the source %s: %w", j.src, err)
	}
	return size, err
}

// deleteOne deletes one object, returning the request's error and the
// server's answer for the key.
func (m *Manager) deleteOne(ctx context.Context, l Location) (reqErr, keyErr error) {
	_, reqErr = m.Delete(ctx, l.Bucket, func(yield func(string) bool) { yield(l.Key) }, func(_ string, e error) {
		keyErr = e
	})
	return reqErr, keyErr
}

// deleteBatcher feeds keys to Manager.Delete as they are planned.
type deleteBatcher struct {
	bucket string
	keys   chan string
	done   chan struct{}
}

func (m *Manager) newDeleteBatcher(ctx context.Context, bucket string, send func(Result, error)) *deleteBatcher {
	d := &deleteBatcher{bucket: bucket, keys: make(chan string, MaxBatchDelete), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		seq := func(yield func(string) bool) {
			for k := range d.keys {
				if !yield(k) {
					break
				}
			}
			for range d.keys { // drain so senders never block
			}
		}
		m.deleteKeys(ctx, bucket, seq, send)
	}()
	return d
}

func (d *deleteBatcher) add(ctx context.Context, key string) {
	select {
	case d.keys <- key:
	case <-ctx.Done():
	}
}

func (d *deleteBatcher) close() {
	close(d.keys)
	<-d.done
}
