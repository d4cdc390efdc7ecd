package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveBanner runs "s3kit serve" with env and returns its banner once
// printed; the server stops when the test ends.
func serveBanner(t *testing.T, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	var b strings.Builder
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if sc.Text() == "Press Ctrl+C to stop." {
			go func() { _, _ = bufio.NewReader(out).WriteTo(&bytes.Buffer{}) }()
			return b.String()
		}
	}
	t.Fatalf("serve ended before its banner was complete:\n%s\nstderr:\n%s", b.String(), stderr.String())
	return ""
}

// pasteEnv is the environment of a user's shell: a HOME of its own, s3kit
// on the PATH, and no AWS_* variables.
func pasteEnv(home string) []string {
	env := []string{"HOME=" + home, "PATH=" + filepath.Dir(bin) + ":" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	// pyenv's shims find their Pythons under PYENV_ROOT, ~/.pyenv by default.
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		if h, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(h, ".pyenv")
		}
	}
	return append(env, "PYENV_ROOT="+root)
}

// paste runs script in sh as if pasted into a terminal in dir.
func paste(t *testing.T, env []string, dir, stdin, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = env, dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Errorf("pasting %s %q (stdin %q): %v\nstdout:\n%s\nstderr:\n%s", name, args, stdin, err, out.String(), errb.String())
	}
	return out.String()
}

// linesWithPrefix returns the banner's lines that start with one of prefixes.
func linesWithPrefix(banner string, prefixes ...string) []string {
	var out []string
	for _, l := range strings.Split(banner, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

// awsCLIs are the aws-cli executables to try: pyenv's (v1, current
// botocore) and Debian's v2 (2.9, which reads no configured endpoint).
func awsCLIs(t *testing.T) []string {
	var found []string
	if p, err := exec.LookPath("aws"); err == nil {
		found = append(found, p)
	}
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		found = append(found, "/usr/bin/aws")
	}
	if len(found) == 0 {
		t.Log("no aws-cli installed")
	}
	return found
}

// TestBannerCommandsWorkWhenPasted pastes every command the first-start
// banner and the --write-profile lines print, with real boto3, aws-cli
// (v1 and Debian's v2) and s3kit.
func TestBannerCommandsWorkWhenPasted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts python3 and each aws-cli several times (tens of seconds)")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	home := t.TempDir()
	banner := serveBanner(t, pasteEnv(home), "--data", t.TempDir(), "--write-profile", "dev")
	var endpoint string
	for _, l := range strings.Split(banner, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "S3 endpoint:"); ok {
			endpoint = strings.TrimSpace(v)
		}
	}
	work := t.TempDir()
	writeFile(t, work, "file.txt", []byte("pasted"))
	elsewhere := pasteEnv(t.TempDir()) // a shell without the profile

	// Way 1: the Python block, pasted into python3 as it is.
	start := strings.Index(banner, "\nimport boto3\n")
	end := strings.Index(banner[start+1:], "\n\n")
	if start < 0 || end < 0 {
		t.Fatalf("no Python block in the banner:\n%s", banner)
	}
	py := banner[start+1 : start+1+end+1]
	if out := paste(t, elsewhere, work, py, "python3", "-"); !strings.Contains(out, "'Name': 'my-bucket'") {
		t.Errorf("the Python block printed %q", out)
	}
	rb := func() { paste(t, pasteEnv(home), work, "", bin, "rb", "--force", "--profile", "dev", "s3://my-bucket") }
	rb()

	// Way 2 with the aws-cli and s3kit blocks.
	exports := strings.Join(linesWithPrefix(banner, "export AWS_"), "\n") + "\n"
	if !strings.Contains(exports, "AWS_ENDPOINT_URL="+endpoint) {
		t.Fatalf("exports:\n%s", exports)
	}
	for _, aws := range awsCLIs(t) {
		lines := linesWithPrefix(banner, "aws --endpoint-url ")
		if len(lines) != 3 {
			t.Fatalf("aws-cli lines: %q", lines)
		}
		script := exports + strings.ReplaceAll(strings.Join(lines, "\n"), "aws ", aws+" ") + "\n"
		if out := paste(t, elsewhere, work, script, "sh"); !strings.Contains(out, "file.txt") {
			t.Errorf("%s: the aws-cli block printed %q", aws, out)
		}
		rb()
	}
	// Way 2's own Python line reads the exported variables.
	pyLine := linesWithPrefix(banner, `python3 -c 'import boto3; print(boto3.client("s3")`)
	if out := paste(t, elsewhere, work, exports+strings.Join(pyLine, "\n")+"\n", "sh"); len(pyLine) != 1 || !strings.Contains(out, "[]") {
		t.Errorf("way 2's Python line %q printed %q", pyLine, out)
	}
	s3kitLines := linesWithPrefix(banner, "s3kit mb ", "s3kit cp ", "s3kit ls s3://")
	if out := paste(t, elsewhere, work, exports+strings.Join(s3kitLines, "\n")+"\n", "sh"); len(s3kitLines) != 3 || !strings.Contains(out, "file.txt") {
		t.Errorf("the s3kit block %q printed %q", s3kitLines, out)
	}

	// The --write-profile lines, in the shell whose HOME holds the profile.
	use := strings.Index(banner, "Use it:\n\n")
	if use < 0 {
		t.Fatalf("no profile commands in the banner:\n%s", banner)
	}
	cmds := strings.SplitN(banner[use+len("Use it:\n\n"):], "\n\n", 2)[0]
	for _, aws := range awsCLIs(t) {
		script := strings.ReplaceAll(cmds, "\naws ", "\n"+aws+" ") + "\n"
		if out := paste(t, pasteEnv(home), work, script, "sh", "-e"); !strings.Contains(out, "my-bucket") {
			t.Errorf("profile commands with %s printed %q", aws, out)
		}
	}

	// aws-cli on current botocore reads the [services] section itself.
	if aws := awsCLIs(t); len(aws) > 0 && !strings.HasPrefix(aws[0], "/usr/bin/") {
		if out := paste(t, pasteEnv(home), work, "", aws[0], "--profile", "dev", "s3api", "list-buckets"); !strings.Contains(out, `"Owner"`) {
			t.Errorf("aws --profile dev without --endpoint-url: %q", out)
		}
	}

	// s3kit creds resolves the S3 endpoint from the [services] section.
	out := paste(t, pasteEnv(home), work, "", bin, "creds", "--profile", "dev", "--json")
	var creds struct {
		Endpoint string `json:"endpoint_url"`
	}
	if err := json.Unmarshal([]byte(out), &creds); err != nil || creds.Endpoint != endpoint {
		t.Errorf("s3kit creds --profile dev: endpoint %q, want %q (%v)", creds.Endpoint, endpoint, err)
	}
}

// TestEveryClientCommandTakesTheCommonFlags runs each client command with
// the flags README promises on all of them.
func TestEveryClientCommandTakesTheCommonFlags(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	writeFile(t, w.home, ".aws/credentials", []byte("[default]\naws_access_key_id = "+envValue(w.env, "AWS_ACCESS_KEY_ID")+
		"\naws_secret_access_key = "+envValue(w.env, "AWS_SECRET_ACCESS_KEY")+"\n"))
	common := []string{"--no-progress", "--json", "--endpoint-url", w.endpoint, "--profile", "default", "--region", "us-east-1"}
	src := writeFile(t, t.TempDir(), "f.txt", []byte("flags"))
	dst := t.TempDir()
	steps := [][]string{
		{"mb", "s3://common-flags"},
		{"cp", src, "s3://common-flags/f.txt"},
		{"ls", "s3://common-flags"},
		{"bucket", "versioning", "s3://common-flags"},
		{"bucket", "encryption", "s3://common-flags"},
		{"bucket", "policy", "s3://common-flags"},
		{"cat", "s3://common-flags/f.txt"},
		{"presign", "s3://common-flags/f.txt"},
		{"sync", dst, "s3://common-flags/sync/"},
		{"mv", "s3://common-flags/f.txt", "s3://common-flags/g.txt"},
		{"rm", "s3://common-flags/g.txt"},
		{"cp", src, "s3://common-flags/h.txt"},
		{"rb", "--force", "s3://common-flags"},
	}
	outs := map[string]string{}
	for _, args := range steps {
		r := w.run(append(args, common...)...)
		if r.code != 0 {
			t.Fatalf("s3kit %s with the common flags: %s", args[0], r)
		}
		outs[args[0]] += r.stdout
	}
	var mb, presign struct{ Op, Target, URL string }
	if err := json.Unmarshal([]byte(outs["mb"]), &mb); err != nil || mb.Op != "make_bucket" || mb.Target != "s3://common-flags" {
		t.Errorf("mb --json printed %q (%v)", outs["mb"], err)
	}
	if err := json.Unmarshal([]byte(outs["presign"]), &presign); err != nil || !strings.HasPrefix(presign.URL, w.endpoint+"/common-flags/f.txt?") {
		t.Errorf("presign --json printed %q (%v)", outs["presign"], err)
	}
	if outs["cat"] != "flags" {
		t.Errorf("cat --json printed %q, want the object's bytes", outs["cat"])
	}
	rb := strings.Split(strings.TrimSpace(outs["rb"]), "\n")
	if last := rb[len(rb)-1]; last != `{"op":"remove_bucket","target":"s3://common-flags"}` || len(rb) != 2 {
		t.Errorf("rb --force --json printed %q", outs["rb"])
	}
}

// TestDownloadNeverWritesThroughASymlinkLeadingOutside: a symbolic link
// inside the target directory that leads elsewhere must not let an object
// land (or a sync --delete reach) outside it; the other objects still
// arrive and the run exits 1.
func TestDownloadNeverWritesThroughASymlinkLeadingOutside(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("symlinks")
	for _, k := range []string{"p/link/x", "p/inside/y", "p/ok"} {
		w.runIn([]byte(k), "cp", "-", "s3://"+b+"/"+k)
	}
	for _, args := range [][]string{
		{"cp", "--recursive", "s3://" + b + "/p", "DST"},
		{"sync", "s3://" + b + "/p", "DST"},
	} {
		elsewhere := t.TempDir()
		dst := t.TempDir()
		if err := os.Symlink(elsewhere, filepath.Join(dst, "link")); err != nil {
			t.Fatal(err)
		}
		// A link that stays inside the target is followed as usual.
		if err := os.Mkdir(filepath.Join(dst, "real"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("real", filepath.Join(dst, "inside")); err != nil {
			t.Fatal(err)
		}
		args[len(args)-1] = dst
		r := w.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(dst, "link")+" is a symbolic link to "+elsewhere+", outside "+dst) {
			t.Errorf("%v: %s", args[:2], r)
		}
		if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
			t.Errorf("%v wrote %d entries through the link into %s", args[:2], len(entries), elsewhere)
		}
		for rel, want := range map[string]string{"ok": "p/ok", "real/y": "p/inside/y"} {
			if got, _ := os.ReadFile(filepath.Join(dst, rel)); string(got) != want {
				t.Errorf("%v: %s = %q, want %q", args[:2], rel, got, want)
			}
		}
	}
}
