package clients

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCrashDuringPuts kills the server with SIGKILL while a boto3 client
// streams PUTs from 4 threads and 12 MiB multipart uploads from a fifth,
// restarts it on the same data directory, and checks that every upload that
// got its 200 is there byte for byte and that no object (acknowledged or in
// flight at the kill) is torn.
func TestCrashDuringPuts(t *testing.T) {
	t.Parallel()
	crashDuringPuts(t)
}

// TestCrashDuringEncryptedPuts is TestCrashDuringPuts into a bucket with
// SSE-S3 default encryption: every acknowledged object survives, whole
// and still encrypted.
func TestCrashDuringEncryptedPuts(t *testing.T) {
	t.Parallel()
	crashDuringPuts(t, "--sse")
}

func crashDuringPuts(t *testing.T, flags ...string) {
	bin := buildS3kit(t)
	py := findPython(t)
	data := t.TempDir()
	srv := startServer(t, bin, data, cleanEnv(t.TempDir()))
	id, secret := srv.KeyID, srv.Secret

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := filepath.Join(moduleRoot(), "tests", "clients", "scripts")
	cmd := exec.CommandContext(ctx, py.exe, append([]string{filepath.Join(script, "crash_put.py"), srv.Endpoint, id, secret, "crash"}, flags...)...)
	cmd.Env = cleanEnv(t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	// Kill the server once enough PUTs — one of them multipart — were
	// acknowledged, with more in flight (small ones and the next multipart
	// upload); keep collecting acknowledgements until the client gives up.
	const killAfter, killAnyway = 40, 400
	var acked, stopped []string
	killed := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if key, ok := strings.CutPrefix(line, "ACK "); ok {
			acked = append(acked, key)
		}
		if rest, ok := strings.CutPrefix(line, "STOP "); ok {
			stopped = append(stopped, rest)
		}
		if !killed && (len(acked) >= killAfter && multipartAcked(acked) > 0 || len(acked) >= killAnyway) {
			srv.Kill()
			killed = true
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("crash_put.py: %v\n%s", err, stderr.String())
	}
	if !killed {
		t.Fatalf("the client stopped after %d acknowledgements, before the kill:\n%s", len(acked), stderr.String())
	}
	multipart := multipartAcked(acked)
	t.Logf("%d PUTs acknowledged (%d of them 12 MiB multipart uploads); cut off by the SIGKILL: %v", len(acked), multipart, stopped)

	ackFile := filepath.Join(t.TempDir(), "acked.txt")
	if err := os.WriteFile(ackFile, []byte(strings.Join(acked, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	again := startServer(t, bin, data, cleanEnv(t.TempDir()))
	runScript(t, py, cleanEnv(t.TempDir()), "crash_verify.py", append([]string{again.Endpoint, id, secret, "crash", ackFile}, flags...)...)
}

// multipartAcked counts the acknowledged multipart uploads.
func multipartAcked(acked []string) int {
	n := 0
	for _, k := range acked {
		if strings.HasPrefix(k, "mp-") {
			n++
		}
	}
	return n
}
