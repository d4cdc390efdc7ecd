package disk

import (
	"crypto/md5"
	"hash"
	"sync"
	"sync/atomic"

	md5simd "github.com/minio/md5-simd"
)

// simdMinStreams is how many large bodies must be arriving at once before a
// new one is hashed by the multi-lane MD5 server. One AVX-512 (or AVX2)
// pass hashes up to 16 (8) streams together, about twice the throughput per
// core of crypto/md5 with eight streams; with one or two streams the lanes
// sit idle and crypto/md5 is cheaper.
const simdMinStreams = 4

// md5Hashers hands out MD5 hashers for part bodies. MD5 is the largest
// server cost of an upload (S3's ETags are MD5 sums), and multipart
// uploads arrive as several parts at once, which is what the multi-lane
// server is for.
type md5Hashers struct {
	once   sync.Once
	srv    md5simd.Server
	active atomic.Int32
}

// get returns a hasher for one body and the function that releases it.
func (m *md5Hashers) get() (hash.Hash, func()) {
	if m.active.Add(1) < simdMinStreams {
		return md5.New(), func() { m.active.Add(-1) }
	}
	m.once.Do(func() { m.srv = md5simd.NewServer() })
	h := m.srv.NewHash()
	return h, func() { h.Close(); m.active.Add(-1) }
}

// close stops the multi-lane server, if it was started.
func (m *md5Hashers) close() {
	m.once.Do(func() {})
	if m.srv != nil {
		m.srv.Close()
	}
}
