package versionid

import (
	"testing"
	"time"
)

func TestOrderAndForm(t *testing.T) {
	var g Generator
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := g.Next(now)
	for i := 0; i < 100; i++ {
		id := g.Next(now) // a stopped clock still orders IDs
		if !Valid(id) || id >= prev {
			t.Fatalf("ID %q after %q: want a valid ID sorting before it", id, prev)
		}
		prev = id
	}
	if old := ForTime(now.Add(-time.Second)); old <= prev {
		t.Fatalf("ForTime of an earlier write %q sorts before newer IDs", old)
	}
	// A fresh generator (a restarted store) whose clock went back still
	// sorts before the newest ID it is shown.
	var g2 Generator
	if id := g2.NextBefore(now.Add(-time.Hour), prev); id >= prev {
		t.Fatalf("NextBefore = %q, not before %q", id, prev)
	}
	for _, bad := range []string{"", "null", "0123456789abcdef0123456", "0123456789abcdef0123456G", "0123456789ABCDEF01234567"} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}
