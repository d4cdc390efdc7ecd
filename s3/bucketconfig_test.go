package s3

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// bucketConfigVariants are the client set-ups the bucket configuration
// tests run with: the s3kit row (CRC32 header), the unknown row
// (Content-MD5 only), and when_required checksums, where only the
// operation's own requirement adds an integrity header, which the server
// insists on for these PUTs as S3 does.
var bucketConfigVariants = map[string][]ClientOption{
	"s3kit":         {WithProvider("s3kit")},
	"unknown":       {WithProvider("unknown")},
	"when_required": {WithProvider("s3kit"), WithChecksums(WhenRequired, WhenSupported)},
}

func bucketConfigClient(t *testing.T, variant string) *Client {
	t.Helper()
	srv := s3test.NewServer(t)
	opts := append([]ClientOption{WithEndpointURL(srv.URL), WithBackoff(time.Millisecond, 10*time.Millisecond)}, bucketConfigVariants[variant]...)
	c, err := sessionFor(t, srv).Client(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(context.Background(), &CreateBucketInput{Bucket: "cfg"}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBucketVersioningOps(t *testing.T) {
	t.Parallel()
	for provider := range bucketConfigVariants {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			c := bucketConfigClient(t, provider)
			got, err := c.GetBucketVersioning(ctx, &GetBucketVersioningInput{Bucket: "cfg"})
			if err != nil || got.Status != "" {
				t.Fatalf("new bucket: %+v, %v; want no status", got, err)
			}
			for _, st := range []string{VersioningEnabled, VersioningSuspended} {
				if _, err := c.PutBucketVersioning(ctx, &PutBucketVersioningInput{Bucket: "cfg", Status: st}); err != nil {
					t.Fatalf("put %s: %v", st, err)
				}
				got, err := c.GetBucketVersioning(ctx, &GetBucketVersioningInput{Bucket: "cfg"})
				if err != nil || got.Status != st {
					t.Fatalf("after put %s: %+v, %v", st, got, err)
				}
			}
			var e *Error
			_, err = c.PutBucketVersioning(ctx, &PutBucketVersioningInput{Bucket: "cfg", Status: "On"})
			if !errors.As(err, &e) || e.StatusCode != 400 {
				t.Fatalf("bad status: %v, want a 400 *Error", err)
			}
			_, err = c.GetBucketVersioning(ctx, &GetBucketVersioningInput{Bucket: "absent"})
			if !errors.Is(err, NoSuchBucket) {
				t.Fatalf("missing bucket: %v, want NoSuchBucket", err)
			}
		})
	}
}

func TestBucketPolicyOps(t *testing.T) {
	t.Parallel()
	for provider := range bucketConfigVariants {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			c := bucketConfigClient(t, provider)
			_, err := c.GetBucketPolicy(ctx, &GetBucketPolicyInput{Bucket: "cfg"})
			var e *Error
			if !errors.As(err, &e) || e.Code != "NoSuchBucketPolicy" || e.StatusCode != 404 || !errors.Is(err, NoSuchBucketPolicy) {
				t.Fatalf("no policy yet: %v, want NoSuchBucketPolicy 404", err)
			}
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::cfg/*"}]}`
			if _, err := c.PutBucketPolicy(ctx, &PutBucketPolicyInput{Bucket: "cfg", Policy: doc}); err != nil {
				t.Fatal(err)
			}
			got, err := c.GetBucketPolicy(ctx, &GetBucketPolicyInput{Bucket: "cfg"})
			if err != nil || got.Policy != doc {
				t.Fatalf("GetBucketPolicy = %+v, %v; want the document put", got, err)
			}
			_, err = c.PutBucketPolicy(ctx, &PutBucketPolicyInput{Bucket: "cfg", Policy: `{"Statement":"nope"}`})
			if !errors.Is(err, MalformedPolicy) {
				t.Fatalf("bad policy: %v, want MalformedPolicy", err)
			}
			if got, err := c.GetBucketPolicy(ctx, &GetBucketPolicyInput{Bucket: "cfg"}); err != nil || got.Policy != doc {
				t.Fatalf("a refused policy replaced the stored one: %+v, %v", got, err)
			}
			if _, err := c.DeleteBucketPolicy(ctx, &DeleteBucketPolicyInput{Bucket: "cfg"}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetBucketPolicy(ctx, &GetBucketPolicyInput{Bucket: "cfg"}); !errors.Is(err, NoSuchBucketPolicy) {
				t.Fatalf("after delete: %v, want NoSuchBucketPolicy", err)
			}
			if _, err := c.DeleteBucketPolicy(ctx, &DeleteBucketPolicyInput{Bucket: "absent"}); !errors.Is(err, NoSuchBucket) {
				t.Fatalf("delete on missing bucket: %v, want NoSuchBucket", err)
			}
		})
	}
}

func TestBucketEncryptionOps(t *testing.T) {
	t.Parallel()
	for provider := range bucketConfigVariants {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			c := bucketConfigClient(t, provider)
			_, err := c.GetBucketEncryption(ctx, &GetBucketEncryptionInput{Bucket: "cfg"})
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, NoSuchEncryptionConfiguration) || e.StatusCode != 404 {
				t.Fatalf("no encryption yet: %v, want %s 404", err, NoSuchEncryptionConfiguration)
			}
			if _, err := c.PutBucketEncryption(ctx, &PutBucketEncryptionInput{Bucket: "cfg", SSEAlgorithm: SSEAlgorithmAES256}); err != nil {
				t.Fatal(err)
			}
			got, err := c.GetBucketEncryption(ctx, &GetBucketEncryptionInput{Bucket: "cfg"})
			if err != nil || *got != (GetBucketEncryptionOutput{SSEAlgorithm: SSEAlgorithmAES256}) {
				t.Fatalf("GetBucketEncryption = %+v, %v", got, err)
			}
			_, err = c.PutBucketEncryption(ctx, &PutBucketEncryptionInput{Bucket: "cfg", SSEAlgorithm: SSEAlgorithmAES256, KMSMasterKeyID: "k"})
			if !errors.As(err, &e) || e.StatusCode != 400 {
				t.Fatalf("AES256 with a KMS key: %v, want a 400 *Error", err)
			}
			if _, err := c.DeleteBucketEncryption(ctx, &DeleteBucketEncryptionInput{Bucket: "cfg"}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetBucketEncryption(ctx, &GetBucketEncryptionInput{Bucket: "cfg"}); !errors.Is(err, NoSuchEncryptionConfiguration) {
				t.Fatalf("after delete: %v", err)
			}
		})
	}
}

// headerRecorder keeps the headers of every PUT it carries.
type headerRecorder struct {
	mu   sync.Mutex
	puts map[string]http.Header // by query (the subresource)
}

func (r *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut {
		r.mu.Lock()
		r.puts[req.URL.RawQuery] = req.Header.Clone()
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestBucketConfigPutsCarryIntegrityHeader: S3 refuses PutBucketVersioning,
// PutBucketPolicy and PutBucketEncryption without Content-MD5 or an
// x-amz-checksum-* header (botocore's requestChecksumRequired), so the
// client sends one even under when_required, where uploads carry none.
func TestBucketConfigPutsCarryIntegrityHeader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for variant, opts := range bucketConfigVariants {
		t.Run(variant, func(t *testing.T) {
			srv := s3test.NewServer(t)
			rec := &headerRecorder{puts: map[string]http.Header{}}
			sess := sessionFor(t, srv, WithHTTPClient(&http.Client{Transport: rec}))
			c, err := sess.Client(append([]ClientOption{WithEndpointURL(srv.URL)}, opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: "cfg"}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.PutBucketVersioning(ctx, &PutBucketVersioningInput{Bucket: "cfg", Status: VersioningEnabled}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.PutBucketPolicy(ctx, &PutBucketPolicyInput{Bucket: "cfg",
				Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::cfg"}]}`}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.PutBucketEncryption(ctx, &PutBucketEncryptionInput{Bucket: "cfg", SSEAlgorithm: SSEAlgorithmAES256}); err != nil {
				t.Fatal(err)
			}
			for _, sub := range []string{"versioning=", "policy=", "encryption="} {
				h, ok := rec.puts[sub]
				if !ok {
					t.Fatalf("no PUT ?%s recorded (have %v)", sub, rec.puts)
				}
				if h.Get("Content-Md5") == "" && h.Get("X-Amz-Checksum-Crc32") == "" && h.Get("X-Amz-Trailer") == "" {
					t.Errorf("PUT ?%s carried no integrity header: %v", sub, h)
				}
			}
		})
	}
}
