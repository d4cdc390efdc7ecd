package server_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

// fullBackend refuses new data as a store on a full disk does, and keeps
// serving everything else.
type fullBackend struct{ storage.Backend }

func (fullBackend) PutObject(ctx context.Context, bucket, key string, body io.Reader, opts storage.PutOptions) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: %w: the disk is full", bucket, key, storage.ErrInsufficientStorage)
}

// TestFullDiskIsInsufficientStorage checks that a store's full disk
// reaches the client as 507 InsufficientStorage with a message saying
// what to do (not as a 500 a client would retry), and that deletes and
// listings still answer.
//
// One backend: the full disk is injected by a wrapper.
func TestFullDiskIsInsufficientStorage(t *testing.T) {
	t.Parallel()
	st := mem.New(mem.Options{})
	e := newEnv(t, s3test.WithBackend(fullBackend{st}))
	e.mkBucket("bkt")
	if _, err := st.PutObject(context.Background(), "bkt", "old", strings.NewReader("x"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	r := e.wantErr(507, "InsufficientStorage", "PUT", "/bkt/new", []byte("data"), nil)
	if !strings.Contains(string(r.body), "disk is full") {
		t.Errorf("message does not say the disk is full: %s", r.body)
	}
	e.must(200, "GET", "/bkt?list-type=2", nil, nil)
	e.must(204, "DELETE", "/bkt/old", nil, nil)
}

// TestBoto3FullDisk checks the same with real boto3: a ClientError with
// 507 InsufficientStorage and no retries, and deletes that still work.
//
// One backend: the full disk is injected by a wrapper.
func TestBoto3FullDisk(t *testing.T) {
	t.Parallel()
	st := mem.New(mem.Options{})
	srv := s3test.NewServer(t, s3test.WithBackend(fullBackend{st}))
	ctx := context.Background()
	if err := st.CreateBucket(ctx, "full", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutObject(ctx, "full", "old", strings.NewReader("x"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Log(runBoto3Script(t, srv, "testdata/boto3_fulldisk.py", nil))
}
