package policy

// BlockPublicAccess is a bucket's PublicAccessBlock configuration.
type BlockPublicAccess struct {
	// BlockPublicAcls refuses new public ACLs (PutBucketAcl, PutObjectAcl,
	// and PutObject or CreateBucket carrying one); see RefusesACL.
	BlockPublicAcls bool
	// IgnorePublicAcls makes grants to AllUsers and AuthenticatedUsers
	// count for nothing in Evaluate.
	IgnorePublicAcls bool
	// BlockPublicPolicy refuses PutBucketPolicy with a public policy; see
	// RefusesPolicy.
	BlockPublicPolicy bool
	// RestrictPublicBuckets limits a bucket whose policy is public to
	// principals of the owner's account: in Evaluate, the bucket policy's
	// Allow statements count for nobody else.
	RestrictPublicBuckets bool
}

// RefusesACL reports whether a request setting acl must be refused
// (AccessDenied on S3) under these settings.
func (b BlockPublicAccess) RefusesACL(acl *ACL) bool {
	return b.BlockPublicAcls && acl.IsPublic()
}

// RefusesPolicy reports whether PutBucketPolicy with p must be refused
// (AccessDenied on S3) under these settings.
func (b BlockPublicAccess) RefusesPolicy(p *Policy) bool {
	return b.BlockPublicPolicy && p.IsPublic()
}

// IsPublic reports whether a bucket policy is public as S3 defines it for
// GetBucketPolicyStatus and Block Public Access ("The meaning of
// public"): some Allow statement reaches everyone ("*", {"AWS": "*"} or
// NotPrincipal) without a condition that pins it to fixed values of
// aws:SourceIp (a CIDR narrower than /0), aws:SourceArn, aws:SourceVpc,
// aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:userid,
// aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID or
// s3:x-amz-server-side-encryption-aws-kms-key-id. Identity policies are
// never public.
func (p *Policy) IsPublic() bool {
	return p != nil && p.public
}

// fixingKeys are the condition keys whose fixed values make a statement
// that names everyone non-public.
var fixingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"aws:sourceowner": true, "aws:sourceaccount": true, "aws:userid": true,
	"aws:principalaccount": true, "aws:principalarn": true, "aws:principalorgid": true,
	"s3:x-amz-server-side-encryption-aws-kms-key-id": true,
}

func (st *Statement) isPublic() bool {
	if st.Effect != Allow || st.principals == nil {
		return false
	}
	if !st.notPrincipal && !st.principals.any {
		return false
	}
	for i := range st.conditions {
		if st.conditions[i].fixes() {
			return false
		}
	}
	return true
}

// fixes reports whether a condition pins its key to fixed values.
func (c *condition) fixes() bool {
	if c.info.negate || c.ifExists || c.set != setNone || len(c.vals) == 0 {
		return false
	}
	switch c.info.fam {
	case famIP:
		if c.key.id != keySourceIP {
			return false
		}
		for _, v := range c.vals {
			if v.pfx.Bits() == 0 {
				return false
			}
		}
		return true
	case famString, famARN:
		if !fixingKeys[lowerASCII(c.key.name)] {
			return false
		}
		for _, v := range c.vals {
			if c.info.fam == famARN {
				for i := range v.arn.parts {
					if v.arn.parts[i].kind != patExact {
						return false
					}
				}
				continue
			}
			if v.pat.kind != patExact {
				return false
			}
		}
		return true
	}
	return false
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
