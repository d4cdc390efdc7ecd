package transfer

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWalkLocalYieldsS3Order(t *testing.T) {
	root := t.TempDir()
	files := []string{"a-b", "a/x", "a/b/c", "a0", "a b", "b", "a/b-c", "a/b/d/e", "Z", "é", "a.txt"}
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "a"), filepath.Join(root, "dirlink")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "b"), filepath.Join(root, "filelink")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for e, err := range WalkLocal(context.Background(), root) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Key)
		if e.Size != int64(len(strings.TrimPrefix(e.Key, "filelink"))) && e.Key != "filelink" {
			t.Errorf("%s: size %d", e.Key, e.Size)
		}
	}
	want := slices.Sorted(slices.Values(append(files, "filelink")))
	if !slices.Equal(got, want) {
		t.Errorf("walk order\n got %q\nwant %q", got, want)
	}
	for _, err := range WalkLocal(context.Background(), filepath.Join(root, "missing")) {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("missing root: err = %v, want ErrNotExist", err)
		}
	}
}

func entries(es ...Entry) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func failing(err error) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) { yield(Entry{}, err) }
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func ent(key string, size int64, age time.Duration) Entry {
	return Entry{Key: key, Size: size, ModTime: t0.Add(-age)}
}

func TestPlanSync(t *testing.T) {
	src := entries(ent("a", 1, 0), ent("b", 2, 0), ent("c", 3, time.Hour), ent("d", 4, 0), ent("f", 6, 0))
	dst := func() iter.Seq2[Entry, error] {
		return entries(ent("b", 2, 0), ent("c", 3, 0), ent("d", 5, 0), ent("e", 1, 0), ent("f", 6, time.Hour))
	}
	cases := []struct {
		name    string
		src     iter.Seq2[Entry, error]
		dst     iter.Seq2[Entry, error]
		opts    SyncOptions
		want    []string
		wantErr error
	}{
		{"default: copy new, update changed, keep extra", src, dst(), SyncOptions{},
			[]string{"copy a", "update d", "update f"}, nil},
		{"delete extra", src, dst(), SyncOptions{Delete: true},
			[]string{"copy a", "update d", "delete e", "update f"}, nil},
		{"exact timestamps: older source differs", src, dst(), SyncOptions{Compare: CompareSizeTime(true)},
			[]string{"copy a", "update c", "update d", "update f"}, nil},
		{"empty source with delete refuses", entries(), dst(), SyncOptions{Delete: true}, nil, ErrUnsafeDelete},
		{"missing source with delete refuses", failing(fs.ErrNotExist), dst(), SyncOptions{Delete: true}, nil, ErrUnsafeDelete},
		{"empty source with delete and force", entries(), dst(), SyncOptions{Delete: true, Force: true},
			[]string{"delete b", "delete c", "delete d", "delete e", "delete f"}, nil},
		{"empty source without delete does nothing", entries(), dst(), SyncOptions{}, nil, nil},
		{"unordered source is an error", entries(ent("b", 1, 0), ent("a", 1, 0)), entries(), SyncOptions{}, []string{"copy b"}, errOrder},
		{"source error stops before deleting", func(yield func(Entry, error) bool) {
			_ = yield(ent("a", 1, 0), nil) && yield(Entry{}, errInjected)
		}, dst(), SyncOptions{Delete: true}, []string{"copy a"}, errInjected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var gotErr error
			for s, err := range PlanSync(context.Background(), tc.src, tc.dst, tc.opts) {
				if err != nil {
					gotErr = err
					break
				}
				got = append(got, s.Action.String()+" "+s.Key)
			}
			switch {
			case tc.wantErr == errOrder:
				if gotErr == nil || !strings.Contains(gotErr.Error(), "out of order") {
					t.Errorf("err = %v, want out of order", gotErr)
				}
			case !errors.Is(gotErr, tc.wantErr):
				t.Errorf("err = %v, want %v", gotErr, tc.wantErr)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("steps %q, want %q", got, tc.want)
			}
		})
	}
}

var errOrder = errors.New("order")

func TestCompareChecksum(t *testing.T) {
	dir := t.TempDir()
	data := []byte(strings.Repeat("0123456789", 300)) // 3000 bytes: 3 parts of 1 KiB
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	single, err := LocalETag(p, testPart, 0)
	if err != nil {
		t.Fatal(err)
	}
	multi, err := LocalETag(p, testPart, 3)
	if err != nil {
		t.Fatal(err)
	}
	cmp := CompareChecksum(testPart)
	cases := []struct {
		name   string
		etag   string
		differ bool
	}{
		{"same single-part md5", single, false},
		{"same multipart etag", multi, false},
		{"other content", "00000000000000000000000000000000", true},
		{"other part count", strings.Split(multi, "-")[0] + "-2", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			local := Entry{Key: "f", Size: 3000, Path: p}
			remote := Entry{Key: "f", Size: 3000, ETag: tc.etag}
			for _, dir := range [][2]Entry{{local, remote}, {remote, local}} {
				differ, _, err := cmp(context.Background(), dir[0], dir[1])
				if err != nil || differ != tc.differ {
					t.Errorf("differ = %v (err %v), want %v", differ, err, tc.differ)
				}
			}
		})
	}
}
