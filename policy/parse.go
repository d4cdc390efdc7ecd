package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Effect is a statement's Effect.
type Effect uint8

// The two effects.
const (
	Allow Effect = iota + 1
	Deny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Effect(" + fmt.Sprint(uint8(e)) + ")"
}

// The policy language versions AWS accepts. Policy variables (${...})
// exist only in 2012-10-17; in 2008-10-17 they are literal text.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Messages S3 answers PutBucketPolicy with (MalformedPolicy), kept
// verbatim so clients and tests that compare them keep working.
const (
	msgFirstByte           = "Policies must be valid JSON and the first byte must be '{'"
	msgInvalidJSON         = "This policy contains invalid Json"
	msgSyntax              = "Invalid policy syntax."
	msgVersion             = "The policy must contain a valid version string"
	msgMissingStatement    = "Missing required field Statement"
	msgEmptyStatement      = "Could not parse the policy: Statement is empty!"
	msgMissingEffect       = "Missing required field Effect"
	msgMissingPrincipal    = "Missing required field Principal"
	msgInvalidPrincipal    = "Invalid principal in policy"
	msgMissingAction       = "Missing required field Action"
	msgInvalidAction       = "Policy has invalid action"
	msgMissingResource     = "Missing required field Resource"
	msgInvalidResource     = "Policy has invalid resource"
	msgResourceMismatch    = "Action does not apply to any resource(s) in statement"
	msgInvalidConditionKey = "Policy has an invalid condition key"
	msgInvalidIP           = "Invalid IP address in Conditions"
	// IAM's words for identity policies (MalformedPolicyDocument).
	msgIdentityPrincipal = "Policy document should not specify a principal."
	msgIdentityAction    = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
)

// MalformedPolicyError says why a policy document was refused. Message is
// what S3 answers in its MalformedPolicy error, word for word where AWS's
// wording is known.
type MalformedPolicyError struct {
	Message string
	// Statement is the index of the offending statement, -1 when the
	// problem is outside the statements.
	Statement int
}

// Error returns the message with the statement's index, for logs.
func (e *MalformedPolicyError) Error() string {
	if e.Statement >= 0 {
		return fmt.Sprintf("malformed policy: statement %d: %s", e.Statement, e.Message)
	}
	return "malformed policy: " + e.Message
}

func malformed(msg string) *MalformedPolicyError {
	return &MalformedPolicyError{Message: msg, Statement: -1}
}

// Policy is a parsed and compiled policy document. It is immutable and
// safe for concurrent use; parse once, evaluate many times.
type Policy struct {
	// Version is the document's Version ("2008-10-17" when absent, as on
	// AWS).
	Version string
	// ID is the document's Id, if any.
	ID string
	// Statements are the compiled statements in document order.
	Statements []Statement
	// bucket is true for a resource (bucket) policy.
	bucket bool
	public bool
}

// Statement is one compiled statement. Only the parts useful for
// explanations are exported; matching uses the compiled forms.
type Statement struct {
	// Sid is the statement's Sid, possibly empty.
	Sid string
	// Effect is Allow or Deny.
	Effect Effect

	principals   *principalSet // nil in identity policies
	notPrincipal bool
	actions      []pattern
	notAction    bool
	resources    []pattern
	notResource  bool
	conditions   []condition
	public       bool
}

// ParseBucketPolicy parses and validates a bucket policy for bucket as
// PutBucketPolicy does: every statement needs Principal (or NotPrincipal),
// S3 actions, and resources inside the bucket. An empty bucket skips the
// resource-to-bucket check. Errors are *MalformedPolicyError.
func ParseBucketPolicy(doc []byte, bucket string) (*Policy, error) {
	return parse(doc, bucket, true)
}

// ParseIdentityPolicy parses and validates an identity policy (attached
// to a user or key): no Principal, any service's actions, resources as
// ARNs or "*". Errors are *MalformedPolicyError.
func ParseIdentityPolicy(doc []byte) (*Policy, error) {
	return parse(doc, "", false)
}

var topFields = map[string]bool{"Version": true, "Id": true, "Statement": true}

var statementFields = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true,
	"Condition": true,
}

func parse(doc []byte, bucket string, isBucket bool) (*Policy, error) {
	if len(doc) == 0 || doc[0] != '{' {
		return nil, malformed(msgFirstByte)
	}
	if !json.Valid(doc) {
		return nil, malformed(msgInvalidJSON)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, malformed(msgInvalidJSON)
	}
	for _, k := range sortedKeys(top) {
		if !topFields[k] {
			return nil, malformed("Unknown field " + k)
		}
	}
	p := &Policy{Version: Version2008, bucket: isBucket}
	if raw, ok := top["Version"]; ok {
		if json.Unmarshal(raw, &p.Version) != nil || (p.Version != Version2012 && p.Version != Version2008) {
			return nil, malformed(msgVersion)
		}
	}
	if raw, ok := top["Id"]; ok {
		if json.Unmarshal(raw, &p.ID) != nil {
			return nil, malformed(msgSyntax)
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformed(msgMissingStatement)
	}
	var list []json.RawMessage
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '[':
		if json.Unmarshal(raw, &list) != nil {
			return nil, malformed(msgSyntax)
		}
	case len(raw) > 0 && raw[0] == '{':
		list = []json.RawMessage{raw}
	default:
		return nil, malformed(msgSyntax)
	}
	if len(list) == 0 {
		return nil, malformed(msgEmptyStatement)
	}
	vars := p.Version == Version2012
	for i, sraw := range list {
		st, err := parseStatement(sraw, bucket, isBucket, vars)
		if err != nil {
			if m, ok := err.(*MalformedPolicyError); ok {
				m.Statement = i
			}
			return nil, err
		}
		p.Statements = append(p.Statements, st)
		if st.public {
			p.public = true
		}
	}
	return p, nil
}

func parseStatement(raw json.RawMessage, bucket string, isBucket, vars bool) (Statement, error) {
	var st Statement
	var m map[string]json.RawMessage
	if err := strictObject(raw, &m); err != nil {
		return st, malformed(msgSyntax)
	}
	for _, k := range sortedKeys(m) {
		if !statementFields[k] {
			return st, malformed("Unknown field " + k)
		}
	}
	if r, ok := m["Sid"]; ok {
		if json.Unmarshal(r, &st.Sid) != nil {
			return st, malformed(msgSyntax)
		}
	}
	r, ok := m["Effect"]
	if !ok {
		return st, malformed(msgMissingEffect)
	}
	var effect string
	if json.Unmarshal(r, &effect) != nil {
		return st, malformed(msgSyntax)
	}
	switch effect {
	case "Allow":
		st.Effect = Allow
	case "Deny":
		st.Effect = Deny
	default:
		return st, malformed("Invalid effect: " + effect)
	}

	if err := st.parsePrincipal(m, isBucket); err != nil {
		return st, err
	}
	if err := st.parseActions(m, isBucket); err != nil {
		return st, err
	}
	kinds, err := st.parseResources(m, bucket, isBucket, vars)
	if err != nil {
		return st, err
	}
	if isBucket && !st.notAction && !st.notResource {
		for i := range st.actions {
			if actionKinds(&st.actions[i])&kinds == 0 {
				return st, malformed(msgResourceMismatch)
			}
		}
	}
	if r, ok := m["Condition"]; ok {
		conds, err := parseConditions(r, vars, isBucket)
		if err != nil {
			return st, err
		}
		st.conditions = conds
	}
	st.public = isBucket && st.isPublic()
	return st, nil
}

func (st *Statement) parsePrincipal(m map[string]json.RawMessage, isBucket bool) error {
	r, hasP := m["Principal"]
	nr, hasNP := m["NotPrincipal"]
	if !isBucket {
		if hasP || hasNP {
			return malformed(msgIdentityPrincipal)
		}
		return nil
	}
	switch {
	case hasP && hasNP:
		return malformed(msgSyntax)
	case !hasP && !hasNP:
		return malformed(msgMissingPrincipal)
	case hasNP:
		r, st.notPrincipal = nr, true
	}
	ps, err := parsePrincipal(r)
	if err != nil {
		return err
	}
	st.principals = ps
	return nil
}

// stringList reads a string or a non-empty list of strings.
func stringList(raw json.RawMessage) ([]string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var l []string
		if json.Unmarshal(raw, &l) != nil || len(l) == 0 {
			return nil, false
		}
		return l, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return []string{s}, true
}

func (st *Statement) parseActions(m map[string]json.RawMessage, isBucket bool) error {
	r, hasA := m["Action"]
	nr, hasNA := m["NotAction"]
	switch {
	case hasA && hasNA:
		return malformed(msgSyntax)
	case !hasA && !hasNA:
		return malformed(msgMissingAction)
	case hasNA:
		r, st.notAction = nr, true
	}
	list, ok := stringList(r)
	if !ok {
		return malformed(msgInvalidAction)
	}
	for _, a := range list {
		p, ok := compilePattern(a, compileOpts{wild: true, fold: true})
		if !ok || !validActionSyntax(a) {
			if isBucket {
				return malformed(msgInvalidAction)
			}
			return malformed(msgIdentityAction)
		}
		if isBucket && actionKinds(&p) == 0 {
			return malformed(msgInvalidAction)
		}
		st.actions = append(st.actions, p)
	}
	return nil
}

// validActionSyntax accepts "*" and "vendor:name" with a vendor of
// letters, digits and '-'.
func validActionSyntax(a string) bool {
	if a == "*" {
		return true
	}
	vendor, name, ok := strings.Cut(a, ":")
	if !ok || vendor == "" || name == "" {
		return false
	}
	for _, c := range vendor {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

const s3ARNPrefix = "arn:aws:s3:::"

func (st *Statement) parseResources(m map[string]json.RawMessage, bucket string, isBucket, vars bool) (resourceKind, error) {
	r, hasR := m["Resource"]
	nr, hasNR := m["NotResource"]
	switch {
	case hasR && hasNR:
		return 0, malformed(msgSyntax)
	case !hasR && !hasNR:
		return 0, malformed(msgMissingResource)
	case hasNR:
		r, st.notResource = nr, true
	}
	list, ok := stringList(r)
	if !ok {
		return 0, malformed(msgInvalidResource)
	}
	var kinds resourceKind
	for _, res := range list {
		p, ok := compilePattern(res, compileOpts{wild: true, vars: vars})
		if !ok {
			return 0, malformed(msgInvalidResource)
		}
		if res == "*" {
			kinds |= onBucket | onObject | onService
			st.resources = append(st.resources, p)
			continue
		}
		if !isBucket {
			if !strings.HasPrefix(res, "arn:") {
				return 0, malformed("Resource " + res + " must be in ARN format or \"*\".")
			}
			st.resources = append(st.resources, p)
			continue
		}
		rest, ok := strings.CutPrefix(res, s3ARNPrefix)
		if !ok || rest == "" || rest[0] == '/' {
			return 0, malformed(msgInvalidResource)
		}
		b, _, isObject := strings.Cut(rest, "/")
		if bucket != "" {
			bp, ok := compilePattern(b, compileOpts{wild: true, vars: vars})
			if !ok || !(strings.Contains(b, "${") || bp.match(bucket, nil)) {
				return 0, malformed(msgInvalidResource)
			}
		}
		switch {
		case isObject:
			kinds |= onObject
		case strings.ContainsAny(b, "*?"):
			// "arn:aws:s3:::bucket*" names the bucket and its objects.
			kinds |= onBucket | onObject
		default:
			kinds |= onBucket
		}
		st.resources = append(st.resources, p)
	}
	return kinds, nil
}

// strictObject decodes raw into m only when it is a JSON object (not
// null, not a list).
func strictObject(raw json.RawMessage, m *map[string]json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return fmt.Errorf("not an object")
	}
	return json.Unmarshal(raw, m)
}
