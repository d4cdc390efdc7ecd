package sigv4_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// A client signs an upload as an aws-chunked stream with a trailing
// CRC32C; a server verifies it and reads the decoded object.
func Example() {
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

	// Client side.
	req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/bucket/hello.txt", nil)
	body := "hello, s3kit"
	err := sigv4.NewSigner().SignStreaming(req, sigv4.SignInput{
		Credentials: creds, Service: "s3", Region: "us-east-1", Time: now,
	}, strings.NewReader(body), int64(len(body)), sigv4.ChunkedOptions{Signed: true, Trailer: sigv4.CRC32C})
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Header.Get("X-Amz-Content-Sha256"))

	// Server side.
	v := &sigv4.Verifier{
		Lookup: func(_ context.Context, id string) (string, error) {
			if id == creds.AccessKeyID {
				return creds.SecretAccessKey, nil
			}
			return "", sigv4.ErrUnknownAccessKey
		},
		Now: func() time.Time { return now.Add(time.Minute) },
	}
	got, err := v.Verify(context.Background(), req)
	if err != nil {
		panic(err)
	}
	data, err := io.ReadAll(got.Body) // chunk signatures and the CRC32C are checked here
	fmt.Println(got.AccessKeyID, got.DecodedContentLength, string(data), err)
	// Output:
	// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
	// AKIDEXAMPLE 12 hello, s3kit <nil>
}
