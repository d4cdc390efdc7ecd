package policy

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
)

// TestAgainstMoto cross-checks identity-policy decisions with moto's IAM
// evaluator (moto.iam.access_control.IAMPolicy) on the part of the
// language both implement alike: Allow/Deny, Action/NotAction and
// Resource/NotResource with '*' wildcards, no conditions. (moto treats
// patterns as regular expressions and does not know '?', so the cases
// avoid '.' and '?'.)
func TestAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no python")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if err := exec.Command("python3", "-c", "import moto.iam.access_control").Run(); err != nil {
		t.Skip("moto not installed")
	}
	policies := []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::b/home/*","arn:aws:s3:::c/*"]}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*Object","Resource":"arn:aws:s3:::b/*/secret"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::*"},{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::c/*"}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}`,
	}
	requests := []struct{ action, resource string }{
		{"s3:GetObject", "arn:aws:s3:::b/k"},
		{"s3:GetObject", "arn:aws:s3:::b/home/x"},
		{"s3:PutObject", "arn:aws:s3:::b/home/x"},
		{"s3:PutObject", "arn:aws:s3:::c/x"},
		{"s3:DeleteObject", "arn:aws:s3:::b/k"},
		{"s3:DeleteObject", "arn:aws:s3:::c/k"},
		{"s3:GetObject", "arn:aws:s3:::c/k"},
		{"s3:ListBucket", "arn:aws:s3:::b"},
		{"s3:ListBucket", "arn:aws:s3:::bb"},
		{"s3:GetObject", "arn:aws:s3:::b/a/b/secret"},
		{"s3:GetObjectAcl", "arn:aws:s3:::b/a/secret"},
		{"iam:GetUser", "arn:aws:s3:::b/k"},
	}
	type motoCase struct {
		Policy   string `json:"policy"`
		Action   string `json:"action"`
		Resource string `json:"resource"`
	}
	var cases []motoCase
	for _, p := range policies {
		for _, r := range requests {
			cases = append(cases, motoCase{p, r.action, r.resource})
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command("python3", "testdata/moto_eval.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("moto: %v\n%s", err, stderr.String())
	}
	var results []string
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(cases) {
		t.Fatalf("moto output %q: %v", out, err)
	}
	permitted := 0
	for i, c := range cases {
		p := mustIdentity(t, c.Policy)
		r := Request{Principal: alice, Action: c.Action, Resource: c.Resource, OwnerAccount: ownerAcct}
		got := Evaluate(&r, &Policies{Identity: []*Policy{p}}).Allowed
		want := results[i] == "PERMITTED"
		if want {
			permitted++
		}
		if got != want {
			t.Errorf("%s %s under %s: allowed = %v, moto says %s", c.Action, c.Resource, c.Policy, got, results[i])
		}
	}
	if permitted == 0 || permitted == len(cases) {
		t.Fatalf("moto permitted %d of %d cases: the cross-check proves nothing", permitted, len(cases))
	}
	t.Logf("%d cases agree with moto (%d permitted)", len(cases), permitted)
}
