package policy

import "testing"

func TestPatternMatch(t *testing.T) {
	alice := &Request{Principal: Principal{Account: "111111111111", Username: "alice", UserID: "AIDAALICE"}}
	anonReq := &Request{Principal: Principal{Anonymous: true}}
	cases := []struct {
		name    string
		pattern string
		opts    compileOpts
		s       string
		r       *Request
		want    bool
	}{
		{"exact", "arn:aws:s3:::b/k", compileOpts{wild: true}, "arn:aws:s3:::b/k", nil, true},
		{"exact differs", "arn:aws:s3:::b/k", compileOpts{wild: true}, "arn:aws:s3:::b/K", nil, false},
		{"star", "*", compileOpts{wild: true}, "anything/at:all", nil, true},
		{"trailing star", "arn:aws:s3:::b/*", compileOpts{wild: true}, "arn:aws:s3:::b/a/b/c", nil, true},
		{"trailing star needs prefix", "arn:aws:s3:::b/*", compileOpts{wild: true}, "arn:aws:s3:::bb/a", nil, false},
		{"star matches empty", "arn:aws:s3:::b/*", compileOpts{wild: true}, "arn:aws:s3:::b/", nil, true},
		{"star crosses slash", "arn:aws:s3:::b*", compileOpts{wild: true}, "arn:aws:s3:::b/x", nil, true},
		{"middle star", "arn:aws:s3:::b/*/x.txt", compileOpts{wild: true}, "arn:aws:s3:::b/a/b/x.txt", nil, true},
		{"middle star backtracks", "a*b*c", compileOpts{wild: true}, "aXbYbZc", nil, true},
		{"middle star no match", "a*b*c", compileOpts{wild: true}, "aXbYbZ", nil, false},
		{"question one char", "k?y", compileOpts{wild: true}, "key", nil, true},
		{"question not empty", "k?y", compileOpts{wild: true}, "ky", nil, false},
		{"question one rune", "k?y", compileOpts{wild: true}, "kéy", nil, true},
		{"wildcards off", "a*", compileOpts{}, "abc", nil, false},
		{"wildcards off literal", "a*", compileOpts{}, "a*", nil, true},
		{"fold", "s3:Get*", compileOpts{wild: true, fold: true}, "S3:GETOBJECT", nil, true},
		{"fold exact", "s3:GetObject", compileOpts{wild: true, fold: true}, "s3:getobject", nil, true},
		{"no fold", "s3:Get*", compileOpts{wild: true}, "s3:getobject", nil, false},
		{"variable", "b/home/${aws:username}/*", compileOpts{wild: true, vars: true}, "b/home/alice/x", alice, true},
		{"variable other", "b/home/${aws:username}/*", compileOpts{wild: true, vars: true}, "b/home/bob/x", alice, false},
		{"variable value is literal", "b/${aws:username}", compileOpts{wild: true, vars: true}, "b/alic?", alice, false},
		{"variable userid", "${aws:userid}/*", compileOpts{wild: true, vars: true}, "AIDAALICE/x", alice, true},
		{"variable missing matches nothing", "b/home/${aws:username}/*", compileOpts{wild: true, vars: true}, "b/home//x", anonReq, false},
		{"variable default when missing", "b/home/${aws:username,'guest'}/*", compileOpts{wild: true, vars: true}, "b/home/guest/x", anonReq, true},
		{"variable key is case-insensitive", "${AWS:UserName}", compileOpts{vars: true}, "alice", alice, true},
		{"${*} literal", "a${*}b", compileOpts{wild: true, vars: true}, "a*b", nil, true},
		{"${*} not wildcard", "a${*}b", compileOpts{wild: true, vars: true}, "axb", nil, false},
		{"${?} literal", "a${?}", compileOpts{wild: true, vars: true}, "a?", nil, true},
		{"${$} literal", "${$}{x}", compileOpts{wild: true, vars: true}, "${x}", nil, true},
		{"vars off: literal text", "b/${aws:username}", compileOpts{wild: true}, "b/${aws:username}", alice, true},
		{"vars off: not substituted", "b/${aws:username}", compileOpts{wild: true}, "b/alice", alice, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := compilePattern(c.pattern, c.opts)
			if !ok {
				t.Fatalf("compile %q failed", c.pattern)
			}
			if got := p.match(c.s, c.r); got != c.want {
				t.Errorf("%q ~ %q = %v, want %v", c.pattern, c.s, got, c.want)
			}
		})
	}
}

func TestPatternCompileErrors(t *testing.T) {
	for _, s := range []string{"a${aws:username", "${}", "${a b}", "${aws:username, guest}"} {
		if _, ok := compilePattern(s, compileOpts{wild: true, vars: true}); ok {
			t.Errorf("compile %q succeeded, want failure", s)
		}
	}
}

// A 2008-10-17 policy treats ${...} as text, a 2012-10-17 one as a
// variable.
func TestVariablesOnlyIn2012(t *testing.T) {
	doc := func(v string) string {
		return `{"Version":"` + v + `","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`
	}
	r := Request{Principal: Principal{Account: "1", Username: "alice"}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alice/x", OwnerAccount: "1"}
	for v, want := range map[string]bool{Version2012: true, Version2008: false} {
		p := mustIdentity(t, doc(v))
		if got := Evaluate(&r, &Policies{Identity: []*Policy{p}}).Allowed; got != want {
			t.Errorf("version %s: allowed = %v, want %v", v, got, want)
		}
	}
}
