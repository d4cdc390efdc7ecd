package transfer

import (
	"bytes"
	"testing"
	"time"
)

// recordingWriterAt is an in-memory file that records the size of every
// write and takes slowFor per write while slowFor is set.
type recordingWriterAt struct {
	buf     []byte
	sizes   []int
	slowFor time.Duration
}

func (r *recordingWriterAt) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(r.buf) {
		r.buf = append(r.buf, make([]byte, end-len(r.buf))...)
	}
	copy(r.buf[off:], p)
	r.sizes = append(r.sizes, len(p))
	if r.slowFor > 0 {
		time.Sleep(r.slowFor)
	}
	return len(p), nil
}

// A download whose whole-buffer writes turn slow (a page cache whose fresh
// pages are expensive to touch) switches to small writes for a while, then
// tries a whole buffer again, and the file's bytes stay exactly right.
func TestSerialWriterSplitsAfterSlowWrite(t *testing.T) {
	const unit = copyBufSize
	data := randBytes(t, unit*(slowWrites+3))
	rec := &recordingWriterAt{slowFor: 10 * time.Millisecond} // 512 KiB in 10 ms: 50 MB/s
	w := &serialWriterAt{w: rec}

	write := func(i int) {
		t.Helper()
		n, err := w.WriteAt(data[i*unit:(i+1)*unit], int64(i*unit))
		if err != nil || n != unit {
			t.Fatalf("write %d: n=%d err=%v", i, n, err)
		}
	}
	write(0)
	if len(rec.sizes) != 1 || rec.sizes[0] != unit {
		t.Fatalf("first write went out as %v, want one write of %d", rec.sizes, unit)
	}
	rec.slowFor = 0
	for i := 1; i <= slowWrites; i++ {
		before := len(rec.sizes)
		write(i)
		for _, n := range rec.sizes[before:] {
			if n > slowWriteUnit {
				t.Fatalf("write %d after a slow one went out in pieces %v, want none over %d", i, rec.sizes[before:], slowWriteUnit)
			}
		}
		if got := len(rec.sizes) - before; got != unit/slowWriteUnit {
			t.Fatalf("write %d: %d pieces, want %d", i, got, unit/slowWriteUnit)
		}
	}
	before := len(rec.sizes)
	write(slowWrites + 1)
	if got := rec.sizes[before:]; len(got) != 1 || got[0] != unit {
		t.Fatalf("after %d split writes the next went out as %v, want one whole write", slowWrites, got)
	}
	write(slowWrites + 2)
	if !bytes.Equal(rec.buf, data) {
		t.Fatal("the written bytes differ from the data")
	}
}
