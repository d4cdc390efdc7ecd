package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

var (
	testCreds = Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret/key+test"}
	testTime  = time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
)

func testInput(payload string) SignInput {
	return SignInput{Credentials: testCreds, Service: "s3", Region: "eu-west-1", Time: testTime, PayloadHash: payload}
}

func testVerifier(now time.Time) *Verifier {
	return &Verifier{Lookup: staticLookup(testCreds), Now: func() time.Time { return now }}
}

func hexSHA(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// onWire sends req through net/http's own serialisation and parsing, so
// the verifier sees exactly what a server would.
func onWire(t testing.TB, req *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("write request: %v", err)
	}
	sreq, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("read request: %v", err)
	}
	return sreq
}

func newPut(t testing.TB, target string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestVerifyAccepts(t *testing.T) {
	body := []byte("hello, world")
	sum := func(alg ChecksumAlgorithm) string {
		h, _ := NewChecksum(alg)
		h.Write(body)
		return ChecksumBase64(h)
	}
	md := md5.Sum(body)
	tests := []struct {
		name    string
		target  string
		headers map[string]string
		payload string
		now     time.Time
	}{
		{"signed payload", "http://127.0.0.1:9000/b/k", nil, hexSHA(body), testTime},
		{"unsigned payload", "http://127.0.0.1:9000/b/k", nil, UnsignedPayload, testTime},
		{"odd key and query", "http://h/b/a%20b/c+d/%24x/./../~?prefix=a+b&delimiter=%2F&list-type=2&empty", nil, hexSHA(body), testTime},
		{"meta and checksum headers", "http://h/b/k", map[string]string{
			"X-Amz-Meta-Note": "  two   spaces ", "Content-Type": "text/plain",
			"X-Amz-Checksum-Crc32c": sum(CRC32C), "Content-Md5": base64.StdEncoding.EncodeToString(md[:]),
		}, hexSHA(body), testTime},
		{"each checksum", "http://h/b/k", map[string]string{
			"X-Amz-Checksum-Crc32": sum(CRC32), "X-Amz-Checksum-Crc64nvme": sum(CRC64NVME),
			"X-Amz-Checksum-Sha1": sum(SHA1), "X-Amz-Checksum-Sha256": sum(SHA256),
		}, UnsignedPayload, testTime},
		{"skew just inside 15 min", "http://h/b/k", nil, hexSHA(body), testTime.Add(15 * time.Minute)},
		{"skew just inside -15 min", "http://h/b/k", nil, hexSHA(body), testTime.Add(-15 * time.Minute)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := newPut(t, tc.target, body)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			if _, err := NewSigner().Sign(req, testInput(tc.payload)); err != nil {
				t.Fatal(err)
			}
			got, err := testVerifier(tc.now).Verify(context.Background(), onWire(t, req))
			if err != nil {
				var e *Error
				if errors.As(err, &e) {
					t.Fatalf("Verify: %v\ncanonical request:\n%s", err, e.CanonicalRequest)
				}
				t.Fatalf("Verify: %v", err)
			}
			if got.AccessKeyID != testCreds.AccessKeyID || got.Region != "eu-west-1" || got.Anonymous || got.Presigned {
				t.Errorf("Verified = %+v", got)
			}
			data, err := io.ReadAll(got.Body)
			if err != nil || !bytes.Equal(data, body) {
				t.Errorf("body %q, %v", data, err)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	body := []byte("payload")
	signed := func(t *testing.T) *http.Request {
		req := newPut(t, "http://h/bucket/key?acl", body)
		req.Header.Set("X-Amz-Meta-A", "1")
		if _, err := NewSigner().Sign(req, testInput(hexSHA(body))); err != nil {
			t.Fatal(err)
		}
		return onWire(t, req)
	}
	tests := []struct {
		name   string
		change func(r *http.Request)
		now    time.Time
		code   string
		status int
	}{
		{"skewed +16 min", nil, testTime.Add(16 * time.Minute), CodeRequestTimeTooSkewed, 403},
		{"skewed -16 min", nil, testTime.Add(-16 * time.Minute), CodeRequestTimeTooSkewed, 403},
		{"unknown key", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AKIDTEST", "AKIDOTHER", 1))
		}, testTime, CodeInvalidAccessKeyID, 403},
		{"unsigned x-amz header", func(r *http.Request) { r.Header.Set("X-Amz-Acl", "public-read") }, testTime, CodeAccessDenied, 403},
		{"changed method", func(r *http.Request) { r.Method = "POST" }, testTime, CodeSignatureDoesNotMatch, 403},
		{"changed path", func(r *http.Request) { r.URL.Path = "/bucket/kez" }, testTime, CodeSignatureDoesNotMatch, 403},
		{"changed query", func(r *http.Request) { r.URL.RawQuery = "acl=x" }, testTime, CodeSignatureDoesNotMatch, 403},
		{"changed signed header", func(r *http.Request) { r.Header.Set("X-Amz-Meta-A", "2") }, testTime, CodeSignatureDoesNotMatch, 403},
		{"changed host", func(r *http.Request) { r.Host = "evil" }, testTime, CodeSignatureDoesNotMatch, 403},
		{"changed date", func(r *http.Request) {
			r.Header.Set("X-Amz-Date", testTime.Add(time.Second).Format(amzDateFormat))
		}, testTime, CodeSignatureDoesNotMatch, 403},
		{"wrong secret", func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:len(a)-1]+string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", a[len(a)-1])+1)%16]))
		}, testTime, CodeSignatureDoesNotMatch, 403},
		{"missing signature", func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
		}, testTime, CodeAuthorizationHeaderMalformed, 400},
		{"bad credential", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/aws4_request", "/aws5_request", 1))
		}, testTime, CodeAuthorizationHeaderMalformed, 400},
		{"credential day differs from date", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20261127/", "/20261126/", 1))
		}, testTime, CodeAuthorizationHeaderMalformed, 400},
		{"sigv2", func(r *http.Request) { r.Header.Set("Authorization", "AWS AKIDTEST:c2lnbmF0dXJl") }, testTime, CodeInvalidRequest, 400},
		{"no content sha256", func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }, testTime, CodeInvalidRequest, 400},
		{"bad content sha256", func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", "nope") }, testTime, CodeInvalidArgument, 400},
		{"no date", func(r *http.Request) { r.Header.Del("X-Amz-Date") }, testTime, CodeAccessDenied, 403},
		{"header and query auth", func(r *http.Request) {
			r.URL.RawQuery += "&X-Amz-Signature=" + strings.Repeat("0", 64)
		}, testTime, CodeInvalidArgument, 400},
		{"sigv2 presigned", func(r *http.Request) {
			r.Header.Del("Authorization")
			r.URL.RawQuery = "AWSAccessKeyId=AKIDTEST&Expires=1&Signature=x"
		}, testTime, CodeInvalidRequest, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := signed(t)
			if tc.change != nil {
				tc.change(r)
			}
			_, err := testVerifier(tc.now).Verify(context.Background(), r)
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code || e.StatusCode != tc.status {
				t.Fatalf("Verify = %v, want %s (%d)", err, tc.code, tc.status)
			}
			if e.Code == CodeSignatureDoesNotMatch {
				if !strings.HasPrefix(e.StringToSign, Algorithm+"\n") || !strings.Contains(e.CanonicalRequest, "\nhost:") ||
					e.AccessKeyID != testCreds.AccessKeyID || len(e.SignatureProvided) != 64 {
					t.Errorf("SignatureDoesNotMatch lacks the server's computation: %+v", e)
				}
				if strings.Contains(e.Error(), testCreds.SecretAccessKey) {
					t.Error("error leaks the secret")
				}
			}
		})
	}
}

func TestVerifyPayloadMismatch(t *testing.T) {
	body := []byte("the body")
	other := []byte("the bodz")
	crc := func(b []byte) string { h, _ := NewChecksum(CRC32); h.Write(b); return ChecksumBase64(h) }
	md := func(b []byte) string { s := md5.Sum(b); return base64.StdEncoding.EncodeToString(s[:]) }
	tests := []struct {
		name     string
		payload  string
		headers  map[string]string
		code     string // on Verify ("") or on read
		verifyOK bool
	}{
		{"x-amz-content-sha256", hexSHA(other), nil, CodeXAmzContentSHA256Mismatch, true},
		{"crc32 header", UnsignedPayload, map[string]string{"X-Amz-Checksum-Crc32": crc(other)}, CodeBadDigest, true},
		{"content-md5", UnsignedPayload, map[string]string{"Content-Md5": md(other)}, CodeBadDigest, true},
		{"malformed crc32 header", UnsignedPayload, map[string]string{"X-Amz-Checksum-Crc32": "x"}, CodeInvalidRequest, false},
		// The right length and valid base64, but not the digest's size (6 bytes
		// for a CRC32's 4, 31 for a SHA-256's 32): S3 refuses the header.
		{"crc32 header of the wrong size", UnsignedPayload, map[string]string{"X-Amz-Checksum-Crc32": "AAAAAAAA"}, CodeInvalidRequest, false},
		{"sha256 header of the wrong size", UnsignedPayload, map[string]string{"X-Amz-Checksum-Sha256": base64.StdEncoding.EncodeToString(make([]byte, 31))}, CodeInvalidRequest, false},
		{"malformed content-md5", UnsignedPayload, map[string]string{"Content-Md5": "x"}, CodeInvalidDigest, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := newPut(t, "http://h/b/k", body)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			if _, err := NewSigner().Sign(req, testInput(tc.payload)); err != nil {
				t.Fatal(err)
			}
			got, err := testVerifier(testTime).Verify(context.Background(), onWire(t, req))
			if !tc.verifyOK {
				if errCode(err) != tc.code {
					t.Fatalf("Verify = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = io.ReadAll(got.Body)
			if errCode(err) != tc.code {
				t.Fatalf("read = %v, want %s", err, tc.code)
			}
			if !errors.Is(err, &Error{Code: tc.code}) {
				t.Error("errors.Is by code fails")
			}
		})
	}
}

// TestVerifyChecksumHeadersNotPayload: a CompleteMultipartUpload's
// x-amz-checksum-* header is the object's checksum, not its XML body's, so
// neither a different value nor a composite "-N" one fails the body; the
// same header on an UploadPart (PUT with uploadId) still describes its body.
func TestVerifyChecksumHeadersNotPayload(t *testing.T) {
	body := []byte("<CompleteMultipartUpload/>")
	signed := func(method, url, sum string) *http.Request {
		req := newPut(t, url, body)
		req.Method = method
		req.Header.Set("X-Amz-Checksum-Crc32", sum)
		if _, err := NewSigner().Sign(req, testInput(hexSHA(body))); err != nil {
			t.Fatal(err)
		}
		return onWire(t, req)
	}
	for _, v := range []string{"AAAAAA==", "AAAAAA==-3"} {
		got, err := testVerifier(testTime).Verify(context.Background(), signed(http.MethodPost, "http://h/b/k?uploadId=1", v))
		if err != nil {
			t.Fatalf("%s: Verify = %v", v, err)
		}
		if data, err := io.ReadAll(got.Body); err != nil || !bytes.Equal(data, body) {
			t.Fatalf("%s: read %q, %v", v, data, err)
		}
	}
	got, err := testVerifier(testTime).Verify(context.Background(), signed(http.MethodPut, "http://h/b/k?partNumber=1&uploadId=1", "AAAAAA=="))
	if err == nil {
		_, err = io.ReadAll(got.Body)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("UploadPart with a wrong CRC32 header: %v, want a checksum error", err)
	}
}

func TestVerifyAnonymous(t *testing.T) {
	req := onWire(t, newPut(t, "http://h/b/k", []byte("x")))
	got, err := testVerifier(testTime).Verify(context.Background(), req)
	if err != nil || !got.Anonymous || got.AccessKeyID != "" {
		t.Fatalf("Verify = %+v, %v; want anonymous", got, err)
	}
	if data, _ := io.ReadAll(got.Body); string(data) != "x" {
		t.Errorf("body %q", data)
	}
}

func TestVerifyLookupFailure(t *testing.T) {
	boom := errors.New("key store down")
	req := newPut(t, "http://h/b/k", nil)
	if _, err := NewSigner().Sign(req, testInput("")); err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Lookup: func(context.Context, string) (string, error) { return "", boom }, Now: func() time.Time { return testTime }}
	_, err := v.Verify(context.Background(), onWire(t, req))
	var e *Error
	if !errors.Is(err, boom) || errors.As(err, &e) {
		t.Fatalf("Verify = %v; want the lookup error, not an S3 error", err)
	}
}

func TestPresignRules(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/b/a%20key", nil)
	req.Header.Set("Content-Type", "text/plain")
	for _, tc := range []struct {
		name    string
		expires time.Duration
		ok      bool
	}{
		{"zero", 0, false}, {"1s", time.Second, true}, {"7 days", 7 * 24 * time.Hour, true},
		{"7 days + 1s", 7*24*time.Hour + time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSigner().Presign(req, testInput(""), tc.expires)
			if (err == nil) != tc.ok {
				t.Fatalf("Presign(%v) err = %v", tc.expires, err)
			}
		})
	}
	u, err := NewSigner().Presign(req, SignInput{Credentials: Credentials{AccessKeyID: "AKIDTEST",
		SecretAccessKey: testCreds.SecretAccessKey, SessionToken: "tok/en+="}, Service: "s3", Region: "eu-west-1", Time: testTime}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") != "" || req.Header.Get("X-Amz-Date") != "" {
		t.Error("Presign modified the request's headers")
	}
	newReq := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPut, u.String(), strings.NewReader("data"))
		r.Header.Set("Content-Type", "text/plain")
		return r
	}
	for _, tc := range []struct {
		name   string
		now    time.Time
		change func(r *http.Request)
		code   string
	}{
		{"valid", testTime.Add(59 * time.Minute), nil, ""},
		{"expired", testTime.Add(time.Hour + time.Second), nil, CodeAccessDenied},
		{"unsigned header added", testTime, func(r *http.Request) { r.Header.Set("X-Amz-Acl", "public-read") }, CodeAccessDenied},
		{"signed header changed", testTime, func(r *http.Request) { r.Header.Set("Content-Type", "image/png") }, CodeSignatureDoesNotMatch},
		{"expires changed", testTime, func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "X-Amz-Expires=3600", "X-Amz-Expires=3601", 1)
		}, CodeSignatureDoesNotMatch},
		{"expires too long", testTime, func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "X-Amz-Expires=3600", "X-Amz-Expires=604801", 1)
		}, CodeAuthorizationQueryParamsError},
		{"missing signature", testTime, func(r *http.Request) {
			q := r.URL.Query()
			q.Del("X-Amz-Signature")
			r.URL.RawQuery = q.Encode()
		}, CodeAuthorizationQueryParamsError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := onWire(t, newReq())
			if tc.change != nil {
				tc.change(r)
			}
			got, err := testVerifier(tc.now).Verify(context.Background(), r)
			if errCode(err) != tc.code || (tc.code == "" && err != nil) {
				t.Fatalf("Verify = %v, want %q", err, tc.code)
			}
			if tc.code == "" && (!got.Presigned || got.SessionToken != "tok/en+=") {
				t.Errorf("Verified = %+v", got)
			}
			if tc.name == "expired" && !strings.Contains(err.Error(), "Request has expired") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestS3WireURI(t *testing.T) {
	for _, tc := range []struct{ wire, want string }{
		{"", "/"},
		{"/test$file.text", "/test%24file.text"}, // the AWS documentation's example
		{"/test%24file.text", "/test%24file.text"},
		{"/b/a%2Fb", "/b/a%2Fb"}, // an encoded slash belongs to the key
		{"/b/a%2fb", "/b/a%2Fb"},
		{"/b/a/./../c//d", "/b/a/./../c//d"}, // never normalised
		{"/%7Euser/%41", "/~user/A"},
		{"/100%", "/100%25"},
		{"/50%zz", "/50%25zz"},
		{"/\xe1\x88\xb4", "/%E1%88%B4"},
		{"/a+b=c", "/a%2Bb%3Dc"},
	} {
		if got := string(appendS3WireURI(nil, tc.wire)); got != tc.want {
			t.Errorf("appendS3WireURI(%q) = %q, want %q", tc.wire, got, tc.want)
		}
	}
}
