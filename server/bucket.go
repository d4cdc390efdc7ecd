package server

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// maxXMLBody caps request documents (a 1,000-key Delete is well under it).
const maxXMLBody = 2 << 20

// readXML decodes the request body into v. It reports false when the body
// is empty; a malformed or oversized document is MalformedXML.
func readXML(rq *request, v any) (bool, error) { return decodeXML(rq, v, true) }

// decodeXML is readXML; with bodySums false, x-amz-checksum-* headers are
// left to the caller (CompleteMultipartUpload's describe the object, not
// the XML).
func decodeXML(rq *request, v any, bodySums bool) (bool, error) {
	b, err := io.ReadAll(io.LimitReader(rq.body, maxXMLBody+1))
	if err != nil {
		return false, err
	}
	if len(b) > maxXMLBody {
		return false, errMsg(s3xml.CodeMalformedXML, "The XML you provided was larger than the maximum %d bytes allowed.", maxXMLBody)
	}
	if err := checkDigests(rq.r.Header, b, bodySums); err != nil {
		return false, err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return false, nil
	}
	if err := xml.Unmarshal(b, v); err != nil {
		e := errCode(s3xml.CodeMalformedXML)
		e.Err = err
		return false, e
	}
	return true, nil
}

// checkDigests verifies Content-MD5 and x-amz-checksum-* over a small body
// read whole (DeleteObjects clients send them).
func checkDigests(h http.Header, b []byte, sums bool) error {
	want, err := contentMD5(h)
	if err != nil {
		return err
	}
	if want != nil {
		if got := md5.Sum(b); !bytes.Equal(got[:], want) {
			return errCode(s3xml.CodeBadDigest)
		}
	}
	if !sums {
		return nil
	}
	cs, err := newChecksummer(h)
	if err != nil || cs == nil {
		return err
	}
	cs.h.Write(b)
	_, err = cs.sum()
	return err
}

func (s *Server) notImplemented(ctx context.Context, rq *request) (*response, error) {
	return nil, errMsg(s3xml.CodeNotImplemented, "s3kit does not implement this operation")
}

// maxBuckets is the largest ListBuckets page S3 allows, and the page it
// sends when a request does not ask for a size.
const maxBuckets = 10000

// listBuckets answers ListBuckets with S3's pagination: prefix and
// bucket-region filter, max-buckets (1 to 10,000) sizes the page, and an
// opaque ContinuationToken in the answer resumes after the page's last
// bucket.
func (s *Server) listBuckets(ctx context.Context, rq *request) (*response, error) {
	limit := maxBuckets
	if rq.q.Has("max-buckets") {
		v := rq.q.Get("max-buckets")
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, errArg("max-buckets", v, "Provided max-buckets not an integer or within integer range")
		}
		if n < 1 || n > maxBuckets {
			return nil, errArg("max-buckets", v, "Argument max-buckets must be an integer between 1 and %d", maxBuckets)
		}
		limit = n
	}
	after := ""
	if tok := rq.q.Get("continuation-token"); tok != "" {
		var err error
		if after, err = decodeToken(tok); err != nil {
			return nil, err
		}
	}
	prefix, region := rq.q.Get("prefix"), rq.q.Get("bucket-region")
	all, err := s.backend.ListBuckets(ctx)
	if err != nil {
		return nil, err
	}
	doc := &s3xml.ListAllMyBucketsResult{Owner: &s3xml.Owner{ID: ownerID, DisplayName: ownerID}, Prefix: prefix}
	for _, b := range all {
		if b.Name <= after || !strings.HasPrefix(b.Name, prefix) || !rq.k.CanUseBucket(b.Name) || !s.listable(ctx, rq, b.Name) {
			continue
		}
		br := s.bucketRegion(b)
		if region != "" && br != region {
			continue
		}
		if len(doc.Buckets) == limit {
			doc.ContinuationToken = encodeToken(doc.Buckets[limit-1].Name)
			break
		}
		doc.Buckets = append(doc.Buckets, s3xml.Bucket{Name: b.Name, CreationDate: s3xml.NewTime(b.Created), BucketRegion: br})
	}
	return &response{doc: doc}, nil
}

// bucketRegion is the region a bucket lives in, as HeadBucket's
// x-amz-bucket-region and ListBuckets' BucketRegion report it. A bucket
// with no recorded region (created by an s3kit that did not record one)
// is in the server's region; S3's legacy "EU" constraint is eu-west-1.
func (s *Server) bucketRegion(b storage.BucketInfo) string {
	switch b.Region {
	case "":
		return s.region
	case "EU":
		return "eu-west-1"
	}
	return b.Region
}

// globalRegion is the LocationConstraint aws-cli v2 sends when no region
// is configured (botocore's client region for S3 is then "aws-global").
// AWS refuses it with IllegalLocationConstraintException; s3kit, which
// serves one place whatever the region, takes it as "no constraint" so
// that `aws s3 mb` works without a region.
const globalRegion = "aws-global"

// validLocation reports whether loc looks like a region name
// ("eu-west-1", "us-gov-west-1", S3's legacy "EU"): s3kit accepts any
// region, but not arbitrary text that would come back in headers.
func validLocation(loc string) bool {
	if loc == "EU" {
		return true
	}
	if len(loc) < 2 || len(loc) > 64 || loc[0] == '-' || loc[len(loc)-1] == '-' {
		return false
	}
	for i := 0; i < len(loc); i++ {
		if c := loc[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// createBucket creates a bucket in any region the request names: s3kit
// keeps every bucket on the same disk, so the LocationConstraint is only
// recorded and reported back (GetBucketLocation, HeadBucket, ListBuckets).
// A bucket created without one is in the server's region.
func (s *Server) createBucket(ctx context.Context, rq *request) (*response, error) {
	if err := checkBucketName(rq.bucket); err != nil {
		return nil, err
	}
	var cfg s3xml.CreateBucketConfiguration
	if _, err := readXML(rq, &cfg); err != nil {
		return nil, err
	}
	loc := strings.TrimSpace(cfg.LocationConstraint)
	switch {
	case loc == "" || loc == globalRegion:
		loc = s.region
	case !validLocation(loc):
		return nil, errMsg(s3xml.CodeInvalidLocationConstraint, "The specified location-constraint is not valid")
	}
	err := s.backend.CreateBucket(ctx, rq.bucket, storage.CreateBucketOptions{Region: loc})
	s.events.forget(rq.bucket)
	if err == nil {
		err = s.recordOwner(ctx, rq)
	} else if errors.Is(err, storage.ErrBucketExists) {
		// Bucket names are global: another account's bucket is not
		// "already owned by you".
		if ba, aerr := s.bucketAuthOf(ctx, rq.bucket); aerr == nil && ba != nil && (rq.anonymous || ba.owner != s.accountOf(&rq.k)) {
			return nil, errCode(s3xml.CodeBucketAlreadyExists)
		}
	}
	// In us-east-1 S3 keeps its legacy answer to creating a bucket you
	// already own: 200, changing nothing. Every other region answers
	// BucketAlreadyOwnedByYou.
	if errors.Is(err, storage.ErrBucketExists) && s.region == DefaultRegion {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	r := &response{}
	r.setHeader("Location", "/"+rq.bucket)
	return r, nil
}

func (s *Server) deleteBucket(ctx context.Context, rq *request) (*response, error) {
	defer s.events.forget(rq.bucket)
	s.bauth.drop(rq.bucket)
	if err := s.backend.DeleteBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}

func (s *Server) headBucket(ctx context.Context, rq *request) (*response, error) {
	b, err := s.backend.HeadBucket(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	r := &response{}
	r.setHeader(s3xml.HeaderBucketRegion, s.bucketRegion(b))
	return r, nil
}

func (s *Server) getBucketLocation(ctx context.Context, rq *request) (*response, error) {
	b, err := s.backend.HeadBucket(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	// S3 reports us-east-1 as an empty LocationConstraint.
	loc := b.Region
	if loc == "" {
		loc = s.region
	}
	if loc == DefaultRegion {
		loc = ""
	}
	return &response{doc: &s3xml.LocationConstraint{Value: loc}}, nil
}

// getBucketVersioning answers with the bucket's versioning state (no
// Status for a bucket that never had versioning, as S3 answers).
func (s *Server) getBucketVersioning(ctx context.Context, rq *request) (*response, error) {
	st, err := s.bucketVersioning(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	return &response{doc: &s3xml.VersioningConfiguration{Status: string(st)}}, nil
}

// checkBucketName applies S3's general-purpose bucket naming rules.
func checkBucketName(name string) error {
	if why := BucketNameProblem(name); why != "" {
		return errMsg(s3xml.CodeInvalidBucketName, "The specified bucket is not valid: %s.", why)
	}
	return nil
}

// BucketNameProblem says which of S3's general-purpose bucket naming rules
// name breaks, or "" when it follows them all.
func BucketNameProblem(name string) string {
	bad := func(why string) string { return why }
	if len(name) < 3 || len(name) > 63 {
		return bad("bucket names must be between 3 and 63 characters long")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return bad("bucket names may contain only lower-case letters, digits, dots and hyphens")
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return bad("bucket names must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return bad("bucket names must not contain two adjacent periods or a period next to a hyphen")
	}
	if net.ParseIP(name) != nil {
		return bad("bucket names must not be formatted as an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad("bucket names must not start with " + p)
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, sfx) {
			return bad("bucket names must not end with " + sfx)
		}
	}
	return ""
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// targetExists checks that the request's object (or, without a key, its
// bucket) exists: NoSuchKey or NoSuchBucket otherwise.
func (s *Server) targetExists(ctx context.Context, rq *request) error {
	var err error
	if rq.key == "" {
		_, err = s.backend.HeadBucket(ctx, rq.bucket)
	} else {
		_, err = s.headVersion(ctx, rq.bucket, rq.key, rq.q.Get("versionId"))
	}
	return err
}

// getACL answers that the one s3kit owner has full control, the only ACL
// s3kit has; tools such as s3cmd info read it.
func (s *Server) getACL(ctx context.Context, rq *request) (*response, error) {
	if err := s.targetExists(ctx, rq); err != nil {
		return nil, err
	}
	owner := &s3xml.Owner{ID: ownerID, DisplayName: ownerID}
	return &response{doc: &s3xml.AccessControlPolicy{Owner: owner, AccessControlList: []s3xml.Grant{{
		Grantee:    s3xml.Grantee{Type: "CanonicalUser", ID: ownerID, DisplayName: ownerID},
		Permission: "FULL_CONTROL",
	}}}}, nil
}
