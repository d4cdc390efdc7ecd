package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeClient is an in-memory Client with failure injection.
type fakeClient struct {
	mu      sync.Mutex
	objects map[string]fakeObject // "bucket/key"
	uploads map[string]map[int][]byte
	nextID  int
	now     time.Time

	// putMD5s records the Content-MD5 of every PutObject.
	putMD5s []string
	// failPart, when set, is consulted before each UploadPart.
	failPart func(n int) error
	// corrupt flips a byte in every GetObject body.
	corrupt bool
	// checksummed makes whole-object GETs carry a checksum their body
	// verifies at EOF (as s3.Client does with x-amz-checksum-*).
	checksummed bool
	// tearAfter, when > 0, makes ranged bodies fail after that many bytes
	// for the first tearCount reads.
	tearAfter int64
	tearCount atomic.Int32
	tearFirst bool // tear the first (whole-object) GET too
	// listErrAfter, when > 0, makes listings fail after that many objects.
	listErrAfter int

	inflight, maxInflight atomic.Int32
	aborted, completed    atomic.Int32
	gets, puts            atomic.Int32
	deleteBatches         []int
}

type fakeObject struct {
	data  []byte
	etag  string
	mtime time.Time
	ctype string
}

func newFake() *fakeClient {
	return &fakeClient{
		objects: map[string]fakeObject{},
		uploads: map[string]map[int][]byte{},
		now:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

var errInjected = errors.New("injected failure")

func (f *fakeClient) enter() func() {
	n := f.inflight.Add(1)
	for {
		m := f.maxInflight.Load()
		if n <= m || f.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(time.Millisecond) // let requests overlap
	return func() { f.inflight.Add(-1) }
}

func checkMD5(body []byte, want string) error {
	if want == "" {
		return nil
	}
	s := md5.Sum(body)
	if base64.StdEncoding.EncodeToString(s[:]) != want {
		return errors.New("BadDigest")
	}
	return nil
}

func (f *fakeClient) put(bucket, key string, data []byte, etag string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[bucket+"/"+key] = fakeObject{data: data, etag: `"` + etag + `"`, mtime: f.now}
}

func (f *fakeClient) get(bucket, key string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[bucket+"/"+key]
	return o.data, ok
}

func (f *fakeClient) PutObject(ctx context.Context, in PutInput) (PutOutput, error) {
	defer f.enter()()
	f.puts.Add(1)
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return PutOutput{}, err
	}
	if int64(len(b)) != in.Size {
		return PutOutput{}, fmt.Errorf("size %d != %d", len(b), in.Size)
	}
	if err := checkMD5(b, in.ContentMD5); err != nil {
		return PutOutput{}, err
	}
	f.mu.Lock()
	f.putMD5s = append(f.putMD5s, in.ContentMD5)
	f.mu.Unlock()
	s := md5.Sum(b)
	f.put(in.Bucket, in.Key, b, hex.EncodeToString(s[:]))
	f.mu.Lock()
	o := f.objects[in.Bucket+"/"+in.Key]
	o.ctype = in.ContentType
	f.objects[in.Bucket+"/"+in.Key] = o
	f.mu.Unlock()
	return PutOutput{ETag: `"` + hex.EncodeToString(s[:]) + `"`}, nil
}

func (f *fakeClient) CreateMultipartUpload(ctx context.Context, in PutInput) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := fmt.Sprintf("up%d", f.nextID)
	f.uploads[id] = map[int][]byte{}
	return id, nil
}

func (f *fakeClient) UploadPart(ctx context.Context, in PartInput) (PartOutput, error) {
	defer f.enter()()
	if f.failPart != nil {
		if err := f.failPart(in.PartNumber); err != nil {
			return PartOutput{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return PartOutput{}, err
	}
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return PartOutput{}, err
	}
	if err := checkMD5(b, in.ContentMD5); err != nil {
		return PartOutput{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	up, ok := f.uploads[in.UploadID]
	if !ok {
		return PartOutput{}, errors.New("NoSuchUpload")
	}
	up[in.PartNumber] = b
	s := md5.Sum(b)
	return PartOutput{ETag: `"` + hex.EncodeToString(s[:]) + `"`}, nil
}

func (f *fakeClient) CompleteMultipartUpload(ctx context.Context, bucket, key, id string, parts []Part) (PutOutput, error) {
	f.mu.Lock()
	up, ok := f.uploads[id]
	delete(f.uploads, id)
	f.mu.Unlock()
	if !ok {
		return PutOutput{}, errors.New("NoSuchUpload")
	}
	var data []byte
	var sums [][]byte
	for i, p := range parts {
		b, ok := up[p.PartNumber]
		if !ok || p.PartNumber != i+1 {
			return PutOutput{}, fmt.Errorf("InvalidPart %d", p.PartNumber)
		}
		s := md5.Sum(b)
		if trimETag(p.ETag) != hex.EncodeToString(s[:]) {
			return PutOutput{}, fmt.Errorf("InvalidPart etag %d", p.PartNumber)
		}
		data = append(data, b...)
		sums = append(sums, s[:])
	}
	etag := compositeMD5(sums)
	f.put(bucket, key, data, etag)
	f.completed.Add(1)
	return PutOutput{ETag: `"` + etag + `"`}, nil
}

func (f *fakeClient) AbortMultipartUpload(ctx context.Context, bucket, key, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.uploads, id)
	f.aborted.Add(1)
	return nil
}

func (f *fakeClient) HeadObject(ctx context.Context, bucket, key string) (Object, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[bucket+"/"+key]
	if !ok {
		return Object{}, errors.New("NotFound")
	}
	return Object{Key: key, Size: int64(len(o.data)), ETag: o.etag, LastModified: o.mtime, ContentType: o.ctype}, nil
}

type tornReader struct {
	r io.Reader
	n int64
}

func (t *tornReader) Read(p []byte) (int, error) {
	if t.n <= 0 {
		return 0, errors.New("connection reset by peer")
	}
	if int64(len(p)) > t.n {
		p = p[:t.n]
	}
	n, err := t.r.Read(p)
	t.n -= int64(n)
	return n, err
}

func (f *fakeClient) GetObject(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, Object, error) {
	defer f.enter()()
	f.gets.Add(1)
	o, err := f.HeadObject(ctx, bucket, key)
	if err != nil {
		return nil, Object{}, err
	}
	data, _ := f.get(bucket, key)
	if n < 0 {
		n = int64(len(data)) - off
	}
	b := bytes.Clone(data[off : off+n])
	if f.corrupt && len(b) > 0 {
		b[len(b)/2] ^= 1
	}
	var r io.Reader = bytes.NewReader(b)
	if f.checksummed && off == 0 && int(n) == len(data) {
		o.Checksummed = true
		r = &eofChecked{r: r, h: md5.New(), want: md5.Sum(data)}
	}
	if f.tearAfter > 0 && (off > 0 || f.tearFirst) && f.tearCount.Add(-1) >= 0 {
		r = &tornReader{r: r, n: f.tearAfter}
	}
	return io.NopCloser(r), o, nil
}

// errChecksum is what an eofChecked body returns on a mismatch.
var errChecksum = errors.New("checksum mismatch at EOF")

// eofChecked hashes what is read and fails the read that reaches EOF if
// the sum differs, as s3.Client's verifying bodies do.
type eofChecked struct {
	r    io.Reader
	h    hash.Hash
	want [16]byte
}

func (e *eofChecked) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(e.h.Sum(nil), e.want[:]) {
		return n, errChecksum
	}
	return n, err
}

func (f *fakeClient) ListObjects(ctx context.Context, bucket, prefix string) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		f.mu.Lock()
		var keys []string
		for k := range f.objects {
			if rest, ok := strings.CutPrefix(k, bucket+"/"); ok && strings.HasPrefix(rest, prefix) {
				keys = append(keys, rest)
			}
		}
		f.mu.Unlock()
		slices.Sort(keys)
		for i, k := range keys {
			if f.listErrAfter > 0 && i == f.listErrAfter {
				yield(Object{}, errInjected)
				return
			}
			o, err := f.HeadObject(ctx, bucket, k)
			if err != nil {
				continue
			}
			if !yield(o, nil) {
				return
			}
		}
	}
}

func (f *fakeClient) DeleteObjects(ctx context.Context, bucket string, keys []string) ([]DeleteFailure, error) {
	if len(keys) > MaxBatchDelete {
		return nil, errors.New("MalformedXML: too many keys")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleteBatches = append(f.deleteBatches, len(keys))
	var fails []DeleteFailure
	for _, k := range keys {
		if strings.HasPrefix(k, "locked/") {
			fails = append(fails, DeleteFailure{Key: k, Code: "AccessDenied", Message: "locked"})
			continue
		}
		delete(f.objects, bucket+"/"+k)
	}
	return fails, nil
}

func (f *fakeClient) CopyObject(ctx context.Context, sb, sk, db, dk string) (PutOutput, error) {
	f.mu.Lock()
	o, ok := f.objects[sb+"/"+sk]
	f.mu.Unlock()
	if !ok {
		return PutOutput{}, errors.New("NoSuchKey")
	}
	f.put(db, dk, bytes.Clone(o.data), trimETag(o.etag))
	return PutOutput{ETag: o.etag}, nil
}

func (f *fakeClient) UploadPartCopy(ctx context.Context, in PartInput, sb, sk string, first, last int64) (PartOutput, error) {
	defer f.enter()()
	data, ok := f.get(sb, sk)
	if !ok {
		return PartOutput{}, errors.New("NoSuchKey")
	}
	if last >= int64(len(data)) {
		return PartOutput{}, errors.New("InvalidRange")
	}
	b := bytes.Clone(data[first : last+1])
	f.mu.Lock()
	defer f.mu.Unlock()
	up, ok := f.uploads[in.UploadID]
	if !ok {
		return PartOutput{}, errors.New("NoSuchUpload")
	}
	up[in.PartNumber] = b
	s := md5.Sum(b)
	return PartOutput{ETag: `"` + hex.EncodeToString(s[:]) + `"`}, nil
}
