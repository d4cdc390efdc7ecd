package policy

import (
	"bytes"
	"encoding/json"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// opFamily is what a condition operator compares.
type opFamily uint8

const (
	famString opFamily = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// cmp is the comparison of the numeric and date families.
type cmp uint8

const (
	cmpEq cmp = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type opInfo struct {
	fam    opFamily
	cmp    cmp
	negate bool
	fold   bool // *IgnoreCase
	like   bool // wildcards allowed in values
}

// operators are AWS's condition operators (names are case-sensitive, as
// on AWS); "IfExists" and the ForAnyValue:/ForAllValues: qualifiers are
// handled around this table.
var operators = map[string]opInfo{
	"StringEquals":              {fam: famString},
	"StringNotEquals":           {fam: famString, negate: true},
	"StringEqualsIgnoreCase":    {fam: famString, fold: true},
	"StringNotEqualsIgnoreCase": {fam: famString, fold: true, negate: true},
	"StringLike":                {fam: famString, like: true},
	"StringNotLike":             {fam: famString, like: true, negate: true},
	"NumericEquals":             {fam: famNumeric, cmp: cmpEq},
	"NumericNotEquals":          {fam: famNumeric, cmp: cmpEq, negate: true},
	"NumericLessThan":           {fam: famNumeric, cmp: cmpLt},
	"NumericLessThanEquals":     {fam: famNumeric, cmp: cmpLe},
	"NumericGreaterThan":        {fam: famNumeric, cmp: cmpGt},
	"NumericGreaterThanEquals":  {fam: famNumeric, cmp: cmpGe},
	"DateEquals":                {fam: famDate, cmp: cmpEq},
	"DateNotEquals":             {fam: famDate, cmp: cmpEq, negate: true},
	"DateLessThan":              {fam: famDate, cmp: cmpLt},
	"DateLessThanEquals":        {fam: famDate, cmp: cmpLe},
	"DateGreaterThan":           {fam: famDate, cmp: cmpGt},
	"DateGreaterThanEquals":     {fam: famDate, cmp: cmpGe},
	"Bool":                      {fam: famBool},
	"BinaryEquals":              {fam: famBinary},
	"IpAddress":                 {fam: famIP},
	"NotIpAddress":              {fam: famIP, negate: true},
	"ArnEquals":                 {fam: famARN, like: true},
	"ArnLike":                   {fam: famARN, like: true},
	"ArnNotEquals":              {fam: famARN, like: true, negate: true},
	"ArnNotLike":                {fam: famARN, like: true, negate: true},
	"Null":                      {fam: famNull},
}

// setOp is the ForAnyValue:/ForAllValues: qualifier.
type setOp uint8

const (
	setNone setOp = iota
	setAny
	setAll
)

// cval is one policy value, parsed once for its family.
type cval struct {
	raw string
	pat pattern     // famString
	arn *arnPattern // famARN
	num float64     // famNumeric
	t   time.Time   // famDate
	pfx netip.Prefix
	b   bool // famNull: true means "the key must be absent"
}

// condition is one operator applied to one key with its values.
type condition struct {
	op       string // as written, for explanations
	info     opInfo
	ifExists bool
	set      setOp
	key      keyRef
	vals     []cval
}

// parseConditions compiles a Condition block. bucket says whether keys
// are checked against S3's catalogue, as PutBucketPolicy does.
func parseConditions(raw json.RawMessage, vars, bucket bool) ([]condition, error) {
	var block map[string]json.RawMessage
	if err := strictObject(raw, &block); err != nil {
		return nil, malformed(msgSyntax)
	}
	ops := sortedKeys(block)
	var out []condition
	for _, name := range ops {
		base, set := name, setNone
		if rest, ok := strings.CutPrefix(base, "ForAnyValue:"); ok {
			base, set = rest, setAny
		} else if rest, ok := strings.CutPrefix(base, "ForAllValues:"); ok {
			base, set = rest, setAll
		}
		ifExists := false
		if rest, ok := strings.CutSuffix(base, "IfExists"); ok && rest != "Null" {
			base, ifExists = rest, true
		}
		info, ok := operators[base]
		if !ok || (set != setNone && info.fam == famNull) {
			return nil, malformed("Invalid Condition type : " + name)
		}
		var keys map[string]json.RawMessage
		if err := strictObject(block[name], &keys); err != nil {
			return nil, malformed(msgSyntax)
		}
		for _, k := range sortedKeys(keys) {
			if bucket && !knownConditionKey(k) {
				return nil, malformed(msgInvalidConditionKey)
			}
			strs, err := conditionStrings(keys[k])
			if err != nil {
				return nil, err
			}
			c := condition{op: name, info: info, ifExists: ifExists, set: set, key: resolveKey(k)}
			for _, s := range strs {
				v, err := compileValue(info, s, vars)
				if err != nil {
					return nil, err
				}
				c.vals = append(c.vals, v)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// conditionStrings reads a condition value: a string, number or boolean,
// or a non-empty list of them. Numbers and booleans keep their JSON text.
func conditionStrings(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
			return nil, malformed(msgSyntax)
		}
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := scalar(e)
			if !ok {
				return nil, malformed(msgSyntax)
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, ok := scalar(raw)
	if !ok {
		return nil, malformed(msgSyntax)
	}
	return []string{s}, nil
}

func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return "", false
		}
		return strconv.FormatBool(b), true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}

func compileValue(info opInfo, s string, vars bool) (cval, error) {
	v := cval{raw: s}
	switch info.fam {
	case famString:
		p, ok := compilePattern(s, compileOpts{wild: info.like, vars: vars, fold: info.fold})
		if !ok {
			return v, malformed(msgSyntax)
		}
		v.pat = p
	case famARN:
		a, ok := compileARN(s, vars)
		if !ok {
			return v, malformed("Invalid ARN in Conditions: " + s)
		}
		v.arn = &a
	case famNumeric:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(n) {
			return v, malformed("Invalid number in Conditions: " + s)
		}
		v.num = n
	case famDate:
		t, ok := parseDate(s)
		if !ok {
			return v, malformed("Invalid date in Conditions: " + s)
		}
		v.t = t
	case famIP:
		p, ok := parsePrefix(s)
		if !ok {
			return v, malformed(msgInvalidIP)
		}
		v.pfx = p
	case famNull:
		switch strings.ToLower(s) {
		case "true":
			v.b = true
		case "false":
		default:
			return v, malformed("Invalid value for Null in Conditions: " + s)
		}
	}
	return v, nil
}

// parseDate reads the forms AWS accepts for date conditions: ISO 8601
// (with or without time, seconds, fraction and zone) or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

var dateLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02",
}

func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval decides one condition against the request (AWS "Condition
// operators" and "Conditions with multiple context keys or values"):
//   - a key absent from the request: ...IfExists is true, ForAllValues is
//     true, ForAnyValue is false, a negated operator is true, any other
//     false;
//   - several policy values are ORed (NORed for a negated operator);
//   - ForAnyValue: some request value satisfies the operator;
//     ForAllValues: every request value does.
func (c *condition) eval(r *Request) bool {
	var buf [4]rval
	vals := r.lookup(&c.key, buf[:0])
	if c.info.fam == famNull {
		absent := len(vals) == 0
		for i := range c.vals {
			if c.vals[i].b == absent {
				return true
			}
		}
		return false
	}
	if len(vals) == 0 {
		switch {
		case c.ifExists:
			return true
		case c.set == setAll:
			return true
		case c.set == setAny:
			return false
		}
		return c.info.negate
	}
	switch c.set {
	case setAll:
		for _, v := range vals {
			if c.matchAny(v, r) == c.info.negate {
				return false
			}
		}
		return true
	case setAny:
		for _, v := range vals {
			if c.matchAny(v, r) != c.info.negate {
				return true
			}
		}
		return false
	}
	// A single-valued key: a negated operator holds when no request value
	// matches any policy value.
	if c.info.negate {
		for _, v := range vals {
			if c.matchAny(v, r) {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if c.matchAny(v, r) {
			return true
		}
	}
	return false
}

// matchAny reports whether request value v matches any policy value, in
// the operator's positive sense.
func (c *condition) matchAny(v rval, r *Request) bool {
	switch c.info.fam {
	case famString:
		s := v.str()
		for i := range c.vals {
			if c.vals[i].pat.match(s, r) {
				return true
			}
		}
	case famARN:
		s := v.str()
		for i := range c.vals {
			if c.vals[i].arn.match(s, r) {
				return true
			}
		}
	case famBool:
		s := v.str()
		for i := range c.vals {
			if strings.EqualFold(s, c.vals[i].raw) {
				return true
			}
		}
	case famBinary:
		for i := range c.vals {
			if v.s == c.vals[i].raw {
				return true
			}
		}
	case famNumeric:
		var n float64
		switch v.typ {
		case rvEpoch, rvTime:
			n = float64(v.t.Unix())
		case rvString:
			var err error
			if n, err = strconv.ParseFloat(v.s, 64); err != nil {
				return false
			}
		default:
			return false
		}
		for i := range c.vals {
			if compare(n, c.vals[i].num, c.info.cmp) {
				return true
			}
		}
	case famDate:
		var t time.Time
		switch v.typ {
		case rvEpoch, rvTime:
			t = v.t
		case rvString:
			var ok bool
			if t, ok = parseDate(v.s); !ok {
				return false
			}
		default:
			return false
		}
		for i := range c.vals {
			if compareTime(t, c.vals[i].t, c.info.cmp) {
				return true
			}
		}
	case famIP:
		ip := v.ip
		if v.typ != rvIP {
			a, err := netip.ParseAddr(v.s)
			if err != nil {
				return false
			}
			ip = a
		}
		ip = ip.Unmap()
		for i := range c.vals {
			if c.vals[i].pfx.Contains(ip) {
				return true
			}
		}
	}
	return false
}

func compare(a, b float64, c cmp) bool {
	switch c {
	case cmpLt:
		return a < b
	case cmpLe:
		return a <= b
	case cmpGt:
		return a > b
	case cmpGe:
		return a >= b
	}
	return a == b
}

func compareTime(a, b time.Time, c cmp) bool {
	switch c {
	case cmpLt:
		return a.Before(b)
	case cmpLe:
		return !a.After(b)
	case cmpGt:
		return a.After(b)
	case cmpGe:
		return !a.Before(b)
	}
	return a.Equal(b)
}

// knownConditionKey reports whether PutBucketPolicy accepts a condition
// key: AWS's global keys and S3's service keys, compared without regard
// to case; tag keys may follow their prefix.
func knownConditionKey(k string) bool {
	lower := strings.ToLower(k)
	if _, ok := conditionKeys[lower]; ok {
		return true
	}
	for _, p := range conditionKeyPrefixes {
		if strings.HasPrefix(lower, p) && len(lower) > len(p) {
			return true
		}
	}
	return false
}

var conditionKeyPrefixes = []string{
	"aws:principaltag/", "aws:requesttag/", "aws:resourcetag/",
	"s3:existingobjecttag/", "s3:requestobjecttag/",
}

var conditionKeys = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, k := range []string{
		// Global keys (IAM "AWS global condition context keys").
		"aws:calledvia", "aws:calledviafirst", "aws:calledvialast", "aws:currenttime",
		"aws:epochtime", "aws:federatedprovider", "aws:multifactorauthage",
		"aws:multifactorauthpresent", "aws:principalaccount", "aws:principalarn",
		"aws:principalisawsservice", "aws:principalorgid", "aws:principalorgpaths",
		"aws:principalservicename", "aws:principalservicenameslist", "aws:principaltype",
		"aws:referer", "aws:requestedregion", "aws:resourceaccount", "aws:resourceorgid",
		"aws:resourceorgpaths", "aws:securetransport", "aws:sourceaccount", "aws:sourcearn",
		"aws:sourceidentity", "aws:sourceip", "aws:sourceorgid", "aws:sourceorgpaths",
		"aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:tagkeys",
		"aws:tokenissuetime", "aws:useragent", "aws:userid", "aws:username",
		"aws:viaawsservice", "aws:vpcsourceip", "aws:ec2instancesourcevpc",
		"aws:ec2instancesourceprivateipv4", "aws:sourcevpcarn", "aws:isMcpServiceAction",
		// S3 keys ("Actions, resources, and condition keys for Amazon S3").
		"s3:accesspointnetworkorigin", "s3:authtype",
		"s3:dataaccesspointaccount", "s3:dataaccesspointarn", "s3:delimiter",
		"s3:existingjoboperation", "s3:existingjobpriority", "s3:jobsuspendedcause",
		"s3:locationconstraint", "s3:max-keys", "s3:object-lock-legal-hold",
		"s3:object-lock-mode", "s3:object-lock-remaining-retention-days",
		"s3:object-lock-retain-until-date", "s3:objectcreationoperation", "s3:prefix",
		"s3:requestjoboperation", "s3:requestjobpriority", "s3:requestobjecttagkeys",
		"s3:resourceaccount", "s3:signatureage", "s3:signatureversion", "s3:tlsversion",
		"s3:versionid", "s3:x-amz-acl", "s3:x-amz-content-sha256", "s3:x-amz-copy-source",
		"s3:x-amz-grant-full-control", "s3:x-amz-grant-read", "s3:x-amz-grant-read-acp",
		"s3:x-amz-grant-write", "s3:x-amz-grant-write-acp", "s3:x-amz-metadata-directive",
		"s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id",
		"s3:x-amz-server-side-encryption-customer-algorithm", "s3:x-amz-storage-class",
		"s3:x-amz-website-redirect-location", "s3:x-amz-checksum-algorithm",
		"s3:if-match", "s3:if-none-match",
	} {
		m[strings.ToLower(k)] = struct{}{}
	}
	return m
}()
