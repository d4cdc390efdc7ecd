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
// streams PUTs from 4 threads, restarts it on the same data directory, and
// checks that every PUT that got its 200 is there byte for byte and that no
// object (acknowledged or in flight at the kill) is torn.
func TestCrashDuringPuts(t *testing.T) {
	t.Parallel()
	bin := buildS3kit(t)
	py := findPython(t)
	data := t.TempDir()
	srv := startServer(t, bin, data, cleanEnv(t.TempDir()))
	id, secret := srv.KeyID, srv.Secret

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := filepath.Join(moduleRoot(), "tests", "clients", "scripts")
	cmd := exec.CommandContext(ctx, py.exe, filepath.Join(script, "crash_put.py"), srv.Endpoint, id, secret, "crash")
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

	// Kill the server once enough PUTs were acknowledged, with more in
	// flight; keep collecting acknowledgements until the client gives up.
	const killAfter = 40
	var acked []string
	killed := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if key, ok := strings.CutPrefix(line, "ACK "); ok {
			acked = append(acked, key)
		}
		if len(acked) >= killAfter && !killed {
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
	t.Logf("%d PUTs acknowledged before and during the SIGKILL", len(acked))

	ackFile := filepath.Join(t.TempDir(), "acked.txt")
	if err := os.WriteFile(ackFile, []byte(strings.Join(acked, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	again := startServer(t, bin, data, cleanEnv(t.TempDir()))
	runScript(t, py, cleanEnv(t.TempDir()), "crash_verify.py", again.Endpoint, id, secret, "crash", ackFile)
}
