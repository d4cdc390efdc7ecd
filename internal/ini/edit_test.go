package ini

import (
	"reflect"
	"strings"
	"testing"
)

// TestEditBytesKeepsEverythingElse checks the bytes an edit writes, and
// that Parse reads the edited section's new values back from them.
func TestEditBytesKeepsEverythingElse(t *testing.T) {
	credEdit := Edit{
		Match:  func(h string) bool { return h == "dev" },
		Header: "dev",
		Set:    []Option{{"aws_access_key_id", "AKIANEW"}, {"aws_secret_access_key", "SECRETNEW"}},
		Remove: []string{"aws_session_token"},
	}
	keyOnly := Edit{Match: credEdit.Match, Header: "dev", Set: []Option{{"aws_access_key_id", "AKIANEW"}}}
	tests := []struct {
		name, in, want string
		edit           *Edit // credEdit when nil
	}{
		{
			name: "empty file gets the section",
			in:   "",
			want: "[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "appended after other profiles with a blank line, comments kept",
			in:   "# my keys\n[default]\naws_access_key_id=AKIAOLD ; not a comment\n",
			want: "# my keys\n[default]\naws_access_key_id=AKIAOLD ; not a comment\n\n[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "missing final newline is added before appending",
			in:   "[default]\nx=1",
			want: "[default]\nx=1\n\n[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "existing values replaced in place, token removed, other options and comments kept",
			in: "[default]\na=1\n\n[dev]\n# keep me\nAWS_Access_Key_ID: AKIAOLD\nregion = eu-west-1\naws_session_token = tok\n" +
				"aws_secret_access_key = OLD\n\n[prod]\naws_access_key_id = AKIAPROD\n",
			want: "[default]\na=1\n\n[dev]\n# keep me\naws_access_key_id = AKIANEW\nregion = eu-west-1\n" +
				"aws_secret_access_key = SECRETNEW\n\n[prod]\naws_access_key_id = AKIAPROD\n",
		},
		{
			name: "missing option inserted after the section's last option, before blank lines",
			in:   "[dev]\naws_access_key_id = AKIAOLD\noutput = json\n\n# next\n[other]\n",
			want: "[dev]\naws_access_key_id = AKIANEW\noutput = json\naws_secret_access_key = SECRETNEW\n\n# next\n[other]\n",
		},
		{
			name: "continuation lines of a replaced value are dropped, others kept",
			in:   "[dev]\naws_session_token =\n  part1\n  part2\ns3 =\n  addressing_style = path\n",
			want: "[dev]\ns3 =\n  addressing_style = path\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "a nested block replaces the old one with its continuation lines",
			in:   "[dev]\ns3 =\n  endpoint_url = http://old\n  addressing_style = path\nx = 1\n",
			want: "[dev]\ns3 =\n  endpoint_url = http://new\nx = 1\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
			edit: &Edit{
				Match: func(h string) bool { return h == "dev" }, Header: "dev",
				Set: []Option{{"s3", "\n  endpoint_url = http://new"}, {"aws_access_key_id", "AKIANEW"}, {"aws_secret_access_key", "SECRETNEW"}},
			},
		},
		{
			name: "CRLF files stay CRLF",
			in:   "[other]\r\nx = 1\r\n",
			want: "[other]\r\nx = 1\r\n\r\n[dev]\r\naws_access_key_id = AKIANEW\r\naws_secret_access_key = SECRETNEW\r\n",
		},
		{
			name: "a similar name is another profile",
			in:   "[dev2]\naws_access_key_id = A\n[ dev ]\naws_access_key_id = B\n",
			want: "[dev2]\naws_access_key_id = A\n[ dev ]\naws_access_key_id = B\n\n[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		// Lines the editor once read differently from configparser: a
		// lone \r ends a line; a value continues on lines indented by any
		// blank Python counts (here a form feed); a written line keeps the
		// indentation of the one it replaces or follows, so that no
		// neighbour becomes a continuation of it.
		{
			name: "old Mac line endings",
			in:   "[default]\raws_access_key_id = A\r[dev]\raws_access_key_id = AKIAOLD\r",
			want: "[default]\raws_access_key_id = A\r[dev]\raws_access_key_id = AKIANEW\r",
			edit: &keyOnly,
		},
		{
			name: "continuation indented with a form feed",
			in:   "[dev]\naws_access_key_id =\n\fAKIAOLD\nx = 1\n",
			want: "[dev]\naws_access_key_id = AKIANEW\nx = 1\n",
			edit: &keyOnly,
		},
		{
			name: "an indented option keeps its indentation, so the next is no continuation",
			in:   "[dev]\n  aws_access_key_id = AKIAOLD\n  region = x\n",
			want: "[dev]\n  aws_access_key_id = AKIANEW\n  region = x\n",
			edit: &keyOnly,
		},
		{
			name: "an option added before an indented header does not swallow it",
			in:   "[dev]\n  [other]\nk = v\n",
			want: "[dev]\n  aws_access_key_id = AKIANEW\n  [other]\nk = v\n",
			edit: &keyOnly,
		},
		{
			name: "a header indented inside a value is part of the value",
			in:   "[other]\nk = v\n  [dev]\n",
			want: "[other]\nk = v\n  [dev]\n\n[dev]\naws_access_key_id = AKIANEW\n",
			edit: &keyOnly,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := credEdit
			if tc.edit != nil {
				e = *tc.edit
			}
			got := string(EditBytes([]byte(tc.in), e))
			if got != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tc.want)
			}
			f, err := Parse([]byte(got))
			if err != nil {
				t.Fatalf("the edited file does not parse: %v", err)
			}
			sec, _ := f.Section("dev")
			for _, o := range e.Set {
				v, ok := sec.Values[o.Key]
				if ok && strings.HasPrefix(o.Value, "\n") {
					ok = reflect.DeepEqual(v.Nested, mustNested(t, o.Value))
				} else {
					ok = ok && v.Raw == o.Value
				}
				if !ok {
					t.Errorf("Parse reads %s = %q from the edited file, want %q", o.Key, v.Raw, o.Value)
				}
			}
		})
	}
}

func mustNested(t *testing.T, block string) map[string]string {
	t.Helper()
	m, err := ParseNested(block)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEditBytesThenParse edits every seed-corpus file botocore accepts and
// requires the result to parse, to hold the set values, and to keep every
// other section's values.
func TestEditBytesThenParse(t *testing.T) {
	e := Edit{
		Match:  func(h string) bool { return h == "a" },
		Header: "a",
		Set:    []Option{{"k", "new"}, {"s3", "\n  endpoint_url = http://x"}},
		Remove: []string{"j"},
	}
	for _, in := range append(append([]string{}, seedCorpus...), randomInputs(300)...) {
		before, err := Parse([]byte(in))
		if err != nil || strings.Contains(in, "[DEFAULT]") {
			// [DEFAULT]'s keys are inherited by the section the edit may
			// add, which can make a file with an unused, broken DEFAULT
			// value unreadable; botocore reads it the same way.
			continue
		}
		out := EditBytes([]byte(in), e)
		after, err := Parse(out)
		if err != nil {
			t.Errorf("%q edited to %q: %v", in, out, err)
			continue
		}
		s, _ := after.Section("a")
		if v, _ := s.Get("k"); v != "new" {
			t.Errorf("%q edited to %q: k = %q", in, out, v)
		}
		if s.Values["s3"].Nested["endpoint_url"] != "http://x" {
			t.Errorf("%q edited to %q: s3 = %q", in, out, s.Values["s3"].Raw)
		}
		if _, ok := s.Values["j"]; ok {
			t.Errorf("%q edited to %q: j kept", in, out)
		}
		for _, bs := range before.Sections {
			if bs.Name == "a" {
				continue
			}
			as, ok := after.Section(bs.Name)
			if !ok || !reflect.DeepEqual(as.Values, bs.Values) {
				t.Errorf("%q edited to %q: section %q changed", in, out, bs.Name)
			}
		}
	}
}
