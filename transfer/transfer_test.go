package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

const testPart = 1024

func randBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUploadFile(t *testing.T) {
	cases := []struct {
		name      string
		size      int
		wantParts int
	}{
		{"empty", 0, 0},
		{"one byte", 1, 0},
		{"just under threshold", testPart - 1, 0},
		{"exactly threshold", testPart, 1},
		{"three and a half parts", testPart*3 + testPart/2, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFake()
			m := New(fc, Options{PartSize: testPart, Concurrency: 4})
			data := randBytes(t, tc.size)
			path := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			res, err := m.UploadFile(context.Background(), path, "b", "k")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := fc.get("b", "k")
			if !bytes.Equal(got, data) {
				t.Fatalf("stored %d bytes differ from the %d uploaded", len(got), len(data))
			}
			if res.Parts != tc.wantParts || res.Size != int64(tc.size) {
				t.Errorf("parts=%d size=%d, want %d, %d", res.Parts, res.Size, tc.wantParts, tc.size)
			}
		})
	}
}

func TestUploadStream(t *testing.T) {
	cases := []struct {
		name      string
		size      int
		wantParts int
	}{
		{"empty", 0, 0},
		{"shorter than a part", 100, 0},
		{"exactly one part", testPart, 1},
		{"several parts", testPart*5 + 7, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFake()
			m := New(fc, Options{PartSize: testPart, Concurrency: 3})
			data := randBytes(t, tc.size)
			// A reader that is not a ReaderAt and returns short reads.
			r := io.MultiReader(bytes.NewReader(data[:len(data)/3]), bytes.NewReader(data[len(data)/3:]))
			res, err := m.Upload(context.Background(), r, "b", "k")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := fc.get("b", "k")
			if !bytes.Equal(got, data) {
				t.Fatal("stored bytes differ")
			}
			if res.Parts != tc.wantParts {
				t.Errorf("parts = %d, want %d", res.Parts, tc.wantParts)
			}
		})
	}
}

func TestPartSizesFitS3Limits(t *testing.T) {
	m := New(newFake(), Options{})
	var total int64
	for n := 1; n <= MaxParts; n++ {
		ps := m.streamPartSize(n)
		if ps > MaxPartSize || ps < MinPartSize {
			t.Fatalf("part %d size %d outside S3 limits", n, ps)
		}
		total += ps
	}
	if total < MaxObjectSize {
		t.Errorf("10,000 stream parts hold %d bytes, less than 5 TiB", total)
	}
	if m.streamPartSize(1) != DefaultPart {
		t.Errorf("first stream part %d, want %d", m.streamPartSize(1), DefaultPart)
	}
	for _, size := range []int64{1, 100 << 30, MaxObjectSize} {
		ps, err := m.filePartSize(size)
		if err != nil {
			t.Fatal(err)
		}
		if (size+ps-1)/ps > MaxParts {
			t.Errorf("file of %d bytes needs %d parts of %d", size, (size+ps-1)/ps, ps)
		}
	}
	if _, err := m.filePartSize(MaxObjectSize + 1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("5 TiB + 1: err = %v, want ErrTooLarge", err)
	}
}

func TestUploadFailureAbortsMultipart(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "file", true: "stream"}[stream], func(t *testing.T) {
			fc := newFake()
			fc.failPart = func(n int) error {
				if n == 3 {
					return errInjected
				}
				return nil
			}
			m := New(fc, Options{PartSize: testPart, Concurrency: 2})
			data := randBytes(t, testPart*6)
			var err error
			if stream {
				_, err = m.Upload(context.Background(), io.NopCloser(bytes.NewReader(data)), "b", "k")
			} else {
				_, err = m.UploadReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)), "b", "k")
			}
			if !errors.Is(err, errInjected) {
				t.Fatalf("err = %v, want the injected failure", err)
			}
			var te *Error
			if !errors.As(err, &te) || te.Key != "k" || !strings.Contains(err.Error(), "upload part 3") {
				t.Errorf("error %q does not name the key and part", err)
			}
			if fc.aborted.Load() != 1 || fc.completed.Load() != 0 {
				t.Errorf("aborted=%d completed=%d, want 1, 0", fc.aborted.Load(), fc.completed.Load())
			}
			if _, ok := fc.get("b", "k"); ok {
				t.Error("a failed upload left an object")
			}
		})
	}
}

func TestConcurrencyAndMemoryBudget(t *testing.T) {
	cases := []struct {
		name        string
		opts        Options
		stream      bool
		maxInflight int32
	}{
		{"file uploads bounded by concurrency", Options{PartSize: testPart, Concurrency: 3}, false, 3},
		{"stream bounded by memory budget", Options{PartSize: testPart, Concurrency: 8, MemoryBudget: 2 * testPart}, true, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFake()
			m := New(fc, tc.opts)
			data := randBytes(t, testPart*20)
			done := make(chan error, 4)
			for i := range 4 {
				go func() {
					key := "k" + string(rune('0'+i))
					var err error
					if tc.stream {
						_, err = m.Upload(context.Background(), bytes.NewBuffer(data), "b", key)
					} else {
						_, err = m.UploadReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)), "b", key)
					}
					done <- err
				}()
			}
			for range 4 {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			if got := fc.maxInflight.Load(); got > tc.maxInflight || got < 2 {
				t.Errorf("max requests in flight = %d, want 2..%d", got, tc.maxInflight)
			}
		})
	}
}

func TestDownloadFile(t *testing.T) {
	cases := []struct {
		name         string
		size         int
		uploadedPart int64 // 0: single PUT
		verifyLarge  bool
		wantVerified bool
	}{
		{"empty", 0, 0, false, true},
		{"small", 100, 0, false, true},
		{"single-part larger than a chunk", testPart*3 + 1, 0, true, true},
		{"single-part larger than a chunk, default options", testPart*3 + 1, 0, false, false},
		{"multipart, same part size", testPart*4 + 5, testPart, true, true},
		{"multipart, same part size, default options", testPart*4 + 5, testPart, false, false},
		{"multipart, other part size", testPart*4 + 5, testPart * 2, true, false},
		{"multipart, verification skipped", testPart*4 + 5, testPart, true, false},
		{"single-part, verification skipped", 100, 0, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFake()
			data := randBytes(t, tc.size)
			ctx := context.Background()
			if tc.uploadedPart == 0 {
				if _, err := New(fc, Options{PartSize: 1 << 20}).Upload(ctx, bytes.NewReader(data), "b", "k"); err != nil {
					t.Fatal(err)
				}
			} else if _, err := New(fc, Options{PartSize: tc.uploadedPart}).Upload(ctx, bytes.NewReader(data), "b", "k"); err != nil {
				t.Fatal(err)
			}
			var bytesSeen atomic.Int64
			m := New(fc, Options{PartSize: testPart, Concurrency: 4, VerifyLarge: tc.verifyLarge, SkipVerify: strings.Contains(tc.name, "skipped"), Progress: func(e Event) {
				if e.Kind == EventBytes {
					bytesSeen.Add(e.Bytes)
				}
			}})
			path := filepath.Join(t.TempDir(), "sub", "out")
			res, err := m.DownloadFile(ctx, "b", "k", path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("downloaded file differs (err %v)", err)
			}
			if res.Verified != tc.wantVerified {
				t.Errorf("verified = %v, want %v", res.Verified, tc.wantVerified)
			}
			if fi, _ := os.Stat(path); !fi.ModTime().Equal(fc.now) {
				t.Errorf("mtime %v, want the object's LastModified %v", fi.ModTime(), fc.now)
			}
			if bytesSeen.Load() != int64(tc.size) {
				t.Errorf("progress reported %d bytes, want %d", bytesSeen.Load(), tc.size)
			}
		})
	}
}

func onlyFile(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}

func TestDownloadFailureLeavesNoFile(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(fc *fakeClient)
		cancel  bool
		wantErr func(error) bool
	}{
		{"corrupt single part", func(fc *fakeClient) { fc.corrupt = true }, false,
			func(err error) bool { var ie *IntegrityError; return errors.As(err, &ie) }},
		{"torn bodies beyond retries", func(fc *fakeClient) { fc.tearAfter = 10; fc.tearCount.Store(100) }, false,
			func(err error) bool { return err != nil && strings.Contains(err.Error(), "connection reset") }},
		{"cancelled mid-download", func(fc *fakeClient) {}, true,
			func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFake()
			data := randBytes(t, testPart*8)
			sum := md5.Sum(data)
			fc.put("b", "k", data, hex.EncodeToString(sum[:])) // a single-part object
			tc.setup(fc)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			m := New(fc, Options{PartSize: testPart, Concurrency: 2, VerifyLarge: true, Progress: func(e Event) {
				if tc.cancel && e.Kind == EventBytes {
					cancel()
				}
			}})
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "keep"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := m.DownloadFile(ctx, "b", "k", filepath.Join(dir, "out"))
			if !tc.wantErr(err) {
				t.Fatalf("err = %v", err)
			}
			if names := onlyFile(t, dir); len(names) != 1 || names[0] != "keep" {
				t.Errorf("directory holds %v after a failed download, want only keep", names)
			}
		})
	}
}

// With default options an object that fits in one chunk is still checked
// against its MD5 ETag: corruption fails the download and leaves no file.
func TestDownloadDefaultChecksSmallObjects(t *testing.T) {
	fc := newFake()
	data := randBytes(t, testPart/2)
	sum := md5.Sum(data)
	fc.put("b", "k", data, hex.EncodeToString(sum[:]))
	fc.corrupt = true
	dir := t.TempDir()
	_, err := New(fc, Options{PartSize: testPart}).DownloadFile(context.Background(), "b", "k", filepath.Join(dir, "out"))
	var ie *IntegrityError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an IntegrityError", err)
	}
	if names := onlyFile(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v after a failed download, want nothing", names)
	}
}

func TestDownloadRetriesTornBody(t *testing.T) {
	fc := newFake()
	data := randBytes(t, testPart*5)
	if _, err := New(fc, Options{PartSize: testPart}).Upload(context.Background(), bytes.NewReader(data), "b", "k"); err != nil {
		t.Fatal(err)
	}
	fc.tearAfter, fc.tearFirst = 100, true
	fc.tearCount.Store(3)
	path := filepath.Join(t.TempDir(), "out")
	res, err := New(fc, Options{PartSize: testPart, VerifyLarge: true}).DownloadFile(context.Background(), "b", "k", path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) || !res.Verified {
		t.Errorf("after retries: equal=%v verified=%v", bytes.Equal(got, data), res.Verified)
	}
}

func TestDeleteBatches(t *testing.T) {
	fc := newFake()
	var keys []string
	for i := range 2500 {
		k := "k/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "-" + strconv.Itoa(i)
		if i%1000 == 5 {
			k = "locked/" + strconv.Itoa(i)
		}
		fc.put("b", k, nil, "")
		keys = append(keys, k)
	}
	var failed []string
	n, err := New(fc, Options{}).Delete(context.Background(), "b", func(yield func(string) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}, func(k string, err error) {
		var f *DeleteFailure
		if errors.As(err, &f) && f.Code == "AccessDenied" {
			failed = append(failed, k)
		} else if err != nil {
			t.Errorf("%s: %v", k, err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2497 || len(failed) != 3 {
		t.Errorf("deleted %d, failed %v; want 2497 and 3", n, failed)
	}
	if got := fc.deleteBatches; len(got) != 3 || got[0] != 1000 || got[1] != 1000 || got[2] != 500 {
		t.Errorf("batches %v, want [1000 1000 500]", got)
	}
}

func TestCopy(t *testing.T) {
	cases := []struct {
		name      string
		size      int
		knownSize bool
		wantParts bool
	}{
		{"small, size known", 100, true, false},
		{"small, size looked up", 100, false, false},
		{"over the single-copy limit", testPart*3 + 1, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFake()
			data := randBytes(t, tc.size)
			fc.put("src", "k", data, "")
			m := New(fc, Options{PartSize: testPart})
			m.copyThreshold = testPart * 2
			size := int64(-1)
			if tc.knownSize {
				size = int64(tc.size)
			}
			res, err := m.Copy(context.Background(), Remote("src", "k"), Remote("dst", "k2"), size)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := fc.get("dst", "k2")
			if !bytes.Equal(got, data) || res.Size != int64(tc.size) {
				t.Fatalf("copy holds %d bytes (equal %v), size %d", len(got), bytes.Equal(got, data), res.Size)
			}
			if multipart := strings.Contains(res.ETag, "-"); multipart != tc.wantParts {
				t.Errorf("etag %q: multipart %v, want %v", res.ETag, multipart, tc.wantParts)
			}
		})
	}
	fc := newFake()
	_, err := New(fc, Options{}).Copy(context.Background(), Remote("src", "missing"), Remote("dst", "x"), -1)
	var te *Error
	if !errors.As(err, &te) || te.Op != "copy" || !strings.Contains(err.Error(), "s3://src/missing") {
		t.Errorf("copy of a missing key: %v", err)
	}
	// Copy is server-side only: a local side is refused before any request.
	_, err = New(fc, Options{}).Copy(context.Background(), Local("/tmp/x"), Remote("dst", "x"), -1)
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "must be in S3") || fc.gets.Load()+fc.puts.Load() != 0 {
		t.Errorf("copy from a local path: %v", err)
	}
}

func TestUploadGuessesContentType(t *testing.T) {
	cases := []struct{ key, want string }{
		{"site/index.html", "text/html; charset=utf-8"},
		{"data.json", "application/json"},
		{"noext", ""},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			fc := newFake()
			if _, err := New(fc, Options{}).Upload(context.Background(), strings.NewReader("x"), "b", tc.key); err != nil {
				t.Fatal(err)
			}
			o, _ := fc.head("b", tc.key)
			if o.ContentType != tc.want {
				t.Errorf("Content-Type %q, want %q", o.ContentType, tc.want)
			}
		})
	}
}

// checksummingFake is a client that checksums bodies itself.
type checksummingFake struct{ *fakeClient }

func (checksummingFake) ChecksumsParts() bool { return true }

// A client that checksums bodies itself gets no Content-MD5 on single
// PUTs (the file is read once); any other client gets one.
func TestSinglePutContentMD5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small")
	if err := os.WriteFile(path, []byte("small body"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		sums    bool
		wantMD5 bool
	}{{"plain client", false, true}, {"checksumming client", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			var c Client = f
			if tc.sums {
				c = checksummingFake{f}
			}
			m := New(c, Options{})
			if _, err := m.UploadFile(context.Background(), path, "b", "k"); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Upload(context.Background(), strings.NewReader("streamed"), "b", "s"); err != nil {
				t.Fatal(err)
			}
			if len(f.putMD5s) != 2 {
				t.Fatalf("%d PUTs, want 2", len(f.putMD5s))
			}
			for i, got := range f.putMD5s {
				if (got != "") != tc.wantMD5 {
					t.Errorf("PUT %d Content-MD5 %q, want present: %v", i, got, tc.wantMD5)
				}
			}
		})
	}
}

// An object whose GET body verifies a full-object checksum is checked by
// it (no MD5 pass); a mismatch is caught, refetched and, still wrong,
// fails the download with no file left.
func TestDownloadChecksummedBody(t *testing.T) {
	for _, corrupt := range []bool{false, true} {
		t.Run(fmt.Sprintf("corrupt=%v", corrupt), func(t *testing.T) {
			fc := newFake()
			data := randBytes(t, testPart/2)
			sum := md5.Sum(data)
			fc.put("b", "k", data, hex.EncodeToString(sum[:]))
			fc.checksummed, fc.corrupt = true, corrupt
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			res, err := New(fc, Options{PartSize: testPart}).DownloadFile(context.Background(), "b", "k", out)
			if corrupt {
				var ie *IntegrityError
				if !errors.As(err, &ie) {
					t.Fatalf("err = %v, want an IntegrityError", err)
				}
				if names := onlyFile(t, dir); len(names) != 0 {
					t.Errorf("directory holds %v after a failed download", names)
				}
				return
			}
			if err != nil || !res.Verified {
				t.Fatalf("err = %v, verified = %v", err, res.Verified)
			}
			if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
				t.Error("downloaded bytes differ")
			}
		})
	}
}
