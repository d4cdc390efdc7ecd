package transfer

import (
	"context"
	"fmt"
	"iter"

	"github.com/s3kit/s3kit/s3"
	"golang.org/x/sync/errgroup"
)

// MaxBatchDelete is the most keys S3 deletes in one DeleteObjects request.
const MaxBatchDelete = 1000

// Copy copies the object src (size bytes; -1 to look it up) to dst
// server-side: no bytes pass through this process. Both must be Remote
// locations. Objects up to MaxCopySize go in one CopyObject; larger ones,
// which CopyObject refuses, as a multipart upload of parallel
// UploadPartCopy ranges.
func (m *Manager) Copy(ctx context.Context, src, dst Location, size int64) (UploadResult, error) {
	if !src.IsRemote() || !dst.IsRemote() {
		return UploadResult{}, &Error{Op: "copy", Bucket: dst.Bucket, Key: dst.Key,
			Err: fmt.Errorf("copy %s to %s: both sides must be in S3 (use Transfer)", src, dst)}
	}
	ev := Event{Op: "copy", Bucket: dst.Bucket, Key: dst.Key}
	m.emitStart(ev, size)
	res, err := m.copy(ctx, src.Bucket, src.Key, dst.Bucket, dst.Key, size)
	m.emitEnd(ev, err)
	if err != nil {
		return UploadResult{}, &Error{Op: "copy", Bucket: dst.Bucket, Key: dst.Key,
			Err: fmt.Errorf("from %s: %w", src, err)}
	}
	return res, nil
}

// MaxCopySize is the largest object one CopyObject request copies.
const MaxCopySize = 5 << 30

func (m *Manager) copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, size int64) (UploadResult, error) {
	if size < 0 || size > m.copyThreshold {
		var obj object
		err := m.slot(ctx, func() (err error) {
			obj, err = headObject(ctx, m.c, srcBucket, srcKey)
			return err
		})
		if err != nil {
			return UploadResult{}, err
		}
		size = obj.Size
	}
	if size <= m.copyThreshold {
		var out *s3.CopyObjectOutput
		err := m.slot(ctx, func() (err error) {
			out, err = m.c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: dstBucket, Key: dstKey, SourceBucket: srcBucket, SourceKey: srcKey})
			return err
		})
		if err != nil {
			return UploadResult{Bucket: dstBucket, Key: dstKey, Size: size}, err
		}
		return UploadResult{Bucket: dstBucket, Key: dstKey, Size: size, ETag: trimETag(out.ETag)}, nil
	}
	ps, err := m.filePartSize(size)
	if err != nil {
		return UploadResult{}, err
	}
	up, err := m.startMultipart(ctx, dstBucket, dstKey)
	if err != nil {
		return UploadResult{}, err
	}
	g, gctx := errgroup.WithContext(ctx)
	for off, n := int64(0), 1; off < size; off, n = off+ps, n+1 {
		last := min(off+ps, size) - 1
		if err := m.slots.Acquire(gctx, 1); err != nil {
			break
		}
		g.Go(func() error {
			defer m.slots.Release(1)
			out, err := m.c.UploadPartCopy(gctx, &s3.UploadPartCopyInput{Bucket: dstBucket, Key: dstKey, UploadID: up.uid,
				PartNumber: n, SourceBucket: srcBucket, SourceKey: srcKey, SourceRange: fmt.Sprintf("bytes=%d-%d", off, last)})
			if err != nil {
				return fmt.Errorf("copy part %d: %w", n, err)
			}
			up.add(n, out.ETag)
			return nil
		})
	}
	return up.finish(ctx, g.Wait(), size)
}

// Delete deletes keys from bucket in batches of MaxBatchDelete, reading the
// sequence as it goes so a listing of millions of keys is never held whole.
// report (when set) is called for every key once its batch is done, with a
// nil error or the *DeleteFailure the server gave for that key. It returns
// the number deleted; a batch request that fails stops the run.
func (m *Manager) Delete(ctx context.Context, bucket string, keys iter.Seq[string], report func(key string, err error)) (deleted int, err error) {
	batch := make([]string, 0, MaxBatchDelete)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ids := make([]s3.ObjectID, len(batch))
		for i, k := range batch {
			ids[i] = s3.ObjectID{Key: k}
		}
		var out *s3.DeleteObjectsOutput
		err := m.slot(ctx, func() (err error) {
			out, err = m.c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Objects: ids, Quiet: true})
			return err
		})
		if err != nil {
			return &Error{Op: "delete", Bucket: bucket, Key: batch[0], Err: fmt.Errorf("batch of %d keys: %w", len(batch), err)}
		}
		deleted += len(batch) - len(out.Errors)
		if report != nil {
			failed := make(map[string]*DeleteFailure, len(out.Errors))
			for _, e := range out.Errors {
				failed[e.Key] = &DeleteFailure{Key: e.Key, Code: e.Code, Message: e.Message}
			}
			for _, k := range batch {
				if f := failed[k]; f != nil {
					report(k, f)
				} else {
					report(k, nil)
				}
			}
		}
		batch = batch[:0]
		return nil
	}
	for k := range keys {
		if err := ctx.Err(); err != nil {
			return deleted, err
		}
		batch = append(batch, k)
		if len(batch) == MaxBatchDelete {
			if err := flush(); err != nil {
				return deleted, err
			}
		}
	}
	return deleted, flush()
}
