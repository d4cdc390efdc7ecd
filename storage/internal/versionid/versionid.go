// Package versionid hands out S3 version IDs that sort newest first.
//
// An ID is 24 lower-case hex digits: the bitwise complement of a 64-bit
// sequence (the write's Unix time in nanoseconds, pushed past the last ID
// handed out so a coarse or stopped clock still orders versions) followed
// by 32 random bits, so IDs from two stores never meet. Sorting IDs as
// strings sorts versions newest first, which lets a backend keep a key's
// versions in index order without a separate sequence.
package versionid

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// Len is the length of every ID a Generator returns.
const Len = 24

// Generator hands out IDs; the zero value is ready to use and it is safe
// for concurrent use.
type Generator struct {
	mu   sync.Mutex
	last uint64
}

// Next returns a new ID for a write at now.
func (g *Generator) Next(now time.Time) string {
	seq := uint64(now.UnixNano())
	g.mu.Lock()
	if seq <= g.last {
		seq = g.last + 1
	}
	g.last = seq
	g.mu.Unlock()
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], ^seq)
	if _, err := rand.Read(b[8:]); err != nil {
		// crypto/rand never fails on the systems Go supports; the
		// sequence alone still keeps IDs unique within this store.
		clear(b[8:])
	}
	return hex.EncodeToString(b[:])
}

// ForTime returns the ID an object written at t would sort at, with no
// random part: the place in a key's history of a version that was written
// before versioning and so has no ID of its own.
func ForTime(t time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], ^uint64(t.UnixNano()))
	return hex.EncodeToString(b[:])
}

// Valid reports whether id has the form of an ID a Generator hands out
// ("null" is not one).
func Valid(id string) bool {
	if len(id) != Len {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// NextBefore is Next for a write that must sort before the ID newest (the
// newest version of its key; "" when it has none), even when the clock
// has gone back since newest was handed out, by this store or an earlier
// run of it.
func (g *Generator) NextBefore(now time.Time, newest string) string {
	if len(newest) >= 16 {
		if b, err := hex.DecodeString(newest[:16]); err == nil {
			floor := ^binary.BigEndian.Uint64(b)
			g.mu.Lock()
			g.last = max(g.last, floor)
			g.mu.Unlock()
		}
	}
	return g.Next(now)
}
