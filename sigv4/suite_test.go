package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testdataDir is the shared vectors folder; CI puts shared/ beside the checkout.
const testdataDir = "../../shared/testdata"

func suiteDir(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(testdataDir, name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test vectors not found at %s (CI places shared/ beside the checkout): %v", dir, err)
	}
	return dir
}

type suiteContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	Expiration       int    `json:"expiration_in_seconds"`
	Normalize        bool   `json:"normalize"`
	Region           string `json:"region"`
	Service          string `json:"service"`
	SignBody         bool   `json:"sign_body"`
	Timestamp        string `json:"timestamp"`
	OmitSessionToken bool   `json:"omit_session_token"`
}

// rawRequest is request.txt parsed without net/http's normalisation.
type rawRequest struct {
	method, path, query string
	headers             [][2]string
	body                []byte
}

func parseRawRequest(t *testing.T, data []byte) rawRequest {
	t.Helper()
	head, body, _ := bytes.Cut(data, []byte("\n\n"))
	lines := strings.Split(string(head), "\n")
	// The path may contain spaces (get-space-*): split at the first and last.
	first, last := strings.IndexByte(lines[0], ' '), strings.LastIndexByte(lines[0], ' ')
	if first < 0 || last <= first {
		t.Fatalf("bad request line %q", lines[0])
	}
	r := rawRequest{method: lines[0][:first], body: body}
	r.path, r.query, _ = strings.Cut(lines[0][first+1:last], "?")
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			r.headers[len(r.headers)-1][1] += " " + l
			continue
		}
		k, v, _ := strings.Cut(l, ":")
		r.headers = append(r.headers, [2]string{k, v})
	}
	return r
}

// build makes an *http.Request. In s3 mode the path is the decoded key; in
// generic mode the request-line path is sent literally (Opaque).
func (r rawRequest) build(s3 bool) *http.Request {
	req := &http.Request{Method: r.method, Header: http.Header{}}
	host := ""
	for _, h := range r.headers {
		switch strings.ToLower(h[0]) {
		case "host":
			host = h[1]
		case "content-length":
			req.ContentLength, _ = strconv.ParseInt(h[1], 10, 64)
		default:
			req.Header[h[0]] = append(req.Header[h[0]], h[1])
		}
	}
	req.Host = host
	if s3 {
		req.URL = &url.URL{Scheme: "https", Host: host, Path: r.path, RawQuery: r.query}
	} else {
		req.URL = &url.URL{Scheme: "https", Host: host, Opaque: "//" + host + r.path, RawQuery: r.query}
	}
	if len(r.body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(r.body))
	}
	return req
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// normalizedOnly are the six cases whose path generic normalisation
// changes; S3 takes those paths literally (README of the suite).
var normalizedOnly = map[string]bool{
	"get-relative-normalized": true, "get-relative-relative-normalized": true, "get-slash-normalized": true,
	"get-slash-dot-slash-normalized": true, "get-slash-pointless-dot-normalized": true, "get-slashes-normalized": true,
}

func TestAWSSuite(t *testing.T) {
	dir := suiteDir(t, "sigv4")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cases++
		name := e.Name()
		caseDir := filepath.Join(dir, name)
		t.Run(name, func(t *testing.T) {
			ctx, raw, in := loadSuiteCase(t, caseDir)
			want := func(f string) string { return readFile(t, filepath.Join(caseDir, f)) }
			ts := in.Time
			t.Run("header", func(t *testing.T) {
				req := raw.build(false)
				if ctx.SignBody {
					req.Header.Set("X-Amz-Content-Sha256", in.PayloadHash)
				}
				var dbg signDebug
				sig, err := NewSigner().sign(req, in, &dbg)
				if err != nil {
					t.Fatal(err)
				}
				checkEqual(t, "canonical request", dbg.canonicalRequest, want("header-canonical-request.txt"))
				checkEqual(t, "string to sign", dbg.stringToSign, want("header-string-to-sign.txt"))
				checkEqual(t, "signature", sig, want("header-signature.txt"))
				if ctx.OmitSessionToken || !ctx.Normalize {
					// A token added after signing is unsigned, which Verify
					// refuses (TestVerifyRejects); the verifier always
					// normalises non-S3 paths.
					return
				}
				// The generic-rule verifier accepts the request it signed.
				v := &Verifier{Lookup: staticLookup(in.Credentials), Now: func() time.Time { return ts }}
				if _, err := v.Verify(context.Background(), req); err != nil {
					t.Fatalf("Verify of the signed request: %v", err)
				}
			})
			t.Run("query", func(t *testing.T) {
				req := raw.build(false)
				var dbg signDebug
				u, err := NewSigner().presign(req, in, time.Duration(ctx.Expiration)*time.Second, &dbg)
				if err != nil {
					t.Fatal(err)
				}
				checkEqual(t, "canonical request", dbg.canonicalRequest, want("query-canonical-request.txt"))
				checkEqual(t, "string to sign", dbg.stringToSign, want("query-string-to-sign.txt"))
				checkEqual(t, "signature", u.Query().Get("X-Amz-Signature"), want("query-signature.txt"))
				if !ctx.Normalize || ctx.SignBody {
					// The verifier normalises non-S3 paths and takes a
					// presigned non-S3 payload to be empty.
					return
				}
				req.URL = u
				v := &Verifier{Lookup: staticLookup(in.Credentials), Now: func() time.Time { return ts.Add(time.Minute) }}
				if _, err := v.Verify(context.Background(), req); err != nil {
					t.Fatalf("Verify of the presigned request: %v", err)
				}
			})
			t.Run("s3-rules", func(t *testing.T) {
				if normalizedOnly[name] {
					t.Skip("normalised path; S3 takes it literally (its -unnormalized twin holds the S3 answer)")
				}
				// Only the URI and query encoding differ between the modes;
				// the path here is the decoded key, encoded once.
				req := raw.build(true)
				pairs, ok := canonicalQuery(req.URL.RawQuery, "")
				if !ok {
					t.Fatal("bad query")
				}
				exp := strings.Split(want("header-canonical-request.txt"), "\n")
				checkEqual(t, "canonical URI", string(appendCanonicalURI(nil, req.URL, true, false)), exp[1])
				checkEqual(t, "canonical query", string(appendQuery(nil, pairs)), exp[2])
			})
		})
	}
	if cases != 38 {
		t.Errorf("found %d suite cases, want 38", cases)
	}
}

// loadSuiteCase reads one suite folder into signing input.
func loadSuiteCase(t *testing.T, caseDir string) (suiteContext, rawRequest, SignInput) {
	t.Helper()
	var ctx suiteContext
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(caseDir, "context.json"))), &ctx); err != nil {
		t.Fatal(err)
	}
	raw := parseRawRequest(t, []byte(readFile(t, filepath.Join(caseDir, "request.txt"))))
	ts, err := time.Parse(time.RFC3339, ctx.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	in := SignInput{
		Credentials: Credentials{AccessKeyID: ctx.Credentials.AccessKeyID, SecretAccessKey: ctx.Credentials.SecretAccessKey},
		Service:     ctx.Service, Region: ctx.Region, Time: ts,
		DisablePathNormalization: !ctx.Normalize,
	}
	if !ctx.OmitSessionToken {
		in.Credentials.SessionToken = ctx.Credentials.Token
	}
	bodyHash := sha256.Sum256(raw.body)
	in.PayloadHash = hex.EncodeToString(bodyHash[:])
	return ctx, raw, in
}

func checkEqual(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s mismatch\n got: %q\nwant: %q", what, got, want)
	}
}

func staticLookup(c Credentials) SecretLookup {
	return func(_ context.Context, id string) (string, error) {
		if id == c.AccessKeyID {
			return c.SecretAccessKey, nil
		}
		return "", ErrUnknownAccessKey
	}
}

// errCode returns the *Error code of err or "".
func errCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
