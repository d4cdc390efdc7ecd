package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/policy"
	"github.com/s3kit/s3kit/storage"
)

// DefaultAccountID is the account of keys that name none and the owner of
// buckets that record none, when Config.DefaultAccount is empty.
const DefaultAccountID = "000000000000"

// fullAccessPolicy is the identity policy of a key that carries none and
// has no ReadOnly or Buckets limit: every S3 action on every resource.
// Across accounts a bucket policy must still allow.
const fullAccessPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"FullAccess","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

// Names of the bucket configuration documents the authorizer reads.
const (
	cfgOwner  = "owner"
	cfgPolicy = "policy"
)

// bucketConfigStore is storage.BucketConfigStore, named by its methods so
// the server works with any backend that has them.
type bucketConfigStore interface {
	PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error
	GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error)
}

// bucketAuth is what authorization needs of a bucket: its owner account
// and its policy (nil when it has none), parsed once.
type bucketAuth struct {
	owner  string
	policy *policy.Policy
	doc    []byte // the policy document as put
	// existingTags says the policy names s3:ExistingObjectTag keys, so
	// object operations read the object's tags before deciding.
	existingTags bool
}

// bucketAuthCache keeps each existing bucket's bucketAuth in memory, so a
// request costs a map lookup. The server is the only writer of these
// documents; it drops an entry whenever it changes one.
type bucketAuthCache struct {
	mu sync.RWMutex
	m  map[string]*bucketAuth
	// gen counts drops: a load that began before one is not kept, so a
	// policy read just before it changed cannot outlive the change.
	gen uint64
}

// get returns the cached entry, or nil and the generation a load must
// hand to put.
func (c *bucketAuthCache) get(bucket string) (*bucketAuth, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[bucket], c.gen
}

func (c *bucketAuthCache) put(bucket string, a *bucketAuth, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[string]*bucketAuth{}
	}
	c.m[bucket] = a
}

func (c *bucketAuthCache) drop(bucket string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, bucket)
}

// bucketAuthOf returns the bucket's owner and policy, or nil when the
// bucket does not exist.
func (s *Server) bucketAuthOf(ctx context.Context, bucket string) (*bucketAuth, error) {
	a, gen := s.bauth.get(bucket)
	if a != nil {
		return a, nil
	}
	a = &bucketAuth{owner: s.defaultAccount}
	if s.cfgs == nil {
		if _, err := s.backend.HeadBucket(ctx, bucket); err != nil {
			if errors.Is(err, storage.ErrNoSuchBucket) {
				return nil, nil
			}
			return nil, err
		}
		s.bauth.put(bucket, a, gen)
		return a, nil
	}
	owner, err := s.cfgs.GetBucketConfig(ctx, bucket, cfgOwner)
	if errors.Is(err, storage.ErrNoSuchBucket) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(owner) > 0 {
		a.owner = string(owner)
	}
	doc, err := s.cfgs.GetBucketConfig(ctx, bucket, cfgPolicy)
	if err != nil {
		return nil, err
	}
	if len(doc) > 0 {
		p, err := policy.ParseBucketPolicy(doc, bucket)
		if err != nil {
			// A stored policy was valid when put; one that no longer
			// parses must not open the bucket up, so it is read as a
			// policy that refuses everyone until it is put again.
			s.log.Error("stored bucket policy does not parse", "bucket", bucket, "err", err)
			p, _ = policy.ParseBucketPolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::`+bucket+`","arn:aws:s3:::`+bucket+`/*"]}]}`), bucket)
		}
		a.policy, a.doc = p, doc
		a.existingTags = bytes.Contains(bytes.ToLower(doc), []byte("s3:existingobjecttag/"))
	}
	s.bauth.put(bucket, a, gen)
	return a, nil
}

// accountOf is the account of an authenticated key.
func (s *Server) accountOf(k *Key) string {
	if k.Account != "" {
		return k.Account
	}
	return s.defaultAccount
}

// principalOf fills p for the request's key, or marks it anonymous.
func (s *Server) principalOf(rq *request, p *policy.Principal) {
	if rq.anonymous {
		*p = policy.Principal{Anonymous: true}
		return
	}
	k := &rq.k
	user := k.User
	if user == "" {
		user = k.AccessKeyID
	}
	acct := s.accountOf(k)
	arn, uid := k.ARN, k.UserID
	if arn == "" || uid == "" {
		d := s.derivedNames(k.AccessKeyID, acct, user)
		if arn == "" {
			arn = d.arn
		}
		if uid == "" {
			uid = d.userID
		}
	}
	*p = policy.Principal{Account: acct, ARN: arn, UserID: uid, Username: user, CanonicalID: k.CanonicalID}
}

// derived are the names made from a key that its KeyStore did not give.
type derived struct{ account, user, arn, userID string }

// derivedNames returns the ARN and user ID of a key whose store gave
// none, built once per key rather than on every request.
func (s *Server) derivedNames(id, account, user string) *derived {
	if v, ok := s.names.Load(id); ok {
		if d := v.(*derived); d.account == account && d.user == user {
			return d
		}
	}
	d := &derived{account: account, user: user,
		arn: "arn:aws:iam::" + account + ":user/" + user, userID: "AIDA" + id}
	s.names.Store(id, d)
	return d
}

// actionOf is the policy action an operation needs (ok false when the
// operation has none: it is not implemented).
func actionOf(op string, rq *request) (string, bool) {
	switch op {
	case "GetACL":
		op = "GetBucketAcl"
		if rq.key != "" {
			op = "GetObjectAcl"
		}
	case "PutACL":
		op = "PutBucketAcl"
		if rq.key != "" {
			op = "PutObjectAcl"
		}
	}
	return policy.ActionFor(op, false)
}

// authorize decides whether the authenticated (or anonymous) request may
// run op, with AWS's evaluation logic over the key's identity policies
// and the bucket's policy. A refusal changes nothing: no handler has run.
func (s *Server) authorize(ctx context.Context, rq *request, op string) error {
	if !rq.anonymous {
		// Keys from a KeyStore that still speaks in read-only and bucket
		// limits (StaticKeys) keep them, before any policy.
		if err := s.legacyAuthorize(rq); err != nil {
			return err
		}
	}
	action, ok := actionOf(op, rq)
	if !ok {
		if rq.anonymous {
			rq.refusedWhy = "anonymous request"
			return errCode(s3xml.CodeAccessDenied)
		}
		return nil
	}
	pr := &rq.pol
	s.principalOf(rq, &pr.Principal)
	pr.Action = action
	pr.Resource = policy.ResourceARN(rq.bucket, rq.key)
	if rq.bucket == "" {
		pr.Resource = "*"
	}
	pr.OwnerAccount = pr.Principal.Account
	pols := &rq.pols
	*pols = policy.Policies{}
	if rq.bucket != "" && op != "CreateBucket" {
		ba, err := s.bucketAuthOf(ctx, rq.bucket)
		if err != nil {
			return err
		}
		if ba != nil {
			pr.OwnerAccount = ba.owner
			pols.Bucket = ba.policy
		}
	}
	if !rq.anonymous {
		if len(rq.k.Policies) > 0 {
			pols.Identity = rq.k.Policies
		} else {
			rq.idp[0] = s.fullAccess
			pols.Identity = rq.idp[:]
		}
	}
	pr.SourceIP = remoteIP(rq.r)
	pr.SecureTransport = rq.r.TLS != nil
	pr.CurrentTime = s.now()
	pr.Values = s.conditionValues(rq, op)
	if pols.Bucket != nil && rq.key != "" && existingObjectOp(op) {
		if ba, _ := s.bucketAuthOf(ctx, rq.bucket); ba != nil && ba.existingTags {
			pr.Values = s.existingTagValues(ctx, rq, pr.Values)
		}
	}
	d := policy.Evaluate(pr, pols)
	if s.log.Enabled(ctx, slog.LevelDebug) {
		s.log.Debug("authorization", "request_id", rq.id, "op", op, "action", action, "resource", pr.Resource,
			"principal", principalName(&pr.Principal), "allowed", d.Allowed, "reason", d.Reason.String())
	}
	if !d.Allowed && (op == "GetObject" || op == "HeadObject") && s.missingAndListable(ctx, rq) {
		// S3 says whether a key exists to those who may list it:
		// NoSuchKey for them, AccessDenied for everyone else.
		return errCode(s3xml.CodeNoSuchKey)
	}
	if !d.Allowed {
		rq.refusedWhy = "policy: " + d.Reason.String()
		if rq.anonymous {
			rq.refusedWhy = "anonymous request; " + rq.refusedWhy
		}
		return errCode(s3xml.CodeAccessDenied)
	}
	return nil
}

// allowedFor reports whether the request's principal may perform action on
// another resource than the one the request names (the source of a copy,
// each key of a DeleteObjects), with that bucket's policies.
func (s *Server) allowedFor(ctx context.Context, rq *request, action, bucket, key string, vals ...policy.Value) (bool, error) {
	var r policy.Request
	r.Values = vals
	s.principalOf(rq, &r.Principal)
	r.Action, r.Resource = action, policy.ResourceARN(bucket, key)
	r.OwnerAccount = r.Principal.Account
	var pols policy.Policies
	ba, err := s.bucketAuthOf(ctx, bucket)
	if err != nil {
		return false, err
	}
	if ba != nil {
		r.OwnerAccount, pols.Bucket = ba.owner, ba.policy
	}
	if !rq.anonymous {
		pols.Identity = rq.k.Policies
		if len(pols.Identity) == 0 {
			pols.Identity = []*policy.Policy{s.fullAccess}
		}
	}
	r.SourceIP, r.SecureTransport, r.CurrentTime = remoteIP(rq.r), rq.r.TLS != nil, s.now()
	d := policy.Evaluate(&r, &pols)
	if !d.Allowed {
		s.log.Debug("authorization", "request_id", rq.id, "action", action, "resource", r.Resource,
			"principal", principalName(&r.Principal), "allowed", false, "reason", d.Reason.String())
	}
	return d.Allowed, nil
}

func principalName(p *policy.Principal) string {
	if p.Anonymous {
		return "anonymous"
	}
	return p.ARN
}

// legacyAuthorize applies a key's ReadOnly and Buckets limits: read-only
// keys may only GET and HEAD, bucket-restricted keys only their buckets.
func (s *Server) legacyAuthorize(rq *request) error {
	m := rq.r.Method
	if rq.k.ReadOnly && m != http.MethodGet && m != http.MethodHead {
		return errCode(s3xml.CodeAccessDenied)
	}
	if rq.bucket != "" && !rq.k.CanUseBucket(rq.bucket) {
		return errCode(s3xml.CodeAccessDenied)
	}
	return nil
}

// remoteIP is the client's address (aws:SourceIp), parsed without
// allocating; the zero Addr when RemoteAddr is not an address.
func remoteIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		a, _ := netip.ParseAddr(r.RemoteAddr)
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

// conditionValues fills the request's S3 condition keys into the
// request's own array, so a decision allocates nothing for them.
func (s *Server) conditionValues(rq *request, op string) []policy.Value {
	vals := rq.vals[:0]
	switch op {
	case "ListObjects", "ListObjectsV2", "ListObjectVersions":
		for _, k := range [...]struct{ q, key string }{{"prefix", "s3:prefix"}, {"delimiter", "s3:delimiter"}, {"max-keys", "s3:max-keys"}} {
			if v, ok := rq.q[k.q]; ok && len(v) > 0 {
				vals = append(vals, policy.Value{Key: k.key, Value: v[0]})
			}
		}
	}
	h := rq.r.Header
	for _, k := range [...]struct{ h, key string }{
		{"X-Amz-Acl", "s3:x-amz-acl"},
		{"X-Amz-Server-Side-Encryption", "s3:x-amz-server-side-encryption"},
		{"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "s3:x-amz-server-side-encryption-aws-kms-key-id"},
		{"X-Amz-Server-Side-Encryption-Customer-Algorithm", "s3:x-amz-server-side-encryption-customer-algorithm"},
		{"X-Amz-Copy-Source", "s3:x-amz-copy-source"},
		{"X-Amz-Metadata-Directive", "s3:x-amz-metadata-directive"},
		{"Referer", "aws:Referer"},
		{"User-Agent", "aws:UserAgent"},
	} {
		if v, ok := h[k.h]; ok && len(v) > 0 && len(vals) < len(rq.vals) {
			vals = append(vals, policy.Value{Key: k.key, Value: v[0]})
		}
	}
	return vals
}

// missingAndListable reports whether the request's key does not exist
// and its principal may list it (s3:ListBucket with the key as s3:prefix).
func (s *Server) missingAndListable(ctx context.Context, rq *request) bool {
	ok, err := s.allowedFor(ctx, rq, "s3:ListBucket", rq.bucket, "", policy.Value{Key: "s3:prefix", Value: rq.key})
	if err != nil || !ok {
		return false
	}
	_, err = s.backend.HeadObject(ctx, rq.bucket, rq.key)
	return errors.Is(err, storage.ErrNoSuchKey)
}

// existingObjectOp reports whether op acts on an object that exists, whose
// tags s3:ExistingObjectTag conditions read.
func existingObjectOp(op string) bool {
	switch op {
	case "GetObject", "HeadObject", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging",
		"GetACL", "PutACL", "GetObjectAttributes", "DeleteObject":
		return true
	}
	return false
}

// existingTagValues appends the object's tags as s3:ExistingObjectTag/KEY
// values (none when the object does not exist).
func (s *Server) existingTagValues(ctx context.Context, rq *request, vals []policy.Value) []policy.Value {
	info, err := s.backend.HeadObject(ctx, rq.bucket, rq.key)
	if err != nil {
		return vals
	}
	for k, v := range info.Meta.Tags {
		vals = append(vals, policy.Value{Key: "s3:ExistingObjectTag/" + k, Value: v})
	}
	return vals
}

// hideMissing turns a GET or HEAD's NoSuchKey into AccessDenied for a
// principal that may not list the key (s3:ListBucket with the key as
// s3:prefix): S3 tells whether a key exists only to those who could list
// it.
func (s *Server) hideMissing(ctx context.Context, rq *request, op string, err error) error {
	if op != "GetObject" && op != "HeadObject" {
		return err
	}
	if e := toError(err); e.Code != s3xml.CodeNoSuchKey {
		return err
	}
	ok, aerr := s.allowedFor(ctx, rq, "s3:ListBucket", rq.bucket, "", policy.Value{Key: "s3:prefix", Value: rq.key})
	if aerr != nil || ok {
		return err
	}
	rq.refused, rq.refusedWhy = true, "the key does not exist and the principal may not list it"
	return errCode(s3xml.CodeAccessDenied)
}

// recordOwner stores the account that created a bucket.
func (s *Server) recordOwner(ctx context.Context, rq *request) error {
	s.bauth.drop(rq.bucket)
	if s.cfgs == nil {
		return nil
	}
	return s.cfgs.PutBucketConfig(ctx, rq.bucket, cfgOwner, []byte(s.accountOf(&rq.k)))
}

// listable reports whether ListBuckets shows bucket to the request's
// principal: buckets of its own account that it may list (s3:ListBucket),
// so a key limited to some buckets sees only those.
func (s *Server) listable(ctx context.Context, rq *request, bucket string) bool {
	ba, err := s.bucketAuthOf(ctx, bucket)
	if err != nil || ba == nil || rq.anonymous || ba.owner != s.accountOf(&rq.k) {
		return false
	}
	ok, err := s.allowedFor(ctx, rq, "s3:ListBucket", bucket, "")
	return err == nil && ok
}

// deleteOneAllowed is deleteOne for one key of a DeleteObjects, which
// needs s3:DeleteObject on that key.
func (s *Server) deleteOneAllowed(ctx context.Context, rq *request, o s3xml.ObjectIdentifier) (storage.DeleteResult, error) {
	// Removing a version for good is s3:DeleteObjectVersion, as on S3.
	action := "s3:DeleteObject"
	if o.VersionID != "" {
		action = "s3:DeleteObjectVersion"
	}
	ok, err := s.allowedFor(ctx, rq, action, rq.bucket, o.Key)
	if err != nil {
		return storage.DeleteResult{}, err
	}
	if !ok {
		return storage.DeleteResult{}, errCode(s3xml.CodeAccessDenied)
	}
	return s.deleteOne(ctx, rq, o)
}
