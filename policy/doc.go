// Package policy is AWS's access policy language and S3's authorization
// logic: identity policies, bucket policies, ACLs and Block Public Access,
// combined into one Decision that says which statement or grant decided.
// It imports only the standard library and knows nothing of HTTP: the
// server authenticates a request, fills a Request, gathers Policies, and
// asks Evaluate.
//
// # Parsing
//
// ParseBucketPolicy validates a document as PutBucketPolicy does and
// ParseIdentityPolicy as IAM does for a user's policy. Both return a
// *MalformedPolicyError whose Message is S3's MalformedPolicy text where
// AWS's wording is known ("Policy has invalid resource", "Missing required
// field Principal", "Action does not apply to any resource(s) in
// statement", "Policy has an invalid condition key", ...). Parsing
// compiles everything a decision needs: actions are matched without regard
// to case, wildcard patterns are split once, CIDRs, dates and numbers are
// parsed once, condition keys are resolved to the request's fields.
// A Policy is immutable and safe to share between goroutines.
//
// The language is AWS's: Version (2012-10-17 or 2008-10-17; absent means
// 2008-10-17), Id, Statement (an object or a list), Sid, Effect, Principal
// or NotPrincipal ("*", {"AWS": "*" | account ID | account root ARN | user,
// role or assumed-role ARN | list}, CanonicalUser, Service, Federated),
// Action or NotAction and Resource or NotResource (a string or a list, '*'
// and '?' wildcards; a '*' crosses '/'), and Condition. Policy variables
// (${aws:username}, ${aws:userid}, any condition key, a default as in
// ${aws:username, 'none'}, and ${*}, ${?}, ${$} for the literal
// characters) are substituted in resources and condition values, in
// 2012-10-17 documents only; a variable whose key the request lacks makes
// its pattern match nothing.
//
// # Conditions
//
// The operators are String(Not)Equals(IgnoreCase), String(Not)Like,
// Numeric*, Date* (ISO 8601 or epoch seconds), Bool, BinaryEquals,
// (Not)IpAddress (IPv4 and IPv6 CIDRs), Arn(Not)Equals and Arn(Not)Like
// (matched per colon-separated part), Null, each with ...IfExists, and the
// ForAnyValue: and ForAllValues: qualifiers. Operator names are
// case-sensitive; key names are not (a tag key after the '/' is). Several
// operators, and several keys under one operator, are ANDed; several values
// for one key are ORed, and NORed for a negated operator. A key absent from
// the request makes a condition false, except that a negated operator,
// ...IfExists and ForAllValues are then true (AWS "Condition operators").
//
// # Evaluation
//
// Evaluate follows AWS's policy evaluation logic for S3, in this order:
//
//  1. An explicit Deny in any identity policy or in the bucket policy (whose
//     Principal reaches the requester) denies, the owner account's root
//     included, with one exception AWS makes so that a policy cannot lock
//     the owner out: that root may always get, put and delete the bucket
//     policy. A NotPrincipal statement reaches everyone it does not spare;
//     it spares a user only when it lists both the user and the user's
//     account, as AWS checks the account first.
//  2. Anonymous requests are decided by the resource side alone: an Allow
//     in the bucket policy whose principal is "*" (or a NotPrincipal that
//     does not name them), or an ACL grant to AllUsers. Identity policies
//     do not apply.
//  3. A principal of the bucket owner's account is allowed by an Allow from
//     either side: its identity policies, a bucket policy statement that
//     names it (its user ARN, or "*"), or a public ACL grant
//     (AllUsers, AuthenticatedUsers). A bucket policy statement or ACL grant
//     naming only the account delegates to the account: its identity
//     policies must allow. The account's root (Principal.Root) is allowed
//     everything in its own account.
//  4. A principal of another account needs an Allow from both sides: its
//     identity policies (the root of that account counts as allowing) and
//     the bucket policy or ACL (naming its user, its account, or everyone).
//  5. Otherwise the request is denied by default.
//
// ACLs are read through ACLPermission, AWS's mapping from S3 actions to
// ACL permissions: bucket operations and s3:PutObject/s3:DeleteObject
// consult the bucket's ACL, object operations the object's.
//
// Block Public Access: IgnorePublicAcls makes grants to AllUsers and
// AuthenticatedUsers count for nothing; RestrictPublicBuckets, when the
// bucket policy is public (Policy.IsPublic, AWS's definition used by
// GetBucketPolicyStatus), lets its Allow statements count only for
// principals of the owner's account. BlockPublicAcls and BlockPublicPolicy
// act when an ACL or policy is written (RefusesACL, RefusesPolicy).
//
// The model is deliberately smaller than AWS's: objects are treated as
// owned by the bucket owner (Object Ownership BucketOwnerEnforced or
// BucketOwnerPreferred), and there are no organisations (SCPs), permission
// boundaries, session policies, access points or service principals that
// sign requests.
//
// # Cost
//
// A decision walks the statements once and allocates nothing when the
// request's values need no formatting (a string operator applied to
// aws:SourceIp or aws:CurrentTime formats the value). BenchmarkEvaluate
// measures a 20-statement bucket policy plus an identity policy.
package policy
