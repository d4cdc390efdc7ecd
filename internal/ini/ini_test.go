package ini

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// flat renders a File as botocore's raw_config_parse dict: section →
// key → string or nested map.
func flat(f *File) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, s := range f.Sections {
		m := map[string]any{}
		for k, v := range s.Values {
			if v.Nested != nil {
				n := map[string]any{}
				for nk, nv := range v.Nested {
					n[nk] = nv
				}
				m[k] = n
			} else {
				m[k] = v.Raw
			}
		}
		out[s.Name] = m
	}
	return out
}

type sec = map[string]any

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]map[string]any
		wantErr bool
	}{
		{name: "basic", in: "[default]\naws_access_key_id = AKID\naws_secret_access_key=SECRET\n",
			want: map[string]map[string]any{"default": {"aws_access_key_id": "AKID", "aws_secret_access_key": "SECRET"}}},
		{name: "comment lines, indented too", in: "# c\n[a]\n  ; c2\nk = v\n\t# c3\n",
			want: map[string]map[string]any{"a": {"k": "v"}}},
		{name: "no inline comments", in: "[a]\nk = AKID # note\nj = x ; y\n",
			want: map[string]map[string]any{"a": {"k": "AKID # note", "j": "x ; y"}}},
		{name: "header keeps inner blanks, ignores trailing text", in: "[ default ]\nk=1\n[b] # x\nk=2\n",
			want: map[string]map[string]any{" default ": {"k": "1"}, "b": {"k": "2"}}},
		{name: "header runs to the last bracket", in: "[a]b]\nk=1\n",
			want: map[string]map[string]any{"a]b": {"k": "1"}}},
		{name: "colon delimiter, first delimiter wins", in: "[a]\nk: v=w\nj = x:y\n",
			want: map[string]map[string]any{"a": {"k": "v=w", "j": "x:y"}}},
		{name: "keys lower-cased, values verbatim", in: "[a]\nAWS_Access_Key_ID = \"AKID\"\np = 100%\ne =\n",
			want: map[string]map[string]any{"a": {"aws_access_key_id": "\"AKID\"", "p": "100%", "e": ""}}},
		{name: "continuation lines", in: "[a]\nk = first\n  second\n\n   third\nj = x\n",
			want: map[string]map[string]any{"a": {"k": "first\nsecond\n\nthird", "j": "x"}}},
		{name: "nested block keeps key case", in: "[a]\ns3 =\n  Addressing_Style = path\n\n  # dropped\n\tmax_concurrent_requests=20\n",
			want: map[string]map[string]any{"a": {"s3": sec{"Addressing_Style": "path", "max_concurrent_requests": "20"}}}},
		{name: "value then indented lines stays a string", in: "[a]\ns3 = foo\n  x = y\n",
			want: map[string]map[string]any{"a": {"s3": "foo\nx = y"}}},
		{name: "DEFAULT is inherited and not listed", in: "[DEFAULT]\nregion = r1\n[a]\nk=1\n[b]\nregion = r2\n",
			want: map[string]map[string]any{"a": {"k": "1", "region": "r1"}, "b": {"region": "r2"}}},
		{name: "CRLF and CR line endings", in: "[a]\r\nk = v\r\rj = w\r",
			want: map[string]map[string]any{"a": {"k": "v", "j": "w"}}},
		{name: "indented header right after a key is a continuation", in: "[a]\nk = v\n  [b]\nj = 1\n",
			want: map[string]map[string]any{"a": {"k": "v\n[b]", "j": "1"}}},
		{name: "information separators are blanks", in: "[a]\n\x1ck = v\x1f\n",
			want: map[string]map[string]any{"a": {"k": "v"}}},
		{name: "empty file", in: "", want: map[string]map[string]any{}},
		{name: "nested line without equals", in: "[a]\ns3 =\n  novalue\n", wantErr: true},
		{name: "line without delimiter", in: "[a]\njunk\n", wantErr: true},
		{name: "key before the first header", in: "k = v\n[a]\n", wantErr: true},
		{name: "duplicate section", in: "[a]\n[b]\n[a]\n", wantErr: true},
		{name: "duplicate key", in: "[a]\nk = 1\nK = 2\n", wantErr: true},
		{name: "empty key", in: "[a]\n= v\n", wantErr: true},
		{name: "byte-order mark is not stripped", in: "\ufeff[default]\nk = v\n", wantErr: true},
		{name: "invalid UTF-8", in: "[a]\nk = \xff\n", wantErr: true},
		{name: "empty header is not a header", in: "[]\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.in))
			if tc.wantErr {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("Parse(%q) = %v, want a *ParseError", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := flat(f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%q)\n got %#v\nwant %#v", tc.in, got, tc.want)
			}
		})
	}
}

func TestSectionOrderAndLookup(t *testing.T) {
	f, err := Parse([]byte("[z]\n[a]\nk=v\n[m]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range f.Sections {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "z,a,m" {
		t.Errorf("section order %s, want z,a,m", got)
	}
	s, ok := f.Section("a")
	if !ok {
		t.Fatal("section a not found")
	}
	if v, ok := s.Get("k"); !ok || v != "v" {
		t.Errorf("a.k = %q, %v", v, ok)
	}
	if _, ok := f.Section("A"); ok {
		t.Error("section lookup must be case-sensitive")
	}
}

// seedCorpus is shared by the botocore comparison and the fuzz target.
var seedCorpus = []string{
	"[default]\naws_access_key_id = AKID\naws_secret_access_key = S\n",
	"[profile dev]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n",
	"[a]\nk = v # not a comment\n",
	"[ spaced ]\nk: v\n",
	"[a]\nk = 1\n  2\n\n  3\n",
	"[a]\ns3 =\n  x\n",
	"[a]\ns3 =\n\n  x = 1\n  Y = 2\n",
	"[DEFAULT]\nr = 1\n[a]\n[b]\nr = 2\n",
	"[DEFAULT]\ns3 =\n  bad\n",
	"[DEFAULT]\ns3 =\n  bad\n[a]\n",
	"[a]\n[a]\n",
	"[DEFAULT]\n[DEFAULT]\n",
	"[DEFAULT]\nk=1\n[DEFAULT]\nk=2\n",
	"[a]\nk=1\nk=2\n",
	"k=1\n",
	"\ufeff[a]\n",
	"[a]\r\nk=v\r\n",
	"[a]\rk=v\r",
	"[a]\n= v\n",
	"[a]\n : v\n",
	"[a]\nnovalue\n",
	"[a]\nk = v\n  [b]\n",
	"[a]\nk = v\n  novalue\n",
	"[]\n",
	"[]]\nk=v\n",
	"[a] trailing\nk=v\n",
	"  [a]\n  k = v\n  j = w\n",
	"[a]\n  k = v\nj = w\n  x\n",
	"[a]\nk =\n  a=b\n# c\n  c=d\n",
	"[a]\nk =\n  a=b\x0bc=d\n",
	"[a]\nk = v\x85\n",
	"[a]\nK\u0130 = 1\n",
	"[a]\nk=\x00\n",
	"# only comment\n",
	"\n\n",
	"[a]\n\t\n\tk = v\n",
	"[a]\nk = v\n\t\n\tw\n",
	"[profile \"a b\"]\nk=v\n",
	"[a]\n\x1c\x1dk=v\n",
	"[a]\nk=v\n[b]\nk=v\n[c]\n;k\n",
}

// randomInputs builds n INI-like inputs from a fixed seed, mixing the
// grammar's tricky pieces (headers, delimiters, indentation, comments,
// blank lines, odd whitespace) so they reach every branch of the reader.
func randomInputs(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"[a]", "[b]", "[DEFAULT]", "[ a ]", "[]", "[a]x]", "k", "K", "s3", "=", ":", " = ", "v",
		"\n", "\n  ", "\n\t", "\r\n", "\r", "#", ";", " ", "\t", "\x1c", "\u00a0", "\u0085", "\v", "\f", "x=y", "\ufeff", "é"}
	var out []string
	for i := 0; i < n; i++ {
		var b strings.Builder
		if r.IntN(4) > 0 {
			b.WriteString("[a]\n")
		}
		for j := r.IntN(14); j >= 0; j-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		out = append(out, b.String())
	}
	return out
}

// TestParseMatchesBotocore runs the seed corpus and 400 generated inputs
// through botocore's own raw_config_parse and requires the same acceptance
// and the same values.
func TestParseMatchesBotocore(t *testing.T) {
	corpus := append(append([]string{}, seedCorpus...), randomInputs(400)...)
	var enc []string
	for _, s := range corpus {
		enc = append(enc, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	out := runBotocore(t, "testdata/botocore_parse.py", enc)
	var results []struct {
		OK       bool                      `json:"ok"`
		Sections map[string]map[string]any `json:"sections"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != len(corpus) {
		t.Fatalf("%d results for %d inputs", len(results), len(corpus))
	}
	for i, in := range corpus {
		f, err := Parse([]byte(in))
		py := results[i]
		switch {
		case py.OK && err != nil:
			t.Errorf("%q: botocore accepts, we reject: %v", in, err)
		case !py.OK && err == nil:
			t.Errorf("%q: botocore rejects, we accept", in)
		case py.OK:
			got, _ := json.Marshal(flat(f))
			want, _ := json.Marshal(py.Sections)
			var g, w any
			_ = json.Unmarshal(got, &g)
			_ = json.Unmarshal(want, &w)
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%q:\n got %s\nwant %s", in, got, want)
			}
		}
	}
}

// FuzzParse checks that Parse never panics and that what it accepts obeys
// the grammar's invariants (botocore acceptance itself is compared on the
// seed corpus by TestParseMatchesBotocore).
func FuzzParse(f *testing.F) {
	for _, s := range seedCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			return
		}
		if !utfValid(data) {
			t.Fatalf("accepted invalid UTF-8 %q", data)
		}
		if bytes.HasPrefix(data, []byte("\ufeff")) {
			t.Fatalf("accepted a leading byte-order mark")
		}
		seen := map[string]bool{}
		for _, s := range file.Sections {
			if s.Name == "" || s.Name == defaultSection || seen[s.Name] {
				t.Fatalf("bad or duplicate section name %q", s.Name)
			}
			seen[s.Name] = true
			for k, v := range s.Values {
				if strings.ContainsAny(k, "=:\n") || k != lower(k) {
					t.Fatalf("key %q is not a lower-cased key without delimiters", k)
				}
				if v.Raw != strings.TrimRightFunc(v.Raw, isSpace) {
					t.Fatalf("value %q has trailing blanks", v.Raw)
				}
				if strings.HasPrefix(v.Raw, "\n") != (v.Nested != nil) {
					t.Fatalf("value %q: nested=%v", v.Raw, v.Nested != nil)
				}
			}
		}
	})
}

func utfValid(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }
