package disk

import (
	"errors"
	"io/fs"
	"os"
	"sync"
)

// pinTable keeps the content files of objects being read from being
// removed under their readers. An object's extents are opened lazily, one
// at a time, as a GET reaches them (a 2,000-part object would otherwise
// need 2,000 descriptors, and each ranged GET of it 2,000 opens), so the
// files must outlive an overwrite or delete that drops their last
// reference while a reader still needs them: such a file is removed when
// its last reader lets go. If the process dies first, the file is an
// orphan, which Open removes.
//
// A reader may pin files that were removed after it read the object's
// record: every removal is announced under mu before it happens (the file
// joins dying and removed is bumped) and finished after, outside mu, so a
// pin can tell (see pin).
type pinTable struct {
	mu      sync.Mutex
	n       map[string]int      // content file ID → readers
	doomed  map[string]struct{} // unreferenced, removed at the last unpin
	dying   map[string]struct{} // being removed now
	removed uint64              // removals announced so far
}

// gen returns the count of removals announced so far; pass it to pin.
func (p *pinTable) gen() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.removed
}

// pin marks ids as read from. stale means one of them is being removed;
// check means files were removed since gen, so the caller must check that
// its own still exist.
func (p *pinTable) pin(ids []string, gen uint64) (stale, check bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == nil {
		p.n = make(map[string]int)
	}
	for _, id := range ids {
		p.n[id]++
		if _, ok := p.dying[id]; ok {
			stale = true
		}
	}
	return stale, p.removed != gen
}

// unpin releases ids and removes those whose last reference went away
// while they were pinned and whose last reader this was.
func (p *pinTable) unpin(ids []string, remove func(id string)) {
	p.mu.Lock()
	var gone []string
	for _, id := range ids {
		if p.n[id]--; p.n[id] > 0 {
			continue
		}
		delete(p.n, id)
		if _, ok := p.doomed[id]; ok {
			delete(p.doomed, id)
			gone = append(gone, id)
		}
	}
	p.announce(gone)
	p.mu.Unlock()
	p.finish(gone, remove)
}

// release removes the content files whose last reference was committed
// away, or dooms those that are pinned.
func (p *pinTable) release(ids []string, remove func(id string)) {
	p.mu.Lock()
	var gone []string
	for _, id := range ids {
		if p.n[id] > 0 {
			if p.doomed == nil {
				p.doomed = make(map[string]struct{})
			}
			p.doomed[id] = struct{}{}
			continue
		}
		gone = append(gone, id)
	}
	p.announce(gone)
	p.mu.Unlock()
	p.finish(gone, remove)
}

// announce marks ids as being removed. The caller holds mu.
func (p *pinTable) announce(ids []string) {
	if len(ids) == 0 {
		return
	}
	if p.dying == nil {
		p.dying = make(map[string]struct{})
	}
	for _, id := range ids {
		p.dying[id] = struct{}{}
	}
	p.removed += uint64(len(ids))
}

// finish removes announced ids (outside mu) and then forgets them.
func (p *pinTable) finish(ids []string, remove func(id string)) {
	if len(ids) == 0 {
		return
	}
	for _, id := range ids {
		remove(id)
	}
	p.mu.Lock()
	for _, id := range ids {
		delete(p.dying, id)
	}
	p.mu.Unlock()
}

// removeFile removes content file id, logging a failure: it only leaves an
// orphan that the next Open removes.
func (s *Store) removeFile(id string) {
	if err := os.Remove(s.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("storage: remove unreferenced content file", "file", id, "err", err)
	}
}
