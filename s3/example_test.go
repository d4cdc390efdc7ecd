package s3_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/s3test"
)

// newClient returns a client for srv. The session holds what is resolved
// once (keys, region, and an empty environment and home so nothing on this
// machine leaks in); the client holds where requests go.
func newClient(ctx context.Context, srv *s3test.Server) (*s3.Client, error) {
	noEnv := func(string) (string, bool) { return "", false }
	sess, err := s3.NewSession(ctx,
		s3.WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		s3.WithRegion(srv.Region),
		s3.WithEnv(noEnv, os.TempDir()))
	if err != nil {
		return nil, err
	}
	return sess.Client(s3.WithEndpointURL(srv.URL))
}

// startWithBucket starts a server and returns a client for it with bucket
// created. The caller closes the server.
func startWithBucket(ctx context.Context, bucket string) (*s3test.Server, *s3.Client, error) {
	srv, err := s3test.Start()
	if err != nil {
		return nil, nil, err
	}
	client, err := newClient(ctx, srv)
	if err == nil {
		_, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
	}
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return srv, client, nil
}

func Example() {
	// An in-process s3kit server stands in for any S3 endpoint.
	srv, err := s3test.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	ctx := context.Background()
	client, err := newClient(ctx, srv)
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

// Each listing comes three ways: one page per call (ListObjectsV2), the
// pages as an iterator (ListObjectsV2Pages) and the entries across pages
// (AllObjectsV2). With a delimiter, AllObjectsV2 yields the common prefixes
// too, in key order.
func ExampleClient_ListObjectsV2Pages() {
	ctx := context.Background()
	srv, client, err := startWithBucket(ctx, "logs")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	for _, key := range []string{"a.log", "b.log", "c.log", "old/x.log", "z.log"} {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: "logs", Key: key}); err != nil {
			fmt.Println(err)
			return
		}
	}

	in := &s3.ListObjectsV2Input{Bucket: "logs", Delimiter: "/", MaxKeys: 2}
	for page, err := range client.ListObjectsV2Pages(ctx, in) {
		if err != nil {
			fmt.Println(err)
			return
		}
		var keys []string
		for _, o := range page.Objects {
			keys = append(keys, o.Key)
		}
		fmt.Println("page:", keys, page.CommonPrefixes)
	}
	for obj, err := range client.AllObjectsV2(ctx, in) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(obj.Key, obj.IsPrefix)
	}
	// Output:
	// page: [a.log b.log] []
	// page: [c.log] [old/]
	// page: [z.log] []
	// a.log false
	// b.log false
	// c.log false
	// old/ true
	// z.log false
}

// A presigned URL lets anyone without keys fetch one object, with plain
// net/http, until it expires.
func ExampleClient_PresignGetObject() {
	ctx := context.Background()
	srv, client, err := startWithBucket(ctx, "share")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: "share", Key: "report.txt", Body: strings.NewReader("quarterly numbers")}); err != nil {
		fmt.Println(err)
		return
	}

	req, err := client.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: "share", Key: "report.txt"}, 15*time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := http.Get(req.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(req.Method, resp.StatusCode, string(body))

	// A Range would be a header, which a URL cannot carry.
	_, err = client.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: "share", Key: "report.txt", Range: "bytes=0-9"}, time.Minute)
	fmt.Println(err != nil)
	// Output:
	// GET 200 quarterly numbers
	// true
}
