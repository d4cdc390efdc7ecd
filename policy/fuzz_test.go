package policy

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary documents to both parsers: each must either
// return a *MalformedPolicyError or a policy that Evaluate can run without
// panicking, and parsing must be deterministic.
func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
		`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["111111111111","arn:aws:iam::222222222222:user/x"]},"NotAction":"s3:Get*","NotResource":["arn:aws:s3:::b/p/*"]}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"abc"},"Action":["s3:ListBucket"],"Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"},"NumericLessThan":{"s3:max-keys":10},"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["a"]},"Null":{"s3:delimiter":true},"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
		`{"Statement":[]}`,
		`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b*"}]}`,
		`{`,
		``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	reqs := []Request{
		{Principal: Principal{Anonymous: true}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", OwnerAccount: "111111111111"},
		{Principal: Principal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/alice", Username: "alice", UserID: "AIDA", CanonicalID: "abc"},
			Action: "s3:ListBucket", Resource: "arn:aws:s3:::b", OwnerAccount: "111111111111",
			SourceIP: netip.MustParseAddr("10.1.2.3"), CurrentTime: time.Unix(1.8e9, 0),
			Values: []Value{{Key: "s3:prefix", Value: "home/alice/"}, {Key: "s3:max-keys", Value: "5"}, {Key: "s3:RequestObjectTagKeys", Value: "a"}}},
		{Principal: Principal{Account: "222222222222", ARN: "arn:aws:iam::222222222222:root", Root: true},
			Action: "s3:PutObject", Resource: "arn:aws:s3:::b/p/x", OwnerAccount: "111111111111"},
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, parse := range []func([]byte) (*Policy, error){
			func(d []byte) (*Policy, error) { return ParseBucketPolicy(d, "b") },
			ParseIdentityPolicy,
		} {
			p, err := parse(doc)
			p2, err2 := parse(doc)
			if (err == nil) != (err2 == nil) {
				t.Fatalf("parse not deterministic: %v vs %v", err, err2)
			}
			if err != nil {
				var m *MalformedPolicyError
				if !errors.As(err, &m) || m.Message == "" {
					t.Fatalf("error %v (%T) is not a *MalformedPolicyError with a message", err, err)
				}
				continue
			}
			if len(p.Statements) == 0 || p2.IsPublic() != p.IsPublic() {
				t.Fatalf("parsed policy has %d statements", len(p.Statements))
			}
			for i := range reqs {
				in := &Policies{Bucket: p, Identity: []*Policy{p}}
				d1, d2 := Evaluate(&reqs[i], in), Evaluate(&reqs[i], in)
				if d1 != d2 {
					t.Fatalf("Evaluate not deterministic: %v vs %v", d1, d2)
				}
				_ = d1.String()
			}
		}
	})
}
