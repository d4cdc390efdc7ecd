package policy

import (
	"net/netip"
	"strings"
	"testing"
)

const (
	ownerAcct = "111111111111"
	otherAcct = "222222222222"
)

var (
	ownerRoot = Principal{Account: ownerAcct, ARN: "arn:aws:iam::111111111111:root", CanonicalID: "c-owner", Root: true}
	alice     = Principal{Account: ownerAcct, ARN: "arn:aws:iam::111111111111:user/alice", UserID: "AIDAALICE", Username: "alice", CanonicalID: "c-owner"}
	bob       = Principal{Account: otherAcct, ARN: "arn:aws:iam::222222222222:user/bob", UserID: "AIDABOB", Username: "bob", CanonicalID: "c-other"}
	otherRoot = Principal{Account: otherAcct, ARN: "arn:aws:iam::222222222222:root", CanonicalID: "c-other", Root: true}
	anon      = Principal{Anonymous: true}
)

func mustBucket(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := ParseBucketPolicy([]byte(doc), "b")
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return p
}

func mustIdentity(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := ParseIdentityPolicy([]byte(doc))
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return p
}

func mustACL(t testing.TB, name string) *ACL {
	t.Helper()
	a, err := CannedACL(name, "c-owner", "c-owner")
	if err != nil {
		t.Fatal(err)
	}
	return &a
}

func TestEvaluateLogic(t *testing.T) {
	idGetAll := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	idDenyDelete := `{"Version":"2012-10-17","Statement":{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}}`
	idHome := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}}`
	bpPublicRead := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	bpBobUser := `{"Version":"2012-10-17","Statement":[{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	bpOtherAcct := `{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	bpAlice := `{"Version":"2012-10-17","Statement":[{"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	bpOwnAcct := `{"Version":"2012-10-17","Statement":[{"Sid":"Own","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	bpDenyHTTP := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	bpNotPrincipal := `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111111111111:user/alice","111111111111"]},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`
	bpNotPrincipalUserOnly := `{"Version":"2012-10-17","Statement":[{"Sid":"UserOnly","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`
	bpNotPrincipalAccount := `{"Version":"2012-10-17","Statement":[{"Sid":"AcctOnly","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`
	bpDenyAll := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`
	bpNotAction := `{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnly","Effect":"Deny","Principal":"*","NotAction":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*"}]}`
	bpIP := `{"Version":"2012-10-17","Statement":[{"Sid":"Office","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`

	type tc struct {
		name     string
		p        Principal
		action   string
		resource string
		identity []string
		bucket   string
		bucketACL,
		objectACL *ACL
		block   BlockPublicAccess
		secure  bool
		ip      string
		allowed bool
		reason  string // substring of Decision.String()
	}
	cases := []tc{
		// Default deny.
		{name: "nothing allows", p: alice, action: "s3:GetObject", allowed: false, reason: "no statement allowed"},
		{name: "anonymous, nothing", p: anon, action: "s3:GetObject", allowed: false, reason: "no statement allowed"},

		// Same account: either side suffices.
		{name: "identity allow", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, allowed: true, reason: "identity policy 0 statement 0"},
		{name: "bucket policy names the user", p: alice, action: "s3:GetObject", bucket: bpAlice, allowed: true, reason: `bucket policy statement 0 (Sid "Alice")`},
		{name: "bucket policy names only the account: delegates to identity", p: alice, action: "s3:GetObject", bucket: bpOwnAcct, allowed: false, reason: "its identity policy must allow too"},
		{name: "account grant plus identity", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpOwnAcct, allowed: true},
		{name: "owner root needs no policy", p: ownerRoot, action: "s3:PutBucketPolicy", allowed: true, reason: "bucket owner account root"},
		{name: "public policy allows a user of the account", p: alice, action: "s3:GetObject", bucket: bpPublicRead, allowed: true, reason: "PublicRead"},
		{name: "policy variable in identity resource: own home", p: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/home/alice/x", identity: []string{idHome}, allowed: true},
		{name: "policy variable in identity resource: other home", p: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/home/bob/x", identity: []string{idHome}, allowed: false},

		// Explicit deny wins everywhere.
		{name: "identity deny beats identity allow", p: alice, action: "s3:DeleteObject", identity: []string{idGetAll, idDenyDelete}, allowed: false, reason: `identity policy 1 statement 0 (Sid "NoDelete"): Deny`},
		{name: "bucket deny beats identity allow", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpDenyHTTP, allowed: false, reason: `Sid "DenyHTTP"): Deny`},
		{name: "bucket deny condition not met", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpDenyHTTP, secure: true, allowed: true},
		{name: "bucket deny applies to the owner root", p: ownerRoot, action: "s3:GetObject", bucket: bpDenyHTTP, allowed: false, reason: "DenyHTTP"},
		{name: "owner root may still delete a policy that denies it", p: ownerRoot, action: "s3:DeleteBucketPolicy", resource: "arn:aws:s3:::b", bucket: bpDenyAll, allowed: true, reason: "always get, put and delete the bucket policy"},
		{name: "owner root denied other actions by that policy", p: ownerRoot, action: "s3:GetBucketAcl", resource: "arn:aws:s3:::b", bucket: bpDenyAll, allowed: false, reason: "DenyAll"},
		{name: "a user of the owner account gets no such exception", p: alice, action: "s3:DeleteBucketPolicy", resource: "arn:aws:s3:::b", identity: []string{idGetAll}, bucket: bpDenyAll, allowed: false, reason: "DenyAll"},
		{name: "identity deny beats public ACL", p: alice, action: "s3:DeleteObject", identity: []string{idDenyDelete}, bucketACL: mustACL(t, "public-read-write"), allowed: false, reason: "NoDelete"},
		{name: "NotPrincipal deny spares alice", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpNotPrincipal, allowed: true},
		{name: "NotPrincipal deny hits bob", p: bob, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpNotPrincipal + "", allowed: false, reason: "OnlyAlice"},
		{name: "NotPrincipal naming only the user still denies it (account checked first)", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpNotPrincipalUserOnly, allowed: false, reason: "UserOnly"},
		{name: "NotPrincipal naming only the account spares its root", p: ownerRoot, action: "s3:GetObject", bucket: bpNotPrincipalAccount, allowed: true},
		{name: "NotPrincipal naming only the account denies its users", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpNotPrincipalAccount, allowed: false, reason: "AcctOnly"},
		{name: "NotPrincipal deny hits anonymous", p: anon, action: "s3:GetObject", bucket: bpNotPrincipal, allowed: false, reason: "OnlyAlice"},
		{name: "NotAction deny: listed action passes", p: alice, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpNotAction, allowed: true},
		{name: "NotAction deny: other action denied", p: alice, action: "s3:PutObject", identity: []string{idGetAll}, bucket: bpNotAction, allowed: false, reason: "ReadOnly"},

		// Cross-account: both sides.
		{name: "cross-account: bucket names bob, bob has no identity allow", p: bob, action: "s3:GetObject", bucket: bpBobUser, allowed: false, reason: "cross-account"},
		{name: "cross-account: identity only", p: bob, action: "s3:GetObject", identity: []string{idGetAll}, allowed: false, reason: "cross-account"},
		{name: "cross-account: both allow", p: bob, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpBobUser, allowed: true, reason: `Sid "Bob"`},
		{name: "cross-account: account principal plus identity", p: bob, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpOtherAcct, allowed: true, reason: `Sid "Other"`},
		{name: "cross-account root: account principal suffices", p: otherRoot, action: "s3:GetObject", bucket: bpOtherAcct, allowed: true},
		{name: "cross-account root: nothing on the bucket", p: otherRoot, action: "s3:GetObject", allowed: false},
		{name: "cross-account: public read needs identity allow", p: bob, action: "s3:GetObject", bucket: bpPublicRead, allowed: false, reason: "cross-account"},
		{name: "cross-account: public read with identity allow", p: bob, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpPublicRead, allowed: true},
		{name: "cross-account: ACL grant to the account plus identity", p: bob, action: "s3:GetObject", identity: []string{idGetAll},
			objectACL: &ACL{Owner: "c-owner", Grants: []Grant{{Grantee{ID: "c-owner"}, PermFullControl}, {Grantee{ID: "c-other"}, PermRead}}}, allowed: true, reason: "ACL grant 1"},
		{name: "cross-account: ACL READ does not grant WRITE", p: bob, action: "s3:PutObject", identity: []string{idGetAll},
			bucketACL: &ACL{Owner: "c-owner", Grants: []Grant{{Grantee{ID: "c-other"}, PermRead}}}, allowed: false},

		// Anonymous: only the resource side.
		{name: "anonymous: public policy", p: anon, action: "s3:GetObject", bucket: bpPublicRead, allowed: true, reason: "PublicRead"},
		{name: "anonymous: policy for a user does not reach it", p: anon, action: "s3:GetObject", bucket: bpBobUser, allowed: false},
		{name: "anonymous: identity policies ignored", p: anon, action: "s3:GetObject", identity: []string{idGetAll}, allowed: false},
		{name: "anonymous: public-read object ACL", p: anon, action: "s3:GetObject", objectACL: mustACL(t, "public-read"), allowed: true, reason: "ACL grant 1"},
		{name: "anonymous: public-read is not write", p: anon, action: "s3:PutObject", bucketACL: mustACL(t, "public-read"), allowed: false},
		{name: "anonymous: public-read-write bucket allows put", p: anon, action: "s3:PutObject", bucketACL: mustACL(t, "public-read-write"), allowed: true},
		{name: "anonymous: authenticated-read is not for anonymous", p: anon, action: "s3:GetObject", objectACL: mustACL(t, "authenticated-read"), allowed: false},
		{name: "anonymous: private ACL", p: anon, action: "s3:GetObject", objectACL: mustACL(t, "private"), allowed: false},
		{name: "anonymous: IP condition met", p: anon, action: "s3:GetObject", bucket: bpIP, ip: "192.0.2.7", allowed: true},
		{name: "anonymous: IP condition not met", p: anon, action: "s3:GetObject", bucket: bpIP, ip: "198.51.100.7", allowed: false},
		{name: "anonymous: bucket ACL read allows listing", p: anon, action: "s3:ListBucket", resource: "arn:aws:s3:::b", bucketACL: mustACL(t, "public-read"), allowed: true},
		{name: "anonymous: object ACL does not allow listing", p: anon, action: "s3:ListBucket", resource: "arn:aws:s3:::b", objectACL: mustACL(t, "public-read"), allowed: false},

		// ACLs within the account.
		{name: "same account user: private ACL grant to the account is not enough", p: alice, action: "s3:GetObject", objectACL: mustACL(t, "private"), allowed: false, reason: "identity policy must allow too"},
		{name: "same account user: authenticated-read", p: alice, action: "s3:GetObject", objectACL: mustACL(t, "authenticated-read"), allowed: true, reason: "ACL grant 1"},

		// Block Public Access.
		{name: "IgnorePublicAcls: public-read ignored", p: anon, action: "s3:GetObject", objectACL: mustACL(t, "public-read"), block: BlockPublicAccess{IgnorePublicAcls: true}, allowed: false},
		{name: "IgnorePublicAcls: policy still applies", p: anon, action: "s3:GetObject", bucket: bpPublicRead, objectACL: mustACL(t, "public-read"), block: BlockPublicAccess{IgnorePublicAcls: true}, allowed: true},
		{name: "RestrictPublicBuckets: anonymous refused", p: anon, action: "s3:GetObject", bucket: bpPublicRead, block: BlockPublicAccess{RestrictPublicBuckets: true}, allowed: false, reason: "RestrictPublicBuckets"},
		{name: "RestrictPublicBuckets: cross-account refused", p: bob, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpPublicRead, block: BlockPublicAccess{RestrictPublicBuckets: true}, allowed: false, reason: "RestrictPublicBuckets"},
		{name: "RestrictPublicBuckets: owner account still allowed", p: alice, action: "s3:GetObject", bucket: bpPublicRead, block: BlockPublicAccess{RestrictPublicBuckets: true}, allowed: true},
		{name: "RestrictPublicBuckets: non-public policy unaffected", p: bob, action: "s3:GetObject", identity: []string{idGetAll}, bucket: bpBobUser, block: BlockPublicAccess{RestrictPublicBuckets: true}, allowed: true},
		{name: "RestrictPublicBuckets: ACL unaffected", p: anon, action: "s3:GetObject", bucket: bpPublicRead, objectACL: mustACL(t, "public-read"), block: BlockPublicAccess{RestrictPublicBuckets: true}, allowed: true, reason: "ACL grant"},

		// Action and resource matching.
		{name: "action matched without regard to case", p: alice, action: "S3:GETOBJECT", bucket: bpAlice, allowed: true},
		{name: "resource matched with regard to case", p: alice, action: "s3:GetObject", resource: "arn:aws:s3:::B/k", bucket: bpAlice, allowed: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Request{Principal: c.p, Action: c.action, Resource: c.resource, OwnerAccount: ownerAcct, SecureTransport: c.secure}
			if r.Resource == "" {
				r.Resource = "arn:aws:s3:::b/k"
			}
			if c.ip != "" {
				r.SourceIP = netip.MustParseAddr(c.ip)
			}
			in := Policies{BucketACL: c.bucketACL, ObjectACL: c.objectACL, Block: c.block}
			for _, d := range c.identity {
				in.Identity = append(in.Identity, mustIdentity(t, d))
			}
			if c.bucket != "" {
				in.Bucket = mustBucket(t, c.bucket)
			}
			d := Evaluate(&r, &in)
			if d.Allowed != c.allowed {
				t.Errorf("Allowed = %v, want %v (%s)", d.Allowed, c.allowed, d)
			}
			if c.reason != "" && !strings.Contains(d.String(), c.reason) {
				t.Errorf("decision %q does not mention %q", d, c.reason)
			}
		})
	}
}

func TestEvaluateNilPolicies(t *testing.T) {
	r := Request{Principal: ownerRoot, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", OwnerAccount: ownerAcct}
	if d := Evaluate(&r, nil); !d.Allowed {
		t.Errorf("owner root with no policies: %s", d)
	}
	r.Principal = alice
	if d := Evaluate(&r, nil); d.Allowed {
		t.Errorf("user with no policies: %s", d)
	}
	if n := testing.AllocsPerRun(100, func() { Evaluate(&r, nil) }); n != 0 {
		t.Errorf("%v allocs", n)
	}
}

// The root's identity policies can deny it but not narrow it by omission.
func TestRootIdentityPolicyOnlyDenies(t *testing.T) {
	readOnly := mustIdentity(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)
	r := Request{Principal: ownerRoot, Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", OwnerAccount: ownerAcct}
	if d := Evaluate(&r, &Policies{Identity: []*Policy{readOnly}}); !d.Allowed {
		t.Errorf("root PutObject: %s", d)
	}
	r.Action, r.Resource = "s3:DeleteBucket", "arn:aws:s3:::b"
	if d := Evaluate(&r, &Policies{Identity: []*Policy{readOnly}}); d.Allowed {
		t.Errorf("root DeleteBucket under an explicit deny: %s", d)
	}
	r.Principal, r.Action, r.Resource = alice, "s3:PutObject", "arn:aws:s3:::b/k"
	if d := Evaluate(&r, &Policies{Identity: []*Policy{readOnly}}); d.Allowed {
		t.Errorf("read-only user PutObject: %s", d)
	}
}

func TestResourceARN(t *testing.T) {
	if got := ResourceARN("b", ""); got != "arn:aws:s3:::b" {
		t.Errorf("bucket: %q", got)
	}
	if got := ResourceARN("b", "a/b c"); got != "arn:aws:s3:::b/a/b c" {
		t.Errorf("object: %q", got)
	}
}

func TestDecisionString(t *testing.T) {
	cases := []struct {
		d    Decision
		want string
	}{
		{Decision{Reason: Reason{Note: NoteNoAllow}}, "denied by implicit deny: no statement allowed"},
		{Decision{Allowed: true, Reason: Reason{Source: SourceBucket, Effect: Allow, Statement: 3, Sid: "Pub"}}, `allowed by bucket policy statement 3 (Sid "Pub"): Allow`},
		{Decision{Reason: Reason{Source: SourceIdentity, Effect: Deny, Policy: 1, Statement: 0}}, "denied by identity policy 1 statement 0: Deny"},
		{Decision{Allowed: true, Reason: Reason{Source: SourceACL, Statement: 1}}, "allowed by ACL grant 1"},
	}
	for _, c := range cases {
		if got := c.d.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
