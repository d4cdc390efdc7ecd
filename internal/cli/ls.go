package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/s3"
)

type lsFlags struct {
	clientFlags
	recursive bool
	json      bool
	versions  bool
}

func newLsCmd(env Env) *cobra.Command {
	var f lsFlags
	cmd := &cobra.Command{
		Use:   "ls [s3://bucket[/prefix]]",
		Short: "List buckets, or the objects and prefixes under a prefix",
		Long: `List buckets (no argument), or the objects and common prefixes ("PRE")
under s3://bucket/prefix, like aws s3 ls. Output streams page by page.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			return runLs(cmd.Context(), env, &f, arg)
		},
	}
	f.add(cmd, false)
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "r", false, "list every object under the prefix")
	cmd.Flags().BoolVar(&f.json, "json", false, "print one JSON object per line")
	cmd.Flags().BoolVar(&f.versions, "versions", false, "list every version and delete marker (ListObjectVersions), newest first; \"*\" marks the latest")
	return cmd
}

// lsEntry is one --json line of ls.
type lsEntry struct {
	Bucket       string `json:"bucket,omitempty"`
	Key          string `json:"key,omitempty"`
	Prefix       string `json:"prefix,omitempty"`
	Size         *int64 `json:"size,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	CreationDate string `json:"creation_date,omitempty"`
	ETag         string `json:"etag,omitempty"`
	StorageClass string `json:"storage_class,omitempty"`
}

// lsTime is aws-cli's listing time format, in local time.
func lsTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

func runLs(ctx context.Context, env Env, f *lsFlags, arg string) error {
	loc := location{s3: true}
	if arg != "" && arg != "s3://" {
		var err error
		if loc, err = parseLocation(arg); err != nil {
			return usageError(err)
		}
		if !loc.s3 {
			return usageError(fmt.Errorf("ls: %q is not an s3:// URL", arg))
		}
	}
	if f.versions && loc.bucket == "" {
		return usageError(fmt.Errorf("ls --versions: give a bucket (s3://bucket[/prefix])"))
	}
	c, err := f.client(ctx, env)
	if err != nil {
		return opFailed(err)
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	if f.versions {
		if err := lsVersions(ctx, w, c, loc, f.recursive, f.json); err != nil {
			w.Flush()
			return opFailed(err)
		}
		return nil
	}
	if loc.bucket == "" {
		buckets, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			return opFailed(fmt.Errorf("ls: %w", err))
		}
		for _, b := range buckets.Buckets {
			if f.json {
				clientJSONTo(w, lsEntry{Bucket: b.Name, CreationDate: b.CreationDate.UTC().Format(time.RFC3339)})
			} else {
				fmt.Fprintf(w, "%s %s\n", lsTime(b.CreationDate), b.Name)
			}
		}
		return nil
	}
	in := &s3.ListObjectsV2Input{Bucket: loc.bucket, Prefix: loc.key}
	if !f.recursive {
		in.Delimiter = "/"
	}
	// Without --recursive aws-cli prints names relative to the prefix's
	// "directory" (everything up to its last "/").
	strip := ""
	if !f.recursive {
		if i := strings.LastIndex(loc.key, "/"); i >= 0 {
			strip = loc.key[:i+1]
		}
	}
	n := 0
	for o, err := range c.AllObjectsV2(ctx, in) {
		if err != nil {
			w.Flush()
			return opFailed(fmt.Errorf("ls %s: %w", loc, err))
		}
		name := strings.TrimPrefix(o.Key, strip)
		switch {
		case f.json && o.IsPrefix:
			clientJSONTo(w, lsEntry{Prefix: o.Key})
		case f.json:
			size := o.Size
			clientJSONTo(w, lsEntry{Key: o.Key, Size: &size, LastModified: o.LastModified.UTC().Format(time.RFC3339),
				ETag: strings.Trim(o.ETag, `"`), StorageClass: o.StorageClass})
		case o.IsPrefix:
			fmt.Fprintf(w, "%30s %s\n", "PRE", name)
		default:
			fmt.Fprintf(w, "%s %10d %s\n", lsTime(o.LastModified), o.Size, name)
		}
		// Flush the first page at once so output starts promptly, then
		// in large writes.
		if n++; n == 1 || n%1000 == 0 {
			w.Flush()
		}
	}
	return nil
}
