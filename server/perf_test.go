package server_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
)

// TestRangeDiskFiles checks ranged GETs of file-backed objects on the disk
// backend, which are sent with storage.RangeWriterTo (sendfile) rather
// than read through the server: a single content file, and a multipart
// object whose ranges cross the boundary between its two part files.
//
// Disk only: sendfile is the disk backend's path.
func TestRangeDiskFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, s3test.WithDisk())
	e.mkBucket("bkt")
	pattern := func(n int, seed byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = seed + byte(i%251)
		}
		return b
	}
	single := pattern(300<<10, 1) // above the disk store's inline limit
	e.put("bkt", "single", single, nil)

	p1, p2 := pattern(5<<20, 7), pattern(70<<10, 3)
	id := e.createUpload("bkt", "multi", nil)
	e1 := e.uploadPart("bkt", "multi", id, 1, p1)
	e2 := e.uploadPart("bkt", "multi", id, 2, p2)
	e.must(200, "POST", "/bkt/multi?uploadId="+id, completeDoc(t,
		s3xml.CompletedPart{PartNumber: 1, ETag: e1}, s3xml.CompletedPart{PartNumber: 2, ETag: e2}), nil)
	multi := append(append([]byte(nil), p1...), p2...)

	tests := []struct {
		name, key string
		data      []byte
		off, n    int
	}{
		{"single start", "single", single, 0, 1000},
		{"single middle", "single", single, 12345, 100000},
		{"single tail", "single", single, len(single) - 10, 10},
		{"multi within first part", "multi", multi, 100, 4096},
		{"multi across parts", "multi", multi, len(p1) - 5000, 9000},
		{"multi second part only", "multi", multi, len(p1) + 1, 20000},
		{"multi everything", "multi", multi, 0, len(multi)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := e.sub(t)
			rng := fmt.Sprintf("bytes=%d-%d", tc.off, tc.off+tc.n-1)
			r := e.must(206, "GET", "/bkt/"+tc.key, nil, hdr{"Range": rng})
			if !bytes.Equal(r.body, tc.data[tc.off:tc.off+tc.n]) {
				t.Errorf("%s: %d bytes differ from the stored range", rng, len(r.body))
			}
			want := fmt.Sprintf("bytes %d-%d/%d", tc.off, tc.off+tc.n-1, len(tc.data))
			if got := r.header.Get("Content-Range"); got != want {
				t.Errorf("Content-Range %q, want %q", got, want)
			}
		})
	}
}

// TestServerHeader checks that every answer, success or error, names the
// server as the s3 client's quirk detection expects.
func TestServerHeader(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		tests := []struct {
			name         string
			method, path string
			status       int
		}{
			{"list buckets", "GET", "/", 200},
			{"missing key", "GET", "/bkt/nope", 404},
			{"head bucket", "HEAD", "/bkt", 200},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.sub(t).do(tc.method, tc.path, nil, nil)
				if r.status != tc.status || r.header.Get("Server") != "s3kit" {
					t.Errorf("status %d Server %q, want %d \"s3kit\"", r.status, r.header.Get("Server"), tc.status)
				}
			})
		}
		r := e.anon("GET", "/bkt", nil, nil)
		if r.status != 403 || r.header.Get("Server") != "s3kit" {
			t.Errorf("anonymous: status %d Server %q", r.status, r.header.Get("Server"))
		}
	})
}
