package transfer_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/transfer"
)

func ExamplePlanSync() {
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	list := func(es ...transfer.Entry) iter.Seq2[transfer.Entry, error] {
		return func(yield func(transfer.Entry, error) bool) {
			for _, e := range es {
				if !yield(e, nil) {
					return
				}
			}
		}
	}
	local := list(
		transfer.Entry{Key: "a-b", Size: 3, ModTime: t},
		transfer.Entry{Key: "a/x", Size: 5, ModTime: t},
	)
	remote := list(
		transfer.Entry{Key: "a/x", Size: 4, ModTime: t},
		transfer.Entry{Key: "old", Size: 1, ModTime: t},
	)
	for step, err := range transfer.PlanSync(context.Background(), local, remote, transfer.SyncOptions{Delete: true}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if step.Reason != "" {
			fmt.Printf("%s %s (%s)\n", step.Action, step.Key, step.Reason)
			continue
		}
		fmt.Println(step.Action, step.Key)
	}
	// Output:
	// copy a-b
	// update a/x (size differs)
	// delete old
}

// README begin
// mirror uploads the directory dir to s3://bucket/prefix/, skipping *.tmp
// files, then makes the directory restore match that prefix.
func mirror(ctx context.Context, client *s3.Client, dir, bucket, prefix, restore string) error {
	m := transfer.New(client, transfer.Options{})
	var skipTmp transfer.Filter
	if err := skipTmp.Exclude("*.tmp"); err != nil {
		return err
	}
	remote := transfer.Remote(bucket, prefix)
	for res, err := range m.CopyTree(ctx, transfer.Local(dir), remote, transfer.TreeOptions{Filter: skipTmp}) {
		if err != nil {
			return err // leaving the loop cancels the rest of the copy
		}
		log.Printf("%s %s to %s (%d bytes)", res.Op, res.Source, res.Target, res.Size)
	}
	// Delete removes local files missing from the bucket; it refuses to
	// run (transfer.ErrUnsafeDelete) if the prefix is empty.
	for res, err := range m.Sync(ctx, remote, transfer.Local(restore), transfer.SyncOptions{Delete: true}) {
		if err != nil {
			return err
		}
		log.Printf("%s %s", res.Op, res.Source)
	}
	return nil
}

// README end

// exampleClient starts an in-process s3kit server on 127.0.0.1, as
// s3test.NewServer does in tests, and returns a client for it with bucket
// created, and the function that stops it.
func exampleClient(ctx context.Context, bucket string) (*s3.Client, func(), error) {
	key := server.Key{AccessKeyID: "S3KITEXAMPLE", Secret: "example-secret-not-a-real-one"}
	hs := httptest.NewServer(server.New(server.Config{
		Backend: mem.New(mem.Options{}),
		Keys:    server.NewStaticKeys(key),
		Region:  server.DefaultRegion,
	}))
	noEnv := func(string) (string, bool) { return "", false }
	sess, err := s3.NewSession(ctx, s3.WithCredentials(key.AccessKeyID, key.Secret, ""),
		s3.WithRegion(server.DefaultRegion), s3.WithEnv(noEnv, os.TempDir()))
	if err == nil {
		var c *s3.Client
		if c, err = sess.Client(s3.WithEndpointURL(hs.URL)); err == nil {
			if _, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err == nil {
				return c, hs.Close, nil
			}
		}
	}
	hs.Close()
	return nil, nil, err
}

// ExampleManager_CopyTree runs the program shown in the README against an
// in-process server: photos/ goes up without its .tmp file, and comes back
// into a directory whose stale file the sync deletes.
func ExampleManager_CopyTree() {
	ctx := context.Background()
	client, stop, err := exampleClient(ctx, "backup")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	photos, restore := filepath.Join(dir, "photos"), filepath.Join(dir, "restore")
	for name, body := range map[string]string{
		"photos/a.jpg": "a", "photos/2026/b.jpg": "bb", "photos/upload.tmp": "x", "restore/stale.jpg": "old",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		_ = os.WriteFile(p, []byte(body), 0o600)
	}
	log.SetOutput(io.Discard) // mirror logs each file; the output below is what it leaves
	defer log.SetOutput(os.Stderr)
	if err := mirror(ctx, client, photos, "backup", "photos/", restore); err != nil {
		fmt.Println(err)
		return
	}
	for e, err := range transfer.WalkRemote(ctx, client, "backup", "") {
		fmt.Println("bucket:", e.Key, e.Size, err)
	}
	for e, err := range transfer.WalkLocal(ctx, restore) {
		fmt.Println("restore:", e.Key, e.Size, err)
	}
	// Output:
	// bucket: photos/2026/b.jpg 2 <nil>
	// bucket: photos/a.jpg 1 <nil>
	// restore: 2026/b.jpg 2 <nil>
	// restore: a.jpg 1 <nil>
}

// ExampleFilter selects keys as aws-cli's --exclude and --include do: the
// last rule that matches decides.
func ExampleFilter() {
	var f transfer.Filter
	_ = f.Exclude("*")
	_ = f.Include("*.jpg")
	_ = f.Exclude("tmp/*")
	for _, key := range []string{"a.jpg", "2026/b.jpg", "notes.txt", "tmp/c.jpg"} {
		fmt.Println(key, f.Match(key))
	}
	// Output:
	// a.jpg true
	// 2026/b.jpg true
	// notes.txt false
	// tmp/c.jpg false
}
