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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s3kit/s3kit/s3"
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

func (f *fakeClient) PutObject(ctx context.Context, in *s3.PutObjectInput) (*s3.PutObjectOutput, error) {
	defer f.enter()()
	f.puts.Add(1)
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != in.ContentLength {
		return nil, fmt.Errorf("size %d != %d", len(b), in.ContentLength)
	}
	if err := checkMD5(b, in.ContentMD5); err != nil {
		return nil, err
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
	return &s3.PutObjectOutput{ETag: `"` + hex.EncodeToString(s[:]) + `"`}, nil
}

func (f *fakeClient) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput) (*s3.CreateMultipartUploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := fmt.Sprintf("up%d", f.nextID)
	f.uploads[id] = map[int][]byte{}
	return &s3.CreateMultipartUploadOutput{Bucket: in.Bucket, Key: in.Key, UploadID: id}, nil
}

func (f *fakeClient) UploadPart(ctx context.Context, in *s3.UploadPartInput) (*s3.UploadPartOutput, error) {
	defer f.enter()()
	if f.failPart != nil {
		if err := f.failPart(in.PartNumber); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if err := checkMD5(b, in.ContentMD5); err != nil {
		return nil, err
	}
	return f.storePart(in.UploadID, in.PartNumber, b)
}

// storePart keeps b as part n of upload id.
func (f *fakeClient) storePart(id string, n int, b []byte) (*s3.UploadPartOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	up, ok := f.uploads[id]
	if !ok {
		return nil, errors.New("NoSuchUpload")
	}
	up[n] = b
	s := md5.Sum(b)
	return &s3.UploadPartOutput{ETag: `"` + hex.EncodeToString(s[:]) + `"`}, nil
}

func (f *fakeClient) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput) (*s3.CompleteMultipartUploadOutput, error) {
	f.mu.Lock()
	up, ok := f.uploads[in.UploadID]
	delete(f.uploads, in.UploadID)
	f.mu.Unlock()
	if !ok {
		return nil, errors.New("NoSuchUpload")
	}
	var data []byte
	var sums [][]byte
	for i, p := range in.Parts {
		b, ok := up[p.PartNumber]
		if !ok || p.PartNumber != i+1 {
			return nil, fmt.Errorf("InvalidPart %d", p.PartNumber)
		}
		s := md5.Sum(b)
		if trimETag(p.ETag) != hex.EncodeToString(s[:]) {
			return nil, fmt.Errorf("InvalidPart etag %d", p.PartNumber)
		}
		data = append(data, b...)
		sums = append(sums, s[:])
	}
	etag := compositeMD5(sums)
	f.put(in.Bucket, in.Key, data, etag)
	f.completed.Add(1)
	return &s3.CompleteMultipartUploadOutput{ETag: `"` + etag + `"`}, nil
}

func (f *fakeClient) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput) (*s3.AbortMultipartUploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.uploads, in.UploadID)
	f.aborted.Add(1)
	return &s3.AbortMultipartUploadOutput{}, nil
}

// head returns bucket/key's metadata.
func (f *fakeClient) head(bucket, key string) (s3.ObjectInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[bucket+"/"+key]
	if !ok {
		return s3.ObjectInfo{}, errors.New("NotFound")
	}
	n := int64(len(o.data))
	return s3.ObjectInfo{ContentLength: n, Size: n, ETag: o.etag, LastModified: o.mtime, ContentType: o.ctype}, nil
}

func (f *fakeClient) HeadObject(ctx context.Context, in *s3.HeadObjectInput) (*s3.HeadObjectOutput, error) {
	info, err := f.head(in.Bucket, in.Key)
	if err != nil {
		return nil, err
	}
	return &s3.HeadObjectOutput{ObjectInfo: info}, nil
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

// parseRange reads "bytes=first-last" or "bytes=first-" (as the Manager
// sends them) for an object of size bytes.
func parseRange(r string, size int64) (off, n int64, err error) {
	if r == "" {
		return 0, size, nil
	}
	first, last, ok := strings.Cut(strings.TrimPrefix(r, "bytes="), "-")
	if off, err = strconv.ParseInt(first, 10, 64); !ok || err != nil {
		return 0, 0, fmt.Errorf("InvalidRange %q", r)
	}
	if last == "" {
		return off, size - off, nil
	}
	end, err := strconv.ParseInt(last, 10, 64)
	if err != nil || end < off {
		return 0, 0, fmt.Errorf("InvalidRange %q", r)
	}
	return off, end - off + 1, nil
}

func (f *fakeClient) GetObject(ctx context.Context, in *s3.GetObjectInput) (*s3.GetObjectOutput, error) {
	defer f.enter()()
	f.gets.Add(1)
	info, err := f.head(in.Bucket, in.Key)
	if err != nil {
		return nil, err
	}
	data, _ := f.get(in.Bucket, in.Key)
	off, n, err := parseRange(in.Range, int64(len(data)))
	if err != nil {
		return nil, err
	}
	b := bytes.Clone(data[off : off+n])
	if f.corrupt && len(b) > 0 {
		b[len(b)/2] ^= 1
	}
	out := &s3.GetObjectOutput{ObjectInfo: info}
	out.ContentLength = n
	var r io.Reader = bytes.NewReader(b)
	if f.checksummed && off == 0 && int(n) == len(data) {
		out.ChecksumVerified = true
		r = &eofChecked{r: r, h: md5.New(), want: md5.Sum(data)}
	}
	if f.tearAfter > 0 && (off > 0 || f.tearFirst) && f.tearCount.Add(-1) >= 0 {
		r = &tornReader{r: r, n: f.tearAfter}
	}
	out.Body = io.NopCloser(r)
	return out, nil
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

func (f *fakeClient) AllObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input) iter.Seq2[s3.Object, error] {
	return func(yield func(s3.Object, error) bool) {
		f.mu.Lock()
		var keys []string
		for k := range f.objects {
			if rest, ok := strings.CutPrefix(k, in.Bucket+"/"); ok && strings.HasPrefix(rest, in.Prefix) {
				keys = append(keys, rest)
			}
		}
		f.mu.Unlock()
		slices.Sort(keys)
		for i, k := range keys {
			if f.listErrAfter > 0 && i == f.listErrAfter {
				yield(s3.Object{}, errInjected)
				return
			}
			o, err := f.head(in.Bucket, k)
			if err != nil {
				continue
			}
			if !yield(s3.Object{Key: k, Size: o.Size, ETag: o.ETag, LastModified: o.LastModified}, nil) {
				return
			}
		}
	}
}

func (f *fakeClient) DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput) (*s3.DeleteObjectsOutput, error) {
	if len(in.Objects) > MaxBatchDelete {
		return nil, errors.New("MalformedXML: too many keys")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleteBatches = append(f.deleteBatches, len(in.Objects))
	out := &s3.DeleteObjectsOutput{}
	for _, o := range in.Objects {
		if strings.HasPrefix(o.Key, "locked/") {
			out.Errors = append(out.Errors, s3.DeleteObjectsError{Key: o.Key, Code: "AccessDenied", Message: "locked"})
			continue
		}
		delete(f.objects, in.Bucket+"/"+o.Key)
		if !in.Quiet {
			out.Deleted = append(out.Deleted, s3.DeletedObject{Key: o.Key})
		}
	}
	return out, nil
}

func (f *fakeClient) CopyObject(ctx context.Context, in *s3.CopyObjectInput) (*s3.CopyObjectOutput, error) {
	f.mu.Lock()
	o, ok := f.objects[in.SourceBucket+"/"+in.SourceKey]
	f.mu.Unlock()
	if !ok {
		return nil, errors.New("NoSuchKey")
	}
	f.put(in.Bucket, in.Key, bytes.Clone(o.data), trimETag(o.etag))
	return &s3.CopyObjectOutput{ETag: o.etag}, nil
}

func (f *fakeClient) UploadPartCopy(ctx context.Context, in *s3.UploadPartCopyInput) (*s3.UploadPartCopyOutput, error) {
	defer f.enter()()
	data, ok := f.get(in.SourceBucket, in.SourceKey)
	if !ok {
		return nil, errors.New("NoSuchKey")
	}
	off, n, err := parseRange(in.SourceRange, int64(len(data)))
	if err != nil {
		return nil, err
	}
	if off+n > int64(len(data)) {
		return nil, errors.New("InvalidRange")
	}
	out, err := f.storePart(in.UploadID, in.PartNumber, bytes.Clone(data[off:off+n]))
	if err != nil {
		return nil, err
	}
	return &s3.UploadPartCopyOutput{ETag: out.ETag}, nil
}
