package disk

import (
	"context"
	"encoding/binary"
	"sort"
	"sync"

	"github.com/s3kit/s3kit/storage"
	bolt "go.etcd.io/bbolt"
)

// What each bucket holds (storage.UsageReporter) is counted once, on the
// first Usage call, and then kept by the committer as it commits changes,
// so a metrics scrape reads a few numbers instead of walking the index.
// Counting at the first call rather than at Open keeps Open from reading
// every object record (a large index is never mapped whole at start);
// the count runs in the committer's goroutine, between two groups, so
// no change can slip between the count and the first delta. The totals
// cover every stored version (the objects index and a versioned bucket's
// versions bucket); a delete marker is neither an object nor bytes.

// usageTotals are the running totals.
type usageTotals struct {
	mu sync.Mutex
	// ready is set once the totals have been counted; until then the
	// committer records no deltas.
	ready bool
	m     map[string]*storage.BucketUsage
}

// usageChange is one committed change to the totals, applied in order.
type usageChange struct {
	bucket         string
	objects, bytes int64
	created, gone  bool
}

// apply adds changes to the totals.
func (u *usageTotals) apply(changes []usageChange) {
	if len(changes) == 0 {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, ch := range changes {
		switch {
		case ch.gone:
			delete(u.m, ch.bucket)
		case ch.created:
			u.m[ch.bucket] = &storage.BucketUsage{Name: ch.bucket}
		default:
			if b := u.m[ch.bucket]; b != nil {
				b.Objects += ch.objects
				b.Bytes += ch.bytes
			}
		}
	}
}

// recordUsage is what an encoded record (nil: none) adds to its bucket's
// totals: one object and its size, or nothing for a delete marker. The
// size is the uvarint after the version byte (see encodeObject); only a
// record of a versioned bucket can be a marker, and only its trailer
// says so, so only those are decoded whole.
func recordUsage(val []byte) (objects, bytes int64) {
	if len(val) < 2 {
		return 0, 0
	}
	if val[0]&objRecordVersioned != 0 {
		var rec objRecord
		if _, err := decodeObject(val, &rec); err == nil && rec.Marker {
			return 0, 0
		}
	}
	n, _ := binary.Uvarint(val[1:])
	return 1, int64(n)
}

// objectChange is the change to the totals when a record of bucket (a
// current object or a version) goes from cur to val (nil: absent).
func objectChange(bucket string, cur, val []byte) usageChange {
	o1, b1 := recordUsage(cur)
	o2, b2 := recordUsage(val)
	return usageChange{bucket: bucket, objects: o2 - o1, bytes: b2 - b1}
}

// putRec writes (or, with val nil, deletes) the record at k of bk, the
// objects or the versions bucket of bucket, in a group's transaction and
// notes the change for the totals, which the committer applies once the
// transaction commits. Moving a record between the two buckets notes a
// removal and an addition that cancel out.
func (c *committer) putRec(bk *bolt.Bucket, bucket string, k, val []byte) error {
	if c.usageOn {
		c.pending = append(c.pending, objectChange(bucket, bk.Get(k), val))
	}
	if val == nil {
		return bk.Delete(k)
	}
	return bk.Put(k, val)
}

// putRecord is putRec for the current object of key.
func (c *committer) putRecord(objs *bolt.Bucket, bucket, key string, val []byte) error {
	return c.putRec(objs, bucket, []byte(key), val)
}

// noteBucket notes, in a group's transaction, that a bucket was created
// or deleted.
func (c *committer) noteBucket(name string, created bool) {
	if c.usageOn {
		c.pending = append(c.pending, usageChange{bucket: name, created: created, gone: !created})
	}
}

// countUsage counts the totals from the index and the logged changes not
// yet in it. It runs in the committer's goroutine.
func (c *committer) countUsage() error {
	if c.usageOn {
		return nil
	}
	m := map[string]*storage.BucketUsage{}
	err := c.db.View(func(tx *bolt.Tx) error {
		all := tx.Bucket(bktBuckets)
		if err := all.ForEachBucket(func(name []byte) error {
			bu := &storage.BucketUsage{Name: string(name)}
			b := all.Bucket(name)
			// Current objects, then every other stored version.
			for _, bk := range []*bolt.Bucket{b.Bucket(bktObjects), b.Bucket(bktVersions)} {
				if bk == nil {
					continue
				}
				cur := bk.Cursor()
				for k, v := cur.First(); k != nil; k, v = cur.Next() {
					objects, size := recordUsage(v)
					bu.Objects += objects
					bu.Bytes += size
				}
			}
			m[bu.Name] = bu
			return nil
		}); err != nil {
			return err
		}
		if c.ov == nil {
			return nil
		}
		// A logged change replaces what the index holds for its key (the
		// newer layer wins). Comparing with the index in this same view
		// holds even if a checkpoint folded the frozen layer meanwhile:
		// the index then holds the layer's value and the change is zero.
		c.ov.mu.RLock()
		logged := make(map[ovKey]ovVal, len(c.ov.old)+len(c.ov.m))
		for k, v := range c.ov.old {
			logged[k] = v
		}
		for k, v := range c.ov.m {
			logged[k] = v
		}
		c.ov.mu.RUnlock()
		for k, v := range logged {
			bu, b := m[k.bucket], all.Bucket([]byte(k.bucket))
			if bu == nil || b == nil {
				continue
			}
			val := v.val
			if v.del {
				val = nil
			}
			ch := objectChange(k.bucket, b.Bucket(bktObjects).Get([]byte(k.key)), val)
			bu.Objects += ch.objects
			bu.Bytes += ch.bytes
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.usage.mu.Lock()
	c.usage.m, c.usage.ready = m, true
	c.usage.mu.Unlock()
	c.usageOn = true
	return nil
}

// Usage implements storage.UsageReporter. The first call counts the
// objects (see usageTotals); later calls read the kept totals. FreeBytes
// is what statfs says an unprivileged writer may still use on the data
// directory's file system (-1 where there is no statfs).
func (s *Store) Usage(ctx context.Context) (storage.Usage, error) {
	if err := ctx.Err(); err != nil {
		return storage.Usage{}, err
	}
	s.c.usage.mu.Lock()
	ready := s.c.usage.ready
	s.c.usage.mu.Unlock()
	if !ready {
		done := make(chan error, 1)
		select {
		case s.c.countReq <- done:
		case <-s.c.quit:
			return storage.Usage{}, ErrClosed
		case <-ctx.Done():
			return storage.Usage{}, ctx.Err()
		}
		if err := <-done; err != nil {
			return storage.Usage{}, err
		}
	}
	u := storage.Usage{FreeBytes: -1}
	if avail, _, ok := statfs(s.dir); ok {
		u.FreeBytes = avail
	}
	s.c.usage.mu.Lock()
	u.Buckets = make([]storage.BucketUsage, 0, len(s.c.usage.m))
	for _, b := range s.c.usage.m {
		u.Buckets = append(u.Buckets, *b)
	}
	s.c.usage.mu.Unlock()
	sort.Slice(u.Buckets, func(i, j int) bool { return u.Buckets[i].Name < u.Buckets[j].Name })
	return u, nil
}
