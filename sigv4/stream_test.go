package sigv4

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// patterned returns n bytes that differ from chunk to chunk.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>10)
	}
	return b
}

// signStreamed signs a streaming PUT and returns the request as a server
// receives it.
func signStreamed(t testing.TB, body []byte, size int64, opts ChunkedOptions) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/bucket/obj", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Meta-Kind", "stream")
	if err := NewSigner().SignStreaming(req, testInput(""), bytes.NewReader(body), size, opts); err != nil {
		t.Fatal(err)
	}
	return onWire(t, req)
}

func TestStreamingRoundTrip(t *testing.T) {
	const cs = 8 << 10
	variants := []struct {
		name    string
		signed  bool
		trailer ChecksumAlgorithm
		payload string
	}{
		{"signed", true, "", StreamingPayload},
		{"signed-trailer-crc32", true, CRC32, StreamingPayloadTrailer},
		{"signed-trailer-crc32c", true, CRC32C, StreamingPayloadTrailer},
		{"signed-trailer-crc64nvme", true, CRC64NVME, StreamingPayloadTrailer},
		{"signed-trailer-sha1", true, SHA1, StreamingPayloadTrailer},
		{"signed-trailer-sha256", true, SHA256, StreamingPayloadTrailer},
		{"unsigned-trailer-crc32", false, CRC32, StreamingUnsignedPayloadTrailer},
		{"unsigned-trailer-crc32c", false, CRC32C, StreamingUnsignedPayloadTrailer},
		{"unsigned-trailer-crc64nvme", false, CRC64NVME, StreamingUnsignedPayloadTrailer},
		{"unsigned-trailer-sha1", false, SHA1, StreamingUnsignedPayloadTrailer},
		{"unsigned-trailer-sha256", false, SHA256, StreamingUnsignedPayloadTrailer},
	}
	for _, v := range variants {
		for _, n := range []int{0, 1, cs - 1, cs, cs + 1, 3*cs + 5} {
			for _, known := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%d/known=%v", v.name, n, known), func(t *testing.T) {
					body := patterned(n)
					size := int64(n)
					if !known {
						size = -1
					}
					opts := ChunkedOptions{ChunkSize: cs, Signed: v.signed, Trailer: v.trailer}
					req := signStreamed(t, body, size, opts)
					if got := req.Header.Get("X-Amz-Content-Sha256"); got != v.payload {
						t.Fatalf("payload hash %q, want %q", got, v.payload)
					}
					if known && req.ContentLength != EncodedLength(size, opts) {
						t.Errorf("Content-Length %d, EncodedLength %d", req.ContentLength, EncodedLength(size, opts))
					}
					got, err := testVerifier(testTime).Verify(context.Background(), req)
					if err != nil {
						t.Fatalf("Verify: %v", err)
					}
					if want := size; got.DecodedContentLength != want {
						t.Errorf("DecodedContentLength %d, want %d", got.DecodedContentLength, want)
					}
					// Read and WriteTo (io.Copy) must both decode it.
					var out bytes.Buffer
					if known {
						_, err = io.Copy(&out, got.Body)
					} else {
						_, err = out.ReadFrom(struct{ io.Reader }{got.Body})
					}
					if data := out.Bytes(); err != nil || !bytes.Equal(data, body) {
						t.Fatalf("decoded %d bytes, %v; want %d", len(data), err, n)
					}
				})
			}
		}
	}
}

func TestSignStreamingRejectsBadInput(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPut, "http://h/b/k", nil)
	if err := NewSigner().SignStreaming(req, testInput(""), strings.NewReader("x"), 1, ChunkedOptions{}); err == nil {
		t.Error("unsigned chunks without a trailer accepted")
	}
	if err := NewSigner().SignStreaming(req, testInput(""), strings.NewReader("x"), 1, ChunkedOptions{Signed: true, Trailer: "MD5"}); err == nil {
		t.Error("unknown trailer algorithm accepted")
	}
	for _, tc := range []struct {
		name string
		body string
		size int64
	}{{"shorter", "abc", 4}, {"longer", "abcde", 4}} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPut, "http://h/b/k", nil)
			if err := NewSigner().SignStreaming(req, testInput(""), strings.NewReader(tc.body), tc.size, ChunkedOptions{Signed: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(req.Body); err == nil {
				t.Errorf("body of %d bytes declared as %d encoded without error", len(tc.body), tc.size)
			}
		})
	}
}

// TestStreamingTamper changes the encoded body in ways a network or an
// attacker could and checks the verifying reader refuses each.
func TestStreamingTamper(t *testing.T) {
	const cs = 8 << 10
	body := patterned(2*cs + 100)
	encode := func(opts ChunkedOptions) (*http.Request, []byte) {
		req := signStreamed(t, body, int64(len(body)), opts)
		enc, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		return req, enc
	}
	tests := []struct {
		name   string
		opts   ChunkedOptions
		change func(enc []byte) []byte
		code   string
		// released is how many decoded bytes may reach the caller first.
		released int
	}{
		{"signed: byte in chunk 2", ChunkedOptions{ChunkSize: cs, Signed: true}, func(e []byte) []byte {
			rec := len("2000;chunk-signature=") + 64 + 2 + cs + 2
			e[rec+rec-cs-2+50] ^= 1 // 50 bytes into chunk 2's data
			return e
		}, CodeSignatureDoesNotMatch, cs},
		{"signed: chunk signature", ChunkedOptions{ChunkSize: cs, Signed: true}, func(e []byte) []byte {
			i := bytes.Index(e, []byte("chunk-signature=")) + 20
			e[i] ^= 1
			return e
		}, CodeSignatureDoesNotMatch, 0},
		{"signed: chunks swapped", ChunkedOptions{ChunkSize: cs, Signed: true}, func(e []byte) []byte {
			n := cs + len("2000;chunk-signature=") + 64 + 4
			return append(append(bytes.Clone(e[n:2*n]), e[:n]...), e[2*n:]...)
		}, CodeSignatureDoesNotMatch, 0},
		{"signed: truncated", ChunkedOptions{ChunkSize: cs, Signed: true}, func(e []byte) []byte {
			return e[:len(e)-200]
		}, CodeIncompleteBody, 2 * cs},
		{"signed: final chunk dropped", ChunkedOptions{ChunkSize: cs, Signed: true}, func(e []byte) []byte {
			return e[:bytes.LastIndex(e, []byte("0;chunk-signature="))]
		}, CodeIncompleteBody, len(body)},
		{"signed trailer: checksum value", ChunkedOptions{ChunkSize: cs, Signed: true, Trailer: CRC32C}, func(e []byte) []byte {
			i := bytes.Index(e, []byte("x-amz-checksum-crc32c:")) + 22
			e[i] ^= 1
			return e
		}, CodeSignatureDoesNotMatch, len(body)},
		{"signed trailer: trailer signature dropped", ChunkedOptions{ChunkSize: cs, Signed: true, Trailer: CRC32C}, func(e []byte) []byte {
			i := bytes.Index(e, []byte("x-amz-trailer-signature:"))
			return append(e[:i], "\r\n"...)
		}, CodeMalformedTrailer, len(body)},
		{"unsigned trailer: checksum value", ChunkedOptions{ChunkSize: cs, Trailer: CRC64NVME}, func(e []byte) []byte {
			i := bytes.Index(e, []byte("x-amz-checksum-crc64nvme:")) + 25
			e[i] ^= 1
			return e
		}, CodeBadDigest, len(body)},
		{"unsigned trailer: data byte", ChunkedOptions{ChunkSize: cs, Trailer: CRC32}, func(e []byte) []byte {
			e[10] ^= 1
			return e
		}, CodeBadDigest, len(body)},
		{"unsigned trailer: trailer missing", ChunkedOptions{ChunkSize: cs, Trailer: CRC32}, func(e []byte) []byte {
			i := bytes.Index(e, []byte("x-amz-checksum-crc32:"))
			return append(e[:i], "\r\n"...)
		}, CodeMalformedTrailer, len(body)},
		{"unsigned trailer: bad chunk size", ChunkedOptions{ChunkSize: cs, Trailer: CRC32}, func(e []byte) []byte {
			e[0] = 'z'
			return e
		}, CodeInvalidRequest, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, enc := encode(tc.opts)
			bad := tc.change(bytes.Clone(enc))
			req.Body = io.NopCloser(bytes.NewReader(bad))
			req.ContentLength = int64(len(bad))
			got, err := testVerifier(testTime).Verify(context.Background(), req)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			data, err := io.ReadAll(got.Body)
			if errCode(err) != tc.code {
				t.Fatalf("read error %v, want %s", err, tc.code)
			}
			if len(data) > tc.released {
				t.Errorf("released %d bytes before failing, at most %d allowed", len(data), tc.released)
			}
			if _, err2 := got.Body.Read(make([]byte, 10)); errCode(err2) != tc.code {
				t.Errorf("read after failure = %v, want the same error", err2)
			}
			// The same through io.Copy, which uses the reader's WriteTo.
			req.Body = io.NopCloser(bytes.NewReader(bad))
			got, err = testVerifier(testTime).Verify(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if _, err := io.Copy(&out, got.Body); errCode(err) != tc.code || out.Len() > tc.released {
				t.Errorf("io.Copy: %d bytes, %v; want at most %d then %s", out.Len(), err, tc.released, tc.code)
			}
		})
	}
}

func TestStreamingDecodedLengthMismatch(t *testing.T) {
	body := patterned(1000)
	req := signStreamed(t, body, int64(len(body)), ChunkedOptions{Signed: true, ChunkSize: 512})
	// A client that lies about the decoded length in a signed header is
	// caught by the signature; simulate a server-side header rewrite by
	// re-signing with the wrong length.
	raw, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/bucket/obj", nil)
	raw.Header.Set("X-Amz-Meta-Kind", "stream")
	raw.Header.Set("Content-Encoding", "aws-chunked")
	raw.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(body)+1))
	if _, err := NewSigner().Sign(raw, testInput(StreamingPayload)); err != nil {
		t.Fatal(err)
	}
	enc, _ := io.ReadAll(req.Body)
	raw.Body = io.NopCloser(bytes.NewReader(enc))
	raw.ContentLength = int64(len(enc))
	got, err := testVerifier(testTime).Verify(context.Background(), onWire(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	// The chunk signatures chain from a different seed, so the first chunk
	// already fails.
	if _, err := io.ReadAll(got.Body); errCode(err) != CodeSignatureDoesNotMatch {
		t.Fatalf("read = %v, want SignatureDoesNotMatch", err)
	}
}

func TestContentEncoding(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"aws-chunked", ""}, {"aws-chunked,gzip", "gzip"}, {"gzip, aws-chunked", "gzip"},
		{"gzip", "gzip"}, {"", ""}, {"AWS-CHUNKED , br", "br"},
	} {
		h := http.Header{}
		if tc.in != "" {
			h.Set("Content-Encoding", tc.in)
		}
		if got := ContentEncoding(h); got != tc.want {
			t.Errorf("ContentEncoding(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
