package server

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// Cross-origin resource sharing as S3 does it: a bucket's CORS rules
// (Put/Get/DeleteBucketCors) answer browsers' preflight OPTIONS requests,
// which carry no credentials, and add Access-Control-* headers to the
// answers of actual requests whose Origin a rule allows. A bucket without
// rules refuses every preflight and adds no headers, as on S3.

// opPreflight is the CORS preflight (S3's "OPTIONS object"). Browsers send
// it without credentials, so it is answered before authentication from the
// bucket's rules alone; it reads and changes nothing else.
const opPreflight = "PreflightCORS"

// corsConfigName is the name the rules are stored under
// (storage.BucketConfigStore).
const corsConfigName = "cors"

// maxCORSRules is S3's limit on rules per bucket.
const maxCORSRules = 100

// corsVary is the Vary header S3 sends with CORS answers: they depend on
// these request headers, so a cache must not reuse one for another origin.
const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// routeCORS picks the ?cors operation on a bucket.
func (s *Server) routeCORS(m string) (string, handler) {
	switch m {
	case http.MethodGet:
		return "GetBucketCors", s.getBucketCors
	case http.MethodPut:
		return "PutBucketCors", s.putBucketCors
	case http.MethodDelete:
		return "DeleteBucketCors", s.deleteBucketCors
	}
	return "", nil
}

// configStore is the backend's storage.BucketConfigStore.
func (s *Server) configStore() (storage.BucketConfigStore, error) {
	if cs, ok := s.backend.(storage.BucketConfigStore); ok {
		return cs, nil
	}
	return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not keep bucket configurations")
}

// putBucketCors validates and stores a bucket's rules, replacing any.
func (s *Server) putBucketCors(ctx context.Context, rq *request) (*response, error) {
	cs, err := s.configStore()
	if err != nil {
		return nil, err
	}
	// A missing bucket is NoSuchBucket whatever the document says.
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	var doc s3xml.CORSConfiguration
	ok, err := readXML(rq, &doc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errCode(s3xml.CodeMalformedXML)
	}
	if err := checkCORS(&doc); err != nil {
		return nil, err
	}
	b, err := s3xml.Marshal(&doc)
	if err != nil {
		return nil, err
	}
	if err := cs.PutBucketConfig(ctx, rq.bucket, corsConfigName, b); err != nil {
		return nil, err
	}
	return &response{}, nil
}

// getBucketCors answers the stored rules, or NoSuchCORSConfiguration.
func (s *Server) getBucketCors(ctx context.Context, rq *request) (*response, error) {
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	doc, err := s.loadCORS(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errCode(s3xml.CodeNoSuchCORSConfiguration)
	}
	return &response{doc: doc}, nil
}

// deleteBucketCors removes the rules; a bucket without them is no error.
func (s *Server) deleteBucketCors(ctx context.Context, rq *request) (*response, error) {
	cs, err := s.configStore()
	if err != nil {
		return nil, err
	}
	if err := cs.PutBucketConfig(ctx, rq.bucket, corsConfigName, nil); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}

// loadCORS returns a bucket's rules, nil when it has none (or the backend
// keeps no configurations).
func (s *Server) loadCORS(ctx context.Context, bucket string) (*s3xml.CORSConfiguration, error) {
	cs, ok := s.backend.(storage.BucketConfigStore)
	if !ok {
		return nil, nil
	}
	b, err := cs.GetBucketConfig(ctx, bucket, corsConfigName)
	if err != nil || b == nil {
		return nil, err
	}
	var doc s3xml.CORSConfiguration
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// checkCORS applies S3's rules to a PutBucketCors document, with S3's
// codes and messages. Methods and wildcards are checked here so that
// matching never meets a rule it cannot apply.
func checkCORS(doc *s3xml.CORSConfiguration) error {
	if len(doc.Rules) == 0 {
		return errCode(s3xml.CodeMalformedXML)
	}
	if len(doc.Rules) > maxCORSRules {
		return errMsg(s3xml.CodeInvalidRequest, "The number of CORS rules should not exceed allowed limit of %d rules.", maxCORSRules)
	}
	for i := range doc.Rules {
		r := &doc.Rules[i]
		if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 {
			return errCode(s3xml.CodeMalformedXML)
		}
		for _, m := range r.AllowedMethods {
			switch m {
			case http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodHead:
			default:
				return errMsg(s3xml.CodeInvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is %s", m)
			}
		}
		for _, o := range r.AllowedOrigins {
			if strings.Count(o, "*") > 1 {
				return errMsg(s3xml.CodeInvalidRequest, "AllowedOrigin %q can not have more than one wildcard.", o)
			}
		}
		for _, h := range r.AllowedHeaders {
			if strings.Count(h, "*") > 1 {
				return errMsg(s3xml.CodeInvalidRequest, "AllowedHeader %q can not have more than one wildcard.", h)
			}
		}
		for _, h := range r.ExposeHeaders {
			if strings.Contains(h, "*") {
				return errMsg(s3xml.CodeInvalidRequest, "ExposeHeader %q contains wildcard. We currently do not support wildcard for ExposeHeader.", h)
			}
		}
		if r.MaxAgeSeconds != nil && *r.MaxAgeSeconds < 0 {
			return errCode(s3xml.CodeMalformedXML)
		}
	}
	return nil
}

// wildcardMatch reports whether s matches pattern, in which one "*"
// stands for any run of characters (S3 allows at most one).
func wildcardMatch(pattern, s string) bool {
	before, after, ok := strings.Cut(pattern, "*")
	if !ok {
		return pattern == s
	}
	return len(s) >= len(before)+len(after) && strings.HasPrefix(s, before) && strings.HasSuffix(s, after)
}

// matchCORS returns the first rule that allows origin to use method and
// send every header in reqHeaders (lower-case), or nil.
func matchCORS(doc *s3xml.CORSConfiguration, origin, method string, reqHeaders []string) *s3xml.CORSRule {
	for i := range doc.Rules {
		r := &doc.Rules[i]
		if !slices.Contains(r.AllowedMethods, method) {
			continue
		}
		if !slices.ContainsFunc(r.AllowedOrigins, func(p string) bool { return wildcardMatch(p, origin) }) {
			continue
		}
		allowed := func(h string) bool {
			return slices.ContainsFunc(r.AllowedHeaders, func(p string) bool { return wildcardMatch(strings.ToLower(p), h) })
		}
		if !allHeaders(reqHeaders, allowed) {
			continue
		}
		return r
	}
	return nil
}

func allHeaders(hs []string, allowed func(string) bool) bool {
	for _, h := range hs {
		if !allowed(h) {
			return false
		}
	}
	return true
}

// requestHeaders splits Access-Control-Request-Headers into lower-case
// names.
func requestHeaders(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Access-Control-Request-Headers") {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// setCORSHeaders writes the answer headers for rule r to origin: the
// origin itself, or "*" when the rule allows any origin (and then no
// credentials, which browsers refuse with "*").
func setCORSHeaders(h http.Header, r *s3xml.CORSRule, origin string) {
	if slices.Contains(r.AllowedOrigins, "*") {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(r.AllowedMethods, ", "))
	if len(r.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(r.ExposeHeaders, ", "))
	}
	if r.MaxAgeSeconds != nil {
		h.Set("Access-Control-Max-Age", strconv.Itoa(*r.MaxAgeSeconds))
	}
	h.Set("Vary", corsVary)
}

// preflight answers a CORS preflight from the bucket's rules: 200 with the
// rule's headers, 400 without Origin or Access-Control-Request-Method, 403
// AccessForbidden when no rule allows the request. A bucket that does not
// exist is answered as one without rules, so an unsigned request cannot
// tell the two apart.
func (s *Server) preflight(ctx context.Context, rq *request) (*response, error) {
	h := rq.r.Header
	origin := h.Get("Origin")
	if origin == "" {
		return nil, errMsg(s3xml.CodeBadRequest, "Insufficient information. Origin request header needed.")
	}
	method := h.Get("Access-Control-Request-Method")
	switch method {
	case http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodHead:
	default:
		if method == "" {
			method = "null"
		}
		return nil, errMsg(s3xml.CodeBadRequest, "Invalid Access-Control-Request-Method: %s", method)
	}
	doc, err := s.loadCORS(ctx, rq.bucket)
	if err != nil && !errors.Is(err, storage.ErrNoSuchBucket) {
		return nil, err
	}
	if doc == nil {
		return nil, errMsg(s3xml.CodeAccessForbidden, "CORSResponse: CORS is not enabled for this bucket.")
	}
	reqHeaders := requestHeaders(h)
	r := matchCORS(doc, origin, method, reqHeaders)
	if r == nil {
		return nil, errCode(s3xml.CodeAccessForbidden)
	}
	resp := &response{header: http.Header{}}
	setCORSHeaders(resp.header, r, origin)
	if len(reqHeaders) > 0 {
		resp.header.Set("Access-Control-Allow-Headers", strings.Join(reqHeaders, ", "))
	}
	return resp, nil
}

// addCORSHeaders adds the Access-Control-* headers to the answer of an
// actual (not preflight) request whose Origin a rule of its bucket allows,
// whatever the answer is: a browser shows a script an error answer only
// with them. The method matched is the request's, or the one an
// Access-Control-Request-Method header names.
func (s *Server) addCORSHeaders(ctx context.Context, h http.Header, rq *request, op string) {
	origin := rq.r.Header.Get("Origin")
	if origin == "" || rq.bucket == "" || op == opPreflight {
		return
	}
	doc, err := s.loadCORS(ctx, rq.bucket)
	if err != nil || doc == nil {
		return
	}
	method := rq.r.Header.Get("Access-Control-Request-Method")
	if method == "" {
		method = rq.r.Method
	}
	if r := matchCORS(doc, origin, method, nil); r != nil {
		setCORSHeaders(h, r, origin)
	}
}
