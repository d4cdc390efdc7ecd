package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// runCLI runs the s3kit command line in-process and returns its exit code,
// stdout and stderr.
func runCLI(t *testing.T, env Env, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env.Stdout, env.Stderr = &out, &errb
	code := Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

// testEnv is an Env with an empty home and environment and a fixed clock
// that starts at 02:00:00 and moves one minute forward each time it is read.
func testEnv(t *testing.T) Env {
	var mu sync.Mutex
	next := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	return Env{
		Home:      t.TempDir(),
		LookupEnv: mapLookup(nil),
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now := next
			next = next.Add(time.Minute)
			return now
		},
	}
}

func TestKeysCreateListDelete(t *testing.T) {
	env := testEnv(t)
	dir := t.TempDir()

	code, out, errs := runCLI(t, env, "keys", "create", "--data", dir, "--name", "ci", "--read-only", "--bucket", "logs", "--bucket", "data", "--json")
	if code != ExitOK {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	var created keyJSON
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("create --json output %q: %v", out, err)
	}
	if !idPatternCLI(created.AccessKeyID) || len(created.SecretAccessKey) != 40 {
		t.Errorf("created key id %q, secret length %d", created.AccessKeyID, len(created.SecretAccessKey))
	}
	if created.Name != "ci" || !created.ReadOnly || strings.Join(created.Buckets, ",") != "data,logs" || created.Created != "2026-11-27T02:00:00Z" {
		t.Errorf("created = %+v", created)
	}

	code, out, _ = runCLI(t, env, "keys", "create", "--data", dir)
	if code != ExitOK {
		t.Fatalf("second create: exit %d", code)
	}
	if !strings.Contains(out, "Secret access key: ") || !strings.Contains(out, "read-write, all buckets") {
		t.Errorf("human create output lacks the secret or permissions:\n%s", out)
	}

	code, out, _ = runCLI(t, env, "keys", "list", "--data", dir, "--json")
	if code != ExitOK {
		t.Fatalf("list: exit %d", code)
	}
	if strings.Contains(out, created.SecretAccessKey) || strings.Contains(out, "secret") {
		t.Errorf("list --json shows a secret:\n%s", out)
	}
	var listed []keyJSON
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed) != 2 {
		t.Fatalf("list --json = %q (%v), want 2 keys", out, err)
	}
	if listed[0].AccessKeyID != created.AccessKeyID {
		t.Errorf("list[0] = %s, want the first key %s", listed[0].AccessKeyID, created.AccessKeyID)
	}

	_, out, _ = runCLI(t, env, "keys", "list", "--data", dir)
	if !strings.Contains(out, created.AccessKeyID) || !strings.Contains(out, "read-only, buckets data, logs") || strings.Contains(out, created.SecretAccessKey) {
		t.Errorf("list table:\n%s", out)
	}

	if code, _, errs := runCLI(t, env, "keys", "delete", "--data", dir, created.AccessKeyID); code != ExitOK {
		t.Fatalf("delete: exit %d: %s", code, errs)
	}
	_, out, _ = runCLI(t, env, "keys", "list", "--data", dir, "--json")
	if strings.Contains(out, created.AccessKeyID) {
		t.Errorf("deleted key still listed:\n%s", out)
	}
}

func idPatternCLI(id string) bool {
	if len(id) != 20 || !strings.HasPrefix(id, "AKIA") {
		return false
	}
	return strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == ""
}

func TestKeysExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no subcommand", []string{"keys"}, ExitUsage, "missing subcommand"},
		{"delete without id", []string{"keys", "delete", "--data", dir}, ExitUsage, "accepts 1 arg"},
		{"unknown flag", []string{"keys", "create", "--data", dir, "--nope"}, ExitUsage, "unknown flag"},
		{"delete unknown key", []string{"keys", "delete", "--data", dir, "AKIAAAAAAAAAAAAAAAAA"}, ExitFailed, "access key not found"},
		{"empty list", []string{"keys", "list", "--data", dir}, ExitOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, testEnv(t), tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.err) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errs, tc.code, tc.err)
			}
		})
	}
}

func TestKeysDefaultDataDir(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		home string
		want string
	}{
		{"S3KIT_DATA wins", map[string]string{"S3KIT_DATA": "/d", "XDG_DATA_HOME": "/x"}, "/h", "/d"},
		{"XDG_DATA_HOME next", map[string]string{"XDG_DATA_HOME": "/x"}, "/h", "/x/s3kit"},
		{"home last", nil, "/h", "/h/.local/share/s3kit"},
		{"empty S3KIT_DATA is unset", map[string]string{"S3KIT_DATA": ""}, "/h", "/h/.local/share/s3kit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := defaultDataDir(Env{Home: tc.home, LookupEnv: mapLookup(tc.vars)})
			if err != nil || got != tc.want {
				t.Errorf("defaultDataDir = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := defaultDataDir(Env{LookupEnv: mapLookup(nil)}); err == nil {
		t.Error("no home and no variables: want an error asking for --data")
	}
}

func TestKeysUseDefaultDataDir(t *testing.T) {
	env := testEnv(t)
	data := t.TempDir()
	env.LookupEnv = mapLookup(map[string]string{"S3KIT_DATA": data})
	if code, _, errs := runCLI(t, env, "keys", "create"); code != ExitOK {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	_, out, _ := runCLI(t, env, "keys", "list", "--data", data, "--json")
	var listed []keyJSON
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed) != 1 {
		t.Errorf("key not created under $S3KIT_DATA: %s", out)
	}
}

func TestKeysListOfAMissingDataDirCreatesNothing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	for _, sub := range []string{"list", "delete"} {
		args := []string{"keys", sub, "--data", missing}
		if sub == "delete" {
			args = append(args, "AKIAAAAAAAAAAAAAAAAA")
		}
		code, _, errs := runCLI(t, testEnv(t), args...)
		if code != ExitFailed || !strings.Contains(errs, "data directory "+missing+" does not exist") {
			t.Errorf("keys %s: exit %d, stderr %q", sub, code, errs)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("keys %s created %s", sub, missing)
		}
	}
}

func TestKeysCreateValidatesBucketNames(t *testing.T) {
	for _, name := range []string{"My_Bucket", "ab", "bad..name", "192.168.1.1", "-dash", "xn--punycode"} {
		dir := t.TempDir()
		code, out, errs := runCLI(t, testEnv(t), "keys", "create", "--data", dir, "--bucket", "good-bucket", "--bucket", name)
		if code != ExitUsage || !strings.Contains(errs, "invalid bucket name") || strings.Contains(out, "Secret") {
			t.Errorf("--bucket %q: exit %d, stdout %q, stderr %q", name, code, out, errs)
		}
		if _, err := os.Stat(filepath.Join(dir, "keys.json")); err == nil {
			t.Errorf("--bucket %q: a key was stored", name)
		}
	}
	code, _, errs := runCLI(t, testEnv(t), "keys", "create", "--data", t.TempDir(), "--bucket", "my.bucket-1")
	if code != ExitOK {
		t.Errorf("a valid bucket name: exit %d %s", code, errs)
	}
}
