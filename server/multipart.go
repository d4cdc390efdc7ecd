package server

import (
	"context"
	"errors"

	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
)

// multipart returns the backend's multipart support, or NotImplemented.
func (s *Server) multipart() (storage.Multipart, error) {
	if s.mp == nil {
		return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not support multipart uploads")
	}
	return s.mp, nil
}

func parsePartNumber(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > storage.MaxPartNumber {
		return 0, errArg("partNumber", v, "Part number must be an integer between 1 and 10000, inclusive")
	}
	return n, nil
}

func (s *Server) createMultipartUpload(ctx context.Context, rq *request) (*response, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, err
	}
	if err := checkKey(rq.key); err != nil {
		return nil, err
	}
	h := rq.r.Header
	meta, err := metaFromHeaders(h)
	if err != nil {
		return nil, err
	}
	enc, ck, err := s.requestedEncryption(rq.r)
	if err != nil {
		return nil, err
	}
	meta.Encryption = enc
	alg := h.Get(s3xml.HeaderChecksumAlgorithm)
	if alg != "" {
		a, err := sigv4.ParseChecksumAlgorithm(alg)
		if err != nil {
			return nil, errArg(s3xml.HeaderChecksumAlgorithm, alg, "Checksum algorithm provided is unsupported.")
		}
		// The algorithm is recorded with an empty value: the object's
		// checksum is known only once its parts are.
		typ, err := uploadChecksumType(a, h.Get(s3xml.HeaderChecksumType))
		if err != nil {
			return nil, err
		}
		alg = string(a)
		meta.Checksums = map[string]string{alg: ""}
		meta.ChecksumType = typ
	}
	u, err := mp.CreateMultipartUpload(ctx, rq.bucket, rq.key, meta)
	if err != nil {
		return nil, err
	}
	r := &response{doc: &s3xml.InitiateMultipartUploadResult{Bucket: rq.bucket, Key: rq.key, UploadID: u.UploadID}}
	r.encryption(u.Meta.Encryption, ck)
	if alg != "" {
		r.setHeader(s3xml.HeaderChecksumAlgorithm, alg)
		r.setHeader(s3xml.HeaderChecksumType, meta.ChecksumType)
	}
	return r, nil
}

func (s *Server) uploadPart(ctx context.Context, rq *request) (*response, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, err
	}
	pn, err := parsePartNumber(rq.q.Get("partNumber"))
	if err != nil {
		return nil, err
	}
	if rq.payloadSize() > maxObjectSize {
		return nil, errCode(s3xml.CodeEntityTooLarge)
	}
	h := rq.r.Header
	md5sum, err := contentMD5(h)
	if err != nil {
		return nil, err
	}
	ck, err := parseCustomerKey(rq.r, false)
	if err != nil {
		return nil, err
	}
	cs, err := newChecksummer(h)
	if err != nil {
		return nil, err
	}
	uploadID := rq.q.Get("uploadId")
	alg, typ, enc, err := uploadChecksum(ctx, mp, rq.bucket, rq.key, uploadID)
	if err != nil {
		return nil, err
	}
	// Refused before the body is read, so nothing is stored.
	if cs, err = partChecksummer(alg, typ, cs); err != nil {
		return nil, err
	}
	body := rq.bodyReader()
	var opts storage.PartOptions
	opts.ContentMD5 = md5sum
	opts.CustomerKey = ck.bytes()
	if cs != nil {
		body = io.TeeReader(body, cs.h)
		opts.BeforeCommit = cs.beforePart
	}
	part, err := mp.UploadPart(ctx, rq.bucket, rq.key, uploadID, pn, body, opts)
	if err != nil {
		return nil, partKeyError(err)
	}
	r := &response{}
	r.setHeader("ETag", part.ETag)
	r.encryption(enc, ck)
	for a, v := range part.Checksums {
		// S3 echoes a part's checksum only when the request sent it.
		if a != alg || (cs != nil && cs.sent) {
			r.setHeader(s3xml.HeaderChecksumPrefix+a, v)
		}
	}
	return r, nil
}

func (s *Server) uploadPartCopy(ctx context.Context, rq *request) (*response, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, err
	}
	pn, err := parsePartNumber(rq.q.Get("partNumber"))
	if err != nil {
		return nil, err
	}
	srcBucket, srcKey, srcVersion, err := s.copySource(rq)
	if err != nil {
		return nil, err
	}
	srcCK, err := parseCustomerKey(rq.r, true)
	if err != nil {
		return nil, err
	}
	ck, err := parseCustomerKey(rq.r, false)
	if err != nil {
		return nil, err
	}
	obj, err := s.getObjectWith(ctx, srcBucket, srcKey, srcVersion, srcCK)
	if err != nil {
		return nil, copySourceError(err)
	}
	defer obj.Content.Close()
	h := rq.r.Header
	if err := checkConditions(h, copyConditions(), obj.Info, true); err != nil {
		return nil, err
	}
	br, err := parseCopyRange(h.Get(s3xml.HeaderCopySourceRange), obj.Info.Size)
	if err != nil {
		return nil, err
	}
	uploadID := rq.q.Get("uploadId")
	var body io.Reader = io.NewSectionReader(obj.Content, br.off, br.n)
	var opts storage.PartOptions
	opts.CustomerKey = ck.bytes()
	alg, _, enc, err := uploadChecksum(ctx, mp, rq.bucket, rq.key, uploadID)
	if err != nil {
		return nil, err
	}
	if alg != "" {
		// S3 checksums a copied part in the upload's algorithm, as it does
		// an uploaded one, so that Complete can compute the object's.
		h, err := sigv4.NewChecksum(sigv4.ChecksumAlgorithm(alg))
		if err != nil {
			return nil, err
		}
		body = io.TeeReader(body, h)
		opts.BeforeCommit = func(sums map[string]string) error {
			sums[alg] = sigv4.ChecksumBase64(h)
			return nil
		}
	}
	part, err := mp.UploadPart(ctx, rq.bucket, rq.key, uploadID, pn, body, opts)
	if err != nil {
		return nil, partKeyError(err)
	}
	doc := &s3xml.CopyPartResult{ETag: part.ETag, LastModified: s3xml.NewTime(part.LastModified)}
	if alg != "" {
		doc.Set(alg, part.Checksums[alg])
	}
	r := &response{doc: doc}
	r.encryption(enc, ck)
	if obj.Info.VersionID != "" {
		r.setHeader(s3xml.HeaderCopySourceVersionID, obj.Info.VersionID)
	}
	return r, nil
}

// uploadChecksum is the checksum algorithm and type an upload declared at
// creation ("" for none), and its encryption; an unknown upload is
// NoSuchUpload.
func uploadChecksum(ctx context.Context, mp storage.Multipart, bucket, key, uploadID string) (alg, typ string, enc *storage.Encryption, err error) {
	res, err := mp.ListParts(ctx, bucket, key, uploadID, storage.ListPartsOptions{MaxParts: 1})
	if err != nil {
		return "", "", nil, err
	}
	enc = res.Upload.Meta.Encryption
	if len(res.Upload.Meta.Checksums) != 1 {
		return "", "", enc, nil
	}
	for a := range res.Upload.Meta.Checksums {
		alg = a
	}
	return alg, res.Upload.Meta.ChecksumType, enc, nil
}

func (s *Server) listParts(ctx context.Context, rq *request) (*response, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, err
	}
	p, err := parseListParams(rq, "max-parts")
	if err != nil {
		return nil, err
	}
	marker := 0
	if v := rq.q.Get("part-number-marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return nil, errArg("part-number-marker", v, "Provided part-number-marker not an integer or within integer range")
		}
	}
	if p.maxKeys == 0 {
		p.maxKeys = maxListKeys
	}
	uploadID := rq.q.Get("uploadId")
	doc := &s3xml.ListPartsResult{Bucket: rq.bucket, Key: rq.key, UploadID: uploadID, PartNumberMarker: marker,
		MaxParts: p.maxKeys, Initiator: &s3xml.Initiator{ID: ownerID, DisplayName: ownerID},
		Owner: &s3xml.Owner{ID: ownerID, DisplayName: ownerID}, StorageClass: s3xml.StorageClassStandard}
	res, err := mp.ListParts(ctx, rq.bucket, rq.key, uploadID, storage.ListPartsOptions{PartNumberMarker: marker, MaxParts: p.maxKeys})
	if err != nil {
		return nil, err
	}
	for alg := range res.Upload.Meta.Checksums {
		doc.ChecksumAlgorithm, doc.ChecksumType = alg, res.Upload.Meta.ChecksumType
	}
	doc.IsTruncated, doc.NextPartNumberMarker = res.IsTruncated, res.NextPartNumberMarker
	for _, pt := range res.Parts {
		x := s3xml.Part{PartNumber: pt.PartNumber, LastModified: s3xml.NewTime(pt.LastModified), ETag: pt.ETag, Size: pt.Size}
		for alg, v := range pt.Checksums {
			x.Set(alg, v)
		}
		doc.Parts = append(doc.Parts, x)
	}
	return &response{doc: doc}, nil
}

func (s *Server) completeMultipartUpload(ctx context.Context, rq *request) (*response, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, err
	}
	// S3's conditional completion: If-None-Match "*" (the only value S3
	// takes there, as on PutObject) and If-Match, checked by storage
	// atomically with the commit; a failed one leaves the upload open.
	inm := rq.r.Header.Get("If-None-Match")
	if inm != "" && inm != "*" {
		return nil, errMsg(s3xml.CodeNotImplemented, "If-None-Match on CompleteMultipartUpload supports only \"*\"")
	}
	var c s3xml.CompleteMultipartUpload
	ok, err := decodeXML(rq, &c, false)
	if err != nil {
		return nil, err
	}
	if !ok || len(c.Parts) == 0 {
		return nil, errMsg(s3xml.CodeMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	cc, err := parseCompleteChecksum(rq.r.Header, c.Parts)
	if err != nil {
		return nil, err
	}
	parts := make([]storage.CompletePart, len(c.Parts))
	for i, p := range c.Parts {
		parts[i] = storage.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag}
	}
	ssec, err := parseCustomerKey(rq.r, false)
	if err != nil {
		return nil, err
	}
	ck := completedKey{rq.bucket, rq.key, rq.q.Get("uploadId")}
	ch, err := s.beginChange(ctx, rq.bucket, rq.key)
	if err != nil {
		return nil, err
	}
	defer ch.end()
	// Storage may run BeforeCommit inside its commit, where waiting for
	// the key's lock could stall other writers: take it first.
	ch.lock()
	info, err := mp.CompleteMultipartUpload(ctx, rq.bucket, rq.key, ck.uploadID, parts,
		storage.CompleteOptions{BeforeCommit: cc.beforeCommit, IfNoneMatch: inm, IfMatch: quoteETag(rq.r.Header.Get("If-Match")), CustomerKey: ssec.bytes()})
	doc := &s3xml.CompleteMultipartUploadResult{Location: s.objectURL(rq.r, rq.bucket, rq.key), Bucket: rq.bucket, Key: rq.key}
	if errors.Is(err, storage.ErrNoSuchUpload) {
		// A retry of a completion that succeeded gets its answer again.
		if done, ok := s.completed.get(ck, s.now()); ok {
			doc.ETag, doc.Checksums = done.etag, done.checksums
			r := &response{doc: doc}
			r.setWrittenVersionHeader(storage.ObjectInfo{VersionID: done.versionID})
			return r, nil
		}
	}
	if err != nil {
		return nil, partKeyError(err)
	}
	r := &response{doc: doc}
	if err := ch.emit(ctx, rq, r, evComplete, info); err != nil {
		return nil, err
	}
	doc.ETag = info.ETag
	if algs, typ := checksumAlgorithms(info.Meta); len(algs) > 0 {
		for _, alg := range algs {
			doc.Checksums.Set(alg, info.Meta.Checksums[alg])
		}
		doc.Checksums.ChecksumType = typ
	}
	s.completed.add(ck, completedUpload{at: s.now(), etag: doc.ETag, checksums: doc.Checksums, versionID: info.VersionID})
	r.setWrittenVersionHeader(info)
	r.encryption(info.Meta.Encryption, ssec)
	return r, nil
}

// objectURL is the Location S3 reports for a completed upload, in the
// addressing style the request used.
func (s *Server) objectURL(r *http.Request, bucket, key string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	path := "/" + bucket + "/" + key
	if s.virtualBucket(r.Host) != "" {
		path = "/" + key
	}
	return scheme + "://" + r.Host + (&url.URL{Path: path}).EscapedPath()
}

func (s *Server) abortMultipartUpload(ctx context.Context, rq *request) (*response, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, err
	}
	if err := mp.AbortMultipartUpload(ctx, rq.bucket, rq.key, rq.q.Get("uploadId")); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}

func (s *Server) listMultipartUploads(ctx context.Context, rq *request) (*response, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, err
	}
	p, err := parseListParams(rq, "max-uploads")
	if err != nil {
		return nil, err
	}
	keyMarker, idMarker := rq.q.Get("key-marker"), rq.q.Get("upload-id-marker")
	doc := &s3xml.ListMultipartUploadsResult{Bucket: rq.bucket, KeyMarker: p.enc(keyMarker), UploadIDMarker: idMarker,
		Prefix: p.enc(p.prefix), Delimiter: p.enc(p.delimiter), MaxUploads: p.maxKeys, EncodingType: p.encodingType()}
	if p.maxKeys == 0 {
		_, err := s.backend.HeadBucket(ctx, rq.bucket)
		return &response{doc: doc}, err
	}
	res, err := mp.ListMultipartUploads(ctx, rq.bucket, storage.ListUploadsOptions{Prefix: p.prefix, Delimiter: p.delimiter,
		KeyMarker: keyMarker, UploadIDMarker: idMarker, MaxUploads: p.maxKeys})
	if err != nil {
		return nil, err
	}
	doc.IsTruncated = res.IsTruncated
	doc.NextKeyMarker, doc.NextUploadIDMarker = p.enc(res.NextKeyMarker), res.NextUploadIDMarker
	doc.CommonPrefixes = p.prefixes(res.CommonPrefixes)
	for _, u := range res.Uploads {
		x := s3xml.Upload{Key: p.enc(u.Key), UploadID: u.UploadID, Initiated: s3xml.NewTime(u.Initiated),
			StorageClass: s3xml.StorageClassStandard, Initiator: &s3xml.Initiator{ID: ownerID, DisplayName: ownerID},
			Owner: &s3xml.Owner{ID: ownerID, DisplayName: ownerID}}
		for alg := range u.Meta.Checksums {
			x.ChecksumAlgorithm, x.ChecksumType = alg, u.Meta.ChecksumType
		}
		doc.Uploads = append(doc.Uploads, x)
	}
	return &response{doc: doc}, nil
}
