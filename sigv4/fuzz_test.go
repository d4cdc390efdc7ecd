package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

var fuzzMethods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}

// Mutation targets for FuzzRoundTrip.
const (
	mutNone = iota
	mutMethod
	mutPath
	mutQuery
	mutHeader
	mutDate
	mutPayload
	mutChunk
	mutCount
)

// cleanHeaderValue keeps bytes net/http accepts in a header value.
func cleanHeaderValue(s string) string {
	var b strings.Builder
	b.WriteByte('v')
	for i := 0; i < len(s) && i < 64; i++ {
		if c := s[i]; c >= 0x21 && c < 0x7f || c == ' ' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// flip changes the byte at pos%len(s) of s to another byte in [0x21,0x7e],
// skipping spaces so header whitespace folding cannot hide the change.
func flip(s string, pos uint) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := int(pos % uint(len(b)))
	for b[i] == ' ' {
		i = (i + 1) % len(b)
	}
	c := b[i] + 1
	if c > 0x7e || c < 0x21 {
		c = 0x21
	}
	if c == b[i] {
		c++
	}
	b[i] = c
	return string(b)
}

// FuzzRoundTrip checks that anything Sign, Presign or SignStreaming
// produces verifies and decodes to the original payload, and that one
// changed byte in the method, path, query, a signed header, the date, the
// payload or a chunk makes verification (or reading the body) fail.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(1), "bucket/key", "prefix", "a b", "meta value", []byte("payload"), uint8(0), uint8(0), uint(0))
	f.Add(uint8(0), "b/a+b/../c//d", "list-type", "2", "x", []byte{}, uint8(1), uint8(mutMethod), uint(3))
	f.Add(uint8(1), "b/%2F$&=?#", "k k", "v/v+v", "  spaced  value ", []byte("body"), uint8(0), uint8(mutPath), uint(5))
	f.Add(uint8(1), "b/k", "a", "b", "hv", []byte("body"), uint8(0), uint8(mutQuery), uint(1))
	f.Add(uint8(1), "b/k", "a", "b", "header value", []byte("body"), uint8(1), uint8(mutHeader), uint(7))
	f.Add(uint8(1), "b/k", "", "", "hv", []byte("body"), uint8(0), uint8(mutDate), uint(11))
	f.Add(uint8(1), "b/k", "", "", "hv", bytes.Repeat([]byte("ab"), 3000), uint8(0), uint8(mutPayload), uint(4321))
	f.Add(uint8(1), "b/k", "", "", "hv", bytes.Repeat([]byte("cd"), 3000), uint8(2), uint8(mutChunk), uint(999))
	f.Add(uint8(1), "b/k", "", "", "hv", bytes.Repeat([]byte("ef"), 3000), uint8(3), uint8(mutPayload), uint(5000))
	f.Add(uint8(1), "b/k", "", "", "hv", bytes.Repeat([]byte("gh"), 3000), uint8(4), uint8(mutChunk), uint(77))
	f.Fuzz(roundTrip)
}

func roundTrip(t *testing.T, method uint8, path, qk, qv, hv string, payload []byte, mode, mut uint8, pos uint) {
	m := fuzzMethods[int(method)%len(fuzzMethods)]
	if len(payload) > 4<<10 {
		payload = payload[:4<<10] // several 1 KiB chunks; larger inputs only slow the fuzzer
	}
	mode %= 5 // 0 header, 1 presigned, 2 signed chunks, 3 signed chunks+trailer, 4 unsigned chunks+trailer
	mut %= mutCount
	if mode >= 2 {
		m = "PUT"
	}
	if m == "HEAD" || m == "GET" {
		payload = nil
	}
	sreq, body := fuzzRequest(t, m, path, qk, qv, hv, payload, mode, pos)
	changed := mutate(sreq, body, m, method, mode, mut, pos)
	got, err := testVerifier(testTime).Verify(context.Background(), sreq)
	if err == nil {
		var data []byte
		data, err = io.ReadAll(got.Body)
		if err == nil && !changed && !bytes.Equal(data, payload) {
			t.Fatalf("decoded %d bytes, want the %d signed", len(data), len(payload))
		}
	}
	if changed && err == nil {
		t.Fatalf("mutation %d (mode %d) verified", mut, mode)
	}
	if !changed && err != nil {
		t.Fatalf("mode %d: untouched request rejected: %v", mode, err)
	}
}

// fuzzRequest signs a request in the given mode and returns it as a server
// receives it, with its wire body.
func fuzzRequest(t *testing.T, m, path, qk, qv, hv string, payload []byte, mode uint8, pos uint) (*http.Request, []byte) {
	u := &url.URL{Scheme: "http", Host: "127.0.0.1:9000", Path: "/" + path}
	if qk != "" {
		u.RawQuery = url.QueryEscape(qk) + "=" + url.QueryEscape(qv)
	}
	req := &http.Request{Method: m, URL: u, Host: u.Host, Header: http.Header{}}
	req.Header.Set("X-Amz-Meta-Fuzz", cleanHeaderValue(hv))
	var body []byte
	switch {
	case mode == 0:
		req.ContentLength = int64(len(payload))
		body = payload
		if _, err := NewSigner().Sign(req, testInput(hexSHA(payload))); err != nil {
			t.Fatal(err)
		}
	case mode == 1:
		pu, err := NewSigner().Presign(req, testInput(""), 3600e9)
		if err != nil {
			t.Fatal(err)
		}
		req.URL = pu
		req.ContentLength = int64(len(payload))
		body = payload
	default:
		opts := ChunkedOptions{ChunkSize: 1024, Signed: mode != 4}
		if mode != 2 {
			opts.Trailer = allAlgorithms[pos%uint(len(allAlgorithms))]
		}
		if err := NewSigner().SignStreaming(req, testInput(""), bytes.NewReader(payload), int64(len(payload)), opts); err != nil {
			t.Fatal(err)
		}
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			t.Fatal(err)
		}
		req.ContentLength = int64(len(body))
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	sreq := onWire(t, req)
	sreq.Body = io.NopCloser(bytes.NewReader(body))
	return sreq, body
}

// mutate applies mutation mut to sreq (its wire body is body) and reports
// whether it changed anything the signature covers.
func mutate(sreq *http.Request, body []byte, m string, method, mode, mut uint8, pos uint) bool {
	streaming := mode >= 2
	changed := true
	switch mut {
	case mutNone:
		changed = false
	case mutMethod:
		i := 0
		for fuzzMethods[i] != m {
			i++
		}
		sreq.Method = fuzzMethods[(i+1+int(pos%4))%len(fuzzMethods)]
	case mutPath:
		sreq.URL.Path = flip(sreq.URL.Path, pos)
		sreq.URL.RawPath = ""
	case mutQuery:
		q := sreq.URL.RawQuery
		if q == "" {
			q = "x=y"
		}
		dq, _ := url.QueryUnescape(q)
		// Change one decoded byte, keeping '&' and '=' structure (or
		// add a parameter when there is no byte to change).
		flipped := false
		for i := 0; i < len(dq) && !flipped; i++ {
			j := int((pos + uint(i)) % uint(len(dq)))
			if dq[j] != '&' && dq[j] != '=' && dq[j] != ' ' {
				dq = dq[:j] + flip(dq[j:j+1], 0) + dq[j+1:]
				flipped = true
			}
		}
		if !flipped {
			dq += "&x=y"
		}
		sreq.URL.RawQuery = encodeQueryKeepStructure(dq)
	case mutHeader:
		sreq.Header.Set("X-Amz-Meta-Fuzz", flip(sreq.Header.Get("X-Amz-Meta-Fuzz"), pos))
	case mutDate:
		if mode == 1 {
			q := sreq.URL.Query()
			q.Set("X-Amz-Date", flip(q.Get("X-Amz-Date"), pos))
			sreq.URL.RawQuery = q.Encode()
		} else {
			sreq.Header.Set("X-Amz-Date", flip(sreq.Header.Get("X-Amz-Date"), pos))
		}
	case mutPayload, mutChunk:
		if len(body) == 0 || mode == 1 {
			changed = false // an empty body has no byte to change; presigned payloads are unsigned
			break
		}
		// mutPayload changes a decoded byte, mutChunk any byte of a data chunk's framing.
		b := bytes.Clone(body)
		i := int(pos % uint(len(b)))
		if streaming {
			i = chunkByte(b, pos, mut == mutPayload)
			if i < 0 {
				changed = false
				break
			}
		}
		b[i] ^= 0x01
		sreq.Body = io.NopCloser(bytes.NewReader(b))
	}
	return changed
}

// encodeQueryKeepStructure re-encodes a decoded "k=v&k2=v2" string.
func encodeQueryKeepStructure(dq string) string {
	var parts []string
	for _, p := range strings.Split(dq, "&") {
		k, v, _ := strings.Cut(p, "=")
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	return strings.Join(parts, "&")
}

// chunkByte picks the index of a byte inside a data chunk of an aws-chunked
// body: its data when data is true, else its size or signature. It
// returns -1 when the body has no data chunk.
func chunkByte(enc []byte, pos uint, data bool) int {
	type span struct{ start, end int }
	var datas, heads []span
	for off := 0; off < len(enc); {
		nl := bytes.Index(enc[off:], []byte("\r\n"))
		if nl < 0 {
			break
		}
		head := enc[off : off+nl]
		sizeHex, _, _ := bytes.Cut(head, []byte(";"))
		var n int
		for _, c := range sizeHex {
			n = n*16 + int(strings.IndexByte("0123456789abcdef", c))
		}
		if n == 0 {
			break
		}
		heads = append(heads, span{off, off + nl})
		datas = append(datas, span{off + nl + 2, off + nl + 2 + n})
		off += nl + 2 + n + 2
	}
	spans := heads
	if data {
		spans = datas
	}
	if len(spans) == 0 {
		return -1
	}
	s := spans[pos%uint(len(spans))]
	return s.start + int(pos/uint(len(spans))%uint(s.end-s.start))
}

// FuzzChunkedBody feeds arbitrary aws-chunked bodies to the verifying
// reader behind a validly signed header: it must never panic, and with
// signed chunks it may only ever release the bytes that were signed.
func FuzzChunkedBody(f *testing.F) {
	modes := []ChunkedOptions{{Signed: true}, {Signed: true, Trailer: CRC32C}, {Trailer: CRC32}}
	headers := make([]*http.Request, len(modes))
	for i, opts := range modes {
		opts.ChunkSize = 2
		req, _ := http.NewRequest(http.MethodPut, "http://h/b/k", nil)
		if err := NewSigner().SignStreaming(req, testInput(""), strings.NewReader("hello"), 5, opts); err != nil {
			f.Fatal(err)
		}
		enc, _ := io.ReadAll(req.Body)
		headers[i] = req
		f.Add(uint8(i), enc)
		f.Add(uint8(i), enc[:len(enc)/2])
		f.Add(uint8(i), bytes.Replace(enc, []byte("\r\n"), []byte("\n"), 1))
	}
	f.Fuzz(func(t *testing.T, mode uint8, body []byte) {
		i := int(mode) % len(modes)
		req := headers[i].Clone(context.Background())
		req.Body = io.NopCloser(bytes.NewReader(body)) // ContentLength stays the signed one
		got, err := testVerifier(testTime).Verify(context.Background(), req)
		if err != nil {
			t.Fatalf("Verify of the untouched header: %v", err)
		}
		data, err := io.ReadAll(got.Body)
		if err == nil && string(data) != "hello" && (modes[i].Signed || len(data) != 5) {
			t.Fatalf("mode %d accepted a body decoding to %q", i, data)
		}
		if modes[i].Signed && !bytes.HasPrefix([]byte("hello"), data) {
			t.Fatalf("mode %d released unsigned bytes %q", i, data)
		}
	})
}
