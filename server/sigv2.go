package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// botocore (1.43) still presigns S3 URLs with signature version 2 by
// default (AWSAccessKeyId, Signature, Expires), so `generate_presigned_url`
// with default settings only works against a server that verifies them.
// sigv4 covers version 4 only; this file verifies the version 2 query
// form, exactly as botocore's HmacV1QueryAuth computes it. Version 2
// Authorization headers are not accepted.

// maxV2Expires is how far in the future, in seconds, a version 2 URL may
// expire: a week, as for version 4.
const maxV2Expires = 7 * 24 * 60 * 60

// isV2Presigned reports whether the query carries version 2 authentication.
func isV2Presigned(q url.Values) bool {
	return q.Has("AWSAccessKeyId") && q.Has("Signature") && q.Has("Expires")
}

// v2Subresources are the query parameters that take part in a version 2
// signature (botocore's HmacV1Auth.QSAOfInterest).
func v2Subresource(name string) bool {
	switch name {
	case "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber",
		"policy", "requestPayment", "torrent", "versioning", "versionId", "versions", "website",
		"uploads", "uploadId", "response-content-type", "response-content-language",
		"response-expires", "response-cache-control", "response-content-disposition",
		"response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass",
		"notification", "replication", "analytics", "metrics", "inventory", "select",
		"select-type", "object-lock":
		return true
	}
	return false
}

// verifyV2Presigned authenticates a version 2 presigned URL. The payload
// is not signed in this form, so the body is passed through as sent.
func (s *Server) verifyV2Presigned(ctx context.Context, rq *request) (*sigv4.Verified, Key, error) {
	r, q := rq.r, rq.q
	id, sig, exp := q.Get("AWSAccessKeyId"), q.Get("Signature"), q.Get("Expires")
	expires, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return nil, Key{}, errMsg(s3xml.CodeAuthorizationQueryParametersError, "Invalid Expires parameter %q", exp)
	}
	now := s.now().Unix()
	if now > expires {
		return nil, Key{}, errMsg(s3xml.CodeAccessDenied, "Request has expired")
	}
	if expires-now > maxV2Expires {
		// S3 itself sets no limit on version 2 URLs; s3kit applies the
		// week version 4 URLs are limited to, so no URL grants access
		// for years.
		return nil, Key{}, errMsg(s3xml.CodeAccessDenied,
			"Request expires too far in the future: Expires may be at most 604800 seconds (7 days) from now")
	}
	key, err := s.keys.Lookup(ctx, id)
	if errors.Is(err, ErrUnknownKey) {
		e := errCode(s3xml.CodeInvalidAccessKeyID)
		e.Detail.AccessKeyID, e.Err = id, err
		return nil, Key{}, e
	}
	if err != nil {
		return nil, Key{}, err
	}
	sts := v2StringToSign(r, q, exp, s.virtualBucket(r.Host))
	mac := hmac.New(sha1.New, []byte(key.Secret))
	mac.Write([]byte(sts))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		e := errCode(s3xml.CodeSignatureDoesNotMatch)
		e.Detail.AccessKeyID, e.Detail.StringToSign, e.Detail.SignatureProvided = id, sts, sig
		return nil, Key{}, e
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	return &sigv4.Verified{AccessKeyID: id, Presigned: true, Body: body, DecodedContentLength: r.ContentLength}, key, nil
}

// v2StringToSign rebuilds what botocore signed: the verb, Content-MD5 and
// Content-Type (moved into the query when presigning), Expires, the
// x-amz-* headers and parameters, and the resource with its subresources.
func v2StringToSign(r *http.Request, q url.Values, expires, vbucket string) string {
	pick := func(name string) string {
		if v := q.Get(name); v != "" {
			return strings.TrimSpace(v)
		}
		return strings.TrimSpace(r.Header.Get(name))
	}
	var b strings.Builder
	b.WriteString(r.Method + "\n" + pick("content-md5") + "\n" + pick("content-type") + "\n" + expires + "\n")
	amz := map[string]string{}
	for k, vs := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
			amz[lk] = strings.Join(vs, ",")
		}
	}
	for k, vs := range q {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") && len(vs) > 0 {
			amz[lk] = vs[0]
		}
	}
	names := make([]string, 0, len(amz))
	for k := range amz {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString(k + ":" + amz[k] + "\n")
	}
	path, _, _ := strings.Cut(r.RequestURI, "?")
	if path == "" || !strings.HasPrefix(path, "/") {
		path = r.URL.EscapedPath()
	}
	if vbucket != "" {
		path = "/" + vbucket + path
	}
	b.WriteString(path)
	var subs []string
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		name, val, hasVal := strings.Cut(kv, "=")
		if !v2Subresource(name) {
			continue
		}
		if hasVal {
			if u, err := url.PathUnescape(val); err == nil {
				val = u
			}
			subs = append(subs, name+"="+val)
		} else {
			subs = append(subs, name)
		}
	}
	if len(subs) > 0 {
		sort.SliceStable(subs, func(i, j int) bool { return subName(subs[i]) < subName(subs[j]) })
		b.WriteString("?" + strings.Join(subs, "&"))
	}
	return b.String()
}

func subName(s string) string { n, _, _ := strings.Cut(s, "="); return n }
