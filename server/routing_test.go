package server_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

func TestVirtualHostStyle(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithDomain("s3.local"))
		e.mkBucket("vbkt")
		host := hdr{"Host": "vbkt.s3.local:9000"}
		e.must(200, "PUT", "/dir//key", []byte("virtual"), host)
		if r := e.must(200, "GET", "/vbkt/dir//key", nil, nil); string(r.body) != "virtual" {
			t.Errorf("path-style read of a virtual-host write: %q", r.body)
		}
		if r := e.must(200, "GET", "/?list-type=2", nil, host); !strings.Contains(string(r.body), "<Key>dir//key</Key>") {
			t.Errorf("virtual-host listing:\n%s", r.body)
		}
		// The bare domain is path style.
		if r := e.must(200, "GET", "/vbkt/dir//key", nil, hdr{"Host": "s3.local"}); string(r.body) != "virtual" {
			t.Errorf("bare domain: %q", r.body)
		}
		e.wantErr(404, "NoSuchBucket", "GET", "/k", nil, hdr{"Host": "other.s3.local"})

		var up s3xml.InitiateMultipartUploadResult
		e.must(200, "POST", "/mp%20key?uploads", nil, host).decode(t, &up)
		etag := e.must(200, "PUT", "/mp%20key?partNumber=1&uploadId="+up.UploadID, []byte("part"), host).header.Get("ETag")
		var done s3xml.CompleteMultipartUploadResult
		e.must(200, "POST", "/mp%20key?uploadId="+up.UploadID, completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: etag}), host).decode(t, &done)
		if done.Location != "http://vbkt.s3.local:9000/mp%20key" || done.Bucket != "vbkt" || done.Key != "mp key" {
			t.Errorf("complete %+v", done)
		}
	})
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		tests := []struct {
			name, method, path string
			status             int
			code               string
		}{
			{"POST on service", "POST", "/", 405, "MethodNotAllowed"},
			{"DELETE on service", "DELETE", "/", 405, "MethodNotAllowed"},
			{"PATCH on object", "PATCH", "/bkt/k", 405, "MethodNotAllowed"},
			{"POST on object", "POST", "/bkt/k", 405, "MethodNotAllowed"},
			{"bucket policy PUT without a body", "PUT", "/bkt?policy", 400, "MissingRequestBodyError"},
			{"bucket lifecycle", "PUT", "/bkt?lifecycle", 501, "NotImplemented"},
			{"POST tagging", "POST", "/bkt?tagging", 501, "NotImplemented"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				e.wantErr(tc.status, tc.code, tc.method, tc.path, nil, nil)
			})
		}
	})
}

// failingBackend fails every call with an error that is not the client's.
type failingBackend struct{ storage.Backend }

func (failingBackend) ListBuckets(ctx context.Context) ([]storage.BucketInfo, error) {
	return nil, errors.New("disk on fire")
}

// One backend: the failure is injected by a wrapper.
func TestInternalErrorsAreLoggedNotLeaked(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	e := newEnv(t, s3test.WithBackend(failingBackend{mem.New(mem.Options{})}),
		s3test.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	r := e.wantErr(500, "InternalError", "GET", "/", nil, nil)
	if strings.Contains(string(r.body), "fire") {
		t.Errorf("cause leaked to the client: %s", r.body)
	}
	if !strings.Contains(logs.String(), "disk on fire") || !strings.Contains(logs.String(), r.header.Get("X-Amz-Request-Id")) {
		t.Errorf("log lacks cause or request id:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), e.creds.SecretAccessKey) {
		t.Error("secret in logs")
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		var logs bytes.Buffer
		e := bk.env(t, s3test.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		e.mkBucket("bkt")
		e.as(e.creds.AccessKeyID, "wrong-secret-value").wantErr(403, "SignatureDoesNotMatch", "GET", "/bkt", nil, nil)
		out := logs.String()
		for _, want := range []string{"op=CreateBucket", "status=200", "op=ListObjects", "code=SignatureDoesNotMatch"} {
			if !strings.Contains(out, want) {
				t.Errorf("log lacks %s:\n%s", want, out)
			}
		}
		if strings.Contains(out, e.creds.SecretAccessKey) || strings.Contains(out, "wrong-secret-value") {
			t.Error("secret in logs")
		}
	})
}
