package disk

import "testing"

// A reader that pins a file while it is being removed is told its record
// is stale; one that pins it after the removal is told to check; one that
// holds it when its last reference goes keeps it until it lets go.
func TestPinTable(t *testing.T) {
	var p pinTable
	var removed []string
	gen := p.gen()
	p.release([]string{"a"}, func(id string) {
		if stale, _ := p.pin([]string{"a"}, gen); !stale {
			t.Error("pinning a file being removed was not stale")
		}
		p.unpin([]string{"a"}, func(string) { t.Error("an unpin removed a file not doomed") })
		removed = append(removed, id)
	})
	if stale, check := p.pin([]string{"a"}, gen); stale || !check {
		t.Errorf("pin after the removal: stale %v check %v, want a check", stale, check)
	}
	p.unpin([]string{"a"}, func(string) { t.Error("an unpin removed a file not doomed") })

	gen = p.gen()
	if stale, check := p.pin([]string{"b", "c"}, gen); stale || check {
		t.Fatalf("pin with nothing removed: stale %v check %v", stale, check)
	}
	p.release([]string{"b", "x"}, func(id string) { removed = append(removed, id) })
	p.unpin([]string{"b", "c"}, func(id string) { removed = append(removed, id) })
	want := []string{"a", "x", "b"}
	if len(removed) != len(want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	for i := range want {
		if removed[i] != want[i] {
			t.Fatalf("removed %v, want %v", removed, want)
		}
	}
	if len(p.n) != 0 || len(p.doomed) != 0 || len(p.dying) != 0 {
		t.Fatalf("state left: pins %v doomed %v dying %v", p.n, p.doomed, p.dying)
	}
}
