package s3test_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/s3test"
)

// Start serves outside a test function; in a test, s3test.NewServer(t)
// does the same and stops the server when the test ends.
func Example() {
	srv, err := s3test.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	// Any S3 client works; this one is s3kit's.
	ctx := context.Background()
	noEnv := func(string) (string, bool) { return "", false }
	sess, err := s3.NewSession(ctx, s3.WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		s3.WithRegion(srv.Region), s3.WithEnv(noEnv, os.TempDir()))
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := sess.Client(s3.WithEndpointURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: "fixtures"}); err != nil {
		fmt.Println(err)
		return
	}
	out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range out.Buckets {
		fmt.Println(b.Name)
	}

	// A subprocess (boto3, the aws CLI) finds the server through Env.
	for _, kv := range srv.Env() {
		if strings.HasPrefix(kv, "AWS_REGION=") {
			fmt.Println(kv)
		}
	}
	// Output:
	// fixtures
	// AWS_REGION=us-east-1
}
