package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

type rmFlags struct {
	clientFlags
	recursive bool
	dryrun    bool
	json      bool
	filters   filters
	versionID string
}

func newRmCmd(env Env) *cobra.Command {
	var f rmFlags
	cmd := &cobra.Command{
		Use:   "rm s3://bucket/key",
		Short: "Delete an object, or every object under a prefix with --recursive",
		Long: `Delete an object, or with --recursive every object under a prefix (filtered by
--include/--exclude), in DeleteObjects batches of 1,000 keys.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRm(cmd.Context(), env, &f, args[0])
		},
	}
	f.add(cmd, false)
	addFilterFlags(cmd, &f.filters)
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "r", false, "delete every object under the prefix")
	cmd.Flags().BoolVar(&f.dryrun, "dryrun", false, "print what would be deleted and delete nothing")
	cmd.Flags().BoolVar(&f.json, "json", false, "print one JSON object per deleted key")
	cmd.Flags().StringVar(&f.versionID, "version-id", "", "delete this version or delete marker of the key for good (see ls --versions)")
	return cmd
}

func runRm(ctx context.Context, env Env, f *rmFlags, arg string) error {
	loc, err := parseLocation(arg)
	if err != nil {
		return usageError(err)
	}
	if !loc.s3 {
		return usageError(fmt.Errorf("rm: %q is not an s3:// URL", arg))
	}
	if !f.recursive && loc.key == "" {
		return usageError(errors.New("rm: give a key, or --recursive to delete a prefix"))
	}
	if f.versionID != "" && (f.recursive || loc.key == "") {
		return usageError(errors.New("rm --version-id: give one key, without --recursive"))
	}
	c, err := f.client(ctx, env)
	if err != nil {
		return opFailed(err)
	}
	if f.versionID != "" {
		if err := rmVersion(ctx, env, c, loc, f.versionID, f.dryrun, f.json); err != nil {
			return opFailed(err)
		}
		return nil
	}
	m := transfer.New(c, transfer.Options{})
	rep := &reporter{env: env, json: f.json, dryrun: f.dryrun}
	if !f.recursive {
		key := func(yield func(string) bool) { yield(loc.key) }
		reportResults(rep, m.DeleteKeys(ctx, loc.bucket, key, transfer.DeleteOptions{DryRun: f.dryrun}))
	} else {
		reportResults(rep, m.DeletePrefix(ctx, loc.bucket, loc.key, transfer.DeleteOptions{Filter: f.filters.Filter, DryRun: f.dryrun}))
	}
	return rep.err()
}

// objectArg parses an s3://bucket/key argument of command op, or returns
// a usage error.
func objectArg(op, arg string) (location, error) {
	loc, err := parseLocation(arg)
	if err != nil {
		return location{}, usageError(err)
	}
	if !loc.s3 || loc.key == "" {
		return location{}, usageError(fmt.Errorf("%s: %q is not an object URL (s3://bucket/key)", op, arg))
	}
	return loc, nil
}

// transferArgs parses the SOURCE and TARGET of command op (cp, mv, sync),
// at least one of which must be an s3:// URL, or returns a usage error.
func transferArgs(op, srcArg, dstArg string) (src, dst location, err error) {
	if src, err = parseLocation(srcArg); err != nil {
		return src, dst, usageError(err)
	}
	if dst, err = parseLocation(dstArg); err != nil {
		return src, dst, usageError(err)
	}
	if !src.s3 && !dst.s3 {
		return src, dst, usageError(fmt.Errorf("%s: at least one side must be an s3:// URL", op))
	}
	return src, dst, nil
}

func bucketArg(arg string) (string, error) {
	loc, err := parseLocation(arg)
	if err != nil {
		return "", usageError(err)
	}
	if !loc.s3 || loc.key != "" {
		return "", usageError(fmt.Errorf("%q is not a bucket URL (s3://bucket)", arg))
	}
	return loc.bucket, nil
}

func newMbCmd(env Env) *cobra.Command {
	var f clientFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "mb s3://bucket",
		Short: "Make a bucket",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bucket, err := bucketArg(args[0])
			if err != nil {
				return err
			}
			c, err := f.client(cmd.Context(), env)
			if err != nil {
				return opFailed(err)
			}
			if _, err := c.CreateBucket(cmd.Context(), &s3.CreateBucketInput{Bucket: bucket}); err != nil {
				return opFailed(fmt.Errorf("make_bucket failed: s3://%s: %w", bucket, err))
			}
			if asJSON {
				clientJSON(env, result{Op: "make_bucket", Target: "s3://" + bucket})
				return nil
			}
			fmt.Fprintf(env.Stdout, "make_bucket: %s\n", bucket)
			return nil
		},
	}
	f.add(cmd, false)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as a JSON object")
	return cmd
}

func newRbCmd(env Env) *cobra.Command {
	var f clientFlags
	var force, asJSON bool
	cmd := &cobra.Command{
		Use:   "rb s3://bucket",
		Short: "Remove an empty bucket (--force: delete its objects first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			bucket, err := bucketArg(args[0])
			if err != nil {
				return err
			}
			c, err := f.client(ctx, env)
			if err != nil {
				return opFailed(err)
			}
			if force {
				m := transfer.New(c, transfer.Options{})
				rep := &reporter{env: env, json: asJSON}
				reportResults(rep, m.DeletePrefix(ctx, bucket, "", transfer.DeleteOptions{}))
				abortUploads(ctx, c, bucket)
				if err := rep.err(); err != nil {
					fmt.Fprintf(env.Stderr, "s3kit: remove_bucket failed: s3://%s: some objects could not be deleted\n", bucket)
					return err
				}
			}
			if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket}); err != nil {
				return opFailed(fmt.Errorf("remove_bucket failed: s3://%s: %w", bucket, err))
			}
			if asJSON {
				clientJSON(env, result{Op: "remove_bucket", Target: "s3://" + bucket})
				return nil
			}
			fmt.Fprintf(env.Stdout, "remove_bucket: %s\n", bucket)
			return nil
		},
	}
	f.add(cmd, false)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per deleted object and for the bucket")
	cmd.Flags().BoolVar(&force, "force", false, "delete every object (and abort unfinished uploads) first")
	return cmd
}

// abortUploads aborts the bucket's unfinished multipart uploads, which would
// otherwise keep it from being deleted; failures are left to DeleteBucket
// to report.
func abortUploads(ctx context.Context, c *s3.Client, bucket string) {
	for page, err := range c.ListMultipartUploadsPages(ctx, &s3.ListMultipartUploadsInput{Bucket: bucket}) {
		if err != nil {
			return
		}
		for _, u := range page.Uploads {
			actx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_, _ = c.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: bucket, Key: u.Key, UploadID: u.UploadID})
			cancel()
		}
	}
}
