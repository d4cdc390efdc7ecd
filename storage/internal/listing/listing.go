// Package listing builds S3 listing pages (prefix, delimiter, After, MaxKeys)
// from any ordered key source, so every backend rolls up common prefixes and
// pages the same way. It seeks past whole common prefixes instead of walking
// their keys, so a page costs work proportional to its size, not to the
// bucket's.
package listing

import (
	"slices"
	"sort"
	"strings"

	"github.com/s3kit/s3kit/storage"
)

// DefaultMax is the page size used when a caller asks for 0 (S3's default).
const DefaultMax = 1000

// Cursor walks keys in byte order. Seek positions it at the first key
// greater than or equal to from; Next advances. Both report false at the end.
type Cursor interface {
	Seek(from string) (key string, ok bool)
	Next() (key string, ok bool)
	// Info returns the description of the key the cursor is on.
	Info() (storage.ObjectInfo, error)
}

// Successor returns the smallest string greater than every string that has
// prefix p, and false when there is none (p is empty or all 0xff bytes).
func Successor(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// firstCap is how many objects a page has room for before it first grows:
// small listings stay small, and a full page of 1,000 grows twice.
const firstCap = 64

// Page returns one page of a listing from c.
func Page(c Cursor, opts storage.ListOptions) (storage.ListResult, error) {
	var res storage.ListResult
	limit := opts.MaxKeys
	if limit <= 0 {
		limit = DefaultMax
	}
	start := opts.Prefix
	if opts.After > start {
		start = opts.After
	}
	n := 0
	k, ok := c.Seek(start)
	for ok && strings.HasPrefix(k, opts.Prefix) {
		if k <= opts.After {
			k, ok = c.Next()
			continue
		}
		if cp, rolled := commonPrefix(k, opts.Prefix, opts.Delimiter); rolled {
			if cp > opts.After {
				if n == limit {
					res.IsTruncated = true
					break
				}
				res.CommonPrefixes = append(res.CommonPrefixes, cp)
				res.NextAfter = cp
				n++
			}
			next, more := Successor(cp)
			if !more {
				break
			}
			k, ok = c.Seek(next)
			continue
		}
		if n == limit {
			res.IsTruncated = true
			break
		}
		info, err := c.Info()
		if err != nil {
			return storage.ListResult{}, err
		}
		if len(res.Objects) == cap(res.Objects) {
			// ObjectInfo is over 200 bytes: grow fourfold towards the
			// limit rather than through ten doublings and copies.
			res.Objects = slices.Grow(res.Objects, min(limit, max(firstCap, 4*cap(res.Objects)))-len(res.Objects))
		}
		res.Objects = append(res.Objects, info)
		res.NextAfter = k
		n++
		k, ok = c.Next()
	}
	return res, nil
}

// commonPrefix reports the common prefix key rolls up to, if any.
func commonPrefix(key, prefix, delim string) (string, bool) {
	if delim == "" {
		return "", false
	}
	i := strings.Index(key[len(prefix):], delim)
	if i < 0 {
		return "", false
	}
	return key[:len(prefix)+i+len(delim)], true
}

// SliceCursor is a Cursor over a sorted slice of keys; info describes the
// key at an index.
type SliceCursor struct {
	Keys []string
	Desc func(i int) storage.ObjectInfo
	i    int
}

// Seek implements Cursor.
func (s *SliceCursor) Seek(from string) (string, bool) {
	s.i = sort.SearchStrings(s.Keys, from)
	return s.cur()
}

// Next implements Cursor.
func (s *SliceCursor) Next() (string, bool) {
	s.i++
	return s.cur()
}

// Info implements Cursor.
func (s *SliceCursor) Info() (storage.ObjectInfo, error) { return s.Desc(s.i), nil }

func (s *SliceCursor) cur() (string, bool) {
	if s.i >= len(s.Keys) {
		return "", false
	}
	return s.Keys[s.i], true
}

// Uploads returns one page of unfinished uploads from all, which must be
// sorted by key and then by upload ID (backends hand out IDs that increase
// with initiation time, so this is S3's key-then-initiation order).
func Uploads(all []storage.UploadInfo, opts storage.ListUploadsOptions) storage.ListUploadsResult {
	var res storage.ListUploadsResult
	limit := opts.MaxUploads
	if limit <= 0 {
		limit = DefaultMax
	}
	after := func(u storage.UploadInfo) bool {
		if opts.KeyMarker == "" {
			return true
		}
		if opts.UploadIDMarker == "" {
			return u.Key > opts.KeyMarker
		}
		return u.Key > opts.KeyMarker || (u.Key == opts.KeyMarker && u.UploadID > opts.UploadIDMarker)
	}
	n := 0
	lastCP := ""
	for _, u := range all {
		if !strings.HasPrefix(u.Key, opts.Prefix) || !after(u) {
			continue
		}
		if cp, rolled := commonPrefix(u.Key, opts.Prefix, opts.Delimiter); rolled {
			if cp == lastCP || (opts.KeyMarker != "" && cp <= opts.KeyMarker) {
				continue
			}
			if n == limit {
				res.IsTruncated = true
				break
			}
			res.CommonPrefixes = append(res.CommonPrefixes, cp)
			lastCP = cp
			res.NextKeyMarker, res.NextUploadIDMarker = cp, ""
			n++
			continue
		}
		if n == limit {
			res.IsTruncated = true
			break
		}
		res.Uploads = append(res.Uploads, u)
		res.NextKeyMarker, res.NextUploadIDMarker = u.Key, u.UploadID
		n++
	}
	return res
}

// SortUploads orders uploads by key, then upload ID.
func SortUploads(us []storage.UploadInfo) {
	sort.Slice(us, func(i, j int) bool {
		if us[i].Key != us[j].Key {
			return us[i].Key < us[j].Key
		}
		return us[i].UploadID < us[j].UploadID
	})
}
