package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

// countKeys is code written against the contract, not one engine: it pages
// through a bucket with ListOptions.After, as the server does.
func countKeys(ctx context.Context, b storage.Backend, bucket string) (int, error) {
	n, opts := 0, storage.ListOptions{MaxKeys: 2}
	for {
		page, err := b.ListObjects(ctx, bucket, opts)
		if err != nil {
			return n, err
		}
		n += len(page.Objects)
		if !page.IsTruncated {
			return n, nil
		}
		opts.After = page.NextAfter
	}
}

// A Backend is used through its contract: errors wrap the sentinels, and
// optional capabilities are found by type assertion.
func Example() {
	ctx := context.Background()
	var b storage.Backend = mem.New(mem.Options{})
	if err := b.CreateBucket(ctx, "docs", storage.CreateBucketOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	for _, key := range []string{"a", "b", "c", "d", "e"} {
		if _, err := b.PutObject(ctx, "docs", key, strings.NewReader(key), storage.PutOptions{}); err != nil {
			fmt.Println(err)
			return
		}
	}
	n, err := countKeys(ctx, b, "docs")
	fmt.Println(n, err)

	_, err = b.HeadObject(ctx, "docs", "missing")
	fmt.Println(errors.Is(err, storage.ErrNoSuchKey))

	_, multipart := b.(storage.Multipart)
	fmt.Println("multipart:", multipart)
	// Output:
	// 5 <nil>
	// true
	// multipart: true
}
