package transfer

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/sync/semaphore"
)

// S3's multipart limits.
const (
	MaxParts       = 10000
	MinPartSize    = 5 << 20
	MaxPartSize    = 5 << 30
	MaxObjectSize  = 5 << 40
	DefaultPart    = 8 << 20
	DefaultWorkers = 16
)

// Options configure a Manager. The zero value of each field selects its default.
type Options struct {
	// Concurrency is the number of requests in flight across every transfer
	// of the Manager (default 16).
	Concurrency int
	// PartSize is the part size for multipart uploads and the chunk size for
	// ranged downloads. S3 refuses parts under 5 MiB (MinPartSize) but the
	// last; smaller values are accepted for tests against fakes.
	// Default: 8 MiB, aws-cli's, so objects aws-cli uploaded can be verified
	// part by part. It grows for files too large to fit in 10,000 parts.
	PartSize int64
	// MultipartThreshold is the size from which files upload in parts
	// (default PartSize).
	MultipartThreshold int64
	// MemoryBudget bounds the bytes held in part buffers at once, across all
	// transfers (default Concurrency × PartSize). Only stream uploads buffer:
	// files are read in place and downloads are written as they arrive.
	MemoryBudget int64
	// SkipVerify skips checking downloads against the ETag. That check
	// costs an MD5 pass (about one CPU second per GiB) for multipart
	// objects, and fails wrongly for SSE-KMS and SSE-C objects on servers
	// whose responses the Client cannot mark Encrypted (their ETag is not
	// an MD5). Uploads always carry checksums the server verifies.
	SkipVerify bool
	// VerifyLarge extends the ETag check to objects larger than PartSize:
	// the MD5 of part MD5s for multipart objects, a second MD5 pass for
	// large single-part ones. Off by default, as in aws-cli, s3transfer and
	// s5cmd: on a small machine the MD5 pass costs more CPU than the
	// transfer itself (about 4× slower downloads of 1 GiB here, see
	// BENCHMARKS.md), while objects up to PartSize are always checked at no
	// extra cost (their MD5 is computed as the single GET streams in).
	VerifyLarge bool
	// Progress receives progress events (optional).
	Progress ProgressFunc
	// Logger receives debug logs (optional).
	Logger *slog.Logger
}

// Manager runs transfers against one Client. It is safe for concurrent use:
// all transfers share its request slots and memory budget.
type Manager struct {
	c     Client
	opts  Options
	slots *semaphore.Weighted
	mem   *semaphore.Weighted
	bufs  sync.Pool
	// copyBufs holds *[]byte of copyBufSize for downloads.
	copyBufs sync.Pool
	// clientSums: the client checksums part bodies (PartChecksummer).
	clientSums bool
	// copyThreshold is the largest single CopyObject (MaxCopySize; tests
	// lower it).
	copyThreshold int64
}

// New returns a Manager for c.
func New(c Client, opts Options) *Manager {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultWorkers
	}
	if opts.PartSize <= 0 {
		opts.PartSize = DefaultPart
	}
	if opts.MultipartThreshold <= 0 {
		opts.MultipartThreshold = opts.PartSize
	}
	if opts.MemoryBudget <= 0 {
		opts.MemoryBudget = int64(opts.Concurrency) * opts.PartSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Manager{
		clientSums:    checksumsParts(c),
		copyThreshold: MaxCopySize,
		c:             c,
		opts:          opts,
		slots:         semaphore.NewWeighted(int64(opts.Concurrency)),
		mem:           semaphore.NewWeighted(opts.MemoryBudget),
	}
}

// Client returns the client the Manager uses.
func (m *Manager) Client() Client { return m.c }

// Options returns the Manager's effective options.
func (m *Manager) Options() Options { return m.opts }

// slot runs fn holding one request slot.
func (m *Manager) slot(ctx context.Context, fn func() error) error {
	if err := m.slots.Acquire(ctx, 1); err != nil {
		return err
	}
	defer m.slots.Release(1)
	return fn()
}

// filePartSize is the part size for a file of size bytes: the configured
// size, grown (in MiB steps) until the file fits in MaxParts parts.
func (m *Manager) filePartSize(size int64) (int64, error) {
	if size > MaxObjectSize {
		return 0, fmt.Errorf("%d bytes: %w", size, ErrTooLarge)
	}
	ps := m.opts.PartSize
	if need := (size + MaxParts - 1) / MaxParts; need > ps {
		ps = (need + (1<<20 - 1)) &^ (1<<20 - 1)
	}
	if ps > MaxPartSize {
		return 0, fmt.Errorf("%d bytes: %w", size, ErrTooLarge)
	}
	return ps, nil
}

// streamPartSize is the size of part n (1-based) of a stream of unknown
// length: the configured size for the first 1,000 parts, doubling every
// 1,000 parts after, capped at 5 GiB. With 8 MiB parts, 10,000 parts hold
// 8 TiB, more than S3's 5 TiB object limit, while small streams keep small
// parts (and small buffers).
func (m *Manager) streamPartSize(n int) int64 {
	ps := m.opts.PartSize
	for tier := (n - 1) / 1000; tier > 0 && ps < MaxPartSize; tier-- {
		ps *= 2
	}
	if ps < MinPartSize && m.opts.PartSize >= MinPartSize {
		ps = MinPartSize
	}
	return min(ps, MaxPartSize)
}

// getBuf returns a buffer of length n holding n bytes of the memory budget;
// putBuf gives both back.
func (m *Manager) getBuf(ctx context.Context, n int64) ([]byte, error) {
	w := min(n, m.opts.MemoryBudget)
	if err := m.mem.Acquire(ctx, w); err != nil {
		return nil, err
	}
	if p, ok := m.bufs.Get().(*[]byte); ok && int64(cap(*p)) >= n {
		return (*p)[:n], nil
	}
	return make([]byte, n), nil
}

func (m *Manager) putBuf(b []byte) {
	m.mem.Release(min(int64(len(b)), m.opts.MemoryBudget))
	if int64(cap(b)) == m.opts.PartSize {
		m.bufs.Put(&b)
	}
}
