// Package transfer moves objects between local files, streams and S3 fast
// and safely: parallel multipart uploads, parallel ranged downloads,
// server-side copies, batched deletes and sync planning.
//
// # Model
//
// A Manager wraps a Client — the handful of S3 calls it needs, in package
// s3's input and output types, so *s3.Client is one as it is and a test's
// fake can inject failures — and owns two budgets shared by every transfer
// running through it at once:
//
//   - request slots (Options.Concurrency): at most that many requests are in
//     flight, whether they belong to one 10 GiB file or to 2,000 small ones;
//   - memory (Options.MemoryBudget, default Concurrency × PartSize): bytes
//     held in part buffers. Only uploads from streams buffer; files are read
//     in place through io.SectionReader and downloads are written to an
//     io.WriterAt as they arrive, so memory does not grow with object size.
//
// Uploads of at least MultipartThreshold bytes go in parts. The part size
// grows for files that would need more than 10,000 parts; for streams of
// unknown length it doubles every 1,000 parts, so any object up to S3's
// 5 TiB limit fits. Every part carries a checksum the server verifies
// (Content-MD5, or the client's own: *s3.Client's, or any PartChecksummer's), so
// corrupted bytes are rejected, and an ETag that is not the MD5 sent is an
// *s3.IntegrityError; a failed upload is aborted so no orphaned parts
// remain.
//
// Downloads start with one plain GET: a small object costs one request. A
// larger one is read in PartSize ranges in parallel. DownloadFile writes to
// a temporary file in the target directory and renames it only once the
// bytes are complete and checked against the ETag (see
// DownloadResult.Verified), so an interrupted download never leaves a
// partial file under the target name.
//
// Progress is reported as Events to Options.Progress; the package never
// prints.
//
// # API shape
//
// Every method takes a context first and names its source before its
// destination. A method with one side in S3 names it by bucket and key
// (Upload, UploadFile, UploadReaderAt, Download, DownloadFile); a method
// with two sides names both by Location (Copy, whose sides are both in S3;
// Transfer, CopyTree and Sync, whose sides may each be local or in S3).
// Runs over many files return an iter.Seq2[Result, error]. Failures are
// *Error values wrapping the cause (an *s3.Error from the server, say),
// usable with errors.As.
//
// # Trees
//
// CopyTree copies a directory or prefix (aws s3 cp --recursive), Sync makes
// one side match the other (aws s3 sync), and Transfer copies one file or
// object; a Location names either side, local or in S3. A Filter applies
// aws-cli's --include/--exclude rules. CopyTree and Sync return an
// iter.Seq2[Result, error] yielding one Result per file as it finishes; a
// failed file does not stop the others, and leaving the loop cancels the
// rest. Downloads never land outside the target directory: keys such as
// "../x" and paths through a symbolic link leading outside it are refused
// (*SymlinkEscapeError). DeleteKeys and DeletePrefix (aws s3 rm
// --recursive) delete in DeleteObjects batches and yield Results the same
// way.
//
// Sync is planned by PlanSync, a merge-join of two key-ordered streams
// (WalkLocal, which walks a directory in S3 byte order, and WalkRemote), so
// memory stays flat for millions of keys. With Delete it refuses to run on a
// missing or empty source unless forced: aws-cli's sync --delete from an
// empty directory has wiped backups.
package transfer
