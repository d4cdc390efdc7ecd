// Package disk is the durable storage.Backend: objects on local disk with an
// ordered index in bbolt.
//
// Layout of a data directory:
//
//	index.db    bbolt: buckets and their tags, object records, uploads, parts,
//	            file refcounts
//	wal         write-ahead log of small object writes not yet in index.db
//	reserve     free space held back for a full disk (see space.go)
//	data/<id>   content files, named by random IDs (keys never become paths)
//
// Small objects (up to Options.InlineMax, 64 KiB by default) live inline in
// their index record, so a small PUT costs one index commit and no file. A
// larger body streams into a new content file, which is fsynced together with
// the data directory before the index transaction that makes it visible.
// Index writes go through a group committer: concurrent PUTs, deletes and
// multipart steps that arrive while a commit is being fsynced are applied
// together in the next bbolt transaction, so 16 concurrent writers pay for
// about one fsync between them instead of sixteen.
//
// Small writes are cheaper still through the write-ahead log (wal, see
// wal.go; Options.DisableLog turns it off). A group made only of inline
// PUTs and deletes whose current objects have no content files is
// appended to the log and made durable with one fdatasync (a bbolt commit
// needs page writes and two), then kept in an in-memory overlay that GET
// and HEAD consult before the index. The log is two files (wal, wal.1)
// used in turn. A checkpoint freezes the current overlay layer and folds
// it into bbolt in a background commit recording the last sequence number
// it covers, while new records go to the other file from offset 0; it
// starts when the log reaches 8 MiB or 8,192 entries, and after 100 ms
// without writes. Any other index change, a listing of a bucket with
// logged changes, and Close wait for a running checkpoint and fold the
// rest in the same transaction. Open replays the chain of records that
// follows the recorded sequence number (across both files), stopping at
// the first torn or stale record, then empties both files. Acknowledged writes are
// therefore on disk before the reply either way, and the index only ever
// holds fully committed bbolt transactions.
//
// An object record lists its content as extents (file ID, size). A
// completed multipart upload references its part files in order instead of
// copying them ("composite content"; beyond Options.MaxExtents parts they
// are copied into one file, to bound the record's size), and CopyObject
// of a file-backed object only adds references. The files bucket counts references per content file;
// a file is unlinked once its count reaches zero and the commit that dropped
// it is durable, or, if a GET still reads it, when that GET ends (GETs open
// extents lazily and pin them: pins.go). A crash can therefore leave only unreferenced files behind
// (half-written uploads, files whose unlink was lost); Open removes every
// file in data/ that the index does not reference.
//
// A full disk degrades the store; it never wedges it (space.go). Open
// allocates a reserve file (Options.Reserve: 32 MiB, or an eighth of a
// small file system). When a log append or index commit runs out of
// space, the reserve is released and the write retried, and from then on
// new data (PUT, UploadPart, CopyObject) is refused with
// storage.ErrInsufficientStorage, which the server answers with 507
// InsufficientStorage, until the file system has twice the reserve free
// again. Deletes, aborts, CreateMultipartUpload and listings keep
// working on the reserve's blocks; a listing that cannot fold the log
// even so merges the logged changes into its cursor and writes nothing.
// A body that runs out of space fails only its own upload. Recovery
// copes with a full disk too: leftover files are removed before the log
// is replayed (their space is the replay's), the replay may use the
// reserve, and if the log still cannot be folded Open keeps its records
// in memory and in the untouched log files, serves reads from them, and
// folds them in with the first commit that finds room. A log append cut
// short by ENOSPC is a torn record, which replay stops at; a retried
// append rewrites the same records with the same sequence numbers over
// it. Nothing acknowledged is lost at any point.
//
// Readers see an object either before or after a commit, never a mix:
// records are replaced in one transaction, and open Content keeps its file
// descriptors, so the bytes stay readable even after the object is replaced
// and its files unlinked.
package disk
