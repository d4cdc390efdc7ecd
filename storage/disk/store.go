package disk

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/versionid"
	bolt "go.etcd.io/bbolt"
)

var (
	_ storage.Backend            = (*Store)(nil)
	_ storage.Multipart          = (*Store)(nil)
	_ storage.Copier             = (*Store)(nil)
	_ storage.Tagger             = (*Store)(nil)
	_ storage.BucketTagger       = (*Store)(nil)
	_ storage.ConditionalDeleter = (*Store)(nil)

	_ storage.RangeWriterTo = (*fileContent)(nil)
	_ io.WriterTo           = (*fileContent)(nil)
)

// DefaultInlineMax is the largest object stored inside its index record.
const DefaultInlineMax = 64 << 10

// Options configure a Store.
type Options struct {
	// Now is the clock for LastModified and creation times (time.Now when nil).
	Now func() time.Time
	// InlineMax is the largest body kept inline in the index (0 means
	// DefaultInlineMax; negative means never inline). Values of 256 KiB
	// and more act as 256 KiB - 1, the copy buffer's size.
	InlineMax int
	// Logger receives startup cleanup reports (slog.Default when nil).
	Logger *slog.Logger
	// MaxExtents is the most part files a completed multipart object may
	// reference in place (0 means DefaultMaxExtents); uploads with more
	// parts are copied into one file at Complete. A GET opens the extents
	// one at a time, so the bound is only on the object's record, which
	// every GET decodes.
	MaxExtents int
	// Reserve is the disk space (bytes) the store keeps allocated in a
	// file so that deletes, aborts, listings and Open still work when the
	// disk is full (see space.go): 0 means DefaultReserve, negative means
	// none. On copy-on-write file systems (btrfs, ZFS) allocated blocks
	// are no promise, so the reserve only helps as far as freeing it does.
	Reserve int64

	// For tests: a lower checkpoint trigger (entries), a hook that can
	// fail background checkpoints, and one that can fail writes as a full
	// disk would.
	logMaxEntries  int
	failCheckpoint func() error
	fault          func(faultOp) error
}

// DefaultMaxExtents bounds the part files one object references: 16 GiB
// in aws-cli's and s3kit's default 8 MiB parts is not copied at Complete.
// Every GET of the object decodes its record and pins its extents (at
// 1,280 extents about 0.13 ms: BenchmarkPinExtents), which the bound keeps
// small next to the transfer of even one part.
const DefaultMaxExtents = 2048

// Store is a durable backend rooted at one directory. Only one Store may
// have a directory open at a time (bbolt holds a file lock).
type Store struct {
	dir        string
	dataDir    *os.File // fsynced after content files are created
	db         *bolt.DB
	c          *committer
	journal    *wal     // the write-ahead log (wal.go)
	ov         *overlay // logged changes not yet in the index
	now        func() time.Time
	inlineMax  int
	maxExtents int
	log        *slog.Logger
	bufs       sync.Pool // *[]byte of copyBufSize for streaming bodies
	pins       pinTable  // content files open GETs read from
	space      *space    // the free-space reserve and full state
	ids        versionid.Generator
	closeOnce  sync.Once
}

// Open opens (creating if needed) the store in dir. It removes leftovers of
// interrupted writes: content files that no committed record references.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	s := &Store{dir: dir, now: opts.Now, inlineMax: opts.InlineMax, maxExtents: opts.MaxExtents, log: opts.Logger}
	if s.maxExtents <= 0 {
		s.maxExtents = DefaultMaxExtents
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.inlineMax == 0 {
		s.inlineMax = DefaultInlineMax
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.bufs.New = func() any { b := make([]byte, copyBufSize); return &b }
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.space = newSpace(dir, opts.Reserve, opts.fault, s.log)
	db, err := bolt.Open(filepath.Join(dir, "index.db"), 0o600, &bolt.Options{
		Timeout: time.Second,
		// The freelist is written with each commit (few, with the log)
		// rather than rebuilt on open: rebuilding walks every page, which
		// with a 1 GiB index took 1.3 s and mapped all of it (1 GiB of RSS)
		// on every start.
		NoFreelistSync: false,
		FreelistType:   bolt.FreelistMapType,
		// Address space only: avoids remapping (which waits for every
		// reader) while the index grows to 1 GiB.
		InitialMmapSize: 1 << 30,
	})
	if err != nil {
		return nil, fmt.Errorf("open store index: %w", err)
	}
	s.db = db
	fail := func(err error) (*Store, error) {
		db.Close()
		if s.dataDir != nil {
			s.dataDir.Close()
		}
		if s.journal != nil {
			s.journal.close()
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.initIndex(); err != nil {
		return fail(err)
	}
	// Leftovers go first: on a full disk, their space is what the replay
	// below may need. (Logged records never reference content files, so
	// the replay cannot make a leftover referenced.)
	if err := s.removeOrphans(ctx); err != nil {
		return fail(err)
	}
	s.space.adopt()
	if err := s.openLog(); err != nil {
		return fail(err)
	}
	if err := s.space.open(); err != nil {
		return fail(err)
	}
	// Make the new directory entries (store dir, data/, index.db, wal) durable;
	// the parent may be unreadable to us, so its sync is best effort.
	_ = syncDir(filepath.Dir(filepath.Clean(dir)))
	for _, d := range []string{dir, filepath.Join(dir, "data")} {
		if err := syncDir(d); err != nil {
			return fail(err)
		}
	}
	if s.dataDir, err = os.Open(filepath.Join(dir, "data")); err != nil {
		return fail(err)
	}
	s.c = newCommitter(db, s.journal, s.ov, s.space, opts)
	return s, nil
}

// openLog opens the write-ahead log and folds the records a crash left in
// it into the index (see wal.go), then empties its files.
func (s *Store) openLog() error {
	var files [2]*os.File
	closeAll := func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}
	for i, name := range []string{walName, walName1} {
		f, err := os.OpenFile(filepath.Join(s.dir, name), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			closeAll()
			return fmt.Errorf("open log: %w", err)
		}
		files[i] = f
	}
	var applied uint64
	if err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bktMeta).Get(keySeq); len(v) == 8 {
			applied = binary.BigEndian.Uint64(v)
		}
		return nil
	}); err != nil {
		closeAll()
		return err
	}
	recs, err := readWalFiles(files[:], applied)
	if err != nil {
		closeAll()
		return err
	}
	if len(recs) > 0 {
		applied = recs[len(recs)-1].seq
		err = s.update(func(tx *bolt.Tx) error {
			for _, r := range recs {
				if err := applyLogged(tx, r.bucket, r.key, r.del, r.val); err != nil {
					if errors.Is(err, errNoBucketInLog) {
						s.log.Warn("storage: skipped logged object of a missing bucket", "bucket", r.bucket, "key", r.key)
						continue
					}
					return err
				}
			}
			return tx.Bucket(bktMeta).Put(keySeq, binary.BigEndian.AppendUint64(nil, applied))
		})
		if errors.Is(err, storage.ErrInsufficientStorage) {
			s.openUnfolded(files, recs)
			return nil
		}
		if err != nil {
			closeAll()
			return fmt.Errorf("replay log: %w", err)
		}
		s.log.Info("storage: replayed write-ahead log", "dir", s.dir, "records", len(recs))
	}
	// Everything in the files is in the index now. Empty them, so that no
	// record written before a crash (a torn one's successors included) can
	// later pass for the continuation of a new chain.
	for _, f := range files {
		if err := f.Truncate(0); err != nil {
			closeAll()
			return fmt.Errorf("empty log: %w", err)
		}
		if err := f.Sync(); err != nil {
			closeAll()
			return fmt.Errorf("empty log: %w", err)
		}
	}
	s.journal = &wal{files: files, seq: applied, fault: s.space.fault}
	s.ov = newOverlay()
	return nil
}

// walSeqSkip is how far past the replayed records the log's sequence
// numbers jump when Open could not fold them (see openUnfolded): further
// than any record a torn write can have left after them (one group, at
// most maxGroup records).
const walSeqSkip = 1 << 32

// openUnfolded opens the log when the disk has no room to fold its
// records into the index, even with the reserve released. Rather than
// fail to start, the store keeps the records in the overlay (GET, HEAD
// and listings see them) and in the log files, left as they are, and
// appends nothing to the log until a commit has folded them in: every
// commit folds the overlay first, so the first one that finds room does
// (until then commits fail with storage.ErrInsufficientStorage). The
// sequence numbers skip ahead, so that no record left in the files after
// the replayed ones can ever continue the chain written after the fold.
func (s *Store) openUnfolded(files [2]*os.File, recs []walRec) {
	last := recs[len(recs)-1].seq
	s.journal = &wal{files: files, seq: last + walSeqSkip, fault: s.space.fault, unfolded: true}
	s.ov = newOverlay()
	s.ov.add(recs)
	s.log.Warn("storage: disk full: kept the write-ahead log's records in memory until there is room to fold them into the index", "dir", s.dir, "records", len(recs))
}

// initIndex creates the index's top-level buckets when they are missing,
// without a commit when they are not (a commit needs free pages, which a
// full disk may not have).
func (s *Store) initIndex() error {
	names := [][]byte{bktBuckets, bktFiles, bktMeta}
	missing := false
	if err := s.db.View(func(tx *bolt.Tx) error {
		for _, name := range names {
			missing = missing || tx.Bucket(name) == nil
		}
		return nil
	}); err != nil || !missing {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		for _, name := range names {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// update is a bbolt transaction for Open: when the disk is full, it
// releases the reserve and tries once more.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	try := func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			if err := inject(s.space.fault, faultIndex); err != nil {
				return err
			}
			return fn(tx)
		})
	}
	err := try()
	if s.space.release(err) {
		err = try()
	}
	return noSpace(err)
}

// Close stops the store; later calls return ErrClosed (or bbolt's
// database-not-open error). Content already opened stays readable.
func (s *Store) Close() error {
	first := false
	s.closeOnce.Do(func() { first = true })
	if !first {
		return ErrClosed
	}
	s.c.close()
	if s.ov.len() == 0 && !s.ov.hasOld() {
		// Every logged record is in the index: empty the log files so the
		// next Open has nothing to read (a lost truncation is harmless,
		// replay skips records the index already covers).
		s.journal.truncate()
	}
	err := s.db.Close()
	if derr := s.dataDir.Close(); err == nil {
		err = derr
	}
	if jerr := s.journal.close(); err == nil {
		err = jerr
	}
	return err
}

// removeOrphans deletes content files that no record references.
func (s *Store) removeOrphans(ctx context.Context) error {
	entries, err := os.ReadDir(filepath.Join(s.dir, "data"))
	if err != nil {
		return err
	}
	var orphans []string
	err = s.db.View(func(tx *bolt.Tx) error {
		files := tx.Bucket(bktFiles)
		for _, e := range entries {
			if files.Get([]byte(e.Name())) == nil {
				orphans = append(orphans, e.Name())
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range orphans {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := os.RemoveAll(filepath.Join(s.dir, "data", name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if len(orphans) > 0 {
		s.log.Info("storage: removed leftovers of interrupted writes", "dir", s.dir, "files", len(orphans))
	}
	return nil
}

func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// refs adjusts reference counts of content files inside a transaction and
// remembers which files dropped to zero, to unlink after the commit.
type refs struct {
	files *bolt.Bucket
	freed []string
}

func newRefs(tx *bolt.Tx) *refs { return &refs{files: tx.Bucket(bktFiles)} }

func (r *refs) add(id string, delta int64) error {
	var n int64
	if v := r.files.Get([]byte(id)); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += delta
	if n <= 0 {
		r.freed = append(r.freed, id)
		return r.files.Delete([]byte(id))
	}
	return r.files.Put([]byte(id), binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// unlink removes content files whose last reference was committed away,
// or, for those a GET still reads, leaves that to its last reader (see
// pinTable). A failure only leaves an orphan that the next Open removes.
func (s *Store) unlink(ids []string) {
	if len(ids) > 0 {
		s.pins.release(ids, s.removeFile)
	}
}

func (s *Store) path(id string) string { return filepath.Join(s.dir, "data", id) }

// ListBuckets implements storage.Backend.
func (s *Store) ListBuckets(ctx context.Context) ([]storage.BucketInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []storage.BucketInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bktBuckets).ForEachBucket(func(name []byte) error {
			info, err := readBucketInfo(tx.Bucket(bktBuckets).Bucket(name))
			out = append(out, info)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	return out, nil
}

func readBucketInfo(b *bolt.Bucket) (storage.BucketInfo, error) {
	var info storage.BucketInfo
	if err := json.Unmarshal(b.Get(keyInfo), &info); err != nil {
		return info, fmt.Errorf("%w: bucket info: %v", errCorrupt, err)
	}
	return info, nil
}

// bucketOf returns a bucket's nested bbolt bucket or ErrNoSuchBucket.
func bucketOf(tx *bolt.Tx, name string) (*bolt.Bucket, error) {
	b := tx.Bucket(bktBuckets).Bucket([]byte(name))
	if b == nil {
		return nil, fmt.Errorf("bucket %s: %w", name, storage.ErrNoSuchBucket)
	}
	return b, nil
}

// CreateBucket implements storage.Backend.
func (s *Store) CreateBucket(ctx context.Context, name string, opts storage.CreateBucketOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("create bucket: empty name: %w", storage.ErrInvalidArgument)
	}
	info, err := json.Marshal(storage.BucketInfo{Name: name, Created: s.now().UTC(), Region: opts.Region})
	if err != nil {
		return err
	}
	return s.c.do(func(tx *bolt.Tx) error {
		all := tx.Bucket(bktBuckets)
		if all.Bucket([]byte(name)) != nil {
			return fmt.Errorf("create bucket %s: %w", name, storage.ErrBucketExists)
		}
		b, err := all.CreateBucket([]byte(name))
		if err != nil {
			return err
		}
		for _, sub := range [][]byte{bktObjects, bktUploads, bktParts} {
			if _, err := b.CreateBucket(sub); err != nil {
				return err
			}
		}
		return b.Put(keyInfo, info)
	})
}

// HeadBucket implements storage.Backend.
func (s *Store) HeadBucket(ctx context.Context, name string) (storage.BucketInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.BucketInfo{}, err
	}
	var info storage.BucketInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		info, err = readBucketInfo(b)
		return err
	})
	return info, err
}

// DeleteBucket implements storage.Backend.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var freed []string
	err := s.c.do(func(tx *bolt.Tx) error {
		freed = nil
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		if k, _ := b.Bucket(bktObjects).Cursor().First(); k != nil {
			return fmt.Errorf("delete bucket %s: %w", name, storage.ErrBucketNotEmpty)
		}
		if vb := b.Bucket(bktVersions); vb != nil {
			if k, _ := vb.Cursor().First(); k != nil {
				return fmt.Errorf("delete bucket %s: versions left: %w", name, storage.ErrBucketNotEmpty)
			}
		}
		// Unfinished uploads go with the bucket, as on S3: their parts
		// are released in the same transaction.
		var ids [][]byte
		if err := b.Bucket(bktUploads).ForEach(func(k, _ []byte) error {
			ids = append(ids, bytes.Clone(k))
			return nil
		}); err != nil {
			return err
		}
		rf := newRefs(tx)
		for _, id := range ids {
			if err := deleteUpload(b, rf, string(id)); err != nil {
				return err
			}
		}
		freed = rf.freed
		return tx.Bucket(bktBuckets).DeleteBucket([]byte(name))
	})
	if err != nil {
		return err
	}
	s.unlink(freed)
	return nil
}

// PutBucketTagging implements storage.BucketTagger. The tags live beside
// the bucket's info in its nested index bucket, so they are committed
// (and fsynced) like any index change, and DeleteBucket drops them with
// the rest of the bucket.
func (s *Store) PutBucketTagging(ctx context.Context, name string, tags map[string]string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var val []byte
	if len(tags) > 0 {
		var err error
		if val, err = json.Marshal(tags); err != nil {
			return err
		}
	}
	return s.c.do(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		if val == nil {
			return b.Delete(keyTags)
		}
		return b.Put(keyTags, val)
	})
}

// GetBucketTagging implements storage.BucketTagger.
func (s *Store) GetBucketTagging(ctx context.Context, name string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var tags map[string]string
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		v := b.Get(keyTags)
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &tags); err != nil {
			return fmt.Errorf("%w: bucket %s tags: %v", errCorrupt, name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}
