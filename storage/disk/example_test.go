package disk_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/disk"
)

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "s3kit-example")
	defer os.RemoveAll(dir)

	s, err := disk.Open(ctx, dir, disk.Options{})
	if err != nil {
		panic(err)
	}
	s.CreateBucket(ctx, "logs", storage.CreateBucketOptions{})
	// Durable when PutObject returns: data and index are fsynced.
	s.PutObject(ctx, "logs", "../../etc/passwd", strings.NewReader("just a key"), storage.PutOptions{})
	s.Close()

	// Reopen: everything acknowledged is still there.
	s, err = disk.Open(ctx, dir, disk.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	info, err := s.HeadObject(ctx, "logs", "../../etc/passwd")
	fmt.Println(info.Size, err)
	_, err = s.HeadObject(ctx, "logs", "missing")
	fmt.Println(errors.Is(err, storage.ErrNoSuchKey))
	// Output:
	// 10 <nil>
	// true
}
