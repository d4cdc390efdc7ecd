package disk

import (
	"slices"
	"strings"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/listing"
	bolt "go.etcd.io/bbolt"
)

// A listing normally folds a bucket's logged changes into the index
// first, so it can walk one bbolt cursor. On a full disk that fold may
// fail even with the reserve released; the listing then merges the
// logged changes into the cursor instead and writes nothing, since a
// listing is how a user finds what to delete.

// ovEntry is one logged change of a listed bucket.
type ovEntry struct {
	key string
	v   ovVal
}

// snapshot returns bucket's logged changes in key order, the current
// layer's over the frozen one's.
func (o *overlay) snapshot(bucket string) []ovEntry {
	o.mu.RLock()
	seen := map[string]bool{}
	var out []ovEntry
	for _, m := range []map[ovKey]ovVal{o.m, o.old} {
		for k, v := range m {
			if k.bucket == bucket && !seen[k.key] {
				seen[k.key] = true
				out = append(out, ovEntry{k.key, v})
			}
		}
	}
	o.mu.RUnlock()
	slices.SortFunc(out, func(a, b ovEntry) int { return strings.Compare(a.key, b.key) })
	return out
}

// listMerged lists bucket from the index with its logged changes merged
// in. The changes are read before the index, so a change folded in
// meanwhile is found in one or the other.
func (s *Store) listMerged(bucket string, opts storage.ListOptions) (storage.ListResult, error) {
	logged := s.ov.snapshot(bucket)
	var res storage.ListResult
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		res, err = listing.Page(&mergedCursor{idx: boltCursor{c: b.Bucket(bktObjects).Cursor()}, logged: logged}, opts)
		return err
	})
	return res, err
}

// mergedCursor walks the index's keys and the logged changes together:
// a logged value replaces the index's, a logged delete hides it.
type mergedCursor struct {
	idx    boltCursor
	ik     string // the index cursor's key
	iok    bool
	logged []ovEntry
	i      int    // next logged entry
	key    string // the merged cursor's key
	val    []byte
}

func (m *mergedCursor) Seek(from string) (string, bool) {
	m.ik, m.iok = m.idx.Seek(from)
	m.i, _ = slices.BinarySearchFunc(m.logged, from, func(e ovEntry, k string) int { return strings.Compare(e.key, k) })
	return m.settle()
}

func (m *mergedCursor) Next() (string, bool) {
	if m.iok && m.ik == m.key {
		m.ik, m.iok = m.idx.Next()
	}
	if m.i < len(m.logged) && m.logged[m.i].key == m.key {
		m.i++
	}
	return m.settle()
}

// settle moves to the smaller of the two sources' keys, skipping keys
// whose latest change is a delete.
func (m *mergedCursor) settle() (string, bool) {
	for {
		lok := m.i < len(m.logged)
		switch {
		case !lok && !m.iok:
			m.key, m.val = "", nil
			return "", false
		case lok && (!m.iok || m.logged[m.i].key <= m.ik):
			e := m.logged[m.i]
			if e.v.del {
				if m.iok && m.ik == e.key {
					m.ik, m.iok = m.idx.Next()
				}
				m.i++
				continue
			}
			m.key, m.val = e.key, e.v.val
		default:
			m.key, m.val = m.ik, m.idx.val
		}
		return m.key, true
	}
}

func (m *mergedCursor) Info() (storage.ObjectInfo, error) {
	var rec objRecord
	if _, err := decodeObject(m.val, &rec); err != nil {
		return storage.ObjectInfo{}, err
	}
	return rec.info(m.key), nil
}
