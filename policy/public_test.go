package policy

import "testing"

func TestPolicyIsPublic(t *testing.T) {
	wrap := func(stmt string) string {
		return `{"Version":"2012-10-17","Statement":[` + stmt + `]}`
	}
	cases := []struct {
		name string
		stmt string
		want bool
	}{
		{"star principal", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, true},
		{"AWS star principal", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, true},
		{"account principal", `{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, false},
		{"user principal", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/a"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`, false},
		{"service principal", `{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`, false},
		{"deny to everyone", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`, false},
		{"allow NotPrincipal", `{"Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, true},
		{"source IP CIDR", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`, false},
		{"source IP everything", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`, true},
		{"NotIpAddress", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`, true},
		{"fixed SourceVpce", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`, false},
		{"wildcard SourceVpce", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}}`, true},
		{"fixed SourceArn", `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}}}`, false},
		{"fixed SourceAccount", `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceAccount":"111111111111"}}}`, false},
		{"userid role pattern", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:userid":"AROAEXAMPLE:*"}}}`, true},
		{"fixed userid", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:userid":"AIDAEXAMPLE"}}}`, false},
		{"condition on an unrelated key", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, true},
		{"IfExists does not fix", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustBucket(t, wrap(c.stmt))
			if got := p.IsPublic(); got != c.want {
				t.Errorf("IsPublic = %v, want %v", got, c.want)
			}
			if got := (BlockPublicAccess{BlockPublicPolicy: true}).RefusesPolicy(p); got != c.want {
				t.Errorf("RefusesPolicy = %v, want %v", got, c.want)
			}
		})
	}
	// One public statement among private ones makes the policy public.
	p := mustBucket(t, wrap(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
		{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`))
	if !p.IsPublic() {
		t.Error("policy with one public statement is not public")
	}
	var nilPolicy *Policy
	if nilPolicy.IsPublic() {
		t.Error("nil policy is public")
	}
	if mustIdentity(t, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`).IsPublic() {
		t.Error("identity policy is public")
	}
}
