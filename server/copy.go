package server

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// copySource parses x-amz-copy-source ("[/]bucket/key[?versionId=null]",
// URL-encoded) and checks the key may read that bucket.
func copySource(rq *request) (bucket, key string, err error) {
	raw := rq.r.Header.Get(s3xml.HeaderCopySource)
	path, query, _ := strings.Cut(raw, "?")
	if query != "" {
		q, perr := url.ParseQuery(query)
		if perr != nil {
			return "", "", errArg(s3xml.HeaderCopySource, raw, "Invalid copy source encoding")
		}
		if v := q.Get("versionId"); v != "" && v != "null" {
			return "", "", errCode(s3xml.CodeNoSuchVersion)
		}
	}
	dec, perr := url.PathUnescape(path)
	if perr != nil {
		return "", "", errArg(s3xml.HeaderCopySource, raw, "Invalid copy source encoding")
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(dec, "/"), "/")
	if !ok || bucket == "" || key == "" {
		return "", "", errArg(s3xml.HeaderCopySource, raw, "Invalid copy source object key")
	}
	if !rq.k.CanUseBucket(bucket) {
		return "", "", errCode(s3xml.CodeAccessDenied)
	}
	return bucket, key, nil
}

func (s *Server) copyObject(ctx context.Context, rq *request) (*response, error) {
	h := rq.r.Header
	if err := checkKey(rq.key); err != nil {
		return nil, err
	}
	srcBucket, srcKey, err := copySource(rq)
	if err != nil {
		return nil, err
	}
	directive := strings.ToUpper(h.Get(s3xml.HeaderMetadataDirective))
	switch directive {
	case "":
		directive = s3xml.MetadataDirectiveCopy
	case s3xml.MetadataDirectiveCopy, s3xml.MetadataDirectiveReplace:
	default:
		return nil, errArg(s3xml.HeaderMetadataDirective, directive, "Unknown metadata directive.")
	}
	tagDirective, err := taggingDirective(h)
	if err != nil {
		return nil, err
	}
	enc, ck, err := s.requestedEncryption(rq)
	if err != nil {
		return nil, err
	}
	srcCK, err := parseCustomerKey(rq.r, true)
	if err != nil {
		return nil, err
	}
	if srcBucket == rq.bucket && srcKey == rq.key && directive != s3xml.MetadataDirectiveReplace && enc == nil {
		return nil, errMsg(s3xml.CodeInvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	src, err := s.headObjectWith(ctx, srcBucket, srcKey, srcCK)
	if err != nil {
		return nil, err
	}
	if err := checkConditions(h, copyConditions(), src, true); err != nil {
		return nil, err
	}
	var meta *storage.ObjectMeta
	if directive == s3xml.MetadataDirectiveReplace {
		m, err := metaFromHeaders(h)
		if err != nil {
			return nil, err
		}
		// The bytes are the same, so their checksums still hold.
		m.Checksums, m.ChecksumType = src.Meta.Checksums, src.Meta.ChecksumType
		meta = &m
	}
	// Tags follow their own directive: COPY keeps the source's, REPLACE
	// takes x-amz-tagging (none when absent).
	switch {
	case tagDirective == taggingReplace:
		if meta == nil {
			m := src.Meta
			meta = &m
		}
		if meta.Tags, err = tagsFromHeader(h.Get(s3xml.HeaderTagging)); err != nil {
			return nil, err
		}
	case meta != nil:
		meta.Tags = src.Meta.Tags
	}
	meta = copyEncryption(meta, src, enc)
	info, err := s.copy(ctx, srcBucket, srcKey, rq.bucket, rq.key, meta, srcCK)
	if err != nil {
		return nil, err
	}
	doc := &s3xml.CopyObjectResult{ETag: info.ETag, LastModified: s3xml.NewTime(info.LastModified)}
	if algs, typ := checksumAlgorithms(info.Meta); len(algs) > 0 {
		for _, alg := range algs {
			doc.Set(alg, info.Meta.Checksums[alg])
		}
		doc.ChecksumType = typ
	}
	r := &response{doc: doc}
	r.encryption(info.Meta.Encryption, ck)
	return r, nil
}

// copy uses the backend's Copier, or streams the object through (always
// when the source is read with a customer-provided key, srcCK).
func (s *Server) copy(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, meta *storage.ObjectMeta, srcCK *customerKey) (storage.ObjectInfo, error) {
	if s.copier != nil && srcCK == nil {
		return s.copier.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, meta)
	}
	obj, err := s.getObjectWith(ctx, srcBucket, srcKey, srcCK)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	defer obj.Content.Close()
	m := obj.Info.Meta
	if meta != nil {
		m = *meta
	}
	return s.backend.PutObject(ctx, dstBucket, dstKey, obj.Content, storage.PutOptions{Meta: m})
}

// parseCopyRange reads x-amz-copy-source-range ("bytes=first-last", both
// inclusive and within the source).
func parseCopyRange(v string, size int64) (*byteRange, error) {
	if v == "" {
		return &byteRange{off: 0, n: size}, nil
	}
	// S3 names the header in lower case in ArgumentName.
	const name = "x-amz-copy-source-range"
	bad := errArg(name, v, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
	spec, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return nil, bad
	}
	a, b, ok := strings.Cut(spec, "-")
	if !ok {
		return nil, bad
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || last < first {
		return nil, bad
	}
	if last >= size {
		return nil, errArg(name, v, "Range specified is not valid for source object of size: %d", size)
	}
	return &byteRange{off: first, n: last - first + 1}, nil
}
