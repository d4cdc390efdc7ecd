package storagetest

import (
	"crypto/md5"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

func keysOf(objs []storage.ObjectInfo) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, o.Key)
	}
	return out
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func md5sum(b []byte) []byte {
	s := md5.Sum(b)
	return s[:]
}

// listKeys is chosen so that byte order differs from what a locale-aware
// or path-aware sort would give: "a-b" < "a/x" < "a0", upper case first,
// multi-byte UTF-8 last.
var listKeys = []string{
	"a", "a-b", "a/x", "a/y/1", "a/y/2", "a/z", "a0", "B", "b/", "b//c", "b/c",
	"photos/2024/jan/1.jpg", "photos/2024/feb/2.jpg", "photos/2025/x.jpg", "photos/readme",
	"z", "é", "é/1", "日本", "~",
}

// entry is one item of a listing page in the reference model.
type entry struct {
	name string
	cp   bool
}

// model computes a listing page the slow, obvious way.
func model(keys []string, o storage.ListOptions) (items []entry, truncated bool) {
	limit := o.MaxKeys
	if limit <= 0 {
		limit = 1000
	}
	seen := map[string]bool{}
	var all []entry
	for _, k := range sortedCopy(keys) {
		if !strings.HasPrefix(k, o.Prefix) {
			continue
		}
		e := entry{name: k}
		if o.Delimiter != "" {
			if i := strings.Index(k[len(o.Prefix):], o.Delimiter); i >= 0 {
				e = entry{name: k[:len(o.Prefix)+i+len(o.Delimiter)], cp: true}
			}
		}
		if e.name <= o.After || seen[e.name] {
			continue
		}
		seen[e.name] = true
		all = append(all, e)
	}
	if len(all) > limit {
		return all[:limit], true
	}
	return all, false
}

func pageEntries(r storage.ListResult) []entry {
	var out []entry
	for _, o := range r.Objects {
		out = append(out, entry{name: o.Key})
	}
	for _, p := range r.CommonPrefixes {
		out = append(out, entry{name: p, cp: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func testListing(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	for _, k := range listKeys {
		f.put(k, []byte(k))
	}
	t.Run("ByteOrder", func(t *testing.T) {
		res, err := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := keysOf(res.Objects), sortedCopy(listKeys); !reflect.DeepEqual(got, want) {
			t.Fatalf("ListObjects = %q, want byte order %q", got, want)
		}
		if res.IsTruncated {
			t.Fatal("IsTruncated on a complete listing")
		}
	})
	t.Run("AgainstModel", func(t *testing.T) {
		for _, prefix := range []string{"", "a", "a/", "photos/", "photos/2024/", "b/", "é", "nomatch"} {
			for _, delim := range []string{"", "/", "/2", "-"} {
				for _, after := range []string{"", "a", "a/", "a/y/1", "b/", "photos/2024/", "z"} {
					for _, max := range []int{0, 1, 2, 3, 7} {
						o := storage.ListOptions{Prefix: prefix, Delimiter: delim, After: after, MaxKeys: max}
						checkPage(t, f, o)
					}
				}
			}
		}
	})
	t.Run("Paging", func(t *testing.T) {
		for _, delim := range []string{"", "/"} {
			for _, max := range []int{1, 2, 5} {
				o := storage.ListOptions{Delimiter: delim, MaxKeys: max}
				var got []entry
				for pages := 0; ; pages++ {
					if pages > len(listKeys) {
						t.Fatalf("delim %q max %d: paging does not end", delim, max)
					}
					res, err := f.b.ListObjects(f.ctx, f.bucket, o)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, pageEntries(res)...)
					if !res.IsTruncated {
						break
					}
					if res.NextAfter == "" {
						t.Fatalf("delim %q max %d: truncated page without NextAfter", delim, max)
					}
					o.After = res.NextAfter
				}
				want, _ := model(listKeys, storage.ListOptions{Delimiter: delim, MaxKeys: 1000})
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("delim %q max %d: pages joined = %v, want %v", delim, max, got, want)
				}
			}
		}
	})
}

func checkPage(t *testing.T, f *fixture, o storage.ListOptions) {
	t.Helper()
	res, err := f.b.ListObjects(f.ctx, f.bucket, o)
	if err != nil {
		t.Fatalf("ListObjects(%+v): %v", o, err)
	}
	want, trunc := model(listKeys, o)
	got := pageEntries(res)
	if !reflect.DeepEqual(got, want) || res.IsTruncated != trunc {
		t.Fatalf("ListObjects(%+v) = %v truncated=%v, want %v truncated=%v", o, got, res.IsTruncated, want, trunc)
	}
	if len(want) > 0 && res.NextAfter != want[len(want)-1].name {
		t.Fatalf("ListObjects(%+v).NextAfter = %q, want the page's last item %q", o, res.NextAfter, want[len(want)-1].name)
	}
	for _, obj := range res.Objects {
		if obj.Size != int64(len(obj.Key)) || obj.ETag != etagOf([]byte(obj.Key)) {
			t.Fatalf("ListObjects(%+v): %q has size %d etag %s", o, obj.Key, obj.Size, obj.ETag)
		}
	}
	if len(res.Objects) > 0 && !sort.SliceIsSorted(res.Objects, func(i, j int) bool { return res.Objects[i].Key < res.Objects[j].Key }) {
		t.Fatalf("ListObjects(%+v): objects out of order: %v", o, keysOf(res.Objects))
	}
	if !sort.StringsAreSorted(res.CommonPrefixes) {
		t.Fatalf("ListObjects(%+v): prefixes out of order: %v", o, res.CommonPrefixes)
	}
}
