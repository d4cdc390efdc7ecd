package s3_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/storage/mem"
)

func Example() {
	// An in-memory s3kit server stands in for any S3 endpoint.
	srv := httptest.NewServer(server.New(server.Config{
		Backend: mem.New(mem.Options{}),
		Keys:    server.NewStaticKeys(server.Key{AccessKeyID: "AKIDEXAMPLE", Secret: "example-secret"}),
	}))
	defer srv.Close()

	ctx := context.Background()
	sess, err := s3.NewSession(ctx,
		s3.WithCredentials("AKIDEXAMPLE", "example-secret", ""),
		s3.WithRegion("us-east-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := sess.Client(s3.WithEndpointURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: "photos"}); err != nil {
		fmt.Println(err)
		return
	}
	for _, key := range []string{"2024/a.jpg", "2024/b.jpg", "2025/c.jpg"} {
		body := strings.NewReader("pixels of " + key)
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: "photos", Key: key, Body: body}); err != nil {
			fmt.Println(err)
			return
		}
	}

	for obj, err := range client.AllObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: "photos", Prefix: "2024/"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(obj.Key, obj.Size)
	}

	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: "photos", Key: "2025/c.jpg"})
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := io.ReadAll(out.Body)
	out.Body.Close()
	fmt.Println(string(data))

	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: "photos", Key: "missing"})
	var e *s3.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.StatusCode, errors.Is(err, s3.NoSuchKey))
	}
	// Output:
	// 2024/a.jpg 20
	// 2024/b.jpg 20
	// pixels of 2025/c.jpg
	// NoSuchKey 404 true
}
