package disk

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// TestConcurrentPartsETags uploads many parts at once and checks every
// part ETag, the composite ETag and the assembled bytes against crypto/md5.
func TestConcurrentPartsETags(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	up, err := s.CreateMultipartUpload(ctx, "b", "big", storage.ObjectMeta{})
	if err != nil {
		t.Fatal(err)
	}
	const parts = 12
	bodies := make([][]byte, parts)
	for i := range bodies {
		// Odd sizes exercise the partial final block of every lane.
		bodies[i] = make([]byte, 5<<20+i*4099)
		rand.Read(bodies[i])
	}
	etags := make([]string, parts)
	var wg sync.WaitGroup
	errs := make(chan error, parts)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			info, err := s.UploadPart(ctx, "b", "big", up.UploadID, i+1, bytes.NewReader(bodies[i]), storage.PartOptions{})
			if err != nil {
				errs <- err
				return
			}
			etags[i] = info.ETag
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var all, sums []byte
	complete := make([]storage.CompletePart, parts)
	for i, b := range bodies {
		sum := md5.Sum(b)
		if want := `"` + hex.EncodeToString(sum[:]) + `"`; etags[i] != want {
			t.Errorf("part %d ETag %s, want %s", i+1, etags[i], want)
		}
		all = append(all, b...)
		sums = append(sums, sum[:]...)
		complete[i] = storage.CompletePart{PartNumber: i + 1, ETag: etags[i]}
	}
	info, err := s.CompleteMultipartUpload(ctx, "b", "big", up.UploadID, complete, storage.CompleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	composite := md5.Sum(sums)
	if want := fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(composite[:]), parts); info.ETag != want {
		t.Errorf("object ETag %s, want %s", info.ETag, want)
	}
	if got := mustRead(t, s, "big"); !bytes.Equal(got, all) {
		t.Fatalf("assembled object differs: %d bytes, want %d", len(got), len(all))
	}
}
