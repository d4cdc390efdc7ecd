package ini

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
)

// headers are section headers botocore's build_profile_map reads in
// different ways: extra blanks, quotes, unbalanced quotes, prefixes.
var headers = []string{
	"default", "profile dev", "profile   dev", "profile\tdev", " profile dev", "profile dev ",
	`profile "dev"`, "profile 'my dev'", `profile dev'`, `profile "dev`, "profile dev # note",
	"profile", "profile a b", "profilex dev", "dev", "Default", "profile default",
	"sso-session corp", "sso-session 'corp'", "services s3kit-dev", "services   s3kit-dev",
	"services 's3kit-dev'", `services s3kit\-dev`, "services", "sso-sessionx corp",
}

// TestConfigSectionMatchesBotocore asks botocore's own build_profile_map
// what each header names.
func TestConfigSectionMatchesBotocore(t *testing.T) {
	out := runBotocore(t, "testdata/botocore_sections.py", headers)
	var want [][]string
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(headers) {
		t.Fatalf("%d results for %d headers: %v", len(want), len(headers), err)
	}
	for i, h := range headers {
		kind, name := ConfigSection(h)
		var got []string
		if kind != "" {
			got = []string{kind, name}
		}
		if len(got) != len(want[i]) || (got != nil && (got[0] != want[i][0] || got[1] != want[i][1])) {
			t.Errorf("ConfigSection(%q) = %q, botocore reads %q", h, got, want[i])
		}
	}
}

func TestConfigHeaderReadsBack(t *testing.T) {
	for _, tc := range []struct{ kind, name, want string }{
		{KindProfile, "default", "default"},
		{KindProfile, "dev", "profile dev"},
		{KindServices, "s3kit-dev", "services s3kit-dev"},
		{KindProfile, "dev'", `profile 'dev'"'"''`},
		{KindProfile, "my dev", "profile 'my dev'"},
		{KindSSOSession, "", "sso-session ''"},
	} {
		h := ConfigHeader(tc.kind, tc.name)
		if h != tc.want {
			t.Errorf("ConfigHeader(%s, %q) = %q, want %q", tc.kind, tc.name, h, tc.want)
		}
		if k, n := ConfigSection(h); k != tc.kind || n != tc.name {
			t.Errorf("ConfigSection(%q) = %s %q, want %s %q", h, k, n, tc.kind, tc.name)
		}
	}
}

// runBotocore runs a testdata script with in as JSON on its stdin and
// returns its stdout, skipping the test where botocore is not installed.
func runBotocore(t *testing.T, script string, in any) []byte {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	if exec.Command(py, "-c", "import botocore").Run() != nil {
		t.Skip("botocore not importable")
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, script)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return out
}
