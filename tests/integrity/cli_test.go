package integrity

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bin is the s3kit binary built by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "s3kit-integrity-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "s3kit")
	_, file, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-o", bin, "./cmd/s3kit")
	build.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build s3kit:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCLI runs s3kit against endpoint with keys in the environment and
// AWS_CA_BUNDLE naming caFile when set.
func runCLI(t *testing.T, endpoint, caFile, id, secret string, stdin []byte, args ...string) (code int, stderr string) {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_ENDPOINT_URL=" + endpoint, "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials")}
	if caFile != "" {
		cmd.Env = append(cmd.Env, "AWS_CA_BUNDLE="+caFile)
	}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), errb.String()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return 0, errb.String()
}

// TestCLIUploads runs `s3kit cp` (a small file, a multipart file, stdin of
// both sizes) and `s3kit sync` against each backend: directly they exit 0
// and store the exact bytes; behind the byte-flipping proxy, over http and
// https (trusted through AWS_CA_BUNDLE), they exit 1 and say why.
func TestCLIUploads(t *testing.T) {
	small, big := payload(300<<10), payload(9<<20) // big: over the CLI's 8 MiB multipart threshold
	dir := t.TempDir()
	smallFile, bigFile := filepath.Join(dir, "small"), filepath.Join(dir, "big")
	syncDir := filepath.Join(dir, "tree")
	for p, b := range map[string][]byte{smallFile: small, bigFile: big, filepath.Join(syncDir, "a"): small, filepath.Join(syncDir, "sub", "b"): big} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	type check struct {
		key  string
		want []byte
	}
	cases := []struct {
		name   string
		stdin  []byte
		args   func(prefix string) []string
		checks func(prefix string) []check
	}{
		{name: "cp-file", args: func(p string) []string { return []string{"cp", smallFile, "s3://" + bucket + "/" + p + "small"} },
			checks: func(p string) []check { return []check{{p + "small", small}} }},
		{name: "cp-multipart", args: func(p string) []string { return []string{"cp", bigFile, "s3://" + bucket + "/" + p + "big"} },
			checks: func(p string) []check { return []check{{p + "big", big}} }},
		{name: "cp-stdin", stdin: small, args: func(p string) []string { return []string{"cp", "-", "s3://" + bucket + "/" + p + "stdin"} },
			checks: func(p string) []check { return []check{{p + "stdin", small}} }},
		{name: "cp-stdin-multipart", stdin: big, args: func(p string) []string { return []string{"cp", "-", "s3://" + bucket + "/" + p + "stdin"} },
			checks: func(p string) []check { return []check{{p + "stdin", big}} }},
		{name: "sync", args: func(p string) []string { return []string{"sync", syncDir, "s3://" + bucket + "/" + p + "tree/"} },
			checks: func(p string) []check { return []check{{p + "tree/a", small}, {p + "tree/sub/b", big}} }},
	}
	for _, b := range backends(t) {
		for _, conn := range []string{"direct", "proxy-http", "proxy-https"} {
			endpoint, caFile := b.url, ""
			if conn != "direct" {
				endpoint, caFile, _ = corruptingProxy(t, b.url, conn == "proxy-https")
			}
			for _, tc := range cases {
				name := b.name + "/" + conn + "/" + tc.name
				t.Run(name, func(t *testing.T) {
					prefix := "cli/" + name + "/"
					code, stderr := runCLI(t, endpoint, caFile, b.id, b.secret, tc.stdin, append(tc.args(prefix), "--no-progress")...)
					if conn == "direct" {
						if code != 0 {
							t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
						}
						for _, c := range tc.checks(prefix) {
							got, ok := b.stored(t, c.key)
							if !ok {
								t.Fatalf("%s: nothing stored", c.key)
							}
							mustEqual(t, c.key, got, c.want)
						}
						return
					}
					if code != 1 {
						t.Fatalf("exit %d through a corrupting proxy, want 1; stderr:\n%s", code, stderr)
					}
					if !strings.Contains(stderr, "BadDigest") && !strings.Contains(stderr, "stored other bytes") &&
						!strings.Contains(stderr, "did not match") {
						t.Errorf("stderr does not say the upload was corrupted:\n%s", stderr)
					}
				})
			}
		}
	}
}
