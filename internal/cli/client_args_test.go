package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFiltersFollowAWSCLIRules(t *testing.T) {
	type rule struct {
		include bool
		pattern string
	}
	cases := []struct {
		name  string
		rules []rule
		in    []string
		out   []string
	}{
		{"no rules include everything", nil, []string{"a", "d/b.txt"}, nil},
		{"exclude star matches across slashes", []rule{{false, "*.txt"}}, []string{"a.log"}, []string{"a.txt", "d/e/b.txt"}},
		{"later include wins", []rule{{false, "*"}, {true, "*.txt"}}, []string{"x.txt", "d/y.txt"}, []string{"x.log"}},
		{"later exclude wins", []rule{{true, "*.txt"}, {false, "d/*"}}, []string{"x.txt", "e/d/x"}, []string{"d/x.txt"}},
		{"question mark and classes", []rule{{false, "f?.[ch]"}, {false, "g[!0-9]"}}, []string{"f10.c", "fa.o", "g1"}, []string{"fa.c", "f1.h", "gx"}},
		{"regexp metacharacters are literal", []rule{{false, "a+b(1).txt"}}, []string{"aab(1).txt"}, []string{"a+b(1).txt"}},
		{"unclosed bracket is literal", []rule{{false, "[abc"}}, []string{"a"}, []string{"[abc"}},
		{"non-ascii names", []rule{{false, "é*"}}, []string{"e"}, []string{"été.txt"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f filters
			for _, r := range tc.rules {
				if err := (filterFlag{f: &f, include: r.include}).Set(r.pattern); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range tc.in {
				if !f.match(p) {
					t.Errorf("%q excluded, want included", p)
				}
			}
			for _, p := range tc.out {
				if f.match(p) {
					t.Errorf("%q included, want excluded", p)
				}
			}
		})
	}
}

func TestParseLocation(t *testing.T) {
	cases := []struct {
		arg     string
		want    location
		wantErr bool
	}{
		{"s3://b/k/x", location{s3: true, bucket: "b", key: "k/x"}, false},
		{"s3://b", location{s3: true, bucket: "b"}, false},
		{"s3://b/", location{s3: true, bucket: "b"}, false},
		{"s3://b/a//b", location{s3: true, bucket: "b", key: "a//b"}, false},
		{"./local", location{path: "./local"}, false},
		{"-", location{path: "-"}, false},
		{"s3://", location{}, true},
		{"s3:///k", location{}, true},
		{"", location{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.arg, func(t *testing.T) {
			got, err := parseLocation(tc.arg)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseLocation(%q) = %+v, %v", tc.arg, got, err)
			}
		})
	}
}

func TestSingleJobTargets(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		src, dst string
		want     string
	}{
		{"upload to bucket root", file, "s3://b", "s3://b/f.txt"},
		{"upload to prefix with slash", file, "s3://b/p/", "s3://b/p/f.txt"},
		{"upload to key", file, "s3://b/k", "s3://b/k"},
		{"download to directory", "s3://b/p/o.bin", dir, filepath.Join(dir, "o.bin")},
		{"download to file", "s3://b/p/o.bin", filepath.Join(dir, "n"), filepath.Join(dir, "n")},
		{"copy to prefix", "s3://b/p/o.bin", "s3://c/q/", "s3://c/q/o.bin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src, _ := parseLocation(tc.src)
			dst, _ := parseLocation(tc.dst)
			j, err := singleJob(opFor(src, dst), src, dst)
			if err != nil {
				t.Fatal(err)
			}
			if got := j.dst.String(); got != tc.want {
				t.Errorf("target %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckInsideRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	mk := func(f func() error) {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	mk(func() error { return os.Mkdir(filepath.Join(root, "dir"), 0o755) })
	mk(func() error { return os.Symlink(outside, filepath.Join(root, "out")) })
	mk(func() error { return os.Symlink("dir", filepath.Join(root, "in")) })
	mk(func() error { return os.Symlink(filepath.Join(outside, "missing"), filepath.Join(root, "dangling")) })
	mk(func() error { return os.Symlink(filepath.Join(outside, "f"), filepath.Join(root, "dir", "lastout")) })
	tests := []struct {
		rel    string
		last   bool
		escape bool
	}{
		{"new/file", true, false},
		{"dir/file", true, false},
		{"in/file", true, false},
		{"out/file", true, true},
		{"out/deeper/file", false, true},
		{"dangling/file", true, true},
		{"dir/lastout", true, true},
		{"dir/lastout", false, false}, // deleting a link removes only the link
	}
	for _, tc := range tests {
		err := checkInsideRoot(root, filepath.Join(root, tc.rel), tc.last)
		var se *SymlinkEscapeError
		if got := errors.As(err, &se); got != tc.escape {
			t.Errorf("checkInsideRoot(%s, last=%v) = %v; want escape %v", tc.rel, tc.last, err, tc.escape)
		}
	}
}
