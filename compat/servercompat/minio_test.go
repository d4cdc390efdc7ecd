package servercompat

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3kit/s3kit/s3test"
)

// TestMinioGo drives the server with minio-go's defaults (streaming
// signed payloads, automatic checksums, its own multipart logic).
func TestMinioGo(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []s3test.Option
	}{
		{"http", nil},
		{"https", []s3test.Option{s3test.WithTLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := s3test.NewServer(t, tc.opts...)
			u, err := url.Parse(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			c, err := minio.New(u.Host, &minio.Options{
				Creds:     credentials.NewStaticV4(srv.AccessKeyID, srv.SecretAccessKey, ""),
				Secure:    u.Scheme == "https",
				Region:    srv.Region,
				Transport: srv.Client().Transport,
			})
			if err != nil {
				t.Fatal(err)
			}
			minioScenario(t, c, srv.Client())
		})
	}
}

func minioScenario(t *testing.T, c *minio.Client, hc *http.Client) {
	ctx := context.Background()
	const bucket = "minio-bucket"
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("MakeBucket: %v", err)
	}
	small := bytes.Repeat([]byte("minio "), 1000)
	if _, err := c.PutObject(ctx, bucket, "dir/small.txt", bytes.NewReader(small), int64(len(small)),
		minio.PutObjectOptions{ContentType: "text/plain", UserMetadata: map[string]string{"color": "blue"}}); err != nil {
		t.Fatalf("PutObject small: %v", err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), (6<<20)/16)
	if _, err := c.PutObject(ctx, bucket, "big", bytes.NewReader(big), int64(len(big)),
		minio.PutObjectOptions{PartSize: 5 << 20}); err != nil {
		t.Fatalf("PutObject multipart: %v", err)
	}
	for key, want := range map[string][]byte{"dir/small.txt": small, "big": big} {
		obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		obj.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("GetObject %s: %d bytes, %v", key, len(got), err)
		}
	}
	st, err := c.StatObject(ctx, bucket, "dir/small.txt", minio.StatObjectOptions{})
	if err != nil || st.ContentType != "text/plain" || st.UserMetadata["Color"] != "blue" {
		t.Errorf("StatObject: %v %+v", err, st)
	}
	if _, err := c.StatObject(ctx, bucket, "missing", minio.StatObjectOptions{}); minio.ToErrorResponse(err).Code != "NoSuchKey" {
		t.Errorf("StatObject missing: %v", err)
	}
	if _, err := c.CopyObject(ctx, minio.CopyDestOptions{Bucket: bucket, Object: "copy"}, minio.CopySrcOptions{Bucket: bucket, Object: "dir/small.txt"}); err != nil {
		t.Errorf("CopyObject: %v", err)
	}
	var keys []string
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("ListObjects: %v", o.Err)
		}
		keys = append(keys, o.Key)
	}
	if len(keys) != 3 || keys[0] != "big" || keys[1] != "copy" || keys[2] != "dir/small.txt" {
		t.Errorf("listed %q", keys)
	}
	u, err := c.PresignedGetObject(ctx, bucket, "copy", time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := hc.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !bytes.Equal(b, small) {
		t.Errorf("presigned GET: %d", r.StatusCode)
	}
	objs := make(chan minio.ObjectInfo, len(keys))
	for _, k := range keys {
		objs <- minio.ObjectInfo{Key: k}
	}
	close(objs)
	for e := range c.RemoveObjects(ctx, bucket, objs, minio.RemoveObjectsOptions{}) {
		t.Errorf("RemoveObjects: %s: %v", e.ObjectName, e.Err)
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		t.Errorf("RemoveBucket: %v", err)
	}
}
