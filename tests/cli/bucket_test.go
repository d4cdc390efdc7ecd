package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBucketConfigCommands turns versioning on, sets a policy from a file
// and default encryption, shows each with --json, then deletes them; bad
// flag combinations are usage errors (exit 2) that change nothing.
func TestBucketConfigCommands(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("bucket-config")
	u := "s3://" + b

	// Versioning.
	var v struct{ Bucket, Status string }
	jsonOut := func(into any, args ...string) {
		t.Helper()
		r := w.ok(args...)
		if err := json.Unmarshal([]byte(r.stdout), into); err != nil {
			t.Fatalf("s3kit %s: %v\n%s", strings.Join(args, " "), err, r)
		}
	}
	jsonOut(&v, "bucket", "versioning", u, "--json")
	if v.Bucket != b || v.Status != "" {
		t.Fatalf("new bucket's versioning: %+v", v)
	}
	if r := w.ok("bucket", "versioning", u); r.stdout != "versioning: "+u+" never enabled\n" {
		t.Fatalf("versioning show: %q", r.stdout)
	}
	w.ok("bucket", "versioning", u, "--enable")
	jsonOut(&v, "bucket", "versioning", u, "--json")
	if v.Status != "Enabled" {
		t.Fatalf("after --enable: %+v", v)
	}
	if r := w.run("bucket", "versioning", u, "--enable", "--suspend"); r.code != 2 {
		t.Fatalf("--enable --suspend: %s", r)
	}
	w.ok("bucket", "versioning", u, "--suspend")
	if r := w.ok("bucket", "versioning", u); r.stdout != "versioning: "+u+" Suspended\n" {
		t.Fatalf("after --suspend: %q", r.stdout)
	}

	// Policy.
	var p struct {
		Bucket string
		Policy json.RawMessage
	}
	jsonOut(&p, "bucket", "policy", u, "--json")
	if string(p.Policy) != "null" {
		t.Fatalf("new bucket's policy: %s", p.Policy)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + b + `/*"}]}`
	file := writeFile(t, t.TempDir(), "policy.json", []byte(doc))
	w.ok("bucket", "policy", u, "--set", file)
	jsonOut(&p, "bucket", "policy", u, "--json")
	if string(p.Policy) != doc {
		t.Fatalf("policy --json: %s, want %s", p.Policy, doc)
	}
	if r := w.ok("bucket", "policy", u); r.stdout != doc+"\n" {
		t.Fatalf("policy show: %q", r.stdout)
	}
	bad := writeFile(t, t.TempDir(), "bad.json", []byte(`{"Statement": "not a policy"}`))
	if r := w.run("bucket", "policy", u, "--set", bad); r.code != 1 || !strings.Contains(r.stderr, "MalformedPolicy") {
		t.Fatalf("--set with a malformed policy: %s", r)
	}
	notJSON := writeFile(t, t.TempDir(), "x.json", []byte(`Statement:`))
	if r := w.run("bucket", "policy", u, "--set", notJSON); r.code != 1 || !strings.Contains(r.stderr, "not a JSON document") {
		t.Fatalf("--set with a file that is not JSON: %s", r)
	}
	if r := w.run("bucket", "policy", u, "--set", file, "--delete"); r.code != 2 {
		t.Fatalf("--set --delete: %s", r)
	}
	if r := w.ok("bucket", "policy", u); r.stdout != doc+"\n" {
		t.Fatalf("refused commands changed the policy: %q", r.stdout)
	}
	w.ok("bucket", "policy", u, "--delete")
	jsonOut(&p, "bucket", "policy", u, "--json")
	if string(p.Policy) != "null" {
		t.Fatalf("policy after --delete: %s", p.Policy)
	}

	// Default encryption.
	var e struct {
		Bucket       string
		SSEAlgorithm string `json:"sse_algorithm"`
		KMSKeyID     string `json:"kms_key_id"`
	}
	jsonOut(&e, "bucket", "encryption", u, "--json")
	if e.Bucket != b || e.SSEAlgorithm != "" {
		t.Fatalf("new bucket's encryption: %+v", e)
	}
	w.ok("bucket", "encryption", u, "--sse", "AES256")
	jsonOut(&e, "bucket", "encryption", u, "--json")
	if e.SSEAlgorithm != "AES256" || e.KMSKeyID != "" {
		t.Fatalf("after --sse AES256: %+v", e)
	}
	for _, args := range [][]string{{"--sse", "DES"}, {"--sse", "AES256", "--kms-key-id", "k"}, {"--sse", "AES256", "--delete"}} {
		if r := w.run(append([]string{"bucket", "encryption", u}, args...)...); r.code != 2 {
			t.Fatalf("encryption %v: %s", args, r)
		}
	}
	if r := w.ok("bucket", "encryption", u); r.stdout != "encryption: "+u+" AES256\n" {
		t.Fatalf("encryption show: %q", r.stdout)
	}
	w.ok("bucket", "encryption", u, "--delete")
	e.SSEAlgorithm = "?"
	jsonOut(&e, "bucket", "encryption", u, "--json")
	if e.SSEAlgorithm != "" {
		t.Fatalf("encryption after --delete: %+v", e)
	}

	if r := w.run("bucket", "versioning", "s3://no-such-bucket-here"); r.code != 1 || !strings.Contains(r.stderr, "NoSuchBucket") {
		t.Fatalf("versioning of a missing bucket: %s", r)
	}
}
