package servercompat

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3kit/s3kit/s3test"
)

func sdkClient(srv *s3test.Server) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, ""),
		HTTPClient:   srv.Client(),
	})
}

// TestSDKv2 drives the server with aws-sdk-go-v2's defaults over HTTP and
// HTTPS (where PutObject and UploadPart send aws-chunked bodies with
// trailing CRC32 checksums).
func TestSDKv2(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []s3test.Option
	}{
		{"http", nil},
		{"https", []s3test.Option{s3test.WithTLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := s3test.NewServer(t, tc.opts...)
			sdkScenario(t, sdkClient(srv), srv.Client())
		})
	}
}

func sdkScenario(t *testing.T, c *s3.Client, hc *http.Client) {
	ctx := context.Background()
	bucket := aws.String("sdk-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	body := bytes.Repeat([]byte("sdk v2 "), 3000)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("dir/a b.txt"), Body: bytes.NewReader(body),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"color": "blue"}, ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("dir/a b.txt"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	got, err := io.ReadAll(get.Body) // the SDK validates the checksum while reading
	get.Body.Close()
	if err != nil || !bytes.Equal(got, body) || aws.ToString(get.ETag) != aws.ToString(put.ETag) || get.Metadata["color"] != "blue" {
		t.Fatalf("GetObject: %v, %d bytes, etag %s/%s, meta %v", err, len(got), aws.ToString(get.ETag), aws.ToString(put.ETag), get.Metadata)
	}
	if aws.ToString(get.ChecksumCRC32) == "" || aws.ToString(get.ChecksumCRC32) != aws.ToString(put.ChecksumCRC32) {
		t.Errorf("CRC32: PutObject %q, GetObject %q", aws.ToString(put.ChecksumCRC32), aws.ToString(get.ChecksumCRC32))
	}

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("missing")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("missing key: %v, want *types.NoSuchKey", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("missing")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("HeadObject missing: %v, want *types.NotFound", err)
	}

	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy"), CopySource: aws.String("sdk-bucket/dir/a%20b.txt")}); err != nil {
		t.Errorf("CopyObject: %v", err)
	}
	sdkMultipart(t, c, bucket)

	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: bucket, MaxKeys: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	if len(keys) != 3 || keys[0] != "big" || keys[1] != "copy" || keys[2] != "dir/a b.txt" {
		t.Errorf("listed %q", keys)
	}

	pc := s3.NewPresignClient(c)
	req, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("copy")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := hc.Get(req.URL)
	if err != nil {
		t.Fatalf("presigned GET: %v", err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !bytes.Equal(b, body) {
		t.Errorf("presigned GET: %d", r.StatusCode)
	}

	var objs []types.ObjectIdentifier
	for _, k := range keys {
		objs = append(objs, types.ObjectIdentifier{Key: aws.String(k)})
	}
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &types.Delete{Objects: objs}})
	if err != nil || len(del.Deleted) != 3 {
		t.Fatalf("DeleteObjects: %v %+v", err, del)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket}); err != nil {
		t.Errorf("DeleteBucket: %v", err)
	}
}

// sdkMultipart uploads two parts with CRC32 checksums and completes with
// them, as the SDK's transfer manager does.
func sdkMultipart(t *testing.T, c *s3.Client, bucket *string) {
	ctx := context.Background()
	key := aws.String("big")
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key, ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	parts := [][]byte{bytes.Repeat([]byte("1"), 5<<20), []byte("last part")}
	var done []types.CompletedPart
	for i, p := range parts {
		n := aws.Int32(int32(i + 1))
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: cr.UploadId, PartNumber: n,
			Body: bytes.NewReader(p), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		done = append(done, types.CompletedPart{PartNumber: n, ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32})
	}
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: key, UploadId: cr.UploadId})
	if err != nil || len(lp.Parts) != 2 {
		t.Fatalf("ListParts: %v", err)
	}
	comp, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	if e := aws.ToString(comp.ETag); len(e) < 4 || e[len(e)-3:] != "-2\"" {
		t.Errorf("ETag %s", e)
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key, ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, get.Body)
	get.Body.Close()
	if err != nil || n != int64(len(parts[0])+len(parts[1])) {
		t.Errorf("GetObject multipart: %d bytes, %v", n, err)
	}
}
