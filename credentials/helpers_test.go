package credentials

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fixedNow is the clock every test uses unless it moves time itself.
var fixedNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// world describes a throw-away environment: files under a temporary home
// ("~/" prefix) or absolute, executables, and environment variables.
type testWorld struct {
	files map[string]string
	exec  map[string]string
	env   map[string]string
}

// options materialises w and returns Options reading only from it. IMDS
// is disabled and BOTO_CONFIG points nowhere unless the test sets them.
func (tw testWorld) options(t testing.TB) Options {
	t.Helper()
	home := t.TempDir()
	write := func(name, content string, mode os.FileMode) {
		p := name
		if len(name) > 1 && name[:2] == "~/" {
			p = filepath.Join(home, name[2:])
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		// Hold syscall.ForkLock while the file is open for writing: a
		// process forked meanwhile by a parallel test would inherit the fd
		// until its exec, and running this file would then fail with
		// ETXTBSY ("text file busy").
		syscall.ForkLock.RLock()
		err := os.WriteFile(p, []byte(content), mode)
		syscall.ForkLock.RUnlock()
		if err != nil {
			t.Fatal(err)
		}
	}
	for n, c := range tw.files {
		write(n, strings.ReplaceAll(c, "{{HOME}}", home), 0o600)
	}
	for n, c := range tw.exec {
		write(n, c, 0o755)
	}
	env := map[string]string{
		"AWS_EC2_METADATA_DISABLED": "true",
		"BOTO_CONFIG":               filepath.Join(home, "no-boto"),
		"PATH":                      os.Getenv("PATH"),
	}
	for k, v := range tw.env {
		env[k] = expandHome(v, home)
	}
	for k, v := range env {
		if v == "<unset>" {
			delete(env, k)
		}
	}
	return Options{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Environ: func() []string {
			var out []string
			for k, v := range env {
				out = append(out, k+"="+v)
			}
			sort.Strings(out)
			return out
		},
		Home: home,
		Now:  func() time.Time { return fixedNow },
	}
}

// expandHome replaces a leading "~/" in test values by the home directory.
func expandHome(v, home string) string {
	if len(v) > 1 && v[:2] == "~/" {
		return filepath.Join(home, v[2:])
	}
	return v
}

// resolve loads a session and retrieves its credentials.
func resolve(t *testing.T, o Options) (Credentials, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg, err := Load(ctx, o)
	if err != nil {
		return Credentials{}, err
	}
	return cfg.Credentials.Retrieve(ctx)
}
