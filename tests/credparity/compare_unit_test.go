package credparity

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func ptr(s string) *string { return &s }

// okRuns builds what a correct s3kit would print for py.
func okRuns(t *testing.T, py pyResult) sideRuns {
	t.Helper()
	show, err := json.Marshal(map[string]any{
		"access_key_id": maskPtr(py.AccessKeyID), "secret_access_key": maskPtr(py.SecretAccessKey),
		"session_token": maskPtr(py.SessionToken), "source": py.Source, "profile": py.Profile,
		"region": py.Region, "endpoint_url": py.EndpointURL, "expiration": py.Expiration,
	})
	if err != nil {
		t.Fatal(err)
	}
	export, err := json.Marshal(map[string]any{"Version": 1, "AccessKeyId": py.AccessKeyID,
		"SecretAccessKey": py.SecretAccessKey, "SessionToken": py.SessionToken})
	if err != nil {
		t.Fatal(err)
	}
	return sideRuns{show: cliResult{Stdout: string(show)}, export: cliResult{Stdout: string(export)}}
}

// TestCompareCatchesDifferences checks the harness's own comparison: a
// faithful output passes, and each kind of divergence is reported.
func TestCompareCatchesDifferences(t *testing.T) {
	py := pyResult{OK: true, AccessKeyID: ptr("AKIDEXAMPLE1"), SecretAccessKey: ptr("secretEXAMPLE"),
		SessionToken: ptr("tokenEXAMPLE"), Source: "env", Profile: ptr("default"), Region: ptr("eu-west-1"),
		EndpointURL: ptr("https://s3.eu-west-1.amazonaws.com"), DefaultEndpoint: true,
		Expiration: ptr("2030-01-02T03:04:05Z")}
	failed := pyResult{ErrorClass: "ProfileNotFound", Stage: "session"}
	tests := []struct {
		name     string
		py       pyResult
		mutate   func(*sideRuns)
		wantDiff string // "" = no difference expected
	}{
		{"faithful output matches", py, func(*sideRuns) {}, ""},
		{"null endpoint accepted for botocore's default", py, func(r *sideRuns) {
			r.show.Stdout = strings.Replace(r.show.Stdout, `"https://s3.eu-west-1.amazonaws.com"`, "null", 1)
		}, ""},
		{"other expiry format accepted", py, func(r *sideRuns) {
			r.show.Stdout = strings.Replace(r.show.Stdout, "2030-01-02T03:04:05Z", "2030-01-02T05:04:05+02:00", 1)
		}, ""},
		{"wrong source", py, func(r *sideRuns) {
			r.show.Stdout = strings.Replace(r.show.Stdout, `"env"`, `"explicit"`, 1)
		}, "source:"},
		{"unmasked key in --json", py, func(r *sideRuns) {
			r.show.Stdout = strings.Replace(r.show.Stdout, `"********PLE1"`, `"AKIDEXAMPLE1"`, 1)
		}, "access_key_id (masked)"},
		{"token missing in export", py, func(r *sideRuns) {
			r.export.Stdout = strings.Replace(r.export.Stdout, `"tokenEXAMPLE"`, "null", 1)
		}, "export SessionToken"},
		{"wrong region", py, func(r *sideRuns) {
			r.show.Stdout = strings.Replace(r.show.Stdout, `"eu-west-1"`, `"us-east-1"`, 1)
		}, "region:"},
		{"expiry off by an hour", py, func(r *sideRuns) {
			r.show.Stdout = strings.Replace(r.show.Stdout, "03:04:05Z", "04:04:05Z", 1)
		}, "expiration:"},
		{"success where botocore fails", failed, func(r *sideRuns) {
			*r = okRuns(t, py)
		}, "error_class:"},
		{"right error class", failed, func(r *sideRuns) {
			r.show = cliResult{Exit: 1, Stdout: `{"error": "x", "error_class": "ProfileNotFound"}`}
			r.export = cliResult{Exit: 1}
		}, ""},
		{"wrong exit code on failure", failed, func(r *sideRuns) {
			r.show = cliResult{Exit: 2, Stdout: `{"error": "x", "error_class": "ProfileNotFound"}`}
			r.export = cliResult{Exit: 1}
		}, "exit:"},
		{"not JSON", py, func(r *sideRuns) { r.show.Stdout = "creds: not implemented" }, "creds --json output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runs := okRuns(t, py)
			tc.mutate(&runs)
			diffs := compare(expectation{py: tc.py}, runs)
			joined := strings.Join(diffs, "\n")
			switch {
			case tc.wantDiff == "" && len(diffs) > 0:
				t.Errorf("unexpected differences:\n%s", joined)
			case tc.wantDiff != "" && !strings.Contains(joined, tc.wantDiff):
				t.Errorf("want a %q difference, got:\n%s", tc.wantDiff, joined)
			}
		})
	}
}

func TestMaskCountsCharacters(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AKIDEXAMPLE", "*******MPLE"},
		{"sécret✓", "***ret✓"},
		{"abcd", "abcd"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := mask(tc.in); got != tc.want {
			t.Errorf("mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKnownGapsFormat(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content string
		want          map[string]string
		wantErr       bool
	}{
		{"comments and blanks", "# c\n\nenv/keys reason here\n", map[string]string{"env/keys": "reason here"}, false},
		{"missing reason", "env/keys\n", nil, true},
		{"duplicate", "a r\na r\n", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := knownGaps(p)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("gap %q = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
