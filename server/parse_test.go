package server

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/s3kit/s3kit/storage"
)

// FuzzParseRange checks that any Range header either is ignored, is
// refused, or names bytes inside the object.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-4", "bytes=-3", "bytes=7-", "bytes=5-3", "bytes=-0", "bytes=0-1,3-4", "bytes=99999999999999999999-"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, spec string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 {
			return
		}
		br, err := parseRange(spec, size)
		if err != nil || br == nil {
			return
		}
		if br.off < 0 || br.n <= 0 || br.off+br.n > size {
			t.Fatalf("parseRange(%q, %d) = %+v", spec, size, *br)
		}
	})
}

// FuzzParsePath checks that bucket and key always come back from the raw
// path unchanged, whatever bytes the key holds.
func FuzzParsePath(f *testing.F) {
	for _, k := range []string{"a//b", "../x", "ü/ß", "%2F", "a?b", ""} {
		f.Add("bkt", k)
	}
	s := New(Config{Backend: nil, Keys: NewStaticKeys()})
	f.Fuzz(func(t *testing.T, bucket, key string) {
		if checkBucketName(bucket) != nil {
			return
		}
		u := &url.URL{Scheme: "http", Host: "h", Path: "/" + bucket + "/" + key}
		r, err := http.NewRequest("GET", u.String(), nil)
		if err != nil {
			return
		}
		rq := &request{r: r}
		if err := s.parsePath(rq); err != nil {
			t.Fatalf("parsePath(%q): %v", u.String(), err)
		}
		if rq.bucket != bucket || rq.key != key {
			t.Fatalf("got %q %q, want %q %q", rq.bucket, rq.key, bucket, key)
		}
	})
}

func TestPartRange(t *testing.T) {
	info := storage.ObjectInfo{Size: 12, PartSizes: []int64{5, 5, 2}}
	tests := []struct {
		pn      string
		off, n  int64
		wantErr bool
	}{
		{"1", 0, 5, false}, {"2", 5, 5, false}, {"3", 10, 2, false},
		{"4", 0, 0, true}, {"0", 0, 0, true}, {"x", 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.pn, func(t *testing.T) {
			br, err := partRange(tc.pn, info)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil || br.off != tc.off || br.n != tc.n {
				t.Fatalf("got %+v, %v", br, err)
			}
		})
	}
}

func TestKeyStringMasksSecret(t *testing.T) {
	k := Key{AccessKeyID: "AKID", Secret: "supersecretvalue1234"}
	if s := k.String(); s != "{AKID secret:****************1234 read-only:false buckets:[]}" {
		t.Errorf("String() = %q", s)
	}
}

func TestCapReader(t *testing.T) {
	c := &capReader{r: strings.NewReader("0123456789"), left: 4}
	_, err := io.ReadAll(c)
	var e *Error
	if !errors.As(err, &e) || e.Code != "EntityTooLarge" {
		t.Fatalf("err %v, want EntityTooLarge", err)
	}
	c = &capReader{r: strings.NewReader("0123"), left: 4}
	if b, err := io.ReadAll(c); err != nil || string(b) != "0123" {
		t.Fatalf("at the limit: %q %v", b, err)
	}
}

// TestTagCharsIsS3Class checks the hand-written tag character check
// against the character class S3 documents, as a regexp, for every code
// point and for invalid UTF-8.
func TestTagCharsIsS3Class(t *testing.T) {
	re := regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		s := "a" + string(r) + "1"
		if got, want := tagChars(s), re.MatchString(s); got != want {
			t.Fatalf("tagChars(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"", "caf\xe9", "\xff", "ok key", "a\nb", "emoji😀", "x@y.z/+=:_-"} {
		if got, want := tagChars(s), re.MatchString(s); got != want {
			t.Errorf("tagChars(%q) = %v, want %v", s, got, want)
		}
	}
}
