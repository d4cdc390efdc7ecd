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

	// Identity side. An explicit Deny anywhere ends the evaluation.
	var idAllow Reason
	if !p.Anonymous {
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
					return Decision{Reason: reason}
				}
				if idAllow.Source == SourceNone {
					idAllow = reason
				}
			}
		}
		if p.Root && idAllow.Source == SourceNone {
			// The root holds every permission within its own account.
			idAllow = Reason{Source: SourceOwner}
		}
	}

	// Resource side: the bucket policy, then the ACL.
	var resDirect, resAccount Reason
	note := ""
	if pol := in.Bucket; pol != nil {
		restrict := in.Block.RestrictPublicBuckets && pol.public && !sameAccount
		for si := range pol.Statements {
			st := &pol.Statements[si]
			level := st.principalLevel(p)
			if level == principalNone || !st.applies(r) {
				continue
			}
			reason := Reason{Source: SourceBucket, Effect: st.Effect, Statement: si, Sid: st.Sid}
			if st.Effect == Deny {
				return Decision{Reason: reason}
			}
			switch {
			case restrict:
				note = NoteRestrictPublic
			case level == principalDirect && resDirect.Source == SourceNone:
				resDirect = reason
			case level == principalAccount && resAccount.Source == SourceNone:
				resAccount = reason
			}
		}
	}
	// ACLs only allow, so they are read only when the answer may turn on
	// them.
	needACL := (in.BucketACL != nil || in.ObjectACL != nil) && resDirect.Source == SourceNone &&
		!(sameAccount && idAllow.Source != SourceNone)
	if needACL {
		if perm, onBucket, ok := ACLPermission(r.Action); ok {
			acl := in.ObjectACL
			if onBucket {
				acl = in.BucketACL
			}
			if acl != nil {
				i, level := acl.match(p, perm, in.Block.IgnorePublicAcls)
				reason := Reason{Source: SourceACL, Statement: i}
				switch {
				case level == grantPublic, level == grantAccount && p.Root:
					resDirect = reason
				case level == grantAccount && resAccount.Source == SourceNone:
					resAccount = reason
				}
			}
		}
	}

	switch {
	case p.Anonymous:
		if resDirect.Source != SourceNone {
			return Decision{Allowed: true, Reason: resDirect}
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
		if resDirect.Source != SourceNone {
			return Decision{Allowed: true, Reason: resDirect}
		}
		if resAccount.Source != SourceNone {
			resAccount.Note = NoteAccountGrant
			return Decision{Reason: resAccount}
		}
	default:
		// Across accounts both sides must allow.
		res := resDirect
		if res.Source == SourceNone {
			res = resAccount
		}
		if idAllow.Source != SourceNone && res.Source != SourceNone {
			return Decision{Allowed: true, Reason: res}
		}
		if res.Source == SourceNone && note != "" {
			return Decision{Reason: Reason{Note: note}}
		}
		if idAllow.Source != SourceNone || res.Source != SourceNone {
			if res.Source != SourceNone {
				idAllow = res
			}
			idAllow.Effect, idAllow.Note = Allow, NoteCrossAccount
			if idAllow.Source == SourceOwner || idAllow.Source == SourceACL {
				idAllow.Effect = 0
			}
			return Decision{Reason: idAllow}
		}
	}
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
