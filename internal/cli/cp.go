package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

// cpFlags are the flags of cp and mv.
type cpFlags struct {
	clientFlags
	recursive bool
	dryrun    bool
	json      bool
	filters   filters
	versionID string
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
	if !move {
		fl.StringVar(&f.versionID, "version-id", "", "download this version of the object (see ls --versions)")
	}
	return cmd
}

func addFilterFlags(cmd *cobra.Command, f *filters) {
	cmd.Flags().Var(filterFlag{f: f}, "exclude", "exclude paths matching the pattern (repeatable)")
	cmd.Flags().Var(filterFlag{f: f, include: true}, "include", "include paths matching the pattern (repeatable; after --exclude)")
}

// job is one object operation of a non-recursive cp or mv.
type job struct {
	op       string // upload, download, copy
	src, dst location
	size     int64
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
	var pin func(*s3.Client, transfer.Client) transfer.Client
	if f.versionID != "" {
		if !src.s3 || dst.s3 || f.recursive {
			return usageError(errors.New("cp --version-id: give one object to download (s3://bucket/key to a local path or -)"))
		}
		pin = func(c *s3.Client, tc transfer.Client) transfer.Client {
			return versionPinned{Client: tc, versionID: f.versionID}
		}
	}
	prog := newProgress(env, f.noProgress || f.dryrun)
	defer prog.finish()
	_, m, err := f.managerWith(ctx, env, prog, pin)
	if err != nil {
		return opFailed(err)
	}
	rep := &reporter{env: env, json: f.json, dryrun: f.dryrun, prog: prog}
	op := opFor(src, dst)
	if src.path == "-" || dst.path == "-" {
		return runStream(ctx, env, m, rep, src, dst)
	}
	if f.recursive {
		opts := transfer.TreeOptions{Filter: f.filters.Filter, Move: move, DryRun: f.dryrun, Concurrency: max(f.concurrency, 1)}
		reportResults(rep, m.CopyTree(ctx, src.loc(), dst.loc(), opts))
		return rep.err()
	}
	j, err := singleJob(op, src, dst)
	if err != nil {
		return opFailed(err)
	}
	if !f.filters.match(path.Base(filepath.ToSlash(j.src.key + j.src.path))) {
		return nil
	}
	reportResults(rep, func(yield func(transfer.Result, error) bool) {
		res := transfer.Result{Op: transfer.Op(j.op), Move: move, Source: j.src.String(), Target: j.dst.String(), Size: j.size}
		var err error
		if !f.dryrun {
			res, err = m.Transfer(ctx, j.src.loc(), j.dst.loc(), transfer.TransferOptions{Move: move})
		}
		if !yield(res, err) {
			return
		}
		if err := ctx.Err(); err != nil {
			yield(transfer.Result{}, err)
		}
	})
	return rep.err()
}

// reportResults reports each Result of a transfer: a failure under its
// operation's name ("run" when the whole run stopped), a success as
// "move" when its source was removed.
func reportResults(rep *reporter, results iter.Seq2[transfer.Result, error]) {
	for res, err := range results {
		op := string(res.Op)
		if err != nil {
			if op == "" {
				op = "run"
			}
			rep.fail(op, err)
			continue
		}
		if res.Move && res.Op != transfer.OpDelete {
			op = "move"
		}
		rep.ok(op, res.Source, res.Target, res.Size)
	}
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

// SymlinkEscapeError is transfer's refusal to write or delete through a
// symbolic link leading out of the target directory.
type SymlinkEscapeError = transfer.SymlinkEscapeError

// checkInsideRoot is the check cp, mv and sync make before writing or
// deleting a local path under root.
func checkInsideRoot(root, path string, last bool) error {
	return transfer.CheckInsideRoot(root, path, last)
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
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: src.bucket, Key: src.key})
	if err != nil {
		return opFailed(fmt.Errorf("cat %s: %w", src, err))
	}
	defer out.Body.Close()
	if _, err := io.Copy(env.Stdout, out.Body); err != nil {
		return opFailed(fmt.Errorf("cat %s: %w", src, err))
	}
	return nil
}
