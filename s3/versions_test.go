package s3

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage"
)

// TestS3TestVersions drives a versioned bucket of s3test's server through
// the client: PutObject and DeleteObject report version IDs and delete
// markers, GetObject reads an older version, and ListObjectVersions pages
// across key and version boundaries with markers in S3's order.
func TestS3TestVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := s3test.NewServer(t)
	c, err := sessionFor(t, srv).Client(WithEndpointURL(srv.URL), WithProvider("s3kit"), WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: "ver"}); err != nil {
		t.Fatal(err)
	}
	// The client has no PutBucketVersioning; turn it on in the backend.
	if err := srv.Backend.(storage.Versioner).PutBucketVersioning(ctx, "ver", storage.Enabled); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, body := range []string{"one", "two"} {
		out, err := c.PutObject(ctx, &PutObjectInput{Bucket: "ver", Key: "k", Body: strings.NewReader(body)})
		if err != nil || out.VersionID == "" {
			t.Fatalf("PutObject: %+v, %v", out, err)
		}
		ids = append(ids, out.VersionID)
	}
	del, err := c.DeleteObject(ctx, &DeleteObjectInput{Bucket: "ver", Key: "k"})
	if err != nil || !del.DeleteMarker || del.VersionID == "" {
		t.Fatalf("DeleteObject: %+v, %v", del, err)
	}
	got, err := c.GetObject(ctx, &GetObjectInput{Bucket: "ver", Key: "k", VersionID: ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(b) != "one" {
		t.Fatalf("GetObject of the first version: %q", b)
	}
	if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: "ver", Key: "l", Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	want := []string{"k " + del.VersionID + " marker latest", "k " + ids[1], "k " + ids[0]}
	var all []string
	in := &ListObjectVersionsInput{Bucket: "ver", MaxKeys: 2}
	for pages := 0; ; pages++ {
		out, err := c.ListObjectVersions(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range out.Versions {
			s := v.Key + " " + v.VersionID
			if v.IsDeleteMarker {
				s += " marker"
			}
			if v.IsLatest && v.Key == "k" {
				s += " latest"
			}
			all = append(all, s)
		}
		if !out.IsTruncated || pages > 5 {
			break
		}
		in.KeyMarker, in.VersionIDMarker = out.NextKeyMarker, out.NextVersionIDMarker
	}
	if len(all) != 4 || strings.Join(all[:3], "|") != strings.Join(want, "|") || !strings.HasPrefix(all[3], "l ") {
		t.Fatalf("versions %q, want %q then l", all, want)
	}
}
