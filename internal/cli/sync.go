package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/transfer"
)

type syncFlags struct {
	clientFlags
	delete          bool
	force           bool
	dryrun          bool
	checksum        bool
	exactTimestamps bool
	json            bool
	filters         filters
}

func newSyncCmd(env Env) *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync SOURCE TARGET",
		Short: "Make TARGET match SOURCE (directories and prefixes, either way, or S3 to S3)",
		Long: `Copy new and changed files from SOURCE to TARGET, like aws s3 sync. Both sides
are read as key-ordered streams and merge-joined, so memory stays flat for
millions of keys. Files differ when their sizes differ or the source is newer
(--exact-timestamps: any mtime difference; --checksum: by content).
--delete also deletes TARGET keys missing from SOURCE, and refuses to run
when SOURCE is missing or empty unless --force is given.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSync(cmd.Context(), env, &f, args[0], args[1])
		},
	}
	f.add(cmd, true)
	addFilterFlags(cmd, &f.filters)
	fl := cmd.Flags()
	fl.BoolVar(&f.delete, "delete", false, "delete target keys that are not in the source")
	fl.BoolVar(&f.force, "force", false, "allow --delete with a missing or empty source")
	fl.BoolVar(&f.dryrun, "dryrun", false, "print what would be done and change nothing")
	fl.BoolVar(&f.checksum, "checksum", false, "compare content (MD5/ETag) instead of size and mtime")
	fl.BoolVar(&f.exactTimestamps, "exact-timestamps", false, "treat any mtime difference as a change")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per operation")
	return cmd
}

func runSync(ctx context.Context, env Env, f *syncFlags, srcArg, dstArg string) error {
	src, dst, err := transferArgs("sync", srcArg, dstArg)
	if err != nil {
		return err
	}
	if src.path == "-" || dst.path == "-" {
		return usageError(errors.New("sync: cannot sync a stream"))
	}
	prog := newProgress(env, f.noProgress || f.dryrun)
	defer prog.finish()
	_, m, err := f.manager(ctx, env, prog)
	if err != nil {
		return opFailed(err)
	}
	rep := &reporter{env: env, json: f.json, dryrun: f.dryrun, prog: prog}
	opts := transfer.SyncOptions{
		Delete:      f.delete,
		Force:       f.force,
		Compare:     transfer.CompareSizeTime(f.exactTimestamps),
		Filter:      f.filters.Filter,
		DryRun:      f.dryrun,
		Concurrency: max(f.concurrency, 1),
	}
	if f.checksum {
		opts.Compare = transfer.CompareChecksum(m.Options().PartSize)
	}
	reportResults(rep, m.Sync(ctx, src.loc(), dst.loc(), opts))
	return rep.err()
}
