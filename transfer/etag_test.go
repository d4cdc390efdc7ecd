package transfer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3"
)

// corruptingClient is a Client whose server ignores Content-MD5 and stores
// each body with its first byte flipped, answering with the MD5 of what it
// stored, as a careless server behind a corrupting network would.
type corruptingClient struct {
	*fakeClient
	notMD5 bool // answer as for SSE-KMS, whose ETag is not an MD5
}

func flipFirst(r io.Reader) (*bytes.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(b) > 0 {
		b[0] ^= 1
	}
	return bytes.NewReader(b), nil
}

// encryption is what the server says of its encryption: SSE-KMS when
// notMD5 is set.
func (c corruptingClient) encryption() s3.Encryption {
	if c.notMD5 {
		return s3.Encryption{ServerSideEncryption: "aws:kms"}
	}
	return s3.Encryption{}
}

func (c corruptingClient) PutObject(ctx context.Context, in *s3.PutObjectInput) (*s3.PutObjectOutput, error) {
	body, err := flipFirst(in.Body)
	if err != nil {
		return nil, err
	}
	corrupted := *in
	corrupted.Body, corrupted.ContentMD5 = body, ""
	out, err := c.fakeClient.PutObject(ctx, &corrupted)
	if err != nil {
		return nil, err
	}
	out.Encryption = c.encryption()
	return out, nil
}

func (c corruptingClient) UploadPart(ctx context.Context, in *s3.UploadPartInput) (*s3.UploadPartOutput, error) {
	body, err := flipFirst(in.Body)
	if err != nil {
		return nil, err
	}
	corrupted := *in
	corrupted.Body, corrupted.ContentMD5 = body, ""
	out, err := c.fakeClient.UploadPart(ctx, &corrupted)
	if err != nil {
		return nil, err
	}
	out.Encryption = c.encryption()
	return out, nil
}

// A server that stored other bytes than the Manager sent is caught by the
// ETag, on single PUTs, parts and streams alike, as a typed error; the
// multipart upload is aborted rather than completed.
func TestCorruptedUploadFailsOnETag(t *testing.T) {
	data := randBytes(t, testPart*3)
	paths := map[string]func(m *Manager) (UploadResult, error){
		"single PUT": func(m *Manager) (UploadResult, error) {
			return m.UploadReaderAt(context.Background(), bytes.NewReader(data[:10]), 10, "b", "k")
		},
		"multipart": func(m *Manager) (UploadResult, error) {
			return m.UploadReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)), "b", "k")
		},
		"stream": func(m *Manager) (UploadResult, error) {
			return m.Upload(context.Background(), io.MultiReader(bytes.NewReader(data)), "b", "k")
		},
	}
	for name, up := range paths {
		t.Run(name, func(t *testing.T) {
			fc := newFake()
			m := New(corruptingClient{fakeClient: fc}, Options{PartSize: testPart, Concurrency: 2})
			_, err := up(m)
			var ie *s3.IntegrityError
			if !errors.As(err, &ie) || ie.Field != "ETag" {
				t.Fatalf("upload error = %v, want an *s3.IntegrityError on the ETag", err)
			}
			if _, ok := fc.get("b", "k"); ok && name != "single PUT" {
				t.Error("a multipart upload with a corrupted part was completed")
			}
			if !strings.Contains(err.Error(), "k") {
				t.Errorf("error %q does not name the key", err)
			}
		})
	}
	t.Run("ETag that is not an MD5 is not compared", func(t *testing.T) {
		m := New(corruptingClient{fakeClient: newFake(), notMD5: true}, Options{PartSize: testPart})
		if _, err := paths["multipart"](m); err != nil {
			t.Fatalf("upload with SSE-KMS-style ETags failed: %v", err)
		}
	})
}
