package policy

import (
	"fmt"
	"strings"
)

// Permission is an ACL permission.
type Permission uint8

// The ACL permissions. FullControl includes the other four.
const (
	PermRead Permission = iota + 1
	PermWrite
	PermReadACP
	PermWriteACP
	PermFullControl
)

var permNames = [...]string{"", "READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"}

// String returns the permission as S3 spells it ("READ_ACP").
func (p Permission) String() string {
	if int(p) < len(permNames) && p != 0 {
		return permNames[p]
	}
	return fmt.Sprintf("Permission(%d)", p)
}

// ParsePermission reads S3's spelling of a permission.
func ParsePermission(s string) (Permission, bool) {
	for i, n := range permNames {
		if i > 0 && n == s {
			return Permission(i), true
		}
	}
	return 0, false
}

// grants reports whether holding p grants want.
func (p Permission) grants(want Permission) bool {
	return p == want || p == PermFullControl
}

// The predefined groups ACLs can grant to.
const (
	AllUsersURI           = "http://acs.amazonaws.com/groups/global/AllUsers"
	AuthenticatedUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	LogDeliveryURI        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// Grantee is who a grant is for: a canonical user (ID set) or a group
// (URI set).
type Grantee struct {
	ID          string
	DisplayName string
	URI         string
}

// Grant gives one grantee one permission.
type Grant struct {
	Grantee    Grantee
	Permission Permission
}

// ACL is a bucket's or object's access control list.
type ACL struct {
	// Owner is the canonical ID of the resource's owner.
	Owner  string
	Grants []Grant
}

// IsPublic reports whether the ACL grants anything to AllUsers or
// AuthenticatedUsers: AWS's definition of a public ACL for Block Public
// Access.
func (a *ACL) IsPublic() bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Grantee.URI == AllUsersURI || g.Grantee.URI == AuthenticatedUsersURI {
			return true
		}
	}
	return false
}

// CannedACLNames returns the names CannedACL accepts, in S3's order.
func CannedACLNames() []string {
	return []string{
		"private", "public-read", "public-read-write", "authenticated-read",
		"bucket-owner-read", "bucket-owner-full-control", "log-delivery-write",
	}
}

// UnknownCannedACLError is CannedACL's answer for a name S3 does not know.
type UnknownCannedACLError struct {
	Name string
}

// Error names the canned ACL and lists the valid ones.
func (e *UnknownCannedACLError) Error() string {
	return fmt.Sprintf("unknown canned ACL %q (want one of %s)", e.Name, strings.Join(CannedACLNames(), ", "))
}

// CannedACL expands a canned ACL (x-amz-acl) into grants, as S3 stores
// it. owner is the canonical ID of the new resource's owner; bucketOwner
// that of the bucket's owner, which only bucket-owner-read and
// bucket-owner-full-control use (when both are the same account, the
// owner gets one FULL_CONTROL grant).
func CannedACL(name, owner, bucketOwner string) (ACL, error) {
	acl := ACL{Owner: owner, Grants: []Grant{{Grantee: Grantee{ID: owner}, Permission: PermFullControl}}}
	group := func(uri string, p Permission) {
		acl.Grants = append(acl.Grants, Grant{Grantee: Grantee{URI: uri}, Permission: p})
	}
	switch name {
	case "private":
	case "public-read":
		group(AllUsersURI, PermRead)
	case "public-read-write":
		group(AllUsersURI, PermRead)
		group(AllUsersURI, PermWrite)
	case "authenticated-read":
		group(AuthenticatedUsersURI, PermRead)
	case "bucket-owner-read", "bucket-owner-full-control":
		p := PermRead
		if name == "bucket-owner-full-control" {
			p = PermFullControl
		}
		if bucketOwner != "" && bucketOwner != owner {
			acl.Grants = append(acl.Grants, Grant{Grantee: Grantee{ID: bucketOwner}, Permission: p})
		}
	case "log-delivery-write":
		group(LogDeliveryURI, PermWrite)
		group(LogDeliveryURI, PermReadACP)
	default:
		return ACL{}, &UnknownCannedACLError{Name: name}
	}
	return acl, nil
}

// aclGrantLevel is how an ACL grant reaches a principal.
type aclGrantLevel uint8

const (
	grantNone    aclGrantLevel = iota
	grantPublic                // AllUsers or AuthenticatedUsers
	grantAccount               // the principal's account's canonical ID
)

// match finds the first grant of want that reaches p, preferring a public
// one (which needs no identity policy in the owner's account).
func (a *ACL) match(p *Principal, want Permission, ignorePublic bool) (int, aclGrantLevel) {
	idx, level := -1, grantNone
	for i := range a.Grants {
		g := &a.Grants[i]
		if !g.Permission.grants(want) {
			continue
		}
		switch {
		case g.Grantee.URI == AllUsersURI, g.Grantee.URI == AuthenticatedUsersURI && !p.Anonymous:
			if !ignorePublic {
				return i, grantPublic
			}
		case g.Grantee.ID != "" && !p.Anonymous && g.Grantee.ID == p.CanonicalID:
			if level == grantNone {
				idx, level = i, grantAccount
			}
		}
	}
	return idx, level
}
