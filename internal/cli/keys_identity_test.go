package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeysCreateAccountsUsersPolicies: keys belong to users in accounts;
// --account makes another account, --policy attaches a validated identity
// policy, and keys list shows user, account and policy.
func TestKeysCreateAccountsUsersPolicies(t *testing.T) {
	env := testEnv(t)
	dir := filepath.Join(t.TempDir(), "data")
	create := func(args ...string) keyJSON {
		t.Helper()
		code, out, errOut := runCLI(t, env, append([]string{"keys", "create", "--data", dir, "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("keys create %v: exit %d: %s", args, code, errOut)
		}
		var k keyJSON
		if err := json.Unmarshal([]byte(out), &k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	first := create("--user", "alice")
	second := create()
	other := create("--account", "team-b", "--user", "bob")
	if len(first.Account) != 12 || second.Account != first.Account {
		t.Errorf("default account: %q and %q, want one 12-digit account", first.Account, second.Account)
	}
	if other.Account == first.Account || len(other.Account) != 12 {
		t.Errorf("--account team-b got account %q (default %q)", other.Account, first.Account)
	}
	if first.ARN != "arn:aws:iam::"+first.Account+":user/alice" || second.User != second.AccessKeyID {
		t.Errorf("users: %s, %s", first.ARN, second.User)
	}
	if again := create("--account", "team-b"); again.Account != other.Account {
		t.Errorf("a second key of team-b is in account %s, want %s", again.Account, other.Account)
	}

	good := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(good, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}]}`), 0o600)
	withPolicy := create("--policy", good)
	if withPolicy.Policy != "attached policy (1 statement)" || !strings.Contains(string(withPolicy.PolicyDocument), "arn:aws:s3:::pub/*") {
		t.Errorf("attached policy: %q %s", withPolicy.Policy, withPolicy.PolicyDocument)
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"nope"}]}`), 0o600)
	code, _, errOut := runCLI(t, env, "keys", "create", "--data", dir, "--policy", bad)
	if code != ExitUsage || !strings.Contains(errOut, "malformed policy") || !strings.Contains(errOut, "must be in ARN format") {
		t.Errorf("malformed policy: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, env, "keys", "create", "--data", dir, "--policy", good, "--read-only")
	if code != ExitUsage || !strings.Contains(errOut, "--policy replaces") {
		t.Errorf("--policy with --read-only: exit %d, %q", code, errOut)
	}

	code, out, errOut := runCLI(t, env, "keys", "list", "--data", dir)
	if code != 0 {
		t.Fatalf("keys list: %d %s", code, errOut)
	}
	for _, want := range []string{"USER", "ACCOUNT", "alice", "default (" + first.Account + ")", "team-b (" + other.Account + ")", "read-write, all buckets", "attached policy (1 statement)"} {
		if !strings.Contains(out, want) {
			t.Errorf("keys list lacks %q:\n%s", want, out)
		}
	}
}
