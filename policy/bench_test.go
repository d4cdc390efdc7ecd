package policy

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// benchPolicies builds the target's shape: a 20-statement bucket policy
// (mixed principals, actions, resources and conditions, one Deny) and an
// identity policy with variables.
func benchPolicies(b testing.TB) *Policies {
	var stmts []string
	for i := 0; i < 18; i++ {
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::2222222222%02d:user/u%d","3333333333%02d"]},
			"Action":["s3:GetObject","s3:PutObject*"],"Resource":"arn:aws:s3:::b/team%d/*",
			"Condition":{"StringLike":{"s3:x-amz-acl":"bucket-owner-*"},"IpAddress":{"aws:SourceIp":["10.%d.0.0/16","192.0.2.0/24"]}}}`, i, i, i, i, i, i))
	}
	stmts = append(stmts,
		`{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"Home","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*",""]}}}`)
	bucket := mustBucket(b, `{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`)
	id := mustIdentity(b, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/home/${aws:username}/*"},
		{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}},
		{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)
	return &Policies{Identity: []*Policy{id}, Bucket: bucket}
}

func benchRequest() Request {
	return Request{
		Principal:       Principal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/alice", UserID: "AIDAALICE", Username: "alice", CanonicalID: "c-owner"},
		Action:          "s3:GetObject",
		Resource:        "arn:aws:s3:::b/home/alice/photos/2026/cat.jpg",
		OwnerAccount:    "111111111111",
		SourceIP:        netip.MustParseAddr("192.0.2.10"),
		SecureTransport: true,
		CurrentTime:     time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC),
		Values:          []Value{{Key: "s3:x-amz-acl", Value: "private"}},
	}
}

// BenchmarkEvaluate is the target "an authorization decision with a
// 20-statement bucket policy plus an identity policy costs under 2 µs
// and allocates nothing in the common case".
func BenchmarkEvaluate(b *testing.B) {
	in := benchPolicies(b)
	r := benchRequest()
	if d := Evaluate(&r, in); !d.Allowed {
		b.Fatalf("benchmark request denied: %s", d)
	}
	benchLoop(b, &r, in)
}

// BenchmarkEvaluateDenied is the same shape for a request nothing allows
// (every statement is walked).
func BenchmarkEvaluateDenied(b *testing.B) {
	in := benchPolicies(b)
	r := benchRequest()
	r.Resource = "arn:aws:s3:::b/home/bob/x"
	if d := Evaluate(&r, in); d.Allowed {
		b.Fatalf("benchmark request allowed: %s", d)
	}
	benchLoop(b, &r, in)
}

// BenchmarkEvaluateCrossAccount is a user of another account that the
// last of the 18 principal statements names, so every statement before it
// is matched on principal and that one on action, resource and both
// conditions.
func BenchmarkEvaluateCrossAccount(b *testing.B) {
	in := benchPolicies(b)
	in.Identity = []*Policy{mustIdentity(b, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)}
	r := benchRequest()
	r.Principal = Principal{Account: "222222222217", ARN: "arn:aws:iam::222222222217:user/u17", UserID: "AIDAU17", Username: "u17", CanonicalID: "c-17"}
	r.Resource = "arn:aws:s3:::b/team17/report.csv"
	r.Values = []Value{{Key: "s3:x-amz-acl", Value: "bucket-owner-full-control"}}
	if d := Evaluate(&r, in); !d.Allowed || d.Reason.Sid != "S17" {
		b.Fatalf("benchmark request: %s", d)
	}
	benchLoop(b, &r, in)
}

// benchLoop runs the decision and reports, beside wall time, the process
// CPU time per decision (cpu-ns/op).
func benchLoop(b *testing.B, r *Request, in *Policies) {
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		Evaluate(r, in)
	}
	if cpu := processCPU() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// TestEvaluateAllocatesNothing holds the zero-allocation half of the
// target in the ordinary test run.
func TestEvaluateAllocatesNothing(t *testing.T) {
	in := benchPolicies(t)
	for _, res := range []string{"arn:aws:s3:::b/home/alice/x", "arn:aws:s3:::b/home/bob/x"} {
		r := benchRequest()
		r.Resource = res
		if n := testing.AllocsPerRun(100, func() { Evaluate(&r, in) }); n != 0 {
			t.Errorf("%s: %v allocs per decision, want 0", res, n)
		}
	}
	anon := benchRequest()
	anon.Principal = Principal{Anonymous: true}
	in.ObjectACL = &ACL{Grants: []Grant{{Grantee{URI: AllUsersURI}, PermRead}}}
	if n := testing.AllocsPerRun(100, func() { Evaluate(&anon, in) }); n != 0 {
		t.Errorf("anonymous: %v allocs per decision, want 0", n)
	}
}
