package policy

import (
	"errors"
	"reflect"
	"testing"
)

func TestCannedACL(t *testing.T) {
	owner := Grant{Grantee{ID: "o"}, PermFullControl}
	cases := []struct {
		name        string
		bucketOwner string
		want        []Grant
	}{
		{"private", "b", []Grant{owner}},
		{"public-read", "b", []Grant{owner, {Grantee{URI: AllUsersURI}, PermRead}}},
		{"public-read-write", "b", []Grant{owner, {Grantee{URI: AllUsersURI}, PermRead}, {Grantee{URI: AllUsersURI}, PermWrite}}},
		{"authenticated-read", "b", []Grant{owner, {Grantee{URI: AuthenticatedUsersURI}, PermRead}}},
		{"bucket-owner-read", "b", []Grant{owner, {Grantee{ID: "b"}, PermRead}}},
		{"bucket-owner-full-control", "b", []Grant{owner, {Grantee{ID: "b"}, PermFullControl}}},
		{"bucket-owner-full-control", "o", []Grant{owner}},
		{"log-delivery-write", "b", []Grant{owner, {Grantee{URI: LogDeliveryURI}, PermWrite}, {Grantee{URI: LogDeliveryURI}, PermReadACP}}},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.bucketOwner, func(t *testing.T) {
			acl, err := CannedACL(c.name, "o", c.bucketOwner)
			if err != nil {
				t.Fatal(err)
			}
			if acl.Owner != "o" || !reflect.DeepEqual(acl.Grants, c.want) {
				t.Errorf("got %+v, want %+v", acl.Grants, c.want)
			}
		})
	}
	for _, name := range CannedACLNames() {
		if _, err := CannedACL(name, "o", "b"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := CannedACL("public", "o", "o")
	var u *UnknownCannedACLError
	if !errors.As(err, &u) || u.Name != "public" {
		t.Errorf("err = %v, want *UnknownCannedACLError", err)
	}
}

func TestACLIsPublic(t *testing.T) {
	for name, want := range map[string]bool{
		"private": false, "public-read": true, "public-read-write": true, "authenticated-read": true,
		"bucket-owner-read": false, "bucket-owner-full-control": false, "log-delivery-write": false,
	} {
		acl, _ := CannedACL(name, "o", "b")
		if got := acl.IsPublic(); got != want {
			t.Errorf("%s: IsPublic = %v, want %v", name, got, want)
		}
		if got := (BlockPublicAccess{BlockPublicAcls: true}).RefusesACL(&acl); got != want {
			t.Errorf("%s: RefusesACL = %v, want %v", name, got, want)
		}
		if (BlockPublicAccess{}).RefusesACL(&acl) {
			t.Errorf("%s: refused without BlockPublicAcls", name)
		}
	}
}

func TestACLPermission(t *testing.T) {
	cases := []struct {
		action string
		perm   Permission
		bucket bool
		ok     bool
	}{
		{"s3:ListBucket", PermRead, true, true},
		{"s3:ListBucketVersions", PermRead, true, true},
		{"s3:ListBucketMultipartUploads", PermRead, true, true},
		{"s3:PutObject", PermWrite, true, true},
		{"s3:DeleteObject", PermWrite, true, true},
		{"s3:GetBucketAcl", PermReadACP, true, true},
		{"s3:PutBucketAcl", PermWriteACP, true, true},
		{"s3:GetObject", PermRead, false, true},
		{"s3:getobjectversion", PermRead, false, true},
		{"s3:GetObjectAcl", PermReadACP, false, true},
		{"s3:PutObjectAcl", PermWriteACP, false, true},
		{"s3:PutBucketPolicy", 0, false, false},
		{"s3:DeleteBucket", 0, false, false},
		{"iam:GetUser", 0, false, false},
	}
	for _, c := range cases {
		perm, bucket, ok := ACLPermission(c.action)
		if perm != c.perm || bucket != c.bucket || ok != c.ok {
			t.Errorf("%s: got (%v, %v, %v), want (%v, %v, %v)", c.action, perm, bucket, ok, c.perm, c.bucket, c.ok)
		}
	}
}

func TestPermissionNames(t *testing.T) {
	for _, s := range []string{"READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"} {
		p, ok := ParsePermission(s)
		if !ok || p.String() != s {
			t.Errorf("%s: got %v %v", s, p, ok)
		}
	}
	if _, ok := ParsePermission("read"); ok {
		t.Error("lower-case permission accepted")
	}
}

// FULL_CONTROL grants each of the four permissions.
func TestFullControlGrantsAll(t *testing.T) {
	acl := &ACL{Grants: []Grant{{Grantee{ID: "x"}, PermFullControl}}}
	p := &Principal{Account: "1", CanonicalID: "x", Root: true}
	for _, want := range []Permission{PermRead, PermWrite, PermReadACP, PermWriteACP} {
		if _, level := acl.match(p, want, false); level != grantAccount {
			t.Errorf("%v: level %v", want, level)
		}
	}
}
