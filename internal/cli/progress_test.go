package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3test"
)

func TestProgressOnlyOnTerminal(t *testing.T) {
	srv := s3test.NewServer(t)
	vars := map[string]string{}
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	home := t.TempDir()
	vars["AWS_CONFIG_FILE"] = filepath.Join(home, "config")
	vars["AWS_SHARED_CREDENTIALS_FILE"] = filepath.Join(home, "credentials")
	src := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(src, bytes.Repeat([]byte("x"), 3<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(terminal bool, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errb, Home: home, IsTerminal: terminal,
			LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }}
		code := Main(context.Background(), args, env)
		return out.String(), errb.String(), code
	}
	if _, e, code := run(false, "mb", "s3://progress"); code != 0 {
		t.Fatalf("mb: %d %s", code, e)
	}
	cases := []struct {
		name     string
		terminal bool
		extra    []string
		wantBar  bool
	}{
		{"terminal", true, nil, true},
		{"terminal with --no-progress", true, []string{"--no-progress"}, false},
		{"pipe", false, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(tc.terminal, append([]string{"cp", src, "s3://progress/f"}, tc.extra...)...)
			if code != 0 {
				t.Fatalf("cp: exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, "upload: ") {
				t.Errorf("no result line: %q", out)
			}
			hasBar := strings.Contains(errOut, "/1 files") && strings.Contains(errOut, "%")
			if hasBar != tc.wantBar {
				t.Errorf("progress shown = %v, want %v; stderr %q", hasBar, tc.wantBar, errOut)
			}
		})
	}
}
