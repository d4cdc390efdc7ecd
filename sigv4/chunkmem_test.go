package sigv4

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"testing"
)

// bigChunkedPut signs a PUT of body as aws-chunked with signed chunks of
// chunkSize, and returns the request with its encoded body in memory.
func bigChunkedPut(t testing.TB, body []byte, chunkSize int, trailer ChecksumAlgorithm) (*http.Request, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/b/k", nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := ChunkedOptions{ChunkSize: chunkSize, Signed: true, Trailer: trailer}
	if err := NewSigner().SignStreaming(req, testInput(""), bytes.NewReader(body), int64(len(body)), opts); err != nil {
		t.Fatal(err)
	}
	enc, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	return req, enc
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// withBody returns a copy of req reading enc.
func withBody(req *http.Request, enc []byte) *http.Request {
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(enc))
	return r
}

// chunkReader reads with reads of n bytes, so Read (not WriteTo) is used.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

func TestLargeSignedChunksStream(t *testing.T) {
	body := randomBytes(5<<20 + 12345)
	for _, size := range []int{1 << 20, 3<<20 + 7, maxChunkSize} {
		for _, trailer := range []ChecksumAlgorithm{"", CRC32C} {
			req, enc := bigChunkedPut(t, body, size, trailer)
			for _, how := range []string{"WriteTo", "Read 1000", "Read 100000"} {
				v, err := testVerifier(testTime).Verify(context.Background(), withBody(req, enc))
				if err != nil {
					t.Fatalf("chunk %d: %v", size, err)
				}
				var out bytes.Buffer
				switch how {
				case "WriteTo":
					_, err = io.Copy(&out, v.Body)
				case "Read 1000":
					_, err = io.Copy(&out, chunkReader{v.Body, 1000})
				default:
					_, err = io.Copy(&out, chunkReader{v.Body, 100000})
				}
				if err != nil || !bytes.Equal(out.Bytes(), body) {
					t.Fatalf("chunk %d trailer %q %s: %v, %d bytes, equal %v", size, trailer, how, err, out.Len(), bytes.Equal(out.Bytes(), body))
				}
			}
		}
	}
}

// TestBadSignatureAtEndOfLargeChunk checks that a chunk whose signature
// does not match fails before its last byte is handed over: a reader never
// sees the complete chunk, so a store cannot commit it.
func TestBadSignatureAtEndOfLargeChunk(t *testing.T) {
	const size = 4 << 20
	body := randomBytes(size)
	req, enc := bigChunkedPut(t, body, size, "")
	i := bytes.Index(enc, []byte(chunkSigPrefix)) + len(chunkSigPrefix)
	bad := bytes.Clone(enc)
	bad[i] ^= 1 // '0'..'f' stays a hex digit or becomes another byte: either way wrong
	if bad[i] == enc[i] {
		t.Fatal("not tampered")
	}
	for _, how := range []string{"WriteTo", "Read", "ReadFull"} {
		v, err := testVerifier(testTime).Verify(context.Background(), withBody(req, bad))
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		switch how {
		case "WriteTo":
			n, err = io.Copy(io.Discard, v.Body)
		case "Read":
			n, err = io.Copy(io.Discard, chunkReader{v.Body, 32 << 10})
		case "ReadFull":
			// A caller that reads exactly the declared length.
			var got int
			got, err = io.ReadFull(v.Body, make([]byte, size))
			n = int64(got)
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeSignatureDoesNotMatch {
			t.Fatalf("%s: %v, want SignatureDoesNotMatch", how, err)
		}
		if n >= size {
			t.Errorf("%s: %d bytes of a %d-byte chunk handed over before its signature failed", how, n, size)
		}
	}
}

// allocatedBy returns the bytes allocated on the heap while f runs.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLargeChunkMemory checks that verifying a 16 MiB signed chunk takes
// fixed, small memory: the chunk is never buffered whole.
func TestLargeChunkMemory(t *testing.T) {
	body := randomBytes(maxChunkSize)
	req, enc := bigChunkedPut(t, body, maxChunkSize, CRC32C)
	for _, how := range []string{"WriteTo", "Read"} {
		r := withBody(req, enc)
		var err error
		n := allocatedBy(func() {
			var v *Verified
			if v, err = testVerifier(testTime).Verify(context.Background(), r); err != nil {
				return
			}
			if how == "WriteTo" {
				_, err = io.Copy(io.Discard, v.Body)
			} else {
				_, err = io.CopyBuffer(io.Discard, chunkReader{v.Body, 32 << 10}, make([]byte, 32<<10))
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes allocated for a %d-byte chunk", how, n, len(body))
		if n > 256<<10 {
			t.Errorf("%s: %d bytes allocated verifying a 16 MiB chunk, want < 256 KiB", how, n)
		}
	}
}

// BenchmarkVerifyChunk16MiB reports the heap one request with a single
// 16 MiB signed chunk allocates (B/op) while it is verified and drained.
func BenchmarkVerifyChunk16MiB(b *testing.B) {
	body := randomBytes(maxChunkSize)
	req, enc := bigChunkedPut(b, body, maxChunkSize, "")
	v := testVerifier(testTime)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		vr, err := v.Verify(context.Background(), withBody(req, enc))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, vr.Body); err != nil {
			b.Fatal(err)
		}
	}
}
