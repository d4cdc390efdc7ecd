package listing

import (
	"strings"

	"github.com/s3kit/s3kit/storage"
)

// VersionCursor walks the keys that have versions, in byte order, as
// Cursor does; Versions returns versions of the key it is on.
type VersionCursor interface {
	Seek(from string) (key string, ok bool)
	Next() (key string, ok bool)
	// Versions returns up to limit of the current key's versions, newest
	// first, starting after the version with ID after ("" from the
	// newest; an ID the key does not have also starts from the newest).
	// IsLatest is set on the key's newest version.
	Versions(after string, limit int) ([]storage.VersionInfo, error)
}

// Versions returns one page of ListObjectVersions from c. Like Page it
// seeks past whole common prefixes, and it asks a key only for the
// versions that fit in the page, so a page costs work proportional to its
// size.
func Versions(c VersionCursor, opts storage.ListVersionsOptions) (storage.ListVersionsResult, error) {
	var res storage.ListVersionsResult
	limit := opts.MaxKeys
	if limit <= 0 {
		limit = DefaultMax
	}
	start := opts.Prefix
	if opts.KeyMarker > start {
		start = opts.KeyMarker
	}
	n := 0
	k, ok := c.Seek(start)
	for ok && strings.HasPrefix(k, opts.Prefix) {
		if k < opts.KeyMarker || (k == opts.KeyMarker && opts.VersionIDMarker == "") {
			k, ok = c.Next()
			continue
		}
		if cp, rolled := commonPrefix(k, opts.Prefix, opts.Delimiter); rolled {
			// A key marker inside cp means cp was on an earlier page.
			if opts.KeyMarker == "" || !strings.HasPrefix(opts.KeyMarker, cp) {
				if n == limit {
					res.IsTruncated = true
					break
				}
				res.CommonPrefixes = append(res.CommonPrefixes, cp)
				res.NextKeyMarker, res.NextVersionIDMarker = cp, ""
				n++
			}
			next, more := Successor(cp)
			if !more {
				break
			}
			k, ok = c.Seek(next)
			continue
		}
		after := ""
		if k == opts.KeyMarker {
			after = opts.VersionIDMarker
		}
		vs, err := c.Versions(after, limit-n+1)
		if err != nil {
			return storage.ListVersionsResult{}, err
		}
		for _, v := range vs {
			if n == limit {
				res.IsTruncated = true
				return res, nil
			}
			res.Versions = append(res.Versions, v)
			res.NextKeyMarker, res.NextVersionIDMarker = k, v.VersionID
			n++
		}
		k, ok = c.Next()
	}
	return res, nil
}
