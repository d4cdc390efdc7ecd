package integrity

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// verbatimS3 is a minimal S3 server that verifies nothing: no signature,
// no Content-MD5, no checksum, and no aws-chunked decoding. It stores each
// request body as it arrives and answers with the MD5 of what it stored as
// the ETag, like a careless implementation would (gofakes3 behaves so over
// http). It says "Server: AmazonS3", as gofakes3 does, to check that the
// client does not believe it.
type verbatimS3 struct {
	mu      sync.Mutex
	objects map[string][]byte         // "bucket/key" → bytes
	uploads map[string]map[int][]byte // upload ID → parts
	next    int
	framed  atomic.Int32 // requests that arrived aws-chunked
}

func newVerbatimS3(t *testing.T) (*verbatimS3, *httptest.Server) {
	t.Helper()
	v := &verbatimS3{objects: map[string][]byte{}, uploads: map[string]map[int][]byte{}}
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	return v, srv
}

func (v *verbatimS3) get(bucket, key string) ([]byte, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	b, ok := v.objects[bucket+"/"+key]
	return b, ok
}

func etagOf(b []byte) string {
	s := md5.Sum(b)
	return `"` + hex.EncodeToString(s[:]) + `"`
}

func (v *verbatimS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "AmazonS3")
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		v.framed.Add(1)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case key == "" && r.Method == http.MethodPut: // CreateBucket
	case key == "" && r.Method == http.MethodHead:
	case key == "" && r.Method == http.MethodGet && q.Get("list-type") == "2":
		type content struct {
			Key  string
			Size int
			ETag string
		}
		res := struct {
			XMLName  xml.Name `xml:"ListBucketResult"`
			Name     string
			KeyCount int
			Contents []content
		}{Name: bucket}
		var keys []string
		for k := range v.objects {
			if rest, ok := strings.CutPrefix(k, bucket+"/"); ok && strings.HasPrefix(rest, q.Get("prefix")) {
				keys = append(keys, rest)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			b := v.objects[bucket+"/"+k]
			res.Contents = append(res.Contents, content{Key: k, Size: len(b), ETag: etagOf(b)})
		}
		res.KeyCount = len(keys)
		xml.NewEncoder(w).Encode(res)
	case r.Method == http.MethodPost && q.Has("uploads"):
		v.next++
		id := "upload-" + strconv.Itoa(v.next)
		v.uploads[id] = map[int][]byte{}
		fmt.Fprintf(w, "<InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId></InitiateMultipartUploadResult>", bucket, key, id)
	case r.Method == http.MethodPut && q.Has("uploadId"):
		parts, ok := v.uploads[q.Get("uploadId")]
		if !ok {
			http.Error(w, "<Error><Code>NoSuchUpload</Code></Error>", http.StatusNotFound)
			return
		}
		n, _ := strconv.Atoi(q.Get("partNumber"))
		parts[n] = body
		w.Header().Set("ETag", etagOf(body))
	case r.Method == http.MethodPost && q.Has("uploadId"):
		parts, ok := v.uploads[q.Get("uploadId")]
		if !ok {
			http.Error(w, "<Error><Code>NoSuchUpload</Code></Error>", http.StatusNotFound)
			return
		}
		var nums []int
		for n := range parts {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		var all []byte
		for _, n := range nums {
			all = append(all, parts[n]...)
		}
		v.objects[bucket+"/"+key] = all
		delete(v.uploads, q.Get("uploadId"))
		fmt.Fprintf(w, "<CompleteMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><ETag>&quot;%x-%d&quot;</ETag></CompleteMultipartUploadResult>",
			bucket, key, md5.Sum(all), len(nums))
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		delete(v.uploads, q.Get("uploadId"))
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPut:
		v.objects[bucket+"/"+key] = body
		w.Header().Set("ETag", etagOf(body))
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		b, ok := v.objects[bucket+"/"+key]
		if !ok {
			http.Error(w, "<Error><Code>NoSuchKey</Code></Error>", http.StatusNotFound)
			return
		}
		w.Header().Set("ETag", etagOf(b))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Header().Set("Last-Modified", "Mon, 07 Dec 2026 22:00:00 GMT")
		if r.Method == http.MethodGet {
			w.Write(b)
		}
	default:
		http.Error(w, "<Error><Code>NotImplemented</Code></Error>", http.StatusNotImplemented)
	}
}

// flipReader flips one bit of the byte at offset at.
type flipReader struct {
	r   io.ReadCloser
	at  int64
	pos int64
}

func (f *flipReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.at >= f.pos && f.at < f.pos+int64(n) {
		p[f.at-f.pos] ^= 0x01
	}
	f.pos += int64(n)
	return n, err
}

func (f *flipReader) Close() error { return f.r.Close() }

// corruptingProxy starts a reverse proxy in front of backend that flips one
// byte in the middle of every PUT body (every upload: objects and parts),
// over https when tls is set. It keeps the Host header, so signatures made
// for the proxy's address verify at the backend, and it passes response
// headers through. It returns the proxy's URL and, for https, a PEM file
// holding its certificate (for AWS_CA_BUNDLE).
func corruptingProxy(t *testing.T, backend string, tls bool) (endpoint, caFile string, flipped *atomic.Int32) {
	t.Helper()
	target, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	flipped = new(atomic.Int32)
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.Host = pr.In.Host // signatures cover the Host the client used
		if pr.Out.Method == http.MethodPut && pr.Out.ContentLength > 0 {
			pr.Out.Body = &flipReader{r: pr.Out.Body, at: pr.Out.ContentLength / 2}
			flipped.Add(1)
		}
	}}
	rp.ErrorLog = log.New(io.Discard, "", 0) // a refused upload cancels the proxied request
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(rp)
		caFile = filepath.Join(t.TempDir(), "proxy-ca.pem")
		block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(caFile, block, 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		srv = httptest.NewServer(rp)
	}
	t.Cleanup(srv.Close)
	return srv.URL, caFile, flipped
}

// payload returns n deterministic bytes that are not all alike.
func payload(n int) []byte {
	b := make([]byte, n)
	var x uint32 = 2463534242
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func mustEqual(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		prefix := got
		if len(prefix) > 16 {
			prefix = prefix[:16]
		}
		t.Fatalf("%s: stored %d bytes starting %q, want the %d bytes sent", what, len(got), prefix, len(want))
	}
}
