package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/s3kit/s3kit/transfer"
)

// cpFlags are the flags of cp and mv.
type cpFlags struct {
	clientFlags
	recursive bool
	dryrun    bool
	json      bool
	filters   filters
}

func newCpCmd(env Env, move bool) *cobra.Command {
	var f cpFlags
	name, verb := "cp", "Copy"
	if move {
		name, verb = "mv", "Move"
	}
	cmd := &cobra.Command{
		Use:   name + " SOURCE TARGET",
		Short: verb + " files and objects: local to S3, S3 to local, S3 to S3 (server-side)",
		Long: verb + ` files and objects, like aws s3 ` + name + `. Either side is a local path or
s3://bucket/key; "-" reads stdin (upload) or writes stdout (download).
With --recursive the source is a directory or prefix; --include/--exclude
filter it with aws-cli's rules (the last matching pattern wins).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCp(cmd.Context(), env, &f, args[0], args[1], move)
		},
	}
	f.add(cmd, true)
	addFilterFlags(cmd, &f.filters)
	fl := cmd.Flags()
	fl.BoolVarP(&f.recursive, "recursive", "r", false, "copy every file under the directory or prefix")
	fl.BoolVar(&f.dryrun, "dryrun", false, "print what would be done and change nothing")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per operation")
	return cmd
}

func addFilterFlags(cmd *cobra.Command, f *filters) {
	cmd.Flags().Var(filterFlag{f: f}, "exclude", "exclude paths matching the pattern (repeatable)")
	cmd.Flags().Var(filterFlag{f: f, include: true}, "include", "include paths matching the pattern (repeatable; after --exclude)")
}

// job is one object operation of cp, mv or sync.
type job struct {
	op       string // upload, download, copy, delete
	src, dst location
	size     int64
	move     bool
	// root, for a job of a recursive run with a local side, is the local
	// directory that side's path must stay inside.
	root string
	// err, when set, is reported instead of running the job.
	err error
}

func (j job) srcString() string { return j.src.String() }
func (j job) dstString() string {
	if j.op == "delete" {
		return ""
	}
	return j.dst.String()
}

func runCp(ctx context.Context, env Env, f *cpFlags, srcArg, dstArg string, move bool) error {
	src, dst, err := transferArgs("cp", srcArg, dstArg)
	if err != nil {
		return err
	}
	if f.recursive && (src.path == "-" || dst.path == "-") {
		return usageError(errors.New("cp: --recursive cannot read stdin or write stdout"))
	}
	if move && (src.path == "-" || dst.path == "-") {
		return usageError(errors.New("mv: cannot move to or from a stream"))
	}
	prog := newProgress(env, f.noProgress || f.dryrun)
	defer prog.finish()
	_, m, err := f.manager(ctx, env, prog)
	if err != nil {
		return opFailed(err)
	}
	rep := &reporter{env: env, json: f.json, dryrun: f.dryrun, prog: prog}
	op := opFor(src, dst)
	if src.path == "-" || dst.path == "-" {
		return runStream(ctx, env, m, rep, src, dst)
	}
	var jobs iter.Seq2[job, error]
	if f.recursive {
		jobs = recursiveJobs(ctx, m.Client(), op, src, dst, &f.filters)
	} else {
		j, err := singleJob(op, src, dst)
		if err != nil {
			return opFailed(err)
		}
		if !f.filters.match(path.Base(filepath.ToSlash(j.src.key + j.src.path))) {
			return nil
		}
		jobs = func(yield func(job, error) bool) { yield(j, nil) }
	}
	runJobs(ctx, m, rep, jobs, f.concurrency, f.dryrun, move)
	return rep.err()
}

func opFor(src, dst location) string {
	switch {
	case src.s3 && dst.s3:
		return "copy"
	case src.s3:
		return "download"
	}
	return "upload"
}

// singleJob resolves a non-recursive cp: a target ending in "/" (or an
// existing local directory) receives the source's base name, as aws-cli.
func singleJob(op string, src, dst location) (job, error) {
	j := job{op: op, src: src, dst: dst, size: -1}
	if src.s3 && (src.key == "" || strings.HasSuffix(src.key, "/")) {
		return j, fmt.Errorf("%s: not an object key (use --recursive for a prefix)", src)
	}
	base := path.Base(src.key)
	if !src.s3 {
		fi, err := os.Stat(src.path)
		if err != nil {
			return j, err
		}
		if fi.IsDir() {
			return j, fmt.Errorf("%s is a directory (use --recursive)", src.path)
		}
		j.size = fi.Size()
		base = filepath.Base(src.path)
	}
	if dst.s3 {
		if dst.key == "" || strings.HasSuffix(dst.key, "/") {
			j.dst.key += base
		}
		return j, nil
	}
	if fi, err := os.Stat(dst.path); err == nil && fi.IsDir() || strings.HasSuffix(dst.path, string(os.PathSeparator)) {
		j.dst.path = filepath.Join(dst.path, base)
	}
	return j, nil
}

// dirPrefix turns a key into a "directory" prefix for recursive operations.
func dirPrefix(key string) string {
	if key == "" || strings.HasSuffix(key, "/") {
		return key
	}
	return key + "/"
}

// recursiveJobs streams the jobs of a recursive cp/mv: one per file under
// the source directory or object under the source prefix that passes the
// filters.
func recursiveJobs(ctx context.Context, c transfer.Client, op string, src, dst location, fl *filters) iter.Seq2[job, error] {
	return func(yield func(job, error) bool) {
		var entries iter.Seq2[transfer.Entry, error]
		if src.s3 {
			entries = transfer.WalkRemote(ctx, c, src.bucket, dirPrefix(src.key))
		} else {
			entries = transfer.WalkLocal(ctx, src.path)
		}
		for e, err := range entries {
			if err != nil {
				yield(job{}, fmt.Errorf("list %s: %w", src, err))
				return
			}
			if !fl.match(e.Key) {
				continue
			}
			j, err := entryJob(op, src, dst, e)
			if err != nil {
				j.err = err
			}
			if !yield(j, nil) {
				return
			}
		}
	}
}

// entryJob is the job for one relative key under src and dst. A key that
// would escape a local target directory ("../x", "/etc/x") is refused: an
// object's name must never choose where outside the target a file lands.
func entryJob(op string, src, dst location, e transfer.Entry) (job, error) {
	j := job{op: op, src: src, dst: dst, size: e.Size}
	if !dst.s3 && !filepath.IsLocal(filepath.FromSlash(e.Key)) {
		return j, fmt.Errorf("%s%s: key is not a safe local path; skipped", dirPrefix(src.String()), e.Key)
	}
	if src.s3 {
		j.src.key = dirPrefix(src.key) + e.Key
	} else {
		j.src.path = e.Path
	}
	if dst.s3 {
		j.dst.key = dirPrefix(dst.key) + e.Key
	} else {
		j.dst.path = filepath.Join(dst.path, filepath.FromSlash(e.Key))
		j.root = dst.path
	}
	if op == "delete" && !src.s3 {
		j.root = src.path
	}
	return j, nil
}

// SymlinkEscapeError is returned for a local path under a target directory
// that passes through a symbolic link leading outside it: writing or
// deleting there would touch files the command was never given.
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

// checkInsideRoot returns a *SymlinkEscapeError when path (root joined
// with a relative key) passes through an existing symbolic link that
// resolves outside root: a directory on the way, or with last the final
// component too (a delete removes a final link itself, harmlessly). Links that stay inside
// root are followed as usual, and so is root itself, which the user named.
// Components that do not exist yet are created as directories by the
// download, so they cannot lead anywhere else.
func checkInsideRoot(root, path string, last bool) error {
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

// runJobs runs jobs with up to workers at once, reporting each; failures do
// not stop the others (aws-cli and s5cmd behave the same), except a failure
// to produce the jobs (a listing error), which stops the run.
func runJobs(ctx context.Context, m *transfer.Manager, rep *reporter, jobs iter.Seq2[job, error], workers int, dryrun, move bool) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(workers, 1))
	// S3 deletes go through one batcher (DeleteObjects, 1,000 keys a
	// request) rather than a request per key.
	var del *deleteBatcher
	defer func() {
		if del != nil {
			del.close()
		}
	}()
	for j, err := range jobs {
		if err != nil {
			rep.fail("list", err)
			break
		}
		if gctx.Err() != nil {
			break
		}
		j.move = j.move || move
		if j.err != nil {
			rep.fail(j.op, j.err)
			continue
		}
		if dryrun {
			op := j.op
			if j.move {
				op = "move"
			}
			rep.ok(op, j.srcString(), j.dstString(), j.size)
			continue
		}
		if j.op == "delete" && j.src.s3 {
			if del == nil {
				del = newDeleteBatcher(ctx, m, rep, j.src.bucket)
			}
			if del.bucket == j.src.bucket {
				del.add(ctx, j.src.key)
				continue
			}
		}
		g.Go(func() error {
			size, err := execJob(gctx, m, j)
			if err != nil {
				rep.fail(j.op, err)
				return nil
			}
			op := j.op
			if j.move && op != "delete" {
				op = "move"
			}
			rep.ok(op, j.srcString(), j.dstString(), size)
			return nil
		})
	}
	_ = g.Wait()
	if del != nil {
		del.close()
		del = nil
	}
	if err := ctx.Err(); err != nil {
		rep.fail("run", err)
	}
}

// execJob performs one job and returns the bytes moved.
func execJob(ctx context.Context, m *transfer.Manager, j job) (int64, error) {
	var size int64 = -1
	var err error
	switch j.op {
	case "upload":
		var res transfer.UploadResult
		res, err = m.UploadFile(ctx, j.src.path, j.dst.bucket, j.dst.key)
		size = res.Size
	case "download":
		if j.root != "" {
			if err := checkInsideRoot(j.root, j.dst.path, true); err != nil {
				return size, fmt.Errorf("download %s: %w", j.src, err)
			}
		}
		var res transfer.DownloadResult
		res, err = m.DownloadFile(ctx, j.src.bucket, j.src.key, j.dst.path)
		size = res.Size
	case "copy":
		_, err = m.Copy(ctx, j.src.bucket, j.src.key, j.dst.bucket, j.dst.key, j.size)
		size = j.size
	case "delete":
		if j.src.s3 {
			var keyErr error
			_, err = m.Delete(ctx, j.src.bucket, func(yield func(string) bool) { yield(j.src.key) }, func(k string, e error) {
				if e != nil {
					keyErr = fmt.Errorf("delete %s: %w", j.src, e)
				}
			})
			if err == nil {
				err = keyErr
			}
		} else {
			if j.root != "" {
				if err := checkInsideRoot(j.root, j.src.path, false); err != nil {
					return j.size, fmt.Errorf("delete %s: %w", j.src.path, err)
				}
			}
			err = os.Remove(j.src.path)
		}
		return j.size, err
	}
	if err != nil || !j.move {
		return size, err
	}
	// mv: remove the source only once the target is complete.
	if j.src.s3 {
		_, derr := m.Delete(ctx, j.src.bucket, func(yield func(string) bool) { yield(j.src.key) }, func(k string, e error) {
			if e != nil {
				err = e
			}
		})
		if derr != nil {
			err = derr
		}
	} else {
		err = os.Remove(j.src.path)
	}
	if err != nil {
		err = fmt.Errorf("copied, but could not remove the source %s: %w", j.src, err)
	}
	return size, err
}

// runStream handles "-": upload from stdin or download to stdout.
func runStream(ctx context.Context, env Env, m *transfer.Manager, rep *reporter, src, dst location) error {
	if src.path == "-" {
		if dst.key == "" || strings.HasSuffix(dst.key, "/") {
			return usageError(errors.New("cp: uploading stdin needs a full target key"))
		}
		if rep.dryrun {
			rep.ok("upload", "-", dst.String(), -1)
			return nil
		}
		res, err := m.Upload(ctx, env.Stdin, dst.bucket, dst.key)
		if err != nil {
			rep.fail("upload", err)
			return rep.err()
		}
		rep.ok("upload", "-", dst.String(), res.Size)
		return nil
	}
	if rep.dryrun {
		rep.ok("download", src.String(), "-", -1)
		return nil
	}
	return catObject(ctx, env, m.Client(), src)
}

// catObject streams one object to stdout in order.
func catObject(ctx context.Context, env Env, c transfer.Client, src location) error {
	rc, _, err := c.GetObject(ctx, src.bucket, src.key, 0, -1)
	if err != nil {
		return opFailed(fmt.Errorf("cat %s: %w", src, err))
	}
	defer rc.Close()
	if _, err := io.Copy(env.Stdout, rc); err != nil {
		return opFailed(fmt.Errorf("cat %s: %w", src, err))
	}
	return nil
}

// deleteBatcher feeds keys to transfer.Manager.Delete as they are planned.
type deleteBatcher struct {
	bucket string
	keys   chan string
	done   chan struct{}
}

func newDeleteBatcher(ctx context.Context, m *transfer.Manager, rep *reporter, bucket string) *deleteBatcher {
	d := &deleteBatcher{bucket: bucket, keys: make(chan string, transfer.MaxBatchDelete), done: make(chan struct{})}
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
		deleteKeys(ctx, m, rep, bucket, seq)
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
