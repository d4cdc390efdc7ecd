// Package disk is the durable storage.Backend: objects on local disk with an
// ordered index in bbolt.
//
// Layout of a data directory:
//
//	index.db    bbolt: buckets, object records, uploads, parts, file refcounts
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
// An object record lists its content as extents (file ID, size). A
// completed multipart upload references its part files in order instead of
// copying them ("composite content"; beyond Options.MaxExtents parts they
// are copied into one file so a GET needs few descriptors), and CopyObject
// of a file-backed object only adds references. The files bucket counts references per content file;
// a file is unlinked once its count reaches zero and the commit that dropped
// it is durable. A crash can therefore leave only unreferenced files behind
// (half-written uploads, files whose unlink was lost); Open removes every
// file in data/ that the index does not reference.
//
// Readers see an object either before or after a commit, never a mix:
// records are replaced in one transaction, and open Content keeps its file
// descriptors, so the bytes stay readable even after the object is replaced
// and its files unlinked.
package disk
