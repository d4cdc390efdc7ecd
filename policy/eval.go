package policy

import (
	"strconv"
	"strings"
)

// Policies are everything that bears on one request besides the request
// itself. The server gathers them per request (they are parsed once and
// shared); nil fields are simply absent.
type Policies struct {
	// Identity are the policies attached to the principal (its user or
	// key). Ignored for anonymous requests.
	Identity []*Policy
	// Bucket is the bucket's policy.
	Bucket *Policy
	// BucketACL and ObjectACL are the ACLs of the bucket and of the object
	// acted on; nil when ACLs are disabled (BucketOwnerEnforced) or for
	// bucket operations' ObjectACL. ACLPermission says which one an action
	// reads.
	BucketACL, ObjectACL *ACL
	// Block is the bucket's Block Public Access configuration.
	Block BlockPublicAccess
}

// Source says which input decided.
type Source uint8

// The inputs a decision can come from.
const (
	SourceNone     Source = iota // nothing allowed: the default deny
	SourceIdentity               // an identity policy statement
	SourceBucket                 // a bucket policy statement
	SourceACL                    // an ACL grant
	SourceOwner                  // the owner account's root
)

// Reason explains a Decision. It is a small value (no allocation); String
// formats it for a log line.
type Reason struct {
	Source Source
	// Effect is the deciding statement's effect, for policy sources.
	Effect Effect
	// Policy is the index into Policies.Identity for SourceIdentity.
	Policy int
	// Statement is the statement index (SourceIdentity, SourceBucket) or
	// the grant index (SourceACL).
	Statement int
	// Sid is the deciding statement's Sid, if it has one.
	Sid string
	// Note adds why an allow did not suffice or what was set aside; it is
	// one of a few constant strings.
	Note string
}

// Notes a Reason can carry.
const (
	NoteNoAllow        = "no statement allowed"
	NoteCrossAccount   = "cross-account request: needs an allow from both the identity policy and the bucket policy or ACL"
	NoteRestrictPublic = "RestrictPublicBuckets: the public bucket policy counts only for the owner's account"
	NoteAccountGrant   = "the grant names the account: its identity policy must allow too"
	NoteRootPolicy     = "the owner's root may always get, put and delete the bucket policy"
)

// String formats the reason, e.g. `bucket policy statement 2 (Sid "DenyHTTP"): Deny`.
func (r Reason) String() string {
	var b strings.Builder
	switch r.Source {
	case SourceNone:
		b.WriteString("implicit deny")
	case SourceIdentity:
		b.WriteString("identity policy ")
		b.WriteString(strconv.Itoa(r.Policy))
		b.WriteString(" statement ")
		b.WriteString(strconv.Itoa(r.Statement))
	case SourceBucket:
		b.WriteString("bucket policy statement ")
		b.WriteString(strconv.Itoa(r.Statement))
	case SourceACL:
		b.WriteString("ACL grant ")
		b.WriteString(strconv.Itoa(r.Statement))
	case SourceOwner:
		b.WriteString("bucket owner account root")
	}
	if r.Sid != "" {
		b.WriteString(" (Sid ")
		b.WriteString(strconv.Quote(r.Sid))
		b.WriteString(")")
	}
	if r.Effect != 0 {
		b.WriteString(": ")
		b.WriteString(r.Effect.String())
	}
	if r.Note != "" {
		b.WriteString(": ")
		b.WriteString(r.Note)
	}
	return b.String()
}

// Decision is the answer for one request.
type Decision struct {
	Allowed bool
	Reason  Reason
}

// String formats the decision for a log line.
func (d Decision) String() string {
	if d.Allowed {
		return "allowed by " + d.Reason.String()
	}
	return "denied by " + d.Reason.String()
}

// applies reports whether the statement's Action, Resource and Condition
// all hold for r (the principal is checked by the caller).
func (st *Statement) applies(r *Request) bool {
	if matchAny(st.actions, r.Action, r) == st.notAction {
		return false
	}
	if matchAny(st.resources, r.Resource, r) == st.notResource {
		return false
	}
	for i := range st.conditions {
		if !st.conditions[i].eval(r) {
			return false
		}
	}
	return true
}

func matchAny(ps []pattern, s string, r *Request) bool {
	for i := range ps {
		if ps[i].match(s, r) {
			return true
		}
	}
	return false
}

// principalLevel says how the statement's Principal/NotPrincipal reaches
// the request's principal. NotPrincipal reaches everyone it does not
// spare, directly.
func (st *Statement) principalLevel(p *Principal) principalLevel {
	if st.principals == nil {
		return principalDirect // identity policies: their own principal
	}
	if st.notPrincipal {
		if st.principals.excludes(p) {
			return principalNone
		}
		return principalDirect
	}
	return st.principals.match(p)
}

// Evaluate decides a request with AWS's evaluation logic for S3, as the
// package documentation sets out. A nil in means no policies at all. It
// allocates nothing.
func Evaluate(r *Request, in *Policies) Decision {
	if in == nil {
		in = &Policies{}
	}
	p := &r.Principal
	sameAccount := !p.Anonymous && p.Account != "" && p.Account == r.OwnerAccount
	if p.Root && sameAccount && isPolicyManagement(r.Action) {
		// S3 lets the owner's root manage the bucket policy even when the
		// policy denies it, so a policy can never lock the owner out.
		return Decision{Allowed: true, Reason: Reason{Source: SourceOwner, Note: NoteRootPolicy}}
	}
	idAllow, deny := identitySide(r, in)
	if deny.Source != SourceNone {
		return Decision{Reason: deny}
	}
	var res resourceSide
	if res.bucketPolicy(r, in, sameAccount) {
		return Decision{Reason: res.deny}
	}
	// ACLs only allow, so they are read only when the answer may turn on
	// them.
	if (in.BucketACL != nil || in.ObjectACL != nil) && res.direct.Source == SourceNone &&
		!(sameAccount && idAllow.Source != SourceNone) {
		res.acl(r, in)
	}
	return combine(p, sameAccount, idAllow, &res)
}

// identitySide walks the identity policies: the first Allow, or the first
// Deny (which ends the evaluation).
func identitySide(r *Request, in *Policies) (allow, deny Reason) {
	p := &r.Principal
	if p.Anonymous {
		return allow, deny
	}
	for pi, pol := range in.Identity {
		if pol == nil {
			continue
		}
		for si := range pol.Statements {
			st := &pol.Statements[si]
			if !st.applies(r) {
				continue
			}
			reason := Reason{Source: SourceIdentity, Effect: st.Effect, Policy: pi, Statement: si, Sid: st.Sid}
			if st.Effect == Deny {
				return Reason{}, reason
			}
			if allow.Source == SourceNone {
				allow = reason
			}
		}
	}
	if p.Root && allow.Source == SourceNone {
		// The root holds every permission within its own account.
		allow = Reason{Source: SourceOwner}
	}
	return allow, deny
}

// resourceSide collects what the bucket policy and the ACL grant: direct
// grants (to the principal, or everyone) and grants to its account.
type resourceSide struct {
	direct, account, deny Reason
	note                  string
}

// bucketPolicy walks the bucket policy; it reports true on an explicit
// Deny (in res.deny).
func (res *resourceSide) bucketPolicy(r *Request, in *Policies, sameAccount bool) bool {
	pol := in.Bucket
	if pol == nil {
		return false
	}
	p := &r.Principal
	restrict := in.Block.RestrictPublicBuckets && pol.public && !sameAccount
	for si := range pol.Statements {
		st := &pol.Statements[si]
		level := st.principalLevel(p)
		if level == principalNone || !st.applies(r) {
			continue
		}
		reason := Reason{Source: SourceBucket, Effect: st.Effect, Statement: si, Sid: st.Sid}
		if st.Effect == Deny {
			res.deny = reason
			return true
		}
		switch {
		case restrict:
			res.note = NoteRestrictPublic
		case level == principalDirect && res.direct.Source == SourceNone:
			res.direct = reason
		case level == principalAccount && res.account.Source == SourceNone:
			res.account = reason
		}
	}
	return false
}

// acl looks for a grant of the action's ACL permission.
func (res *resourceSide) acl(r *Request, in *Policies) {
	perm, onBucket, ok := ACLPermission(r.Action)
	if !ok {
		return
	}
	acl := in.ObjectACL
	if onBucket {
		acl = in.BucketACL
	}
	if acl == nil {
		return
	}
	p := &r.Principal
	i, level := acl.match(p, perm, in.Block.IgnorePublicAcls)
	reason := Reason{Source: SourceACL, Statement: i}
	switch {
	case level == grantPublic, level == grantAccount && p.Root:
		res.direct = reason
	case level == grantAccount && res.account.Source == SourceNone:
		res.account = reason
	}
}

// combine applies the rules for anonymous, same-account and cross-account
// requests once no Deny was found.
func combine(p *Principal, sameAccount bool, idAllow Reason, res *resourceSide) Decision {
	switch {
	case p.Anonymous:
		if res.direct.Source != SourceNone {
			return Decision{Allowed: true, Reason: res.direct}
		}
	case sameAccount:
		// Within the owner's account an allow from either side suffices;
		// a grant to the account itself only delegates to the identity
		// policies.
		if p.Root {
			return Decision{Allowed: true, Reason: Reason{Source: SourceOwner}}
		}
		if idAllow.Source != SourceNone {
			return Decision{Allowed: true, Reason: idAllow}
		}
		if res.direct.Source != SourceNone {
			return Decision{Allowed: true, Reason: res.direct}
		}
		if res.account.Source != SourceNone {
			reason := res.account
			reason.Note = NoteAccountGrant
			return Decision{Reason: reason}
		}
	default:
		// Across accounts both sides must allow.
		grant := res.direct
		if grant.Source == SourceNone {
			grant = res.account
		}
		switch {
		case idAllow.Source != SourceNone && grant.Source != SourceNone:
			return Decision{Allowed: true, Reason: grant}
		case grant.Source == SourceNone && res.note != "":
			return Decision{Reason: Reason{Note: res.note}}
		case grant.Source != SourceNone:
			grant.Note = NoteCrossAccount
			return Decision{Reason: grant}
		case idAllow.Source != SourceNone:
			idAllow.Note = NoteCrossAccount
			return Decision{Reason: idAllow}
		}
	}
	note := res.note
	if note == "" {
		note = NoteNoAllow
	}
	return Decision{Reason: Reason{Note: note}}
}

func isPolicyManagement(action string) bool {
	return strings.EqualFold(action, "s3:GetBucketPolicy") ||
		strings.EqualFold(action, "s3:PutBucketPolicy") ||
		strings.EqualFold(action, "s3:DeleteBucketPolicy")
}
