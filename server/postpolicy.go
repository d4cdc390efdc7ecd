package server

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// postPolicy is a form upload's policy document: when it expires and the
// conditions every field must meet.
type postPolicy struct {
	expiration time.Time
	conds      []postCond
	// lengthRange is set by a content-length-range condition.
	lengthRange          bool
	minLength, maxLength int64
}

// postCond is one eq or starts-with condition.
type postCond struct {
	op    string // "eq" or "starts-with"
	field string // lower-case, without the "$"
	value string
	// text is the condition as S3 quotes it in a refusal.
	text string
}

// badPolicy is S3's answer to a policy document it cannot use.
func badPolicy(format string, args ...any) error {
	return errMsg(s3xml.CodeInvalidPolicyDocument, "Invalid Policy: "+format, args...)
}

// parsePostPolicy decodes the form's base64 policy document. The
// document's own keys ("expiration", "conditions") are case-sensitive; the
// field names its conditions name are not, nor are the operators.
func parsePostPolicy(b64 string) (*postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, badPolicy("Invalid Base64 encoding of the policy document.")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, badPolicy("Invalid JSON.")
	}
	p := &postPolicy{}
	exp, ok := doc["expiration"]
	if !ok {
		return nil, badPolicy("Policy missing expiration.")
	}
	var es string
	if err := json.Unmarshal(exp, &es); err != nil {
		return nil, badPolicy("Invalid 'expiration' value: '%s'", exp)
	}
	if p.expiration, err = time.Parse(time.RFC3339Nano, es); err != nil || !strings.HasSuffix(es, "Z") {
		return nil, badPolicy("Invalid 'expiration' value: '%s'", es)
	}
	condsRaw, ok := doc["conditions"]
	if !ok {
		return nil, badPolicy("Policy missing conditions.")
	}
	var conds []json.RawMessage
	if err := json.Unmarshal(condsRaw, &conds); err != nil {
		return nil, badPolicy("Invalid 'conditions' value: it must be a list.")
	}
	for _, c := range conds {
		if err := p.addCond(c); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// addCond parses one condition: {"field": "value"} (an exact match),
// ["eq"|"starts-with", "$field", "value"] or ["content-length-range",
// min, max].
func (p *postPolicy) addCond(c json.RawMessage) error {
	c = bytes.TrimSpace(c)
	if len(c) > 0 && c[0] == '{' {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(c, &m); err != nil || len(m) != 1 {
			return badPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		for name, v := range m {
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return badPolicy("Invalid Simple-Condition: value of %s must be a string.", name)
			}
			p.conds = append(p.conds, postCond{op: "eq", field: strings.ToLower(name), value: s,
				text: fmt.Sprintf(`["eq", "$%s", %q]`, name, s)})
		}
		return nil
	}
	var args []any
	dec := json.NewDecoder(bytes.NewReader(c))
	dec.UseNumber()
	if err := dec.Decode(&args); err != nil || len(args) == 0 {
		return badPolicy("Invalid Condition: %s", c)
	}
	op, _ := args[0].(string)
	switch strings.ToLower(op) {
	case "eq", "starts-with":
		if len(args) != 3 {
			return badPolicy("Invalid Condition: %s: wrong number of arguments.", c)
		}
		field, ok1 := args[1].(string)
		value, ok2 := args[2].(string)
		if !ok1 || !ok2 || !strings.HasPrefix(field, "$") {
			return badPolicy("Invalid Condition: %s", c)
		}
		p.conds = append(p.conds, postCond{op: strings.ToLower(op), field: strings.ToLower(field[1:]), value: value,
			text: fmt.Sprintf(`[%q, %q, %q]`, op, field, value)})
		return nil
	case "content-length-range":
		if len(args) != 3 {
			return badPolicy("Invalid Condition: %s: wrong number of arguments.", c)
		}
		lo, ok1 := policyInt(args[1])
		hi, ok2 := policyInt(args[2])
		if !ok1 || !ok2 || lo < 0 || hi < lo {
			return badPolicy("Invalid content-length-range: %s", c)
		}
		p.lengthRange, p.minLength, p.maxLength = true, lo, hi
		return nil
	}
	return badPolicy("Invalid Condition: %s", c)
}

// policyInt reads a content-length-range bound: a JSON integer or a
// string holding one.
func policyInt(v any) (int64, bool) {
	var n json.Number
	switch t := v.(type) {
	case json.Number:
		n = t
	case string:
		n = json.Number(t)
	default:
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// exemptPostField reports whether a form field needs no condition: the
// signature and policy themselves, the SigV2 key ID, the file, x-ignore-*
// fields, and the checksum of the file, which S3 verifies instead.
func exemptPostField(name string) bool {
	switch name {
	case "policy", "x-amz-signature", "signature", "awsaccesskeyid", "file":
		return true
	}
	return strings.HasPrefix(name, "x-ignore-") || strings.HasPrefix(name, "x-amz-checksum-")
}

// check applies the conditions to the form (whose key has had ${filename}
// replaced) and refuses fields no condition names, as S3 does: every
// refusal is AccessDenied "Invalid according to Policy: ...". The bucket
// counts as a field.
func (p *postPolicy) check(form *postForm, bucket string) error {
	value := func(name string) string {
		if name == "bucket" {
			return bucket
		}
		return form.get(name)
	}
	named := map[string]bool{}
	for _, c := range p.conds {
		named[c.field] = true
		v := value(c.field)
		ok := v == c.value
		if c.op == "starts-with" {
			ok = strings.HasPrefix(v, c.value)
			if c.field == "content-type" {
				// Each of several comma-separated types must match.
				ok = true
				for t := range strings.SplitSeq(v, ",") {
					ok = ok && strings.HasPrefix(strings.TrimSpace(t), c.value)
				}
			}
		}
		if !ok {
			return errMsg(s3xml.CodeAccessDenied, "Invalid according to Policy: Policy Condition failed: %s", c.text)
		}
	}
	var extra []string
	if !named["bucket"] {
		extra = append(extra, "bucket")
	}
	for name := range form.fields {
		if !exemptPostField(name) && !named[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return errMsg(s3xml.CodeAccessDenied, "Invalid according to Policy: Extra input fields: %s", strings.Join(extra, ", "))
	}
	return nil
}

// postV4 reads a form's SigV4 fields and returns the access key ID and a
// check of the signature over the policy for that key's secret.
func (s *Server) postV4(form *postForm, policy string) (string, func(secret string) bool, error) {
	for _, name := range []string{"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "policy"} {
		if form.get(name) == "" {
			return "", nil, postFieldErr(name)
		}
	}
	if alg := form.get("x-amz-algorithm"); alg != "AWS4-HMAC-SHA256" {
		return "", nil, errArg("x-amz-algorithm", alg, "The algorithm %s is not supported; use AWS4-HMAC-SHA256.", alg)
	}
	cred := form.get("x-amz-credential")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[3] != "s3" || len(parts[1]) != 8 {
		return "", nil, errArg("x-amz-credential", cred, "Error parsing the X-Amz-Credential parameter; it must be ACCESS_KEY/YYYYMMDD/REGION/s3/aws4_request.")
	}
	id, day, region := parts[0], parts[1], parts[2]
	if !validRegion(region) || s.strictRegion && region != s.region {
		e := errArg("x-amz-credential", cred, "Error parsing the X-Amz-Credential parameter; the region '%s' is wrong; expecting '%s'", region, s.region)
		e.Detail.Region = s.region
		return "", nil, e
	}
	date := form.get("x-amz-date")
	if t, err := time.Parse("20060102T150405Z", date); err != nil || t.Format("20060102") != day {
		return "", nil, errArg("x-amz-date", date, "X-Amz-Date must be in the ISO8601 basic format (YYYYMMDD'T'HHMMSS'Z') and on the credential's day.")
	}
	sig := strings.ToLower(form.get("x-amz-signature"))
	return id, func(secret string) bool {
		return hmac.Equal([]byte(sigv4.PolicySignature(secret, day, region, "s3", policy)), []byte(sig))
	}, nil
}
