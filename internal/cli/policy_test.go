package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyCheck(t *testing.T) {
	env := testEnv(t)
	dir := t.TempDir()
	write := func(name, doc string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	public := write("public.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)
	code, out, errOut := runCLI(t, env, "policy", "check", "--bucket", "site", public)
	if code != 0 || !strings.Contains(out, "valid bucket policy for site: 1 statement(s), public") {
		t.Errorf("public policy: exit %d, %q %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, env, "policy", "check", "--bucket", "other", public)
	if code != ExitFailed || !strings.Contains(errOut, "MalformedPolicy: Policy has invalid resource") {
		t.Errorf("policy of another bucket: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, env, "policy", "check", "--identity", public)
	if code != ExitFailed || !strings.Contains(errOut, "MalformedPolicy") {
		t.Errorf("a bucket policy as an identity policy: exit %d, %q", code, errOut)
	}
	id := write("id.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::site/*"}]}`)
	if code, out, errOut := runCLI(t, env, "policy", "check", "--identity", id); code != 0 || !strings.Contains(out, "valid identity policy: 1 statement(s)") {
		t.Errorf("identity policy: exit %d, %q %q", code, out, errOut)
	}
	if code, _, _ := runCLI(t, env, "policy", "check", id); code != ExitUsage {
		t.Errorf("neither --bucket nor --identity: exit %d, want usage", code)
	}
}
