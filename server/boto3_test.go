package server_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// runBoto3 runs testdata/boto3_smoke.py against srv in a clean environment.
func runBoto3(t *testing.T, srv *s3test.Server, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "python3", append([]string{"testdata/boto3_smoke.py"}, args...)...)
	home := t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"AWS_CONFIG_FILE=" + home + "/none", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/none"}, srv.Env()...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "\nOK\n") {
		t.Fatalf("boto3 did not finish:\n%s", out.String())
	}
	return out.String()
}

// TestBoto3 runs real boto3 with its default settings over HTTPS, where
// botocore sends PutObject as aws-chunked with an unsigned CRC32 trailer,
// against the durable disk backend. (One run: starting boto3 takes
// seconds on a busy machine.)
func TestBoto3(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t, s3test.WithTLS(), s3test.WithDisk())
	t.Log(runBoto3(t, srv, "--expect-trailer"))
}
