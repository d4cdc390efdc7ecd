package storagetest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// testConcurrency has writers race on one key while readers check that
// every read sees one complete version whose bytes match its ETag.
func testConcurrency(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	const writers, rounds = 8, 4
	sizes := []int{1000, 100 << 10} // inline-sized and file-sized on disk
	versions := map[string][]byte{}
	for w := 0; w < writers; w++ {
		for r := 0; r < rounds; r++ {
			d := payload(int64(100+w*rounds+r), sizes[(w+r)%len(sizes)])
			versions[etagOf(d)] = d
		}
	}
	f.put("hot", payload(99, 10))
	versions[etagOf(payload(99, 10))] = payload(99, 10)

	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds+64)
	stop := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				d := payload(int64(100+w*rounds+r), sizes[(w+r)%len(sizes)])
				if _, err := f.b.PutObject(f.ctx, f.bucket, "hot", bytes.NewReader(d), storage.PutOptions{}); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
				}
				if _, err := f.b.PutObject(f.ctx, f.bucket, fmt.Sprintf("own/%d/%d", w, r), bytes.NewReader(d), storage.PutOptions{}); err != nil {
					errs <- fmt.Errorf("writer %d own key: %w", w, err)
				}
			}
		}(w)
	}
	var rg sync.WaitGroup
	for r := 0; r < 2; r++ {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := readConsistent(f, versions); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	info, data := f.get("hot")
	want, ok := versions[info.ETag]
	if !ok || !bytes.Equal(data, want) || info.ETag != etagOf(data) {
		t.Fatalf("after concurrent writers, hot holds %d bytes with ETag %s: not exactly one writer's version", len(data), info.ETag)
	}
	res, err := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{Prefix: "own/"})
	if err != nil || len(res.Objects) != writers*rounds {
		t.Fatalf("ListObjects(own/) = %d objects, %v; want %d", len(res.Objects), err, writers*rounds)
	}
}

func readConsistent(f *fixture, versions map[string][]byte) error {
	o, err := f.b.GetObject(f.ctx, f.bucket, "hot")
	if err != nil {
		return fmt.Errorf("reader: %w", err)
	}
	defer o.Content.Close()
	h := md5.New()
	n, err := io.Copy(h, o.Content)
	if err != nil {
		return fmt.Errorf("reader: %w", err)
	}
	if got := `"` + hex.EncodeToString(h.Sum(nil)) + `"`; got != o.Info.ETag || n != o.Info.Size {
		return fmt.Errorf("reader saw %d bytes with md5 %s under info size %d ETag %s: a torn or mixed version", n, got, o.Info.Size, o.Info.ETag)
	}
	if _, ok := versions[o.Info.ETag]; !ok {
		return fmt.Errorf("reader saw ETag %s that no writer wrote", o.Info.ETag)
	}
	return nil
}
