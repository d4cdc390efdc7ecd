package policy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Principal is who sends a request, as the server authenticated it.
type Principal struct {
	// Anonymous is true for an unsigned request; the other fields are then
	// ignored.
	Anonymous bool
	// Account is the 12-digit account ID the principal belongs to.
	Account string
	// ARN is the principal's ARN: arn:aws:iam::ACCOUNT:user/NAME, or
	// arn:aws:iam::ACCOUNT:root for the account itself.
	ARN string
	// UserID is the unique ID (aws:userid), e.g. AIDAEXAMPLE.
	UserID string
	// Username is the friendly name (aws:username), empty for the root.
	Username string
	// CanonicalID is the canonical user ID of the principal's account, the
	// grantee that ACLs name.
	CanonicalID string
	// Root marks the account's own credentials: it holds every permission
	// in its account without an identity policy, and account-level grants
	// (an account principal in a bucket policy, an ACL grant to its
	// canonical ID) apply to it directly. Identity policies can only deny
	// the root, so a key whose access a policy narrows (read-only, one
	// bucket) must be a user, not the root.
	Root bool
}

// Value is one condition key's value in a request. A key may appear more
// than once: its values then form the multivalued set that ForAnyValue and
// ForAllValues test.
type Value struct {
	// Key is the condition key, e.g. "s3:prefix" or
	// "s3:ExistingObjectTag/color". The part before a '/' is matched
	// without regard to case, as AWS treats condition key names; a tag key
	// after the '/' is case-sensitive, as tag keys are.
	Key   string
	Value string
}

// Request is what one authorization decision is about. The server fills
// it once per request; Evaluate only reads it. Keys that come from the
// principal, the connection or the clock (aws:username, aws:userid,
// aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
// aws:SourceIp, aws:SecureTransport, aws:CurrentTime, aws:EpochTime) are
// derived from the fixed fields; every other key goes in Values.
type Request struct {
	Principal Principal
	// Action is the S3 action, e.g. "s3:GetObject" (matched without regard
	// to case).
	Action string
	// Resource is the ARN acted on: arn:aws:s3:::BUCKET for bucket
	// operations, arn:aws:s3:::BUCKET/KEY for object operations.
	Resource string
	// OwnerAccount is the account that owns the bucket.
	OwnerAccount string
	// SourceIP is the client's address (aws:SourceIp); the zero Addr means
	// unknown and leaves the key absent.
	SourceIP netip.Addr
	// SecureTransport is aws:SecureTransport: the request came over TLS.
	SecureTransport bool
	// CurrentTime is aws:CurrentTime and aws:EpochTime; the zero time
	// leaves both keys absent.
	CurrentTime time.Time
	// Values holds every other condition key: s3:prefix, s3:delimiter,
	// s3:max-keys, s3:x-amz-acl, s3:x-amz-server-side-encryption,
	// s3:ExistingObjectTag/<key>, s3:RequestObjectTag/<key>, ...
	Values []Value
}

// ResourceARN returns the ARN a Request names: arn:aws:s3:::BUCKET for
// a bucket operation (key empty), arn:aws:s3:::BUCKET/KEY for an object.
func ResourceARN(bucket, key string) string {
	if key == "" {
		return s3ARNPrefix + bucket
	}
	return s3ARNPrefix + bucket + "/" + key
}

// keyID names the condition keys derived from Request's fixed fields.
type keyID uint8

const (
	keyOther keyID = iota // looked up in Request.Values by name
	keyUsername
	keyUserID
	keyPrincipalARN
	keyPrincipalAccount
	keyPrincipalType
	keySourceIP
	keySecureTransport
	keyCurrentTime
	keyEpochTime
)

var derivedKeys = map[string]keyID{
	"aws:username":         keyUsername,
	"aws:userid":           keyUserID,
	"aws:principalarn":     keyPrincipalARN,
	"aws:principalaccount": keyPrincipalAccount,
	"aws:principaltype":    keyPrincipalType,
	"aws:sourceip":         keySourceIP,
	"aws:securetransport":  keySecureTransport,
	"aws:currenttime":      keyCurrentTime,
	"aws:epochtime":        keyEpochTime,
}

// keyRef is a condition key resolved at parse time.
type keyRef struct {
	id   keyID
	name string // as written in the policy
	// base is the case-insensitive part ("s3:existingobjecttag/") and tag
	// the case-sensitive rest, for keys that carry a tag key.
	base, tag string
}

func resolveKey(name string) keyRef {
	lower := strings.ToLower(name)
	if id, ok := derivedKeys[lower]; ok {
		return keyRef{id: id, name: name}
	}
	k := keyRef{id: keyOther, name: name, base: name}
	if i := strings.IndexByte(name, '/'); i >= 0 {
		k.base, k.tag = name[:i+1], name[i+1:]
	}
	return k
}

// rvType says which field of an rval holds the value.
type rvType uint8

const (
	rvString rvType = iota
	rvIP
	rvTime
	rvEpoch
)

// rval is one request value: typed for the derived keys, so IP and date
// operators need no parsing and nothing is formatted unless a string
// operator asks for it.
type rval struct {
	typ rvType
	s   string
	ip  netip.Addr
	t   time.Time
}

// str formats a typed value for the string operators.
func (v rval) str() string {
	switch v.typ {
	case rvIP:
		return v.ip.String()
	case rvTime:
		return v.t.UTC().Format(time.RFC3339)
	case rvEpoch:
		return strconv.FormatInt(v.t.Unix(), 10)
	}
	return v.s
}

// lookup appends the request's values for k to buf. An empty result means
// the key is absent from the request context.
func (r *Request) lookup(k *keyRef, buf []rval) []rval {
	p := &r.Principal
	str := func(s string) []rval {
		if s == "" {
			return buf
		}
		return append(buf, rval{s: s})
	}
	switch k.id {
	case keyUsername:
		if p.Anonymous {
			return buf
		}
		return str(p.Username)
	case keyUserID:
		if p.Anonymous {
			return str("anonymous")
		}
		return str(p.UserID)
	case keyPrincipalARN:
		if p.Anonymous {
			return buf
		}
		return str(p.ARN)
	case keyPrincipalAccount:
		if p.Anonymous {
			return buf
		}
		return str(p.Account)
	case keyPrincipalType:
		switch {
		case p.Anonymous:
			return str("Anonymous")
		case p.Root:
			return str("Account")
		}
		return str("User")
	case keySourceIP:
		if !r.SourceIP.IsValid() {
			return buf
		}
		return append(buf, rval{typ: rvIP, ip: r.SourceIP})
	case keySecureTransport:
		if r.SecureTransport {
			return str("true")
		}
		return str("false")
	case keyCurrentTime:
		if r.CurrentTime.IsZero() {
			return buf
		}
		return append(buf, rval{typ: rvTime, t: r.CurrentTime})
	case keyEpochTime:
		if r.CurrentTime.IsZero() {
			return buf
		}
		return append(buf, rval{typ: rvEpoch, t: r.CurrentTime})
	}
	for i := range r.Values {
		v := &r.Values[i]
		if k.matches(v.Key) {
			buf = append(buf, rval{s: v.Value})
		}
	}
	return buf
}

func (k *keyRef) matches(key string) bool {
	if k.tag == "" {
		return strings.EqualFold(key, k.name)
	}
	return len(key) == len(k.base)+len(k.tag) &&
		strings.EqualFold(key[:len(k.base)], k.base) && key[len(k.base):] == k.tag
}
