// Package disk is the durable storage.Backend: objects on local disk with an
// ordered index in bbolt.
//
// Layout of a data directory:
//
//	index.db    bbolt: buckets and their tags, object records, uploads, parts,
//	            file refcounts, and the last log record folded in (walSeq);
//	            a versioned bucket's noncurrent versions and delete markers
//	            in a bucket of their own (versioning.go)
//	wal, wal.1  write-ahead log of small object writes not yet in index.db
//	reserve     free space held back for a full disk (see space.go)
//	data/<id>   content files, named by random IDs (keys never become paths)
//
// # Writes
//
// Small objects (up to Options.InlineMax, 64 KiB by default) live inline in
// their index record, so a small PUT writes no file. A larger body streams
// into a new content file, which is fsynced together with the data
// directory before the index change that makes it visible.
//
// Index changes go through a group committer (commit.go): changes that
// arrive while a commit is being flushed go together in the next one, so
// 16 concurrent writers pay for about one flush between them. A group made
// only of inline PUTs and deletes of objects without content files, in
// buckets that never had versioning, is appended to the write-ahead log (wal.go) and made durable with one
// fdatasync, then kept in an in-memory overlay that GET, HEAD and listings
// consult before the index. Every other group (file-backed objects,
// multipart steps, buckets, tags, copies) is one bbolt transaction, which
// needs page writes and two fdatasyncs; it folds the overlay in first, so
// the index always has every logged change in log order. A checkpoint
// folds the overlay into bbolt in the background (recording the last
// sequence number it covers) when the log reaches 8 MiB or 8,192 entries,
// and after 100 ms without writes; a listing of a bucket with logged
// changes folds them in first. Either way a write is on disk before it is
// acknowledged, and index.db only ever holds whole bbolt transactions.
//
// The log and overlay are kept because they make small writes noticeably
// faster where users feel it. Measured side by side against the same store
// committing every change to bbolt (same committer, no log), durable 4 KiB
// PUTs through `s3kit serve` ran 2.9x faster with 1 client (p50 0.9 ms
// against 1.9 ms) and 1.6-2.3x faster with 8 (p99 20 ms against 30-50 ms);
// with 16 clients 1.3-1.5x, with 64 they tie, as the server's HTTP and
// signature work fill the two cores measured on (in process, 64 callers
// tie too, and the log's checkpoints cost it the p99: 33 ms against 17).
// bbolt's own DB.Batch instead of the committer was slower still (its
// fixed delay costs every lone writer: 270-550 PUTs/s with 1 caller
// against 500-1,700), so the committer stays too. Kill -9 trials lost no
// acknowledged write with any of the three. (BENCHMARKS.md has the run.)
//
// # Recovery
//
// Open brings a directory left by a crash (kill -9, power loss) back to
// exactly the acknowledged writes, in this order:
//
//  1. bbolt opens index.db under an exclusive lock (a second Store on the
//     same directory fails). Of its two meta pages it uses the newer one
//     that passes its checksum, so the index is the last transaction
//     whose commit completed; a commit cut short is not there, and was
//     never acknowledged.
//  2. The index's top-level buckets are created if missing (a new store);
//     otherwise nothing is written.
//  3. Leftover content files are removed: every file in data/ that the
//     index's reference counts do not name (a body whose PUT, UploadPart
//     or Complete never committed; a file whose unlink after its last
//     reference was lost). Logged records never reference content files,
//     so the replay below cannot make a leftover referenced, and on a full
//     disk the space freed here is the replay's.
//  4. A reserve file left by the previous run is counted as held, so the
//     replay may release it.
//  5. The log is read. Each file's chain is its records from offset 0 for
//     as long as they are whole, pass their CRC-32C and number
//     consecutively; a record torn by the crash ends it (it was never
//     acknowledged: acknowledgement follows its fdatasync). The live
//     records are the chain that starts just after walSeq, followed by
//     the other file's chain if it starts where that one ends; records
//     the index already covers are never part of it, so a replay repeated
//     after a crash during Open applies nothing twice.
//  6. The live records are applied in order in one bbolt transaction that
//     also sets walSeq to the last of them (a record whose bucket is gone,
//     which cannot happen, is skipped with a warning). When the disk has
//     no room for that transaction, the reserve is released and it is
//     tried again; if there is still no room, the records stay in the log
//     files untouched and in the overlay, reads see them, new sequence
//     numbers skip 2^32 ahead of them, and nothing is logged until the
//     first commit that finds room folds them in.
//  7. Both log files are truncated to zero and fsynced (unless step 6 kept
//     their records), so no record written before the crash can later
//     pass for the continuation of a new chain.
//  8. The reserve is allocated again; without room for it the store starts
//     full (new data is refused with storage.ErrInsufficientStorage).
//  9. The store directory and data/ are fsynced (and, best effort, the
//     parent), making the entries created above durable.
//  10. The committer starts and the store serves.
//
// # Shared content
//
// An object record lists its content as extents (file ID, size). A
// completed multipart upload references its part files in order instead of
// copying them ("composite content"; beyond Options.MaxExtents parts they
// are copied into one file, to bound the record's size), and CopyObject
// of a file-backed object only adds references. The files bucket counts
// references per content file; a file is unlinked once its count reaches
// zero and the commit that dropped it is durable, or, if a GET still reads
// it, when that GET ends (GETs open extents lazily and pin them: pins.go).
// A crash can therefore leave only unreferenced files behind, which step 3
// removes.
//
// # Full disk
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
// even so merges the logged changes into its cursor and writes nothing
// (overlaylist.go). A body that runs out of space fails only its own
// upload. A log append cut short by ENOSPC is a torn record, which replay
// stops at; a retried append rewrites the same records with the same
// sequence numbers over it. Nothing acknowledged is lost at any point.
//
// # Readers
//
// Readers see an object either before or after a commit, never a mix:
// records are replaced in one transaction or one log group, the overlay
// drops a change only after the index commit holding it is durable, and
// open Content keeps its file descriptors, so the bytes stay readable even
// after the object is replaced and its files unlinked.
package disk
