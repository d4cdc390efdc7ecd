package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKMSCreateList checks "s3kit kms create" and "kms list": the key's
// ID, ARN (in --region) and alias in JSON and for humans, a second key
// with the same alias refused, the key material never printed, and a
// missing data directory reported rather than created by list.
func TestKMSCreateList(t *testing.T) {
	env := testEnv(t)
	dir := t.TempDir()
	code, out, errs := runCLI(t, env, "kms", "create", "--data", dir, "--alias", "alias/backups", "--region", "eu-central-1", "--json")
	if code != ExitOK {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	var k kmsKeyJSON
	if err := json.Unmarshal([]byte(out), &k); err != nil {
		t.Fatalf("create --json %q: %v", out, err)
	}
	if len(k.KeyID) != 36 || k.ARN != "arn:aws:kms:eu-central-1:000000000000:key/"+k.KeyID || k.Alias != "alias/backups" {
		t.Errorf("created %+v", k)
	}
	if code, _, errs := runCLI(t, env, "kms", "create", "--data", dir, "--alias", "backups"); code != ExitFailed || !strings.Contains(errs, "exists") {
		t.Errorf("second key with the alias: exit %d, %s", code, errs)
	}
	code, out, _ = runCLI(t, env, "kms", "create", "--data", dir)
	if code != ExitOK || !strings.Contains(out, "Key ID: ") || !strings.Contains(out, "ARN:    arn:aws:kms:us-east-1:") {
		t.Errorf("human create: exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, env, "kms", "list", "--data", dir, "--json")
	var list []kmsKeyJSON
	if code != ExitOK || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 || list[0].KeyID != k.KeyID {
		t.Fatalf("list --json: exit %d: %s", code, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "kms-keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Keys []struct{ Material string } }
	if err := json.Unmarshal(raw, &file); err != nil || len(file.Keys) != 2 {
		t.Fatalf("key file: %v", err)
	}
	if strings.Contains(out, file.Keys[0].Material) {
		t.Error("list printed key material")
	}
	_, out, _ = runCLI(t, env, "kms", "list", "--data", dir)
	if !strings.Contains(out, "alias/backups") || !strings.Contains(out, k.ARN) {
		t.Errorf("human list:\n%s", out)
	}
	missing := filepath.Join(dir, "missing")
	if code, _, errs := runCLI(t, env, "kms", "list", "--data", missing); code != ExitFailed || !strings.Contains(errs, "does not exist") {
		t.Errorf("list of a missing directory: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("list created the data directory")
	}
}
