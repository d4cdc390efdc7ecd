// Package storagetest is the conformance suite for storage.Backend
// implementations. Run checks every MUST written in package storage's doc
// comments against a fresh backend per subtest; optional capabilities
// (storage.Multipart, storage.Copier, storage.Tagger, storage.BucketTagger,
// storage.ConditionalDeleter, storage.Versioner, storage.UsageReporter,
// storage.Encrypter, storage.KeyedReader, storage.BucketEncryptionStore)
// are checked when the backend has them
// and skipped with a reason otherwise.
//
// Use it from a backend's tests:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Backend { return mem.New(mem.Options{}) })
//	}
package storagetest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"math/rand"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// Run runs the whole suite. newBackend must return an empty, ready backend
// and arrange its cleanup with t.Cleanup.
func Run(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	t.Helper()
	groups := []struct {
		name string
		run  func(t *testing.T, nb func(t *testing.T) storage.Backend)
	}{
		{"Buckets", testBuckets},
		{"Objects", testObjects},
		{"Listing", testListing},
		{"Concurrency", testConcurrency},
		{"Multipart", testMultipart},
		{"Copier", testCopier},
		{"Tagger", testTagger},
		{"BucketTagger", testBucketTagger},
		{"BucketConfigStore", testBucketConfigStore},
		{"ConditionalDeleter", testConditionalDeleter},
		{"UsageReporter", testUsage},
		{"Encryption", testEncryption},
		{"CustomerKeys", testCustomerKeys},
		{"BucketEncryption", testBucketEncryption},
		{"Versioner", testVersioner},
		{"EncryptedVersions", testEncryptedVersions},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, newBackend) })
	}
}

// fixture is a backend with one bucket.
type fixture struct {
	t      *testing.T
	b      storage.Backend
	bucket string
	ctx    context.Context
}

func newFixture(t *testing.T, nb func(t *testing.T) storage.Backend) *fixture {
	t.Helper()
	f := &fixture{t: t, b: nb(t), bucket: "bkt", ctx: context.Background()}
	if err := f.b.CreateBucket(f.ctx, f.bucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	return f
}

func (f *fixture) put(key string, data []byte) storage.ObjectInfo {
	f.t.Helper()
	info, err := f.b.PutObject(f.ctx, f.bucket, key, bytes.NewReader(data), storage.PutOptions{})
	if err != nil {
		f.t.Fatalf("PutObject(%q): %v", key, err)
	}
	return info
}

// get reads an object completely; it fails the test on error.
func (f *fixture) get(key string) (storage.ObjectInfo, []byte) {
	f.t.Helper()
	info, data, err := f.tryGet(key)
	if err != nil {
		f.t.Fatalf("GetObject(%q): %v", key, err)
	}
	return info, data
}

func (f *fixture) tryGet(key string) (storage.ObjectInfo, []byte, error) {
	o, err := f.b.GetObject(f.ctx, f.bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, nil, err
	}
	defer o.Content.Close()
	data, err := io.ReadAll(o.Content)
	return o.Info, data, err
}

// wantContent checks that key holds exactly data.
func (f *fixture) wantContent(key string, data []byte) {
	f.t.Helper()
	info, got := f.get(key)
	if !bytes.Equal(got, data) {
		f.t.Fatalf("GetObject(%q) = %d bytes %.16q..., want %d bytes %.16q...", key, len(got), got, len(data), data)
	}
	if info.Size != int64(len(data)) {
		f.t.Fatalf("GetObject(%q).Size = %d, want %d", key, info.Size, len(data))
	}
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want one wrapping %q", what, err, target)
	}
}

// payloadPeriod is the length of the pseudo-random block payload repeats.
// It is not a power of two or a divisor of MinPartSize, so bytes moved by
// whole parts or buffers still show up as differences.
const payloadPeriod = 64<<10 + 13

// payload returns n deterministic pseudo-random bytes for seed: one block
// from math/rand, repeated with copy so multi-MiB bodies stay cheap under
// -race.
func payload(seed int64, n int) []byte {
	block := make([]byte, min(n, payloadPeriod))
	rand.New(rand.NewSource(seed)).Read(block)
	b := make([]byte, n)
	for i := 0; i < n; i += copy(b[i:], block) {
	}
	return b
}

// etagOf is the quoted hex MD5 S3 gives a single-part upload of data.
func etagOf(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// failingReader returns its data and then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// cancellingReader returns its first chunk, then cancels the context and
// keeps returning data, as a client that disconnects mid-body would.
type cancellingReader struct {
	data   []byte
	cancel context.CancelFunc
	reads  int
}

func (r *cancellingReader) Read(p []byte) (int, error) {
	r.reads++
	if r.reads == 2 {
		r.cancel()
	}
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	if len(p) > 1024 {
		p = p[:1024]
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}
