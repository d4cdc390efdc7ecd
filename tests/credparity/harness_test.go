package credparity

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// wantBotocore is the botocore version the spec describes.
const wantBotocore = "1.43.11"

// harness holds what TestMain prepares once: the s3kit binary and the
// Python interpreter that has botocore. It is written before any test runs
// and only read afterwards.
type harness struct {
	bin    string // built s3kit binary
	python string // absolute path of the interpreter with boto3
	pyErr  error  // why Python is unusable, if it is
}

var prepared harness

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "credparity-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "credparity:", err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		if err := prepare(dir); err != nil {
			fmt.Fprintln(os.Stderr, "credparity:", err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

func prepare(dir string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	prepared.bin = filepath.Join(dir, "s3kit")
	build := exec.Command("go", "build", "-o", prepared.bin, "./cmd/s3kit")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/s3kit: %v\n%s", err, out)
	}
	prepared.python, prepared.pyErr = findPython()
	return nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the s3kit module")
	}
	return filepath.Dir(mod), nil
}

// findPython resolves python3 through the developer's PATH (pyenv shims and
// the like need it) to the real interpreter, which then runs with a clean
// environment, and checks that it has the botocore the spec targets.
func findPython() (string, error) {
	out, err := exec.Command("python3", "-c",
		"import sys, botocore, boto3; print(sys.executable); print(botocore.__version__)").Output()
	if err != nil {
		return "", fmt.Errorf("python3 with boto3 not available: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return "", fmt.Errorf("unexpected python3 output %q", out)
	}
	if lines[1] != wantBotocore {
		return "", fmt.Errorf("botocore %s installed, parity is defined against %s", lines[1], wantBotocore)
	}
	return lines[0], nil
}

// world is one scenario's throw-away file system, for one side.
type world struct {
	root, home string
}

// values are the placeholders scenarios may use in paths, file contents and
// environment values.
type values struct {
	imds, container, sts, sso, closed string
	containerLocalhost                string // the container stub named "localhost"
	now                               time.Time
}

func (v values) replacer(w world) *strings.Replacer {
	iso := func(d time.Duration) string { return v.now.Add(d).UTC().Format("2006-01-02T15:04:05Z") }
	return strings.NewReplacer(
		"{{ROOT}}", w.root, "{{HOME}}", w.home,
		"{{IMDS}}", v.imds, "{{CONTAINER_LOCALHOST}}", v.containerLocalhost, "{{CONTAINER}}", v.container, "{{STS}}", v.sts, "{{SSO}}", v.sso,
		"{{CLOSED}}", v.closed,
		"{{FUTURE}}", iso(2*time.Hour), "{{PAST}}", iso(-time.Hour),
		"{{SOON5}}", iso(5*time.Minute), "{{SOON12}}", iso(12*time.Minute), "{{LATER30}}", iso(30*time.Minute),
	)
}

// baseEnv is every scenario's starting environment: nothing inherited from
// the developer, IMDS off unless the scenario tests it. BOTO_CONFIG is left
// unset so ~/.boto scenarios work; the machine-global /etc/boto.cfg is then
// read by both sides alike, which keeps the comparison fair (the sanity
// scenario that expects nothing at all points BOTO_CONFIG at a missing file).
func baseEnv(sc scenario) map[string]string {
	env := map[string]string{
		"HOME": "{{HOME}}",
		"PATH": "/usr/local/bin:/usr/bin:/bin",
		"LANG": "C.UTF-8",
	}
	if !sc.imds {
		env["AWS_EC2_METADATA_DISABLED"] = "true"
	}
	for k, v := range sc.env {
		env[k] = v
	}
	return env
}

func buildWorld(dir string, sc scenario, v values) (world, map[string]string, error) {
	w := world{root: dir, home: filepath.Join(dir, "home")}
	if err := os.MkdirAll(w.home, 0o755); err != nil {
		return w, nil, err
	}
	r := v.replacer(w)
	place := func(p string) string {
		p = r.Replace(p)
		if rest, ok := strings.CutPrefix(p, "~/"); ok {
			return filepath.Join(w.home, rest)
		}
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(w.root, p)
	}
	write := func(files map[string]string, mode os.FileMode) error {
		for p, content := range files {
			full := place(p)
			if strings.HasSuffix(p, "/") {
				if err := os.MkdirAll(full, 0o755); err != nil {
					return err
				}
				continue
			}
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			// Under syscall.ForkLock, so that no process forked meanwhile
			// inherits the fd and makes running the file fail with ETXTBSY.
			syscall.ForkLock.RLock()
			err := os.WriteFile(full, []byte(r.Replace(content)), mode)
			syscall.ForkLock.RUnlock()
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := write(sc.files, 0o600); err != nil {
		return w, nil, err
	}
	if err := write(sc.exec, 0o755); err != nil {
		return w, nil, err
	}
	env := map[string]string{}
	for k, val := range baseEnv(sc) {
		env[k] = r.Replace(val)
	}
	return w, env, nil
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func expandArgs(args []string, r *strings.Replacer) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

// pyResult is one line of botocore_driver.py's output.
type pyResult struct {
	Name            string  `json:"name"`
	OK              bool    `json:"ok"`
	AccessKeyID     *string `json:"access_key_id"`
	SecretAccessKey *string `json:"secret_access_key"`
	SessionToken    *string `json:"session_token"`
	Source          string  `json:"source"`
	Profile         *string `json:"profile"`
	Region          *string `json:"region"`
	EndpointURL     *string `json:"endpoint_url"`
	DefaultEndpoint bool    `json:"default_endpoint"`
	Expiration      *string `json:"expiration"`
	ErrorClass      string  `json:"error_class"`
	Error           string  `json:"error"`
	Stage           string  `json:"stage"`
}

type pyInput struct {
	Name string            `json:"name"`
	Env  map[string]string `json:"env"`
	Cwd  string            `json:"cwd"`
	Args []string          `json:"args"`
}

// botocoreRun is the driver's output for the whole scenario list.
type botocoreRun struct {
	results map[string]pyResult
	stderr  string
	cpu     time.Duration // user+system time of the Python process
}

// runBotocore resolves every scenario in one Python process.
func runBotocore(ctx context.Context, python string, in []pyInput) (botocoreRun, error) {
	run := botocoreRun{results: map[string]pyResult{}}
	payload, err := json.Marshal(in)
	if err != nil {
		return run, err
	}
	cmd := exec.CommandContext(ctx, python, "botocore_driver.py")
	// The interpreter itself starts clean too; the driver then sets each
	// scenario's environment exactly.
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + os.TempDir(), "PYTHONDONTWRITEBYTECODE=1"}
	cmd.Stdin = bytes.NewReader(payload)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return run, err
	}
	if err := cmd.Start(); err != nil {
		return run, err
	}
	var decodeErr error
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r pyResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil && decodeErr == nil {
			decodeErr = fmt.Errorf("driver output %q: %w", sc.Text(), err)
		}
		run.results[r.Name] = r
	}
	waitErr := cmd.Wait()
	run.stderr = stderr.String()
	if cmd.ProcessState != nil {
		run.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if waitErr != nil {
		return run, fmt.Errorf("botocore driver: %w", waitErr)
	}
	return run, decodeErr
}

// cliResult is what one s3kit invocation printed.
type cliResult struct {
	Exit   int
	Stdout string
	Stderr string
	CPU    time.Duration // user+system time of the process
}

func runCLI(ctx context.Context, bin string, args []string, env map[string]string, dir string) cliResult {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = envList(env)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	if cmd.ProcessState != nil {
		res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.Exit = ee.ExitCode()
	default:
		res.Exit = -1
		res.Stderr += "\n[harness] " + err.Error()
	}
	return res
}

// closedPort returns a URL on 127.0.0.1 where nothing listens.
func closedPort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr, nil
}

// sideRuns holds the two s3kit invocations of one scenario.
type sideRuns struct {
	show, export cliResult
	setupErr     error
}

// runAllCLI runs `creds --json` and `creds export` for every scenario, each
// in its own fresh world (credential_process scripts may count invocations).
func runAllCLI(ctx context.Context, bin, tmp string, scs []scenario, v values) []sideRuns {
	out := make([]sideRuns, len(scs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = runOneCLI(ctx, bin, filepath.Join(tmp, fmt.Sprint(i)), scs[i], v)
			}
		}()
	}
	for i := range scs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

func runOneCLI(ctx context.Context, bin, dir string, sc scenario, v values) sideRuns {
	var r sideRuns
	w, env, err := buildWorld(filepath.Join(dir, "show"), sc, v)
	if err != nil {
		r.setupErr = err
		return r
	}
	args := expandArgs(sc.args, v.replacer(w))
	r.show = runCLI(ctx, bin, append(append([]string{"creds"}, args...), "--json"), env, w.root)
	w, env, err = buildWorld(filepath.Join(dir, "export"), sc, v)
	if err != nil {
		r.setupErr = err
		return r
	}
	args = expandArgs(sc.args, v.replacer(w))
	r.export = runCLI(ctx, bin, append([]string{"creds", "export", "--format", "json"}, args...), env, w.root)
	return r
}
