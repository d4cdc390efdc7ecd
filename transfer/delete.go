package transfer

import (
	"context"
	"fmt"
	"iter"
)

// DeleteOptions configure DeleteKeys and DeletePrefix.
type DeleteOptions struct {
	// Filter selects the keys to delete: matched against the whole key by
	// DeleteKeys, against the key relative to the prefix by DeletePrefix.
	Filter Filter
	// DryRun yields the Results the deletion would produce and deletes
	// nothing.
	DryRun bool
}

// DeleteKeys deletes keys from bucket in DeleteObjects batches of
// MaxBatchDelete, reading the sequence as it goes, and yields one OpDelete
// Result per key: a nil error once it is deleted, or the server's
// *DeleteFailure for it. A batch request that fails is yielded as an
// OpDelete Result with an empty Source, and stops the run. Leaving the loop
// early stops it after the batch in flight.
func (m *Manager) DeleteKeys(ctx context.Context, bucket string, keys iter.Seq[string], opts DeleteOptions) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stopped := false
		send := func(r Result, err error) {
			if !stopped && !yield(r, err) {
				stopped = true
				cancel()
			}
		}
		selected := func(yield func(string) bool) {
			for k := range keys {
				if stopped {
					return
				}
				if opts.Filter.Match(k) && !yield(k) {
					return
				}
			}
		}
		if opts.DryRun {
			for k := range selected {
				send(Result{Op: OpDelete, Source: Remote(bucket, k).String(), Size: -1}, nil)
			}
			return
		}
		m.deleteKeys(ctx, bucket, selected, send)
	}
}

// DeletePrefix deletes every object whose key begins with prefix, as
// given ("logs" also matches "logs-old/x", as aws s3 rm --recursive does),
// that passes opts.Filter, with DeleteKeys. A failure to list is yielded
// as an OpList Result and ends the listing; the keys listed before it are
// still deleted.
func (m *Manager) DeletePrefix(ctx context.Context, bucket, prefix string, opts DeleteOptions) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stopped := false
		send := func(r Result, err error) bool {
			if !stopped && !yield(r, err) {
				stopped = true
				cancel() // also stops the batch DeleteKeys holds
			}
			return !stopped
		}
		filter := opts.Filter
		keys := func(yieldKey func(string) bool) {
			for o, err := range listObjects(ctx, m.c, bucket, prefix) {
				if err != nil {
					send(Result{Op: OpList}, fmt.Errorf("%s: %w", Remote(bucket, prefix), err))
					return
				}
				if filter.Match(o.Key[len(prefix):]) && !yieldKey(o.Key) {
					return
				}
			}
		}
		opts.Filter = Filter{}
		for r, err := range m.DeleteKeys(ctx, bucket, keys, opts) {
			if !send(r, err) {
				return
			}
		}
	}
}

// deleteKeys deletes keys with Delete, sending one Result per key and one
// for a batch request that fails.
func (m *Manager) deleteKeys(ctx context.Context, bucket string, keys iter.Seq[string], send func(Result, error)) {
	_, err := m.Delete(ctx, bucket, keys, func(k string, err error) {
		res := Result{Op: OpDelete, Source: Remote(bucket, k).String(), Size: -1}
		if err != nil {
			err = fmt.Errorf("%s: %w", res.Source, err)
		}
		send(res, err)
	})
	if err != nil {
		send(Result{Op: OpDelete, Size: -1}, err)
	}
}
