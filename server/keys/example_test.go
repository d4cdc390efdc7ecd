package keys_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/s3kit/s3kit/server/keys"
)

// A store lives in a data directory; keys made by one process (here, a
// second Store standing in for "s3kit keys create") are found by another
// (the running server).
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "keys-example")
	defer os.RemoveAll(dir)

	cli, _ := keys.Open(dir, keys.Options{})
	k, _ := cli.Create(ctx, keys.CreateOptions{Name: "ci", ReadOnly: true, Buckets: []string{"logs"}})

	server, _ := keys.Open(dir, keys.Options{})
	got, _ := server.Lookup(ctx, k.AccessKeyID)
	fmt.Println(got.Secret == k.Secret, got.ReadOnly, got.Buckets)
	fmt.Println(len(k.AccessKeyID), k.AccessKeyID[:4], len(k.Secret))

	_, err := server.Lookup(ctx, "AKIANOTAKEYNOTAKEY22")
	fmt.Println(errors.Is(err, keys.ErrNotFound))

	fi, _ := os.Stat(server.Path())
	fmt.Println(fi.Mode().Perm())
	// Output:
	// true true [logs]
	// 20 AKIA 40
	// true
	// -rw-------
}
