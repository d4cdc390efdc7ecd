package server_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/sigv4"
)

func TestHealthIsUnauthenticated(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		for _, m := range []string{"GET", "HEAD"} {
			if r := e.anon(m, "/-/health", nil, nil); r.status != 200 {
				t.Errorf("%s /-/health: %d", m, r.status)
			}
		}
	})
}

// TestAuthFailuresWriteNothing checks each way a request can fail
// authentication or authorisation, and that none of them stored anything.
func TestAuthFailuresWriteNothing(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithKeys(
			server.Key{AccessKeyID: "READONLY", Secret: "ro-secret", ReadOnly: true},
			server.Key{AccessKeyID: "ONLYMINE", Secret: "mine-secret", Buckets: []string{"mine"}},
		))
		e.mkBucket("bkt")
		e.mkBucket("mine")
		tests := []struct {
			name   string
			send   func(path string) result
			status int
			code   string
		}{
			{"anonymous", func(p string) result { return e.anon("PUT", p, []byte("x"), nil) }, 403, "AccessDenied"},
			{"wrong secret", func(p string) result { return e.as(e.creds.AccessKeyID, "wrong").do("PUT", p, []byte("x"), nil) }, 403, "SignatureDoesNotMatch"},
			{"unknown key", func(p string) result { return e.as("NOSUCHKEY", "whatever").do("PUT", p, []byte("x"), nil) }, 403, "InvalidAccessKeyId"},
			{"read-only key", func(p string) result { return e.as("READONLY", "ro-secret").do("PUT", p, []byte("x"), nil) }, 403, "AccessDenied"},
			{"bucket-restricted key", func(p string) result { return e.as("ONLYMINE", "mine-secret").do("PUT", p, []byte("x"), nil) }, 403, "AccessDenied"},
			{"malformed region", func(p string) result {
				w := *e
				w.region = "EU_WEST_1"
				return w.do("PUT", p, []byte("x"), nil)
			}, 400, "AuthorizationHeaderMalformed"},
			{"signed for iam", func(p string) result {
				req := e.request("PUT", p, []byte("x"), nil)
				req.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
				if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "iam", Region: e.srv.Region,
					Time: e.clock.Now(), PayloadHash: sigv4.UnsignedPayload}); err != nil {
					t.Fatal(err)
				}
				return e.send(req)
			}, 400, "AuthorizationHeaderMalformed"},
			{"skewed clock", func(p string) result {
				req := e.request("PUT", p, []byte("x"), nil)
				if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
					Time: e.clock.Now().Add(-time.Hour), PayloadHash: sigv4.UnsignedPayload}); err != nil {
					t.Fatal(err)
				}
				return e.send(req)
			}, 403, "RequestTimeTooSkewed"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				path := "/bkt/" + url.PathEscape(tc.name)
				checkErr(t, tc.send(path), tc.status, tc.code, false)
				checkErr(t, e.do("HEAD", path, nil, nil), 404, "NoSuchKey", true)
			})
		}
	})
}

// TestAnyRegion checks that by default a request signed for another
// region than the server's is verified with its own region, and that
// StrictRegion refuses it naming the expected region, as AWS does.
func TestAnyRegion(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		eu := *e
		eu.region = "eu-central-1"
		eu.must(200, "GET", "/", nil, nil)
		eu.mkBucket("bkt")
		eu.put("bkt", "k", []byte("data"), nil)
		if r := eu.must(200, "GET", "/bkt/k", nil, nil); string(r.body) != "data" {
			t.Errorf("GET signed for eu-central-1: %q", r.body)
		}
		// The signature is still checked, with the region it names.
		req := eu.request("GET", "/bkt/k", nil, nil)
		if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: "eu-central-1",
			Time: e.clock.Now(), PayloadHash: sigv4.EmptyPayloadHash}); err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "eu-central-1", "eu-west-1", 1))
		checkErr(t, e.send(req), 403, "SignatureDoesNotMatch", false)

		strict := bk.env(t, s3test.WithStrictRegion())
		strict.mkBucket("bkt")
		seu := *strict
		seu.region = "eu-central-1"
		r := seu.wantErr(400, "AuthorizationHeaderMalformed", "GET", "/", nil, nil)
		var body s3xml.Error
		r.decode(t, &body)
		if body.Region != "us-east-1" || !strings.Contains(body.Message, "expecting 'us-east-1'") {
			t.Errorf("strict refusal names %q / %q, want the server's region", body.Region, body.Message)
		}
		seu.wantErr(400, "AuthorizationHeaderMalformed", "PUT", "/bkt/k", []byte("x"), nil)
		strict.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
		strict.must(200, "GET", "/", nil, nil)
	})
}

func TestReadOnlyKeyMayRead(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithKeys(server.Key{AccessKeyID: "READONLY", Secret: "ro-secret", ReadOnly: true}))
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("data"), nil)
		ro := e.as("READONLY", "ro-secret")
		if r := ro.must(200, "GET", "/bkt/k", nil, nil); string(r.body) != "data" {
			t.Errorf("GET: %q", r.body)
		}
		ro.must(200, "GET", "/bkt?list-type=2", nil, nil)
		ro.wantErr(403, "AccessDenied", "DELETE", "/bkt/k", nil, nil)
		ro.wantErr(403, "AccessDenied", "PUT", "/other", nil, nil)
		e.must(200, "HEAD", "/bkt/k", nil, nil)
	})
}

func TestBucketRestrictedKey(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithKeys(server.Key{AccessKeyID: "ONLYMINE", Secret: "mine-secret", Buckets: []string{"mine"}}))
		e.mkBucket("mine")
		e.mkBucket("theirs")
		e.put("theirs", "secret", []byte("s"), nil)
		mine := e.as("ONLYMINE", "mine-secret")
		var list s3xml.ListAllMyBucketsResult
		mine.must(200, "GET", "/", nil, nil).decode(t, &list)
		if len(list.Buckets) != 1 || list.Buckets[0].Name != "mine" {
			t.Errorf("ListBuckets shows %+v, want only mine", list.Buckets)
		}
		mine.put("mine", "k", []byte("ok"), nil)
		mine.wantErr(403, "AccessDenied", "GET", "/theirs/secret", nil, nil)
		mine.wantErr(403, "AccessDenied", "PUT", "/mine/copy", nil, hdr{"X-Amz-Copy-Source": "/theirs/secret"})
		e.wantErr(404, "NoSuchKey", "GET", "/mine/copy", nil, nil)
	})
}

// presignV2 builds a version 2 presigned URL the way botocore does.
func presignV2(e *env, method, path string, expires time.Time, secret string) string {
	exp := strconv.FormatInt(expires.Unix(), 10)
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(method + "\n\n\n" + exp + "\n" + path))
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return path + "?AWSAccessKeyId=" + e.creds.AccessKeyID + "&Signature=" + url.QueryEscape(sig) + "&Expires=" + exp
}

func TestPresigned(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("data"), nil)
		v4 := func(expires time.Duration, at time.Time) string {
			req := e.request("GET", "/bkt/k", nil, nil)
			u, err := e.signer.Presign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
				Time: at, PayloadHash: sigv4.UnsignedPayload}, expires)
			if err != nil {
				t.Fatal(err)
			}
			return u.RequestURI()
		}
		now := e.clock.Now()
		tests := []struct {
			name   string
			path   string
			status int
			code   string
		}{
			{"v4 valid", v4(time.Hour, now), 200, ""},
			{"v4 expired", v4(time.Minute, now.Add(-2*time.Minute)), 403, "AccessDenied"},
			{"v2 valid", presignV2(e, "GET", "/bkt/k", now.Add(time.Minute), e.creds.SecretAccessKey), 200, ""},
			{"v2 expired", presignV2(e, "GET", "/bkt/k", now.Add(-time.Second), e.creds.SecretAccessKey), 403, "AccessDenied"},
			{"v2 a week out", presignV2(e, "GET", "/bkt/k", now.Add(7*24*time.Hour), e.creds.SecretAccessKey), 200, ""},
			{"v2 over a week out", presignV2(e, "GET", "/bkt/k", now.Add(7*24*time.Hour+time.Second), e.creds.SecretAccessKey), 403, "AccessDenied"},
			{"v4 over a week", strings.Replace(v4(7*24*time.Hour, now), "X-Amz-Expires=604800", "X-Amz-Expires=604801", 1), 400, "AuthorizationQueryParametersError"},
			{"v2 wrong secret", presignV2(e, "GET", "/bkt/k", now.Add(time.Minute), "nope"), 403, "SignatureDoesNotMatch"},
			{"v2 other method", presignV2(e, "GET", "/bkt/k", now.Add(time.Minute), e.creds.SecretAccessKey), 403, "SignatureDoesNotMatch"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				method := "GET"
				if tc.name == "v2 other method" {
					method = "DELETE"
				}
				r := e.anon(method, tc.path, nil, nil)
				if tc.code == "" {
					if r.status != tc.status || string(r.body) != "data" {
						t.Fatalf("status %d body %q", r.status, r.body)
					}
					return
				}
				checkErr(t, r, tc.status, tc.code, false)
			})
		}
		e.must(200, "HEAD", "/bkt/k", nil, nil)
	})
}

// TestStreamingBodyChecked sends aws-chunked bodies signed by sigv4 and
// checks a corrupted stream stores nothing.
func TestStreamingBodyChecked(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		payload := make([]byte, 200<<10)
		for i := range payload {
			payload[i] = byte(i * 7)
		}
		send := func(key string, opts sigv4.ChunkedOptions, corrupt bool) result {
			req := e.request("PUT", "/bkt/"+key, nil, nil)
			if err := e.signer.SignStreaming(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
				Time: e.clock.Now()}, bytesReader(payload), int64(len(payload)), opts); err != nil {
				t.Fatal(err)
			}
			if corrupt {
				req.Body = corruptReader(req.Body, 100<<10)
			}
			return e.send(req)
		}
		for _, tc := range []struct {
			name string
			opts sigv4.ChunkedOptions
		}{
			{"signed chunks", sigv4.ChunkedOptions{Signed: true}},
			{"signed chunks with CRC32C trailer", sigv4.ChunkedOptions{Signed: true, Trailer: sigv4.CRC32C}},
			{"unsigned with CRC32 trailer", sigv4.ChunkedOptions{Trailer: sigv4.CRC32}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				key := url.PathEscape(tc.name)
				if r := send(key, tc.opts, false); r.status != 200 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				got := e.must(200, "GET", "/bkt/"+key, nil, hdr{"X-Amz-Checksum-Mode": "ENABLED"})
				if string(got.body) != string(payload) {
					t.Fatal("stored bytes differ")
				}
				if tc.opts.Trailer != "" && got.header.Get("X-Amz-Checksum-"+string(tc.opts.Trailer)) == "" {
					t.Errorf("trailer checksum not stored: %v", got.header)
				}
				bad := key + "-corrupt"
				if r := send(bad, tc.opts, true); r.status == 200 {
					t.Fatalf("corrupted stream accepted")
				}
				checkErr(t, e.do("HEAD", "/bkt/"+bad, nil, nil), 404, "NoSuchKey", true)
			})
		}
	})
}

// TestUnsignedAmzHeaderRefused adds an x-amz-* header after signing: the
// server must not act on headers the signature does not cover.
func TestUnsignedAmzHeaderRefused(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "src", []byte("x"), nil)
		req := e.request("PUT", "/bkt/k", []byte("body"), nil)
		if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
			Time: e.clock.Now(), PayloadHash: sigv4.UnsignedPayload}); err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Copy-Source", "/bkt/src")
		r := e.send(req)
		if r.status != 403 && r.status != 400 {
			t.Fatalf("unsigned x-amz-copy-source accepted: %d %s", r.status, r.body)
		}
		checkErr(t, e.do("HEAD", "/bkt/k", nil, nil), 404, "NoSuchKey", true)
	})
}

// TestSignatureMismatchExplains checks the error names what the server
// computed, as AWS does, so users can diff it with what they signed.
func TestSignatureMismatchExplains(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		const badSecret = "not-the-secret-C0FFEE"
		r := e.as(e.creds.AccessKeyID, badSecret).wantErr(403, "SignatureDoesNotMatch", "GET", "/bkt/some%20key?list-type=2", nil, nil)
		var doc s3xml.Error
		r.decode(t, &doc)
		if doc.AccessKeyID != e.creds.AccessKeyID || !strings.HasPrefix(doc.StringToSign, "AWS4-HMAC-SHA256\n") ||
			!strings.HasPrefix(doc.CanonicalRequest, "GET\n/bkt/some%20key\n") || doc.SignatureProvided == "" {
			t.Errorf("error document does not explain the mismatch:\n%s", r.body)
		}
		if strings.Contains(string(r.body), e.creds.SecretAccessKey) || strings.Contains(string(r.body), badSecret) {
			t.Error("secret in error document")
		}
	})
}
