package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletion checks the scripts "s3kit completion SHELL" prints (cobra
// generates them; README documents how to install them): bash parses
// them, and the completion they call lists serve's flags.
func TestCompletion(t *testing.T) {
	for _, tc := range []struct{ shell, want string }{
		{"bash", "__start_s3kit"},
		{"zsh", "#compdef s3kit"},
		{"fish", "complete -c s3kit"},
		{"powershell", "Register-ArgumentCompleter"},
	} {
		code, out, errs := runCLI(t, serveEnv(t), "completion", tc.shell)
		if code != ExitOK || !strings.Contains(out, tc.want) {
			t.Errorf("completion %s: exit %d, stderr %q, script lacks %q", tc.shell, code, errs, tc.want)
		}
		if tc.shell == "bash" {
			if bash, err := exec.LookPath("bash"); err == nil {
				f := filepath.Join(t.TempDir(), "s3kit.bash")
				if err := os.WriteFile(f, []byte(out), 0o600); err != nil {
					t.Fatal(err)
				}
				if b, err := exec.Command(bash, "-n", f).CombinedOutput(); err != nil {
					t.Errorf("bash -n on the bash completion: %v\n%s", err, b)
				}
			}
		}
	}
	// What the scripts run on <TAB>: "s3kit serve --t" offers the TLS flags.
	code, out, _ := runCLI(t, serveEnv(t), "__complete", "serve", "--t")
	for _, want := range []string{"--tls\t", "--tls-cert\t", "--tls-key\t"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("__complete serve --t: exit %d, lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = runCLI(t, serveEnv(t), "__complete", "he")
	if code != ExitOK || !strings.Contains(out, "health\t") {
		t.Errorf("__complete he: exit %d:\n%s", code, out)
	}
}
