package listing

import (
	"fmt"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

func TestSuccessor(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"Simple", "a/", "a0", true},
		{"CarryOverFF", "a\xff\xff", "b", true},
		{"AllFF", "\xff\xff", "", false},
		{"Empty", "", "", false},
	}
	for _, c := range cases {
		got, ok := Successor(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: Successor(%q) = %q, %v; want %q, %v", c.name, c.in, got, ok, c.want, c.ok)
		}
	}
}

// countingCursor counts the cursor steps a page takes.
type countingCursor struct {
	SliceCursor
	steps int
}

func (c *countingCursor) Seek(from string) (string, bool) { c.steps++; return c.SliceCursor.Seek(from) }
func (c *countingCursor) Next() (string, bool)            { c.steps++; return c.SliceCursor.Next() }

// TestPageCostFollowsPage checks that rolling up a prefix holding many
// keys costs a seek, not a walk over those keys.
func TestPageCostFollowsPage(t *testing.T) {
	var keys []string
	for d := 0; d < 10; d++ {
		for i := 0; i < 10000; i++ {
			keys = append(keys, fmt.Sprintf("dir%d/%05d", d, i))
		}
	}
	keys = append(keys, "top")
	c := &countingCursor{SliceCursor: SliceCursor{Keys: keys, Desc: func(i int) storage.ObjectInfo { return storage.ObjectInfo{Key: keys[i]} }}}
	res, err := Page(c, storage.ListOptions{Delimiter: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CommonPrefixes) != 10 || len(res.Objects) != 1 {
		t.Fatalf("page = %d prefixes, %d objects; want 10 and 1", len(res.CommonPrefixes), len(res.Objects))
	}
	if c.steps > 30 {
		t.Fatalf("listing 11 entries over 100,001 keys took %d cursor steps", c.steps)
	}
	c.steps = 0
	res, _ = Page(c, storage.ListOptions{After: "dir5/09990", MaxKeys: 5})
	if len(res.Objects) != 5 || res.Objects[0].Key != "dir5/09991" || c.steps > 10 {
		t.Fatalf("page after dir5/09990 = %v in %d steps", res.Objects, c.steps)
	}
}
