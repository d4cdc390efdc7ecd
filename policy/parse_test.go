package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestMalformedBucketPolicy(t *testing.T) {
	stmt := func(body string) string {
		return `{"Version":"2012-10-17","Statement":[{` + body + `}]}`
	}
	cases := []struct {
		name, doc, msg string
	}{
		{"not starting with a brace", ` {"Statement":[]}`, "Policies must be valid JSON and the first byte must be '{'"},
		{"empty document", ``, "Policies must be valid JSON and the first byte must be '{'"},
		{"invalid json", `{"Statement":[}`, "This policy contains invalid Json"},
		{"bad version", `{"Version":"2020-01-01","Statement":[]}`, "The policy must contain a valid version string"},
		{"version not a string", `{"Version":2012,"Statement":[]}`, "The policy must contain a valid version string"},
		{"missing statement", `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"empty statement list", `{"Version":"2012-10-17","Statement":[]}`, "Could not parse the policy: Statement is empty!"},
		{"statement is a string", `{"Version":"2012-10-17","Statement":"x"}`, "Invalid policy syntax."},
		{"unknown top-level field", `{"Version":"2012-10-17","Foo":1,"Statement":[]}`, "Unknown field Foo"},
		{"unknown statement field", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Extra":1`), "Unknown field Extra"},
		{"element names are case-sensitive", stmt(`"effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Unknown field effect"},
		{"missing effect", stmt(`"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Missing required field Effect"},
		{"invalid effect", stmt(`"Effect":"allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Invalid effect: allow"},
		{"missing principal", stmt(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Missing required field Principal"},
		{"principal string not star", stmt(`"Effect":"Allow","Principal":"arn:aws:iam::111111111111:root","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Invalid policy syntax."},
		{"principal bad account", stmt(`"Effect":"Allow","Principal":{"AWS":"12345"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Invalid principal in policy"},
		{"principal wildcard arn", stmt(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Invalid principal in policy"},
		{"principal unknown type", stmt(`"Effect":"Allow","Principal":{"Bogus":"x"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Invalid principal in policy"},
		{"principal empty list", stmt(`"Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`), "Invalid principal in policy"},
		{"missing action", stmt(`"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::b/*"`), "Missing required field Action"},
		{"unknown action", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::b/*"`), "Policy has invalid action"},
		{"other service action", stmt(`"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::b/*"`), "Policy has invalid action"},
		{"action without vendor", stmt(`"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"arn:aws:s3:::b/*"`), "Policy has invalid action"},
		{"missing resource", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject"`), "Missing required field Resource"},
		{"resource not an s3 arn", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"b/*"`), "Policy has invalid resource"},
		{"resource in another bucket", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"`), "Policy has invalid resource"},
		{"resource empty list", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":[]`), "Policy has invalid resource"},
		{"object action on bucket arn", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"`), "Action does not apply to any resource(s) in statement"},
		{"bucket action on object arn", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"`), "Action does not apply to any resource(s) in statement"},
		{"unknown condition key", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:NoSuchKey":"x"}}`), "Policy has an invalid condition key"},
		{"unknown condition operator", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualz":{"s3:prefix":"x"}}`), "Invalid Condition type : StringEqualz"},
		{"operator names are case-sensitive", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"stringequals":{"s3:prefix":"x"}}`), "Invalid Condition type : stringequals"},
		{"bad IP in condition", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"1.2.3.400/24"}}`), "Invalid IP address in Conditions"},
		{"condition not an object", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":["x"]`), "Invalid policy syntax."},
		{"condition value an object", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:prefix":{"a":1}}}`), "Invalid policy syntax."},
		{"both Action and NotAction", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b/*"`), "Invalid policy syntax."},
		{"bad number in condition", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}`), "Invalid number in Conditions: ten"},
		{"bad date in condition", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`), "Invalid date in Conditions: tomorrow"},
		{"unclosed policy variable", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username"`), "Policy has invalid resource"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBucketPolicy([]byte(tc.doc), "b")
			var m *MalformedPolicyError
			if !errors.As(err, &m) {
				t.Fatalf("err = %v, want *MalformedPolicyError", err)
			}
			if m.Message != tc.msg {
				t.Errorf("Message = %q, want %q", m.Message, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "malformed policy: ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

func TestMalformedIdentityPolicy(t *testing.T) {
	cases := []struct{ name, doc, msg string }{
		{"principal not allowed", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, "Policy document should not specify a principal."},
		{"action without vendor", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"resource not an arn", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}`, `Resource bucket must be in ARN format or "*".`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIdentityPolicy([]byte(tc.doc))
			var m *MalformedPolicyError
			if !errors.As(err, &m) || m.Message != tc.msg {
				t.Fatalf("err = %v, want message %q", err, tc.msg)
			}
			if m.Statement != 0 {
				t.Errorf("Statement = %d, want 0", m.Statement)
			}
		})
	}
}

func TestValidBucketPolicies(t *testing.T) {
	cases := []struct{ name, doc string }{
		{"single statement object, no version", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`},
		{"2008 version and Id", `{"Version":"2008-10-17","Id":"P1","Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}`},
		{"account principals", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:user/bob"]},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`},
		{"canonical and service principals", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be","Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/logs/*"}]}`},
		{"NotPrincipal deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/admin"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`},
		{"NotAction and NotResource", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::b/public/*"}]}`},
		{"wildcard action on bucket", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"arn:aws:s3:::b"}]}`},
		{"action case-insensitive", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"S3:getobject","Resource":"arn:aws:s3:::b/*"}]}`},
		{"wildcard bucket resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"}]}`},
		{"resource star", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`},
		{"variables and all condition families", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{
			"StringLike":{"s3:prefix":["home/${aws:username}/*"]},"NumericLessThanEquals":{"s3:max-keys":100},
			"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"Bool":{"aws:SecureTransport":true},
			"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"},
			"Null":{"s3:delimiter":"false"},"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]},"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseBucketPolicy([]byte(tc.doc), "b")
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Statements) == 0 {
				t.Fatal("no statements")
			}
		})
	}
}

func TestParseKeepsVersionIDAndSid(t *testing.T) {
	p, err := ParseBucketPolicy([]byte(`{"Id":"X","Statement":{"Sid":"S","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != Version2008 || p.ID != "X" || p.Statements[0].Sid != "S" || p.Statements[0].Effect != Deny {
		t.Errorf("got %+v", p)
	}
}
