package server

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// copySource parses x-amz-copy-source ("[/]bucket/key[?versionId=ID]",
// URL-encoded) and checks the key may read that bucket. version is "" when
// the source names none (its latest version).
func (s *Server) copySource(rq *request) (bucket, key, version string, err error) {
	raw := rq.r.Header.Get(s3xml.HeaderCopySource)
	path, query, _ := strings.Cut(raw, "?")
	if query != "" {
		q, perr := url.ParseQuery(query)
		if perr != nil {
			return "", "", "", errArg(s3xml.HeaderCopySource, raw, "Invalid copy source encoding")
		}
		if v, ok := q["versionId"]; ok {
			if len(v) != 1 || v[0] == "" {
				return "", "", "", errArg(s3xml.HeaderCopySource, raw, "Invalid version id specified")
			}
			version = v[0]
		}
	}
	dec, perr := url.PathUnescape(path)
	if perr != nil {
		return "", "", "", errArg(s3xml.HeaderCopySource, raw, "Invalid copy source encoding")
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(dec, "/"), "/")
	if !ok || bucket == "" || key == "" {
		return "", "", "", errArg(s3xml.HeaderCopySource, raw, "Invalid copy source object key")
	}
	if !rq.k.CanUseBucket(bucket) {
		return "", "", "", errCode(s3xml.CodeAccessDenied)
	}
	// The source needs s3:GetObject (s3:GetObjectVersion for a named
	// version) as the destination needs s3:PutObject.
	action := "s3:GetObject"
	if version != "" {
		action = "s3:GetObjectVersion"
	}
	if ok, err := s.allowedFor(rq.r.Context(), rq, action, bucket, key); err != nil {
		return "", "", "", err
	} else if !ok {
		return "", "", "", errCode(s3xml.CodeAccessDenied)
	}
	return bucket, key, version, nil
}

// copySourceError is the error a copy answers when its source cannot be
// read: S3 refuses to copy a delete marker named by its version ID as an
// invalid request, not with the 405 a GET of it gets.
func copySourceError(err error) error {
	if errors.Is(err, storage.ErrMethodNotAllowed) {
		e := errMsg(s3xml.CodeInvalidRequest, "The source of a copy request may not specifically refer to a delete marker by version id.")
		e.Err = err
		return e
	}
	return err
}

func (s *Server) copyObject(ctx context.Context, rq *request) (*response, error) {
	h := rq.r.Header
	if err := checkKey(rq.key); err != nil {
		return nil, err
	}
	srcBucket, srcKey, srcVersion, err := s.copySource(rq)
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
	enc, ck, err := s.requestedEncryption(rq.r)
	if err != nil {
		return nil, err
	}
	srcCK, err := parseCustomerKey(rq.r, true)
	if err != nil {
		return nil, err
	}
	if srcBucket == rq.bucket && srcKey == rq.key && srcVersion == "" && directive != s3xml.MetadataDirectiveReplace && enc == nil {
		return nil, errMsg(s3xml.CodeInvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	src, err := s.headObjectWith(ctx, srcBucket, srcKey, srcVersion, srcCK)
	if err != nil {
		return nil, copySourceError(err)
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
	ch, err := s.beginChange(ctx, rq.bucket, rq.key)
	if err != nil {
		return nil, err
	}
	defer ch.end()
	ch.lock()
	info, err := s.copy(ctx, srcBucket, srcKey, srcVersion, rq.bucket, rq.key, meta, srcCK)
	if err != nil {
		return nil, copySourceError(err)
	}
	r := &response{}
	if err := ch.emit(ctx, rq, r, evCopy, info); err != nil {
		return nil, err
	}
	doc := &s3xml.CopyObjectResult{ETag: info.ETag, LastModified: s3xml.NewTime(info.LastModified)}
	if algs, typ := checksumAlgorithms(info.Meta); len(algs) > 0 {
		for _, alg := range algs {
			doc.Set(alg, info.Meta.Checksums[alg])
		}
		doc.ChecksumType = typ
	}
	r.doc = doc
	r.setWrittenVersionHeader(info)
	if src.VersionID != "" {
		r.setHeader(s3xml.HeaderCopySourceVersionID, src.VersionID)
	}
	r.encryption(info.Meta.Encryption, ck)
	return r, nil
}

// copy uses the backend's Copier (its Versioner for a source version), or
// streams the object through (always when the source is read with a
// customer-provided key, srcCK).
func (s *Server) copy(ctx context.Context, srcBucket, srcKey, srcVersion, dstBucket, dstKey string, meta *storage.ObjectMeta, srcCK *customerKey) (storage.ObjectInfo, error) {
	if v, ok := s.versioner(); ok && srcVersion != "" && srcCK == nil {
		info, err := v.CopyObjectVersion(ctx, srcBucket, srcKey, srcVersion, dstBucket, dstKey, meta)
		return info, versionIDErr(err, srcVersion)
	}
	if s.copier != nil && (srcVersion == "" || srcVersion == storage.NullVersionID) && srcCK == nil {
		return s.copier.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, meta)
	}
	obj, err := s.getObjectWith(ctx, srcBucket, srcKey, srcVersion, srcCK)
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
