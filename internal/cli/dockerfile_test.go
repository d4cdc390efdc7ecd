package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerfile is the repository's Dockerfile as instructions: each
// instruction's keyword and its arguments, continuation lines joined.
type dockerfile []struct{ keyword, args string }

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var df dockerfile
	joined := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kw, args, _ := strings.Cut(line, " ")
		df = append(df, struct{ keyword, args string }{strings.ToUpper(kw), strings.TrimSpace(args)})
	}
	return df
}

// all returns the arguments of every instruction with keyword.
func (df dockerfile) all(keyword string) []string {
	var out []string
	for _, in := range df {
		if in.keyword == keyword {
			out = append(out, in.args)
		}
	}
	return out
}

// last returns the arguments of the last instruction with keyword.
func (df dockerfile) last(t *testing.T, keyword string) string {
	t.Helper()
	all := df.all(keyword)
	if len(all) == 0 {
		t.Fatalf("the Dockerfile has no %s", keyword)
	}
	return all[len(all)-1]
}

// execForm parses an instruction's JSON (exec form) argument list.
func execForm(t *testing.T, keyword, args string) []string {
	t.Helper()
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil || len(argv) == 0 {
		t.Fatalf("%s %s: want the exec form [\"...\"] (distroless has no shell): %v", keyword, args, err)
	}
	return argv
}

// TestDockerfile checks what can be checked without a Docker engine (none
// runs where these tests do, so the image itself is not built here): the
// binary is built by the Makefile's command, the runtime image runs it as
// a non-root user with /data as a volume, and its HEALTHCHECK and CMD are
// command lines this CLI accepts and that work against a real server.
func TestDockerfile(t *testing.T) {
	df := readDockerfile(t)
	mk, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}

	// The build: the Makefile's command with the Makefile's variables
	// spelled as the Dockerfile's, and the output path aside.
	makeBuild := regexp.MustCompile(`(?m)^build:\n\t(.*)$`).FindStringSubmatch(string(mk))
	if makeBuild == nil {
		t.Fatal("no build target in the Makefile")
	}
	norm := func(cmd string) string {
		cmd = strings.NewReplacer("$(GO)", "go", "$(VERSION)", "${VERSION}").Replace(cmd)
		return regexp.MustCompile(`-o \S+`).ReplaceAllString(cmd, "-o OUT")
	}
	var dockerBuild string
	for _, run := range df.all("RUN") {
		if strings.Contains(run, "go build") {
			dockerBuild = run
		}
	}
	if norm(dockerBuild) != norm(makeBuild[1]) {
		t.Errorf("the Dockerfile builds with\n  %s\nthe Makefile with\n  %s", dockerBuild, makeBuild[1])
	}
	if !strings.HasPrefix(dockerBuild, "CGO_ENABLED=0 ") {
		t.Errorf("the build is not static (CGO_ENABLED=0): %s", dockerBuild)
	}

	// The runtime stage.
	froms := df.all("FROM")
	if len(froms) < 2 || !regexp.MustCompile(`^(gcr\.io/distroless/static\S*|scratch)$`).MatchString(froms[len(froms)-1]) {
		t.Errorf("runtime base %v, want a distroless/static image or scratch after a build stage", froms)
	}
	if u := df.last(t, "USER"); u == "" || strings.HasPrefix(u, "0") || strings.HasPrefix(u, "root") {
		t.Errorf("USER %q, want a non-root user", u)
	}
	if v := df.last(t, "VOLUME"); v != "/data" {
		t.Errorf("VOLUME %q, want /data", v)
	}
	if p := df.last(t, "EXPOSE"); p != "9000" {
		t.Errorf("EXPOSE %q, want 9000", p)
	}
	entry := execForm(t, "ENTRYPOINT", df.last(t, "ENTRYPOINT"))
	copied := false
	for _, c := range df.all("COPY") {
		if strings.HasSuffix(c, " "+entry[0]) && strings.Contains(c, "--from=") {
			copied = true
		}
	}
	if !copied {
		t.Errorf("ENTRYPOINT %s is not a file copied from the build stage", entry[0])
	}

	// CMD starts a server on /data; run it here on a temporary directory
	// and a free loopback port (listening on 0.0.0.0 itself is covered by
	// TestServeAddrWithoutHostListensOnLoopbackOnly).
	cmd := execForm(t, "CMD", df.last(t, "CMD"))
	want := []string{"serve", "--addr", "0.0.0.0:9000", "--data", "/data"}
	if strings.Join(cmd, " ") != strings.Join(want, " ") {
		t.Fatalf("CMD %v, want %v", cmd, want)
	}
	data := t.TempDir()
	args := strings.Fields(strings.NewReplacer("0.0.0.0:9000", "127.0.0.1:0", "/data", data).Replace(strings.Join(cmd[1:], " ")))
	s := startServe(t, serveEnv(t), args...)

	// HEALTHCHECK runs "s3kit health" against the CMD's port.
	hc := df.last(t, "HEALTHCHECK")
	i := strings.Index(hc, "CMD ")
	if i < 0 {
		t.Fatalf("HEALTHCHECK %q has no CMD", hc)
	}
	probe := execForm(t, "HEALTHCHECK CMD", hc[i+len("CMD "):])
	if probe[0] != entry[0] || len(probe) < 2 || probe[1] != "health" {
		t.Fatalf("HEALTHCHECK runs %v, want %s health ...", probe, entry[0])
	}
	hargs := strings.Fields(strings.ReplaceAll(strings.Join(probe[1:], " "), "http://127.0.0.1:9000", s.Endpoint))
	if code, out, errs := runCLI(t, serveEnv(t), hargs...); code != ExitOK {
		t.Errorf("the HEALTHCHECK command %v: exit %d %q %q", hargs, code, out, errs)
	}
	s.stop()
	if code, _, _ := runCLI(t, serveEnv(t), hargs...); code != ExitFailed {
		t.Errorf("the HEALTHCHECK command passes with the server stopped: exit %d", code)
	}
}
