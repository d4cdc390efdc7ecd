package disk

import (
	"errors"
	"io/fs"
	"os"
	"sync"
)

// pinTable keeps the content files of objects being read from being
// removed under their readers. An object's extents are opened lazily, one
// at a time, as a GET reaches them (a 10,000-part object would otherwise
// need 10,000 descriptors, and each ranged GET of it 10,000 opens), so the
// files must outlive an overwrite or delete that drops their last
// reference while a reader still needs them: such a file is removed when
// its last reader lets go. If the process dies first, the file is an
// orphan, which Open removes.
//
// Every removal happens under mu and bumps removed, so a reader that read
// an object's record before a commit freed its files, and pins them after
// they were removed, notices (see pin).
type pinTable struct {
	mu      sync.Mutex
	n       map[string]int      // content file ID → readers
	doomed  map[string]struct{} // unreferenced, removed at the last unpin
	removed uint64              // removals so far
}

// gen returns the count of removals so far; pass it to pin.
func (p *pinTable) gen() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.removed
}

// pin marks ids as read from and reports whether any file was removed
// since gen, in which case the caller must check that its files exist.
func (p *pinTable) pin(ids []string, gen uint64) (removedSince bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == nil {
		p.n = make(map[string]int)
	}
	for _, id := range ids {
		p.n[id]++
	}
	return p.removed != gen
}

// unpin releases ids and removes (through remove) those whose last
// reference went away while they were pinned and whose last reader this
// was.
func (p *pinTable) unpin(ids []string, remove func(id string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		if p.n[id]--; p.n[id] > 0 {
			continue
		}
		delete(p.n, id)
		if _, ok := p.doomed[id]; ok {
			delete(p.doomed, id)
			remove(id)
			p.removed++
		}
	}
}

// release removes (through remove) the content files whose last reference
// was committed away, or dooms those that are pinned.
func (p *pinTable) release(ids []string, remove func(id string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		if p.n[id] > 0 {
			if p.doomed == nil {
				p.doomed = make(map[string]struct{})
			}
			p.doomed[id] = struct{}{}
			continue
		}
		remove(id)
		p.removed++
	}
}

// removeFile removes content file id, logging a failure: it only leaves an
// orphan that the next Open removes.
func (s *Store) removeFile(id string) {
	if err := os.Remove(s.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("storage: remove unreferenced content file", "file", id, "err", err)
	}
}
