package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// codeIllegalVersioning is S3's answer to a versioning configuration whose
// Status is neither Enabled nor Suspended.
const codeIllegalVersioning = "IllegalVersioningConfigurationException"

// versioner returns the backend's versioning support, if any.
func (s *Server) versioner() (storage.Versioner, bool) {
	v, ok := s.backend.(storage.Versioner)
	return v, ok
}

// checkVersionParam refuses a versionId query parameter the backend cannot
// honour: without versioning only "null", the one version there is, is
// accepted; an empty or repeated versionId is never valid.
func (s *Server) checkVersionParam(rq *request) error {
	v, ok := rq.q["versionId"]
	if !ok || rq.key == "" {
		return nil
	}
	if len(v) == 1 && v[0] != "" {
		if _, ok := s.versioner(); ok || v[0] == storage.NullVersionID {
			return nil
		}
	}
	return errArg("versionId", strings.Join(v, ","), "Invalid version id specified")
}

// putBucketVersioning is PutBucketVersioning. MFA Delete needs a hardware
// token's serial and code on every versioned delete, which s3kit has no way
// to check, so asking for it is NotImplemented rather than ignored.
func (s *Server) putBucketVersioning(ctx context.Context, rq *request) (*response, error) {
	v, ok := s.versioner()
	if !ok {
		return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not support versioning")
	}
	var cfg s3xml.VersioningConfiguration
	ok, err := readXML(rq, &cfg)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errCode(s3xml.CodeMalformedXML)
	}
	switch cfg.MFADelete {
	case "", "Disabled":
	case "Enabled":
		return nil, errMsg(s3xml.CodeNotImplemented, "s3kit does not implement MFA Delete")
	default:
		return nil, errCode(s3xml.CodeMalformedXML)
	}
	st := storage.VersioningState(cfg.Status)
	if st != storage.Enabled && st != storage.Suspended {
		return nil, &Error{Code: codeIllegalVersioning, Status: http.StatusBadRequest,
			Message: "The versioning configuration specified in the request is invalid."}
	}
	if err := v.PutBucketVersioning(ctx, rq.bucket, st); err != nil {
		return nil, err
	}
	return &response{}, nil
}

// bucketVersioning returns a bucket's versioning state (Unversioned for a
// backend without versioning).
func (s *Server) bucketVersioning(ctx context.Context, bucket string) (storage.VersioningState, error) {
	if v, ok := s.versioner(); ok {
		return v.GetBucketVersioning(ctx, bucket)
	}
	_, err := s.backend.HeadBucket(ctx, bucket)
	return storage.Unversioned, err
}

// openVersion opens version id of key ("" for the latest).
func (s *Server) openVersion(ctx context.Context, bucket, key, id string) (*storage.Object, error) {
	if v, ok := s.versioner(); ok && id != "" {
		obj, err := v.GetObjectVersion(ctx, bucket, key, id)
		return obj, versionIDErr(err, id)
	}
	if id != "" && id != storage.NullVersionID {
		return nil, errCode(s3xml.CodeNoSuchVersion)
	}
	return s.backend.GetObject(ctx, bucket, key)
}

// headVersion describes version id of key ("" for the latest).
func (s *Server) headVersion(ctx context.Context, bucket, key, id string) (storage.ObjectInfo, error) {
	if v, ok := s.versioner(); ok && id != "" {
		info, err := v.HeadObjectVersion(ctx, bucket, key, id)
		return info, versionIDErr(err, id)
	}
	if id != "" && id != storage.NullVersionID {
		return storage.ObjectInfo{}, errCode(s3xml.CodeNoSuchVersion)
	}
	return s.backend.HeadObject(ctx, bucket, key)
}

// versionIDErr answers a version ID the backend refused as malformed as S3
// does: InvalidArgument naming versionId.
func versionIDErr(err error, id string) error {
	if err != nil && id != "" && errors.Is(err, storage.ErrInvalidArgument) {
		e := errArg("versionId", id, "Invalid version id specified")
		e.Err = err
		return e
	}
	return err
}

// markerResponse carries the headers S3 sends with an error about a delete
// marker (x-amz-delete-marker and its version ID); nil for other errors.
func markerResponse(err error) *response {
	var dm *storage.DeleteMarkerError
	if !errors.As(err, &dm) {
		return nil
	}
	r := &response{}
	r.setHeader(s3xml.HeaderDeleteMarker, "true")
	if dm.VersionID != "" {
		r.setHeader(s3xml.HeaderVersionID, dm.VersionID)
	}
	return r
}

// setVersionHeader sets x-amz-version-id when the object has a version ID
// (objects in buckets that never had versioning have none, and S3 sends
// no header for them).
func (r *response) setVersionHeader(info storage.ObjectInfo) {
	if info.VersionID != "" {
		r.setHeader(s3xml.HeaderVersionID, info.VersionID)
	}
}

// setWrittenVersionHeader is setVersionHeader for the answer to a write
// (PUT, CopyObject, CompleteMultipartUpload): S3 names only versions
// with an ID of their own there, so a write in a suspended bucket (the
// null version) gets no header.
func (r *response) setWrittenVersionHeader(info storage.ObjectInfo) {
	if info.VersionID != storage.NullVersionID {
		r.setVersionHeader(info)
	}
}

// deleteVersioned is DeleteObject on a backend with versioning: a delete
// marker, or the removal of the version the request names, answered with
// the headers S3 sends.
func (s *Server) deleteVersioned(ctx context.Context, v storage.Versioner, rq *request, ch *change) (*response, error) {
	id := rq.q.Get("versionId")
	res, err := v.DeleteObjectVersion(ctx, rq.bucket, rq.key, id)
	if err != nil {
		return nil, versionIDErr(err, id)
	}
	r := &response{status: http.StatusNoContent}
	if err := ch.emit(ctx, rq, r, removalEvent(id, res), storage.ObjectInfo{VersionID: res.VersionID}); err != nil {
		return nil, err
	}
	if res.VersionID != "" {
		r.setHeader(s3xml.HeaderVersionID, res.VersionID)
	}
	if res.DeleteMarker {
		r.setHeader(s3xml.HeaderDeleteMarker, "true")
	}
	return r, nil
}

// listObjectVersions is ListObjectVersions.
func (s *Server) listObjectVersions(ctx context.Context, rq *request) (*response, error) {
	p, err := parseListParams(rq, "max-keys")
	if err != nil {
		return nil, err
	}
	keyMarker, idMarker := rq.q.Get("key-marker"), rq.q.Get("version-id-marker")
	if idMarker != "" && keyMarker == "" {
		return nil, errArg("version-id-marker", idMarker, "A version-id marker cannot be specified without a key marker.")
	}
	doc := &s3xml.ListVersionsResult{
		Name: rq.bucket, Prefix: p.enc(p.prefix), KeyMarker: p.enc(keyMarker), VersionIDMarker: idMarker,
		MaxKeys: p.maxKeys, Delimiter: p.enc(p.delimiter), EncodingType: p.encodingType(),
	}
	v, ok := s.versioner()
	if !ok {
		return s.listUnversioned(ctx, rq, p, doc)
	}
	if p.maxKeys == 0 {
		_, err := s.backend.HeadBucket(ctx, rq.bucket)
		return &response{doc: doc}, err
	}
	res, err := v.ListObjectVersions(ctx, rq.bucket, storage.ListVersionsOptions{
		Prefix: p.prefix, Delimiter: p.delimiter, KeyMarker: keyMarker, VersionIDMarker: idMarker, MaxKeys: p.maxKeys,
	})
	if err != nil {
		return nil, err
	}
	owner := &s3xml.Owner{ID: ownerID, DisplayName: ownerID}
	for _, o := range res.Versions {
		id := o.VersionID
		if id == "" {
			id = storage.NullVersionID
		}
		doc.Order = append(doc.Order, o.DeleteMarker)
		if o.DeleteMarker {
			doc.DeleteMarkers = append(doc.DeleteMarkers, s3xml.DeleteMarkerEntry{Key: p.enc(o.Key), VersionID: id,
				IsLatest: o.IsLatest, LastModified: s3xml.NewTime(o.LastModified), Owner: owner})
			continue
		}
		e := s3xml.ObjectVersion{Key: p.enc(o.Key), VersionID: id, IsLatest: o.IsLatest, LastModified: s3xml.NewTime(o.LastModified),
			ETag: o.ETag, Size: o.Size, StorageClass: s3xml.StorageClassStandard, Owner: owner}
		e.ChecksumAlgorithm, e.ChecksumType = checksumAlgorithms(o.Meta)
		doc.Versions = append(doc.Versions, e)
	}
	doc.CommonPrefixes = p.prefixes(res.CommonPrefixes)
	doc.IsTruncated = res.IsTruncated
	if res.IsTruncated {
		doc.NextKeyMarker, doc.NextVersionIDMarker = p.enc(res.NextKeyMarker), res.NextVersionIDMarker
	}
	return &response{doc: doc}, nil
}

// listUnversioned answers ListObjectVersions for a backend without
// versioning: every object is its only version, "null", and the latest.
func (s *Server) listUnversioned(ctx context.Context, rq *request, p listParams, doc *s3xml.ListVersionsResult) (*response, error) {
	res, err := s.list(ctx, rq.bucket, p, rq.q.Get("key-marker"))
	if err != nil {
		return nil, err
	}
	doc.IsTruncated, doc.CommonPrefixes = res.IsTruncated, p.prefixes(res.CommonPrefixes)
	for _, o := range res.Objects {
		v := s3xml.ObjectVersion{Key: p.enc(o.Key), VersionID: "null", IsLatest: true, LastModified: s3xml.NewTime(o.LastModified),
			ETag: o.ETag, Size: o.Size, StorageClass: s3xml.StorageClassStandard, Owner: &s3xml.Owner{ID: ownerID, DisplayName: ownerID}}
		v.ChecksumAlgorithm, v.ChecksumType = checksumAlgorithms(o.Meta)
		doc.Versions = append(doc.Versions, v)
	}
	if res.IsTruncated {
		doc.NextKeyMarker, doc.NextVersionIDMarker = p.enc(res.NextAfter), "null"
	}
	return &response{doc: doc}, nil
}

// tagVersion replaces the tags of the version the request names (the
// latest without versionId).
func (s *Server) tagVersion(ctx context.Context, tg storage.Tagger, rq *request, tags map[string]string) (storage.ObjectInfo, error) {
	id := rq.q.Get("versionId")
	if v, ok := s.versioner(); ok && id != "" {
		info, err := v.PutObjectTaggingVersion(ctx, rq.bucket, rq.key, id, tags)
		return info, versionIDErr(err, id)
	}
	if id != "" && id != storage.NullVersionID {
		return storage.ObjectInfo{}, errCode(s3xml.CodeNoSuchVersion)
	}
	return tg.PutObjectTagging(ctx, rq.bucket, rq.key, tags)
}
