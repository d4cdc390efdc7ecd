package server

import (
	"context"
	"encoding/base64"
	"sort"
	"strconv"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// maxListKeys is the most entries one listing page holds.
const maxListKeys = 1000

// listParams are the parameters every listing shares.
type listParams struct {
	prefix, delimiter string
	maxKeys           int
	urlEncode         bool
}

// parseListParams reads prefix, delimiter, encoding-type and the page size
// (named maxName: max-keys, max-uploads, max-parts).
func parseListParams(rq *request, maxName string) (listParams, error) {
	p := listParams{prefix: rq.q.Get("prefix"), delimiter: rq.q.Get("delimiter"), maxKeys: maxListKeys}
	switch et := rq.q.Get("encoding-type"); et {
	case "":
	case s3xml.EncodingTypeURL:
		p.urlEncode = true
	default:
		return p, errArg("encoding-type", et, "Invalid Encoding Method specified in Request")
	}
	if v := rq.q.Get(maxName); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, errArg(maxName, v, "Provided %s not an integer or within integer range", maxName)
		}
		p.maxKeys = min(n, maxListKeys)
	}
	return p, nil
}

// enc applies encoding-type=url when asked for.
func (p listParams) enc(s string) string {
	if p.urlEncode && s != "" {
		return s3xml.EncodeURL(s)
	}
	return s
}

// list fetches one page after the exclusive marker. A page of zero keys
// still checks that the bucket exists.
func (s *Server) list(ctx context.Context, bucket string, p listParams, after string) (storage.ListResult, error) {
	if p.maxKeys == 0 {
		_, err := s.backend.HeadBucket(ctx, bucket)
		return storage.ListResult{}, err
	}
	return s.backend.ListObjects(ctx, bucket, storage.ListOptions{Prefix: p.prefix, Delimiter: p.delimiter, After: after, MaxKeys: p.maxKeys})
}

// checksumAlgorithms lists the algorithms an object has checksums for, as
// listings report them.
func checksumAlgorithms(m storage.ObjectMeta) ([]string, string) {
	var algs []string
	for alg, v := range m.Checksums {
		if v != "" {
			algs = append(algs, alg)
		}
	}
	if len(algs) == 0 {
		return nil, ""
	}
	sort.Strings(algs)
	return algs, m.ChecksumType
}

func (p listParams) prefixes(ps []string) []s3xml.CommonPrefix {
	out := make([]s3xml.CommonPrefix, 0, len(ps))
	for _, cp := range ps {
		out = append(out, s3xml.CommonPrefix{Prefix: p.enc(cp)})
	}
	return out
}

func (p listParams) encodingType() string {
	if p.urlEncode {
		return s3xml.EncodingTypeURL
	}
	return ""
}

func (s *Server) listObjects(ctx context.Context, rq *request) (*response, error) {
	p, err := parseListParams(rq, "max-keys")
	if err != nil {
		return nil, err
	}
	marker := rq.q.Get("marker")
	res, err := s.list(ctx, rq.bucket, p, marker)
	if err != nil {
		return nil, err
	}
	// Version 1 echoes Prefix as sent even under encoding-type=url: S3
	// encodes only Delimiter, Marker, NextMarker, keys and common
	// prefixes there, and botocore decodes only those, so an encoded
	// Prefix would reach boto3 users still encoded.
	doc := &s3xml.ListBucketResult{
		Name: rq.bucket, Prefix: p.prefix, Marker: p.enc(marker), MaxKeys: p.maxKeys,
		Delimiter: p.enc(p.delimiter), EncodingType: p.encodingType(), IsTruncated: res.IsTruncated,
	}
	// S3 sends NextMarker only with a delimiter; without one clients
	// continue from the last key.
	if res.IsTruncated && p.delimiter != "" {
		doc.NextMarker = p.enc(res.NextAfter)
	}
	return xmlBody(marshalListV1(doc, p, &res)), nil
}

// encodeToken and decodeToken make continuation tokens opaque.
func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || tok == "" {
		return "", errArg("continuation-token", tok, "The continuation token provided is incorrect")
	}
	return string(b), nil
}

func (s *Server) listObjectsV2(ctx context.Context, rq *request) (*response, error) {
	p, err := parseListParams(rq, "max-keys")
	if err != nil {
		return nil, err
	}
	after := rq.q.Get("start-after")
	tok, hasTok := rq.q.Get("continuation-token"), rq.q.Has("continuation-token")
	if hasTok {
		if after, err = decodeToken(tok); err != nil {
			return nil, err
		}
	}
	res, err := s.list(ctx, rq.bucket, p, after)
	if err != nil {
		return nil, err
	}
	doc := &s3xml.ListBucketResultV2{
		Name: rq.bucket, Prefix: p.enc(p.prefix), MaxKeys: p.maxKeys, Delimiter: p.enc(p.delimiter),
		EncodingType: p.encodingType(), IsTruncated: res.IsTruncated, ContinuationToken: tok,
		StartAfter: p.enc(rq.q.Get("start-after")),
		KeyCount:   len(res.Objects) + len(res.CommonPrefixes),
	}
	if res.IsTruncated {
		doc.NextContinuationToken = encodeToken(res.NextAfter)
	}
	return xmlBody(marshalListV2(doc, p, &res, rq.q.Get("fetch-owner") == "true")), nil
}
