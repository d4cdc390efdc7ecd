package ini

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestFilePathMatchesPython expands paths with Python's own
// os.path.expanduser(os.path.expandvars(p)), which botocore applies to
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
func TestFilePathMatchesPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	env := map[string]string{"X": "/x", "EMPTY": "", "HOME": "/home/u"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	paths := []string{
		"$X/conf", "${X}/conf", "$S3KIT_UNSET_VAR/conf", "${S3KIT_UNSET_VAR}/c", "$EMPTY/c",
		"~/c", "~", "~/", "~root/c", "a~/c", "$", "${X", "a$", "$X$X", "~/$X/c", "$1/c", "$X-y",
	}
	in, _ := json.Marshal(paths)
	cmd := exec.Command(py, "-c", `import json, os, sys
print(json.dumps([os.path.expanduser(os.path.expandvars(p)) for p in json.load(sys.stdin)]))`)
	cmd.Env = []string{"X=/x", "EMPTY=", "HOME=/home/u", "PATH=" + os.Getenv("PATH")}
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(paths) {
		t.Fatalf("%s: %v", out, err)
	}
	for i, p := range paths {
		if strings.HasPrefix(p, "~root") {
			continue // Python looks root up in the password database
		}
		env["AWS_CONFIG_FILE"] = p
		if got := Locate(lookup, "/home/u").Config; got != want[i] {
			t.Errorf("AWS_CONFIG_FILE=%q: got %q, Python %q", p, got, want[i])
		}
	}
}

func TestLocate(t *testing.T) {
	env := map[string]string{}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if got := Locate(lookup, "/h"); got != (Files{Config: "/h/.aws/config", Credentials: "/h/.aws/credentials"}) {
		t.Errorf("defaults: %+v", got)
	}
	// Set but empty names no file, as in botocore (the variable is not
	// ignored).
	env["AWS_SHARED_CREDENTIALS_FILE"] = ""
	if got := Locate(lookup, "/h"); got.Credentials != "" {
		t.Errorf("empty variable: %+v", got)
	}
}
