package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

type s3Payload struct {
	Type   string `json:"type"`
	Data   string `json:"data"`
	Byte   string `json:"byte"`
	Length int    `json:"length"`
}

func (p s3Payload) bytes() []byte {
	switch p.Type {
	case "utf8":
		return []byte(p.Data)
	case "repeat":
		return bytes.Repeat([]byte(p.Byte), p.Length)
	}
	return nil
}

type s3Vector struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
	} `json:"credentials"`
	SecretAccessKey string `json:"secret_access_key"`
	Region          string `json:"region"`
	Service         string `json:"service"`
	AmzDate         string `json:"amz_date"`
	Date            string `json:"date"`
	Request         struct {
		Method      string      `json:"method"`
		Path        string      `json:"path"`
		Query       [][2]string `json:"query"`
		Headers     [][2]string `json:"headers"`
		Payload     s3Payload   `json:"payload"`
		PayloadHash string      `json:"payload_hash"`
	} `json:"request"`
	Expected map[string]string `json:"expected"`
	Chunks   []struct {
		Data         s3Payload `json:"data"`
		Signature    string    `json:"signature"`
		StringToSign string    `json:"string_to_sign"`
		ChunkHeader  string    `json:"chunk_header"`
		DataSHA256   string    `json:"data_sha256"`
	} `json:"chunks"`
	Trailer *struct {
		Name         string `json:"name"`
		Value        string `json:"value"`
		Signature    string `json:"signature"`
		StringToSign string `json:"string_to_sign"`
	} `json:"trailer"`
	EncodedBodyLength int64  `json:"encoded_body_length"`
	EncodedBodySHA256 string `json:"encoded_body_sha256"`
	StringToSign      string `json:"string_to_sign"`
}

func loadS3Vectors(t *testing.T) []s3Vector {
	t.Helper()
	dir := suiteDir(t, "sigv4-s3")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) != 9 {
		t.Fatalf("want 9 vector files in %s, got %d (%v)", dir, len(files), err)
	}
	var out []s3Vector
	for _, f := range files {
		var v s3Vector
		if err := json.Unmarshal([]byte(readFile(t, f)), &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, v)
	}
	return out
}

func (v *s3Vector) input(t *testing.T) SignInput {
	t.Helper()
	ts, err := time.Parse(amzDateFormat, v.AmzDate)
	if err != nil {
		t.Fatal(err)
	}
	return SignInput{
		Credentials: Credentials{AccessKeyID: v.Credentials.AccessKeyID, SecretAccessKey: v.Credentials.SecretAccessKey},
		Service:     v.Service, Region: v.Region, Time: ts, PayloadHash: v.Request.PayloadHash,
	}
}

// request builds the unsigned request; headers Sign sets itself are left out.
func (v *s3Vector) request(skipQuery func(string) bool) *http.Request {
	var q []string
	for _, kv := range v.Request.Query {
		if skipQuery != nil && skipQuery(kv[0]) {
			continue
		}
		if kv[1] == "" {
			q = append(q, url.QueryEscape(kv[0])) // "?lifecycle": no '='
			continue
		}
		q = append(q, url.QueryEscape(kv[0])+"="+url.QueryEscape(kv[1]))
	}
	req := &http.Request{Method: v.Request.Method, Header: http.Header{}}
	for _, h := range v.Request.Headers {
		switch strings.ToLower(h[0]) {
		case "host":
			req.Host = h[1]
		case "content-length":
			req.ContentLength, _ = strconv.ParseInt(h[1], 10, 64)
		case "x-amz-date", "x-amz-content-sha256":
		default:
			req.Header.Add(h[0], h[1])
		}
	}
	req.URL = &url.URL{Scheme: "https", Host: req.Host, Path: v.Request.Path, RawQuery: strings.Join(q, "&")}
	return req
}

// serverRequest is the request as a server receives it, signed with the
// published Authorization header.
func (v *s3Vector) serverRequest(body []byte) *http.Request {
	req := v.request(nil)
	req.URL.RawPath = ""
	req.RequestURI = req.URL.RequestURI()
	for _, h := range v.Request.Headers {
		if k := strings.ToLower(h[0]); k == "x-amz-date" || k == "x-amz-content-sha256" {
			req.Header.Set(h[0], h[1])
		}
	}
	if a := v.Expected["authorization"]; a != "" {
		req.Header.Set("Authorization", a)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	if req.ContentLength == 0 {
		req.ContentLength = int64(len(body))
	}
	return req
}

func TestS3Vectors(t *testing.T) {
	for _, v := range loadS3Vectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			switch v.Kind {
			case "header":
				testS3Header(t, v)
			case "presigned":
				testS3Presigned(t, v)
			case "streaming":
				testS3Streaming(t, v)
			case "signing-key":
				k := deriveKey(v.SecretAccessKey, v.Date, v.Region, v.Service)
				checkEqual(t, "kSigning", hex.EncodeToString(k[:]), v.Expected["kSigning"])
			case "post-policy":
				// A POST policy is signed with the derived key over the base64 policy.
				k := deriveKey(v.Credentials.SecretAccessKey, v.AmzDate[:8], v.Region, v.Service)
				checkEqual(t, "signing key", hex.EncodeToString(k[:]), v.Expected["signing_key"])
				sig := hmacSum(&k, []byte(v.StringToSign))
				checkEqual(t, "signature", hex.EncodeToString(sig[:]), v.Expected["signature"])
			default:
				t.Fatalf("unknown kind %q", v.Kind)
			}
		})
	}
}

func testS3Header(t *testing.T, v s3Vector) {
	req := v.request(nil)
	var dbg signDebug
	sig, err := NewSigner().sign(req, v.input(t), &dbg)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "canonical request", dbg.canonicalRequest, v.Expected["canonical_request"])
	checkEqual(t, "string to sign", dbg.stringToSign, v.Expected["string_to_sign"])
	checkEqual(t, "signature", sig, v.Expected["signature"])
	checkEqual(t, "authorization", req.Header.Get("Authorization"), v.Expected["authorization"])

	body := v.Request.Payload.bytes()
	ver := &Verifier{Lookup: staticLookup(v.input(t).Credentials), Now: func() time.Time { return v.input(t).Time }}
	got, err := ver.Verify(context.Background(), v.serverRequest(body))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	data, err := io.ReadAll(got.Body)
	if err != nil || !bytes.Equal(data, body) {
		t.Fatalf("body = %q, %v; want %q", data, err, body)
	}
	if len(body) > 0 {
		bad := v.serverRequest(append([]byte("X"), body[1:]...))
		got, err := ver.Verify(context.Background(), bad)
		if err != nil {
			t.Fatalf("Verify (changed body): %v", err)
		}
		if _, err := io.ReadAll(got.Body); errCode(err) != CodeXAmzContentSHA256Mismatch {
			t.Fatalf("reading a changed body: %v, want XAmzContentSHA256Mismatch", err)
		}
	}
}

func testS3Presigned(t *testing.T, v s3Vector) {
	req := v.request(func(k string) bool { return strings.HasPrefix(k, "X-Amz-") })
	exp, _ := strconv.Atoi(findQuery(v.Request.Query, "X-Amz-Expires"))
	var dbg signDebug
	u, err := NewSigner().presign(req, v.input(t), time.Duration(exp)*time.Second, &dbg)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "canonical request", dbg.canonicalRequest, v.Expected["canonical_request"])
	checkEqual(t, "url", u.String(), v.Expected["url"])

	in := v.input(t)
	pu, _ := url.Parse(v.Expected["url"])
	sreq := &http.Request{Method: "GET", URL: pu, Host: pu.Host, Header: http.Header{}, Body: http.NoBody}
	for _, tc := range []struct {
		name string
		now  time.Time
		code string
	}{
		{"at signing time", in.Time, ""},
		{"last second", in.Time.Add(time.Duration(exp) * time.Second), ""},
		{"expired", in.Time.Add(time.Duration(exp+1) * time.Second), CodeAccessDenied},
		{"not yet valid", in.Time.Add(-16 * time.Minute), CodeAccessDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ver := &Verifier{Lookup: staticLookup(in.Credentials), Now: func() time.Time { return tc.now }}
			got, err := ver.Verify(context.Background(), sreq)
			if errCode(err) != tc.code || (tc.code == "" && err != nil) {
				t.Fatalf("Verify = %v, want code %q", err, tc.code)
			}
			if tc.code == "" && !got.Presigned {
				t.Error("Presigned = false")
			}
		})
	}
}

func findQuery(q [][2]string, k string) string {
	for _, kv := range q {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

// testS3Streaming rebuilds the published aws-chunked body with the
// encoder, then verifies it, and checks a changed byte is caught.
func testS3Streaming(t *testing.T, v s3Vector) {
	in := v.input(t)
	var decoded []byte
	for _, c := range v.Chunks {
		decoded = append(decoded, c.Data.bytes()...)
	}
	opts := ChunkedOptions{ChunkSize: 64 << 10, Signed: true}
	if v.Trailer != nil {
		alg, err := ParseChecksumAlgorithm(strings.TrimPrefix(v.Trailer.Name, "x-amz-checksum-"))
		if err != nil {
			t.Fatal(err)
		}
		opts.Trailer = alg
	}
	checkEqual(t, "encoded length", strconv.FormatInt(EncodedLength(int64(len(decoded)), opts), 10),
		strconv.FormatInt(v.EncodedBodyLength, 10))

	var encoded []byte
	if v.Trailer == nil {
		// SignStreaming end to end: it sets and signs the same headers.
		req := v.request(nil)
		for _, h := range []string{"Content-Encoding", "X-Amz-Decoded-Content-Length"} {
			req.Header.Del(h)
		}
		req.ContentLength = 0
		if err := NewSigner().SignStreaming(req, in, bytes.NewReader(decoded), int64(len(decoded)), opts); err != nil {
			t.Fatal(err)
		}
		checkEqual(t, "authorization", req.Header.Get("Authorization"), v.Expected["authorization"])
		var err error
		if encoded, err = io.ReadAll(req.Body); err != nil {
			t.Fatal(err)
		}
	} else {
		// The published trailer example does not sign Content-Length,
		// which SignStreaming always does; sign the seed with Sign and
		// frame the body with the same encoder.
		req := v.request(nil)
		seed, err := NewSigner().Sign(req, SignInput{Credentials: in.Credentials, Service: in.Service,
			Region: in.Region, Time: in.Time, PayloadHash: StreamingPayloadTrailer})
		if err != nil {
			t.Fatal(err)
		}
		checkEqual(t, "seed signature", seed, v.Expected["signature"])
		sum, _ := NewChecksum(opts.Trailer)
		key := deriveKey(in.Credentials.SecretAccessKey, v.AmzDate[:8], in.Region, in.Service)
		enc := &chunkEncoder{src: bytes.NewReader(decoded), want: -1, chunk: make([]byte, opts.ChunkSize),
			sum: sum, alg: opts.Trailer, signer: &chunkSigner{key: key, amzDate: v.AmzDate,
				scope: string(appendScope(nil, v.AmzDate[:8], in.Region, in.Service))}}
		copy(enc.signer.prev[:], seed)
		if encoded, err = io.ReadAll(enc); err != nil {
			t.Fatal(err)
		}
	}
	h := sha256.Sum256(encoded)
	checkEqual(t, "encoded body sha256", hex.EncodeToString(h[:]), v.EncodedBodySHA256)
	for _, c := range v.Chunks {
		if !bytes.Contains(encoded, []byte(c.ChunkHeader)) {
			t.Errorf("encoded body lacks chunk header %q", c.ChunkHeader)
		}
	}

	ver := &Verifier{Lookup: staticLookup(in.Credentials), Now: func() time.Time { return in.Time }}
	got, err := ver.Verify(context.Background(), v.serverRequest(encoded))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got.DecodedContentLength != int64(len(decoded)) {
		t.Errorf("DecodedContentLength = %d, want %d", got.DecodedContentLength, len(decoded))
	}
	data, err := io.ReadAll(got.Body)
	if err != nil || !bytes.Equal(data, decoded) {
		t.Fatalf("decoded body: %d bytes, %v; want %d bytes", len(data), err, len(decoded))
	}

	checkS3StreamingTamper(t, v, ver, encoded)

}

// checkS3StreamingTamper changes one byte of the second chunk (the first
// chunk is released, not a byte of the second) and, with a trailer, the
// trailing checksum.
func checkS3StreamingTamper(t *testing.T, v s3Vector, ver *Verifier, encoded []byte) {
	t.Helper()
	bad := bytes.Clone(encoded)
	second := bytes.Index(bad, []byte(v.Chunks[1].ChunkHeader)) + len(v.Chunks[1].ChunkHeader)
	bad[second+10] = 'b'
	got, err := ver.Verify(context.Background(), v.serverRequest(bad))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	data, err := io.ReadAll(got.Body)
	if errCode(err) != CodeSignatureDoesNotMatch || len(data) != v.Chunks[0].Data.Length {
		t.Fatalf("changed chunk: read %d bytes, err %v; want %d bytes then SignatureDoesNotMatch",
			len(data), err, v.Chunks[0].Data.Length)
	}
	if v.Trailer != nil {
		// A wrong trailing checksum (re-signed, so only the value is wrong).
		wrong := bytes.Replace(bytes.Clone(encoded), []byte(v.Trailer.Value), []byte("AAAAAA=="), 1)
		got, err := ver.Verify(context.Background(), v.serverRequest(wrong))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(got.Body); errCode(err) != CodeSignatureDoesNotMatch {
			t.Fatalf("changed trailer: %v, want SignatureDoesNotMatch", err)
		}
	}
}
