package transfer

import (
	"context"
	"fmt"
	"iter"
)

// MaxBatchDelete is the most keys S3 deletes in one DeleteObjects request.
const MaxBatchDelete = 1000

// Copy copies srcBucket/srcKey to dstBucket/dstKey server-side: no bytes
// pass through this process. Objects over 5 GiB, which need UploadPartCopy,
// are not supported yet.
func (m *Manager) Copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string) (UploadResult, error) {
	ev := Event{Op: "copy", Bucket: dstBucket, Key: dstKey}
	m.emitStart(ev, -1)
	var out PutOutput
	err := m.slot(ctx, func() (err error) {
		out, err = m.c.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey)
		return err
	})
	m.emitEnd(ev, err)
	if err != nil {
		return UploadResult{}, &Error{Op: "copy", Bucket: dstBucket, Key: dstKey,
			Err: fmt.Errorf("from s3://%s/%s: %w", srcBucket, srcKey, err)}
	}
	return UploadResult{Bucket: dstBucket, Key: dstKey, ETag: trimETag(out.ETag)}, nil
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
		var fails []DeleteFailure
		err := m.slot(ctx, func() (err error) {
			fails, err = m.c.DeleteObjects(ctx, bucket, batch)
			return err
		})
		if err != nil {
			return &Error{Op: "delete", Bucket: bucket, Key: batch[0], Err: fmt.Errorf("batch of %d keys: %w", len(batch), err)}
		}
		deleted += len(batch) - len(fails)
		if report != nil {
			failed := make(map[string]*DeleteFailure, len(fails))
			for i := range fails {
				failed[fails[i].Key] = &fails[i]
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
