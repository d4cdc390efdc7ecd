package clients

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// moduleRoot is the s3kit module's directory, two levels up from here.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// binPath is where TestMain builds ./cmd/s3kit for this test process; both
// top-level tests share the one build (a pure function of the process ID,
// so no package state is needed to pass it along).
func binPath() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("s3kit-clients-%d", os.Getpid()), "s3kit")
}

func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Short() {
		cmd := exec.Command("go", "build", "-o", binPath(), "./cmd/s3kit")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build ./cmd/s3kit: %v\n%s", err, out)
		}
	}
	code := m.Run()
	os.RemoveAll(filepath.Dir(binPath()))
	os.Exit(code)
}

// buildS3kit returns the s3kit binary TestMain built.
func buildS3kit(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("real-client suite: skipped in -short mode")
	}
	if _, err := os.Stat(binPath()); err != nil {
		t.Fatalf("no s3kit binary: TestMain's go build failed (see its output above): %v", err)
	}
	return binPath()
}

// python is the absolute path of the python3 that has boto3. Resolving it
// once matters: pyenv shims find their interpreter through HOME, which the
// tests replace with a temporary directory.
type python struct {
	exe string // python3
	bin string // the directory holding python3 and its console scripts (aws)
}

func findPython(t *testing.T) python {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import sys, boto3; print(sys.executable); print(boto3.__version__)").Output()
	if err != nil {
		t.Skipf("python3 with boto3 is not available: %v", err)
	}
	lines := strings.Fields(string(out))
	t.Logf("python %s, boto3 %s", lines[0], lines[1])
	return python{exe: lines[0], bin: filepath.Dir(lines[0])}
}

// cleanEnv is a minimal environment: PATH, a fresh HOME and extra. Nothing
// from AWS_* leaks in from the machine running the tests.
func cleanEnv(home string, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONUNBUFFERED=1",
		"TMPDIR=" + os.TempDir(),
	}
	return append(env, extra...)
}

// lockedBuffer collects a process's stderr for failure messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serverProc is a running "s3kit serve".
type serverProc struct {
	cmd      *exec.Cmd
	Endpoint string
	// KeyID and Secret are the first key, when this start created it.
	KeyID, Secret string
	// CABundle is the certificate the banner says to trust (TLS only).
	CABundle string
	// Banner is everything printed on stdout up to the end of the banner.
	Banner string
	stderr *lockedBuffer
	exited chan struct{}
	err    error // the process's exit status, valid once exited is closed
}

// startServer runs "s3kit serve --addr 127.0.0.1:0 --data dataDir args..."
// (without --data when dataDir is "") with env and waits until it printed
// its banner and answers /-/health (over HTTPS trusting the banner's
// AWS_CA_BUNDLE). The server is stopped when the test ends.
func startServer(t *testing.T, bin, dataDir string, env []string, args ...string) *serverProc {
	t.Helper()
	if dataDir != "" {
		args = append([]string{"--data", dataDir}, args...)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.Stop(t)
		if t.Failed() {
			t.Logf("s3kit serve stderr:\n%s", p.stderr)
		}
	})

	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var banner strings.Builder
	timeout := time.After(30 * time.Second)
	done := false
	for !done {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited before printing its banner:\n%s\nstderr:\n%s", banner.String(), p.stderr)
			}
			banner.WriteString(l + "\n")
			field := func(prefix string) string {
				return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), prefix))
			}
			trimmed := strings.TrimSpace(l)
			switch {
			case strings.HasPrefix(trimmed, "S3 endpoint:"):
				p.Endpoint = field("S3 endpoint:")
			case strings.HasPrefix(trimmed, "Access key ID:"):
				p.KeyID = field("Access key ID:")
			case strings.HasPrefix(trimmed, "Secret access key:"):
				p.Secret = field("Secret access key:")
			case strings.HasPrefix(trimmed, "export AWS_CA_BUNDLE=") && p.CABundle == "":
				p.CABundle = strings.Trim(field("export AWS_CA_BUNDLE="), "'")
			case trimmed == "Press Ctrl+C to stop.":
				done = true // the banner's last line
			}
		case <-timeout:
			t.Fatalf("no banner within 30s:\n%s\nstderr:\n%s", banner.String(), p.stderr)
		}
	}
	go func() { // keep draining so the server never blocks on stdout
		for range lines {
		}
	}()
	p.Banner = banner.String()
	if p.Endpoint == "" {
		t.Fatalf("banner has no S3 endpoint line:\n%s", p.Banner)
	}
	waitHealthy(t, p.Endpoint, p.CABundle)
	return p
}

// waitHealthy polls endpoint's health check until it answers 200; over
// HTTPS it trusts only the PEM file caBundle.
func waitHealthy(t *testing.T, endpoint, caBundle string) {
	t.Helper()
	client := http.DefaultClient
	if caBundle != "" {
		pem, err := os.ReadFile(caBundle)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get(endpoint + "/-/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/-/health not 200 within 10s (last error %v)", endpoint, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the server gracefully (SIGTERM) and returns its exit error; it
// kills it if it does not stop within 15 s.
func (p *serverProc) Stop(t *testing.T) error {
	select {
	case <-p.exited:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return p.err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		t.Errorf("serve did not stop within 15s of SIGTERM; stderr:\n%s", p.stderr)
		return p.err
	}
}

// Kill ends the server with SIGKILL, as a crash would.
func (p *serverProc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// scriptResult is one named check a Python script reports.
type scriptResult struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// runScript runs scripts/NAME with args in env and turns each check it
// reports into a subtest.
func runScript(t *testing.T, py python, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py.exe, append([]string{filepath.Join(moduleRoot(), "tests", "clients", "scripts", name)}, args...)...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	out := strings.TrimSpace(stdout.String())
	last := out[strings.LastIndexByte(out, '\n')+1:]
	var results []scriptResult
	if err := json.Unmarshal([]byte(last), &results); err != nil {
		t.Fatalf("%s: no results (%v, run: %v)\nstdout:\n%s\nstderr:\n%s", name, err, runErr, out, stderr.String())
	}
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if !r.OK {
				t.Errorf("%s", r.Detail)
			} else if r.Detail != "" {
				t.Log(r.Detail)
			}
		})
	}
	if runErr != nil {
		t.Errorf("%s exited with %v\nstderr:\n%s", name, runErr, stderr.String())
	}
}

// runCmd runs a command and returns its stdout, failing the test with its
// output on a non-zero exit.
func runCmd(t *testing.T, env []string, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = env, dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// createKey runs "s3kit keys create --json" against a data directory.
func createKey(t *testing.T, bin, dataDir string, args ...string) (id, secret string) {
	t.Helper()
	out := runCmd(t, cleanEnv(t.TempDir()), "", bin, append([]string{"keys", "create", "--data", dataDir, "--json"}, args...)...)
	var k struct {
		ID     string `json:"access_key_id"`
		Secret string `json:"secret_access_key"`
	}
	if err := json.Unmarshal([]byte(out), &k); err != nil || k.ID == "" || k.Secret == "" {
		t.Fatalf("keys create --json printed %q (%v)", out, err)
	}
	return k.ID, k.Secret
}

// writeFile writes data to dir/name, creating parent directories.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pattern returns n deterministic bytes.
func pattern(seed string, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(int(seed[i%len(seed)]) + i*31 + i/251)
	}
	return b
}

// untilStatus polls ListBuckets signed with the key until the server
// answers want, and returns how long after the first probe the answering
// request was sent (so request latency on a busy machine does not count).
// It gives up after 5 s.
func untilStatus(t *testing.T, endpoint, id, secret string, want int) time.Duration {
	t.Helper()
	signer := sigv4.NewSigner()
	start := time.Now()
	for {
		sent := time.Now()
		req, _ := http.NewRequest(http.MethodGet, endpoint+"/", nil)
		_, err := signer.Sign(req, sigv4.SignInput{
			Credentials: sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret},
			Service:     "s3", Region: "us-east-1", Time: sent, PayloadHash: sigv4.EmptyPayloadHash,
		})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return sent.Sub(start)
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("no %d within 5s (last: %v %v)", want, resp, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// subtest is one named piece of a group run by runConcurrently.
type subtest struct {
	name string
	fn   func(t *testing.T)
}

// runConcurrently runs the subtests side by side and waits for all of them.
// Unlike t.Parallel it is not capped by -parallel (GOMAXPROCS, 2 here):
// these subtests spend their time waiting on client processes and the
// server, not on the test's own CPU.
func runConcurrently(t *testing.T, subtests ...subtest) {
	t.Helper()
	var wg sync.WaitGroup
	for _, st := range subtests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(st.name, st.fn)
		}()
	}
	wg.Wait()
}
