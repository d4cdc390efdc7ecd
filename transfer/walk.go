package transfer

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Entry is one object or file on either side of a sync, keyed by its path
// relative to the root ("/"-separated).
type Entry struct {
	Key     string
	Size    int64
	ModTime time.Time
	// ETag of a remote object ("" for local files).
	ETag string
	// Path of a local file ("" for remote objects).
	Path string
}

// WalkLocal yields the regular files under root in S3 key order: byte order
// of their "/"-separated relative paths. fs.WalkDir visits a directory's
// entries by name, which puts "a/x" before "a-b" although S3 lists "a-b"
// ("-" is 0x2d) before "a/x" ("/" is 0x2f); here each directory's entries are
// sorted by name with "/" appended to directory names, which yields exactly
// S3's order while holding one directory listing per level in memory.
//
// Symbolic links to files are followed; links to directories are skipped
// (they could loop). A missing root yields one error wrapping fs.ErrNotExist;
// any other error stops the walk, so a caller never mistakes an unreadable
// directory for an empty one.
func WalkLocal(ctx context.Context, root string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		fi, err := os.Stat(root)
		if err != nil {
			yield(Entry{}, err)
			return
		}
		if !fi.IsDir() {
			yield(Entry{}, &fs.PathError{Op: "walk", Path: root, Err: errors.New("not a directory")})
			return
		}
		walkDir(ctx, root, "", yield)
	}
}

type walkItem struct {
	sortKey string
	name    string
	dir     bool
	info    fs.FileInfo
}

// walkDir yields dir's subtree; it returns false when the walk must stop.
func walkDir(ctx context.Context, dir, prefix string, yield func(Entry, error) bool) bool {
	if err := ctx.Err(); err != nil {
		yield(Entry{}, err)
		return false
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		yield(Entry{}, err)
		return false
	}
	items := make([]walkItem, 0, len(des))
	for _, de := range des {
		p := filepath.Join(dir, de.Name())
		info, err := de.Info()
		if err == nil && de.Type()&fs.ModeSymlink != 0 {
			info, err = os.Stat(p)
			if err == nil && info.IsDir() {
				continue
			}
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed since ReadDir, or a dangling link
			}
			yield(Entry{}, err)
			return false
		}
		switch {
		case info.IsDir():
			items = append(items, walkItem{sortKey: de.Name() + "/", name: de.Name(), dir: true})
		case info.Mode().IsRegular():
			items = append(items, walkItem{sortKey: de.Name(), name: de.Name(), info: info})
		}
	}
	slices.SortFunc(items, func(a, b walkItem) int { return strings.Compare(a.sortKey, b.sortKey) })
	for _, it := range items {
		p := filepath.Join(dir, it.name)
		if it.dir {
			if !walkDir(ctx, p, prefix+it.name+"/", yield) {
				return false
			}
			continue
		}
		e := Entry{Key: prefix + it.name, Size: it.info.Size(), ModTime: it.info.ModTime(), Path: p}
		if !yield(e, nil) {
			return false
		}
	}
	return true
}

// WalkRemote yields the objects under prefix as Entries keyed relative to
// prefix, in S3 key order.
func WalkRemote(ctx context.Context, c Client, bucket, prefix string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for o, err := range listObjects(ctx, c, bucket, prefix) {
			if err != nil {
				yield(Entry{}, err)
				return
			}
			rel := strings.TrimPrefix(o.Key, prefix)
			if rel == "" || strings.HasSuffix(o.Key, "/") && o.Size == 0 {
				continue // the prefix itself, or a "directory marker"
			}
			if !yield(Entry{Key: rel, Size: o.Size, ModTime: o.LastModified, ETag: trimETag(o.ETag)}, nil) {
				return
			}
		}
	}
}
