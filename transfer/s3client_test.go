package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/transfer"
)

// serverClient starts an in-process s3kit server and returns a client for
// it, in a clean environment, with bucket created.
func serverClient(t *testing.T, bucket string) *s3.Client {
	t.Helper()
	ctx := context.Background()
	srv := s3test.NewServer(t)
	sess, err := s3.NewSession(ctx, s3.WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		s3.WithRegion(srv.Region),
		s3.WithEnv(func(string) (string, bool) { return "", false }, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(s3.WithEndpointURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAgainstS3kitServer runs the manager over the real client against the
// in-process s3kit server: multipart uploads from a file and a stream,
// verified parallel downloads, copy, listing order and batch delete.
func TestAgainstS3kitServer(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "tmgr")
	m := transfer.New(c, transfer.Options{PartSize: transfer.MinPartSize, Concurrency: 4, VerifyLarge: true})
	data := make([]byte, 2*transfer.MinPartSize+12345)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		key    string
		upload func() (transfer.UploadResult, error)
		parts  int
	}{
		{"file", "file", func() (transfer.UploadResult, error) { return m.UploadFile(ctx, src, "tmgr", "file") }, 3},
		{"stream", "stream", func() (transfer.UploadResult, error) { return m.Upload(ctx, bytes.NewBuffer(data), "tmgr", "stream") }, 3},
		{"small stream", "small", func() (transfer.UploadResult, error) {
			return m.Upload(ctx, bytes.NewReader(data[:100]), "tmgr", "small")
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.upload()
			if err != nil {
				t.Fatal(err)
			}
			if res.Parts != tc.parts {
				t.Errorf("parts %d, want %d", res.Parts, tc.parts)
			}
			out := filepath.Join(dir, tc.key+".out")
			dl, err := m.DownloadFile(ctx, "tmgr", tc.key, out)
			if err != nil {
				t.Fatal(err)
			}
			want := data
			if tc.parts == 0 {
				want = data[:100]
			}
			if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
				t.Fatal("downloaded bytes differ")
			}
			if !dl.Verified {
				t.Errorf("download of %s not verified against ETag %s", tc.key, dl.ETag)
			}
		})
	}
	if _, err := m.Copy(ctx, transfer.Remote("tmgr", "file"), transfer.Remote("tmgr", "copy"), -1); err != nil {
		t.Fatal(err)
	}
	// Above the single-copy limit the copy goes as UploadPartCopy parts.
	transfer.SetCopyThreshold(m, transfer.MinPartSize)
	res, err := m.Copy(ctx, transfer.Remote("tmgr", "file"), transfer.Remote("tmgr", "copy"), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(res.ETag, "-3") {
		t.Errorf("multipart copy etag %q, want 3 parts", res.ETag)
	}
	if dl, err := m.DownloadFile(ctx, "tmgr", "copy", filepath.Join(dir, "copy.out")); err != nil || !dl.Verified {
		t.Errorf("multipart copy download: verified %v, %v", dl.Verified, err)
	}
	var keys []string
	for e, err := range transfer.WalkRemote(ctx, m.Client(), "tmgr", "") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, e.Key)
	}
	if want := []string{"copy", "file", "small", "stream"}; !equal(keys, want) {
		t.Errorf("listing %v, want %v", keys, want)
	}
	n, err := m.Delete(ctx, "tmgr", func(yield func(string) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}, nil)
	if err != nil || n != 4 {
		t.Fatalf("deleted %d (%v)", n, err)
	}
	_, err = m.DownloadFile(ctx, "tmgr", "file", filepath.Join(dir, "gone"))
	var te *transfer.Error
	if !errors.As(err, &te) || !errors.Is(err, s3.NoSuchKey) {
		t.Errorf("download of a deleted key: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone")); !os.IsNotExist(err) {
		t.Error("a failed download created the target")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
