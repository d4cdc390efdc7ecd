package policy

import (
	"net/netip"
	"strconv"
	"testing"
	"time"
)

// condHolds evaluates cond (a Condition block) in an identity policy that
// otherwise allows everything, so the decision is the condition's value.
func condHolds(t *testing.T, cond string, r Request) bool {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":` + cond + `}}`
	p, err := ParseIdentityPolicy([]byte(doc))
	if err != nil {
		t.Fatalf("parse %s: %v", cond, err)
	}
	r.Principal = Principal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/alice",
		UserID: "AIDAALICE", Username: "alice", CanonicalID: "c1"}
	r.OwnerAccount = "222222222222" // another account: only the identity side is tested
	r.Action = "s3:GetObject"
	r.Resource = "arn:aws:s3:::b/k"
	d := Evaluate(&r, &Policies{Identity: []*Policy{p}, Bucket: allowAllBucket(t)})
	return d.Allowed
}

func allowAllBucket(t *testing.T) *Policy {
	t.Helper()
	p, err := ParseBucketPolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`), "b")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func kv(pairs ...string) []Value {
	var out []Value
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Value{Key: pairs[i], Value: pairs[i+1]})
	}
	return out
}

func TestConditionOperators(t *testing.T) {
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	ip := netip.MustParseAddr("192.0.2.10")
	cases := []struct {
		name string
		cond string
		req  Request
		want bool
	}{
		// String family.
		{"StringEquals match", `{"StringEquals":{"s3:prefix":"home/"}}`, Request{Values: kv("s3:prefix", "home/")}, true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"s3:prefix":"Home/"}}`, Request{Values: kv("s3:prefix", "home/")}, false},
		{"StringEquals values are ORed", `{"StringEquals":{"s3:prefix":["a/","home/"]}}`, Request{Values: kv("s3:prefix", "home/")}, true},
		{"StringEquals star is literal", `{"StringEquals":{"s3:prefix":"h*"}}`, Request{Values: kv("s3:prefix", "home/")}, false},
		{"StringEquals missing key", `{"StringEquals":{"s3:prefix":"home/"}}`, Request{}, false},
		{"condition key name is case-insensitive", `{"StringEquals":{"S3:Prefix":"home/"}}`, Request{Values: kv("s3:prefix", "home/")}, true},
		{"StringNotEquals differs", `{"StringNotEquals":{"s3:prefix":"home/"}}`, Request{Values: kv("s3:prefix", "x/")}, true},
		{"StringNotEquals equal", `{"StringNotEquals":{"s3:prefix":"home/"}}`, Request{Values: kv("s3:prefix", "home/")}, false},
		{"StringNotEquals values are NORed", `{"StringNotEquals":{"s3:prefix":["a/","home/"]}}`, Request{Values: kv("s3:prefix", "home/")}, false},
		{"StringNotEquals missing key is true", `{"StringNotEquals":{"s3:prefix":"home/"}}`, Request{}, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"s3:prefix":"HOME/"}}`, Request{Values: kv("s3:prefix", "home/")}, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"s3:prefix":"HOME/"}}`, Request{Values: kv("s3:prefix", "home/")}, false},
		{"StringLike star", `{"StringLike":{"s3:prefix":"home/*"}}`, Request{Values: kv("s3:prefix", "home/alice/x")}, true},
		{"StringLike question", `{"StringLike":{"s3:prefix":"h?me/"}}`, Request{Values: kv("s3:prefix", "home/")}, true},
		{"StringLike no match", `{"StringLike":{"s3:prefix":"work/*"}}`, Request{Values: kv("s3:prefix", "home/")}, false},
		{"StringLike case-sensitive", `{"StringLike":{"s3:prefix":"HOME/*"}}`, Request{Values: kv("s3:prefix", "home/")}, false},
		{"StringNotLike", `{"StringNotLike":{"s3:prefix":"home/*"}}`, Request{Values: kv("s3:prefix", "work/")}, true},
		{"StringNotLike matches", `{"StringNotLike":{"s3:prefix":"home/*"}}`, Request{Values: kv("s3:prefix", "home/a")}, false},
		{"policy variable username", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, Request{Values: kv("s3:prefix", "home/alice/docs")}, true},
		{"policy variable other user", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, Request{Values: kv("s3:prefix", "home/bob/docs")}, false},
		{"variable ${*} is a literal star", `{"StringEquals":{"s3:prefix":"a${*}b"}}`, Request{Values: kv("s3:prefix", "a*b")}, true},
		{"variable ${*} is not a wildcard", `{"StringLike":{"s3:prefix":"a${*}b"}}`, Request{Values: kv("s3:prefix", "axxb")}, false},
		{"variable ${$} and ${?}", `{"StringEquals":{"s3:prefix":"${$}{x}${?}"}}`, Request{Values: kv("s3:prefix", "${x}?")}, true},
		{"variable default", `{"StringEquals":{"s3:prefix":"${s3:delimiter, 'none'}"}}`, Request{Values: kv("s3:prefix", "none")}, true},
		{"tag key is case-sensitive", `{"StringEquals":{"s3:ExistingObjectTag/Color":"red"}}`, Request{Values: kv("s3:existingobjecttag/color", "red")}, false},
		{"tag key prefix is case-insensitive", `{"StringEquals":{"s3:ExistingObjectTag/color":"red"}}`, Request{Values: kv("S3:EXISTINGOBJECTTAG/color", "red")}, true},
		{"string operator on SourceIp", `{"StringEquals":{"aws:SourceIp":"192.0.2.10"}}`, Request{SourceIP: ip}, true},

		// Numeric family.
		{"NumericEquals", `{"NumericEquals":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "10")}, true},
		{"NumericEquals number literal", `{"NumericEquals":{"s3:max-keys":10}}`, Request{Values: kv("s3:max-keys", "10.0")}, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "11")}, true},
		{"NumericLessThan", `{"NumericLessThan":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "9")}, true},
		{"NumericLessThan equal", `{"NumericLessThan":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "10")}, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "10")}, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "10")}, false},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "10")}, true},
		{"Numeric non-number request value", `{"NumericLessThan":{"s3:max-keys":"10"}}`, Request{Values: kv("s3:max-keys", "ten")}, false},
		{"Numeric on EpochTime", `{"NumericGreaterThan":{"aws:EpochTime":"1700000000"}}`, Request{CurrentTime: now}, true},

		// Date family.
		{"DateLessThan ISO", `{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}`, Request{CurrentTime: now}, true},
		{"DateLessThan past", `{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, Request{CurrentTime: now}, false},
		{"DateGreaterThan date only", `{"DateGreaterThan":{"aws:CurrentTime":"2026-12-08"}}`, Request{CurrentTime: now}, true},
		{"DateEquals epoch", `{"DateEquals":{"aws:EpochTime":"` + strconv.FormatInt(now.Unix(), 10) + `"}}`, Request{CurrentTime: now}, true},
		{"DateEquals offset", `{"DateEquals":{"aws:CurrentTime":"2026-12-08T13:00:00+01:00"}}`, Request{CurrentTime: now}, true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2026-12-08T12:00:00Z"}}`, Request{CurrentTime: now}, false},
		{"DateLessThanEquals", `{"DateLessThanEquals":{"aws:CurrentTime":"2026-12-08T12:00:00Z"}}`, Request{CurrentTime: now}, true},
		{"DateGreaterThanEquals", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-12-08T12:00:01Z"}}`, Request{CurrentTime: now}, false},
		{"Date string request value", `{"DateLessThan":{"s3:object-lock-retain-until-date":"2030-01-01T00:00:00Z"}}`, Request{Values: kv("s3:object-lock-retain-until-date", "2029-05-01T00:00:00.000Z")}, true},
		{"Date missing time", `{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}`, Request{}, false},

		// Bool.
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, Request{SecureTransport: true}, true},
		{"Bool false", `{"Bool":{"aws:SecureTransport":"false"}}`, Request{SecureTransport: true}, false},
		{"Bool JSON literal", `{"Bool":{"aws:SecureTransport":false}}`, Request{}, true},

		// Binary.
		{"BinaryEquals", `{"BinaryEquals":{"s3:x-amz-content-sha256":"QmluYXJ5"}}`, Request{Values: kv("s3:x-amz-content-sha256", "QmluYXJ5")}, true},
		{"BinaryEquals differs", `{"BinaryEquals":{"s3:x-amz-content-sha256":"QmluYXJ5"}}`, Request{Values: kv("s3:x-amz-content-sha256", "QmluYXJ6")}, false},

		// IP.
		{"IpAddress CIDR", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, Request{SourceIP: ip}, true},
		{"IpAddress single", `{"IpAddress":{"aws:SourceIp":"192.0.2.10"}}`, Request{SourceIP: ip}, true},
		{"IpAddress outside", `{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}`, Request{SourceIP: ip}, false},
		{"IpAddress list", `{"IpAddress":{"aws:SourceIp":["198.51.100.0/24","192.0.2.0/28"]}}`, Request{SourceIP: ip}, true},
		{"IpAddress IPv6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, Request{SourceIP: netip.MustParseAddr("2001:db8::1")}, true},
		{"IpAddress v4-mapped", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, Request{SourceIP: netip.MustParseAddr("::ffff:192.0.2.10")}, true},
		{"IpAddress missing", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, Request{}, false},
		{"NotIpAddress outside", `{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}`, Request{SourceIP: ip}, true},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, Request{SourceIP: ip}, false},

		// ARN.
		{"ArnEquals", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:user/alice"}}`, Request{}, true},
		{"ArnLike", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}`, Request{}, true},
		{"ArnLike star stays in its part", `{"ArnLike":{"s3:prefix":"arn:aws:s3:*::x"}}`, Request{Values: kv("s3:prefix", "arn:aws:s3:us:east::x")}, false},
		{"ArnLike star within its part", `{"ArnLike":{"s3:prefix":"arn:aws:s3:*::x"}}`, Request{Values: kv("s3:prefix", "arn:aws:s3:us-east::x")}, true},
		{"ArnLike other user", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/bob"}}`, Request{}, false},
		{"ArnNotEquals", `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:user/bob"}}`, Request{}, true},
		{"ArnNotLike", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:*"}}`, Request{}, false},
		{"ArnLike request not an ARN", `{"ArnLike":{"s3:prefix":"arn:aws:s3:::*"}}`, Request{Values: kv("s3:prefix", "bucket")}, false},

		// Null.
		{"Null true key absent", `{"Null":{"s3:x-amz-server-side-encryption":"true"}}`, Request{}, true},
		{"Null true key present", `{"Null":{"s3:x-amz-server-side-encryption":"true"}}`, Request{Values: kv("s3:x-amz-server-side-encryption", "AES256")}, false},
		{"Null false key present", `{"Null":{"s3:x-amz-server-side-encryption":"false"}}`, Request{Values: kv("s3:x-amz-server-side-encryption", "AES256")}, true},

		// IfExists.
		{"IfExists absent", `{"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}`, Request{}, true},
		{"IfExists present match", `{"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}`, Request{Values: kv("s3:x-amz-acl", "private")}, true},
		{"IfExists present mismatch", `{"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}`, Request{Values: kv("s3:x-amz-acl", "public-read")}, false},
		{"NumericLessThanIfExists absent", `{"NumericLessThanIfExists":{"s3:max-keys":"10"}}`, Request{}, true},
		{"IpAddressIfExists absent", `{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}`, Request{}, true},

		// Set operators.
		{"ForAnyValue one matches", `{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["a","b"]}}`, Request{Values: kv("s3:RequestObjectTagKeys", "z", "s3:RequestObjectTagKeys", "b")}, true},
		{"ForAnyValue none", `{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["a","b"]}}`, Request{Values: kv("s3:RequestObjectTagKeys", "z")}, false},
		{"ForAnyValue absent", `{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["a"]}}`, Request{}, false},
		{"ForAllValues all in set", `{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["a","b"]}}`, Request{Values: kv("s3:RequestObjectTagKeys", "a", "s3:RequestObjectTagKeys", "b")}, true},
		{"ForAllValues one outside", `{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["a","b"]}}`, Request{Values: kv("s3:RequestObjectTagKeys", "a", "s3:RequestObjectTagKeys", "c")}, false},
		{"ForAllValues absent is true", `{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["a"]}}`, Request{}, true},
		{"ForAllValues negated", `{"ForAllValues:StringNotEquals":{"s3:RequestObjectTagKeys":["secret"]}}`, Request{Values: kv("s3:RequestObjectTagKeys", "a", "s3:RequestObjectTagKeys", "b")}, true},
		{"ForAnyValue negated", `{"ForAnyValue:StringNotEquals":{"s3:RequestObjectTagKeys":["a"]}}`, Request{Values: kv("s3:RequestObjectTagKeys", "a", "s3:RequestObjectTagKeys", "b")}, true},
		{"ForAnyValue StringLike", `{"ForAnyValue:StringLike":{"s3:RequestObjectTagKeys":["pro*"]}}`, Request{Values: kv("s3:RequestObjectTagKeys", "project")}, true},

		// Several keys and operators are ANDed.
		{"two keys both hold", `{"StringEquals":{"s3:prefix":"a/","s3:delimiter":"/"}}`, Request{Values: kv("s3:prefix", "a/", "s3:delimiter", "/")}, true},
		{"two keys one fails", `{"StringEquals":{"s3:prefix":"a/","s3:delimiter":"/"}}`, Request{Values: kv("s3:prefix", "a/", "s3:delimiter", "-")}, false},
		{"two operators one fails", `{"StringEquals":{"s3:prefix":"a/"},"Bool":{"aws:SecureTransport":"true"}}`, Request{Values: kv("s3:prefix", "a/")}, false},

		// Derived principal keys.
		{"aws:userid", `{"StringEquals":{"aws:userid":"AIDAALICE"}}`, Request{}, true},
		{"aws:PrincipalAccount", `{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}`, Request{}, true},
		{"aws:PrincipalType", `{"StringEquals":{"aws:PrincipalType":"User"}}`, Request{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := condHolds(t, tc.cond, tc.req); got != tc.want {
				t.Errorf("%s: got %v, want %v", tc.cond, got, tc.want)
			}
		})
	}
}
