package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

// lsVersionEntry is one --json line of ls --versions.
type lsVersionEntry struct {
	Key          string `json:"key,omitempty"`
	Prefix       string `json:"prefix,omitempty"`
	VersionID    string `json:"version_id,omitempty"`
	IsLatest     bool   `json:"is_latest,omitempty"`
	DeleteMarker bool   `json:"delete_marker,omitempty"`
	Size         *int64 `json:"size,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	ETag         string `json:"etag,omitempty"`
}

// lsVersions lists every version and delete marker under loc, page by
// page, newest first within a key: the date, the size (or DELETE for a
// marker), the version ID with "*" on the latest, and the name.
func lsVersions(ctx context.Context, w *bufio.Writer, c *s3.Client, loc location, recursive, asJSON bool) error {
	in := &s3.ListObjectVersionsInput{Bucket: loc.bucket, Prefix: loc.key}
	strip := ""
	if !recursive {
		in.Delimiter = "/"
		if i := strings.LastIndex(loc.key, "/"); i >= 0 {
			strip = loc.key[:i+1]
		}
	}
	for pages := 0; ; pages++ {
		out, err := c.ListObjectVersions(ctx, in)
		if err != nil {
			return fmt.Errorf("ls --versions %s: %w", loc, err)
		}
		for _, p := range out.CommonPrefixes {
			if asJSON {
				clientJSONTo(w, lsVersionEntry{Prefix: p})
			} else {
				fmt.Fprintf(w, "%30s %s\n", "PRE", strings.TrimPrefix(p, strip))
			}
		}
		for _, v := range out.Versions {
			writeVersion(w, v, strip, asJSON)
		}
		if pages == 0 {
			w.Flush() // the first page at once, as ls does
		}
		if !out.IsTruncated {
			return nil
		}
		if out.NextKeyMarker == "" {
			return fmt.Errorf("ls --versions %s: the server said the listing is truncated but sent no next marker", loc)
		}
		in.KeyMarker, in.VersionIDMarker = out.NextKeyMarker, out.NextVersionIDMarker
	}
}

func writeVersion(w io.Writer, v s3.ObjectVersion, strip string, asJSON bool) {
	if asJSON {
		e := lsVersionEntry{Key: v.Key, VersionID: v.VersionID, IsLatest: v.IsLatest, DeleteMarker: v.IsDeleteMarker,
			LastModified: v.LastModified.UTC().Format(time.RFC3339)}
		if !v.IsDeleteMarker {
			size := v.Size
			e.Size, e.ETag = &size, strings.Trim(v.ETag, `"`)
		}
		clientJSONTo(w, e)
		return
	}
	size := fmt.Sprintf("%10d", v.Size)
	if v.IsDeleteMarker {
		size = fmt.Sprintf("%10s", "DELETE")
	}
	latest := " "
	if v.IsLatest {
		latest = "*"
	}
	fmt.Fprintf(w, "%s %s %s%s %s\n", lsTime(v.LastModified), size, v.VersionID, latest, strings.TrimPrefix(v.Key, strip))
}

// catVersion writes one version of an object to w.
func catVersion(ctx context.Context, w io.Writer, c *s3.Client, loc location, versionID string) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: loc.bucket, Key: loc.key, VersionID: versionID})
	if err != nil {
		return fmt.Errorf("cat %s (version %s): %w", loc, versionID, err)
	}
	defer out.Body.Close()
	if _, err := io.Copy(w, out.Body); err != nil {
		return fmt.Errorf("cat %s (version %s): %w", loc, versionID, err)
	}
	return nil
}

// versionResult is the --json line of rm --version-id.
type versionResult struct {
	Op           string `json:"op"`
	Source       string `json:"source"`
	VersionID    string `json:"version_id"`
	DeleteMarker bool   `json:"delete_marker,omitempty"`
	DryRun       bool   `json:"dryrun,omitempty"`
}

// rmVersion deletes one version (or delete marker) of an object for good.
func rmVersion(ctx context.Context, env Env, c *s3.Client, loc location, versionID string, dryrun, asJSON bool) error {
	res := versionResult{Op: "delete", Source: loc.String(), VersionID: versionID, DryRun: dryrun}
	if !dryrun {
		out, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: loc.bucket, Key: loc.key, VersionID: versionID})
		if err != nil {
			return fmt.Errorf("delete %s (version %s): %w", loc, versionID, err)
		}
		res.DeleteMarker = out.DeleteMarker
	}
	if asJSON {
		clientJSON(env, res)
		return nil
	}
	prefix, what := "", ""
	if dryrun {
		prefix = "(dryrun) "
	}
	if res.DeleteMarker {
		what = " delete marker"
	}
	fmt.Fprintf(env.Stdout, "%sdelete: %s (version %s%s)\n", prefix, loc, versionID, what)
	return nil
}

// versionPinned is a transfer client whose reads are of one version: cp
// --version-id downloads through it, so every ranged GET of a large object
// reads the same version.
type versionPinned struct {
	transfer.Client
	versionID string
}

// HeadObject describes the pinned version.
func (v versionPinned) HeadObject(ctx context.Context, in *s3.HeadObjectInput) (*s3.HeadObjectOutput, error) {
	pinned := *in
	pinned.VersionID = v.versionID
	return v.Client.HeadObject(ctx, &pinned)
}

// GetObject reads (a range of) the pinned version.
func (v versionPinned) GetObject(ctx context.Context, in *s3.GetObjectInput) (*s3.GetObjectOutput, error) {
	pinned := *in
	pinned.VersionID = v.versionID
	return v.Client.GetObject(ctx, &pinned)
}
