package server

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// S3's limits on tags.
const (
	maxObjectTags   = 10
	maxBucketTags   = 50
	maxTagKeyLen    = 128 // UTF-16 code units, as S3 counts
	maxTagValueLen  = 256
	taggingCopy     = "COPY"
	taggingReplace  = "REPLACE"
	errTagHeaderMsg = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates."
)

// tagScope says whose tag set is being set: S3's limits, messages and
// reserved keys differ between objects and buckets.
type tagScope int

const (
	objectTags tagScope = iota
	bucketTags
)

// tooMany is S3's answer to a tag set over the scope's limit.
func (sc tagScope) tooMany() error {
	if sc == bucketTags {
		return errMsg(s3xml.CodeBadRequest, "Bucket tag count cannot be greater than %d", maxBucketTags)
	}
	return errMsg(s3xml.CodeBadRequest, "Object tags cannot be greater than %d", maxObjectTags)
}

// max is the most tags the scope allows.
func (sc tagScope) max() int {
	if sc == bucketTags {
		return maxBucketTags
	}
	return maxObjectTags
}

// tagChars reports whether s holds only the characters S3 allows in tag
// keys and values: letters, numbers, separators (spaces) and + - = . _ :
// / @ (the class [\p{L}\p{Z}\p{N}_.:/=+\-@]). It is a loop rather than a
// regexp compiled at package initialisation, which every s3kit command
// would pay for at start-up.
func tagChars(s string) bool {
	for _, r := range s {
		switch {
		case strings.ContainsRune("_.:/=+-@", r):
		case unicode.IsLetter(r), unicode.IsNumber(r), unicode.In(r, unicode.Z):
		default:
			return false
		}
	}
	return true
}

// tagLen is the length S3 limits: UTF-16 code units, so a character
// outside the Basic Multilingual Plane counts twice (64 of them make a
// key of the maximum length).
func tagLen(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// checkTag applies S3's rules to one tag.
func checkTag(k, v string) error {
	if k == "" || tagLen(k) > maxTagKeyLen || !tagChars(k) {
		return errMsg(s3xml.CodeInvalidTag, "The TagKey you have provided is invalid")
	}
	if tagLen(v) > maxTagValueLen || !tagChars(v) {
		return errMsg(s3xml.CodeInvalidTag, "The TagValue you have provided is invalid")
	}
	return nil
}

// checkBucketTagKey refuses the keys S3 reserves for its own bucket tags:
// those starting with "aws:", whatever the case.
func checkBucketTagKey(k string) error {
	const reserved = "aws:"
	switch {
	case strings.HasPrefix(k, reserved):
		return errMsg(s3xml.CodeInvalidTag, "System tags cannot be added/updated by requester")
	case len(k) >= len(reserved) && strings.EqualFold(k[:len(reserved)], reserved):
		return errMsg(s3xml.CodeInvalidTag, `Invalid Tag. Tags cannot start with "aws:"(case insensitive) unless they are System Tags that start with "aws:"(case sensitive)`)
	}
	return nil
}

// tagsFromHeader parses x-amz-tagging ("k1=v1&k2=v2", URL-encoded, as on
// PutObject, CreateMultipartUpload and CopyObject with the REPLACE tagging
// directive); nil when absent or empty.
func tagsFromHeader(v string) (map[string]string, error) {
	if v == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, errMsg(s3xml.CodeInvalidArgument, errTagHeaderMsg)
	}
	if len(q) > maxObjectTags {
		return nil, objectTags.tooMany()
	}
	tags := make(map[string]string, len(q))
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, errMsg(s3xml.CodeInvalidArgument, errTagHeaderMsg)
		}
		if err := checkTag(k, vs[0]); err != nil {
			return nil, err
		}
		tags[k] = vs[0]
	}
	return tags, nil
}

// tagsFromDoc validates a PutObjectTagging or PutBucketTagging document's
// tag set. An object's set is counted first; a bucket's tags are checked
// one by one, in order, before the count, which is the order S3 reports a
// bucket set's errors in.
func tagsFromDoc(doc *s3xml.Tagging, sc tagScope) (map[string]string, error) {
	if sc == objectTags && len(doc.TagSet) > sc.max() {
		return nil, sc.tooMany()
	}
	tags := make(map[string]string, len(doc.TagSet))
	for _, t := range doc.TagSet {
		if _, dup := tags[t.Key]; dup {
			return nil, errMsg(s3xml.CodeInvalidTag, "Cannot provide multiple Tags with the same key")
		}
		if err := checkTag(t.Key, t.Value); err != nil {
			return nil, err
		}
		if sc == bucketTags {
			if err := checkBucketTagKey(t.Key); err != nil {
				return nil, err
			}
		}
		tags[t.Key] = t.Value
	}
	if len(tags) > sc.max() {
		return nil, sc.tooMany()
	}
	return tags, nil
}

// readTagging reads and validates a Put*Tagging request's document.
func readTagging(rq *request, sc tagScope) (map[string]string, error) {
	var doc s3xml.Tagging
	ok, err := readXML(rq, &doc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errMsg(s3xml.CodeMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	return tagsFromDoc(&doc, sc)
}

// taggingDoc is a tag set as S3 answers it, sorted by key.
func taggingDoc(tags map[string]string) *s3xml.Tagging {
	doc := &s3xml.Tagging{TagSet: []s3xml.Tag{}}
	for k, v := range tags {
		doc.TagSet = append(doc.TagSet, s3xml.Tag{Key: k, Value: v})
	}
	sort.Slice(doc.TagSet, func(i, j int) bool { return doc.TagSet[i].Key < doc.TagSet[j].Key })
	return doc
}

// taggingDirective reads CopyObject's x-amz-tagging-directive (COPY by
// default).
func taggingDirective(h http.Header) (string, error) {
	switch d := strings.ToUpper(h.Get(s3xml.HeaderTaggingDirective)); d {
	case "":
		return taggingCopy, nil
	case taggingCopy, taggingReplace:
		return d, nil
	default:
		return "", errArg(s3xml.HeaderTaggingDirective, d, "Unknown tagging directive.")
	}
}

// tagger returns the backend's tagging support, or NotImplemented.
func (s *Server) tagger() (storage.Tagger, error) {
	if t, ok := s.backend.(storage.Tagger); ok {
		return t, nil
	}
	return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not support object tagging")
}

// getObjectTagging answers GetObjectTagging with the object's tags (an
// empty set when it has none).
func (s *Server) getObjectTagging(ctx context.Context, rq *request) (*response, error) {
	info, err := s.headVersion(ctx, rq.bucket, rq.key, rq.q.Get("versionId"))
	if err != nil {
		return markerResponse(err), err
	}
	r := &response{doc: taggingDoc(info.Meta.Tags)}
	r.setVersionHeader(info)
	return r, nil
}

// putObjectTagging replaces an object's tags (PutObjectTagging).
func (s *Server) putObjectTagging(ctx context.Context, rq *request) (*response, error) {
	tg, err := s.tagger()
	if err != nil {
		return nil, err
	}
	tags, err := readTagging(rq, objectTags)
	if err != nil {
		return nil, err
	}
	return s.tagObject(ctx, rq, tg, tags, &response{}, evTagPut)
}

// tagObject sets an object's tags and reports the change.
func (s *Server) tagObject(ctx context.Context, rq *request, tg storage.Tagger, tags map[string]string, r *response, ev string) (*response, error) {
	ch, err := s.beginChange(ctx, rq.bucket, rq.key)
	if err != nil {
		return nil, err
	}
	defer ch.end()
	ch.lock()
	info, err := s.tagVersion(ctx, tg, rq, tags)
	if err != nil {
		return markerResponse(err), err
	}
	// A tagging event describes the object, not a new upload: no size.
	if err := ch.emit(ctx, rq, r, ev, storage.ObjectInfo{ETag: info.ETag, VersionID: info.VersionID}); err != nil {
		return nil, err
	}
	r.setVersionHeader(info)
	return r, nil
}

// deleteObjectTagging removes an object's tags (DeleteObjectTagging).
func (s *Server) deleteObjectTagging(ctx context.Context, rq *request) (*response, error) {
	tg, err := s.tagger()
	if err != nil {
		return nil, err
	}
	return s.tagObject(ctx, rq, tg, nil, &response{status: http.StatusNoContent}, evTagDel)
}

// bucketTagger returns the backend's bucket tagging support, or
// NotImplemented.
func (s *Server) bucketTagger() (storage.BucketTagger, error) {
	if t, ok := s.backend.(storage.BucketTagger); ok {
		return t, nil
	}
	return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not support bucket tagging")
}

// getBucketTagging answers GetBucketTagging. Unlike an object, a bucket
// without tags has no tag set: S3 answers NoSuchTagSet, not an empty one.
func (s *Server) getBucketTagging(ctx context.Context, rq *request) (*response, error) {
	tg, err := s.bucketTagger()
	if err != nil {
		// Without tagging support no bucket has tags.
		if _, herr := s.backend.HeadBucket(ctx, rq.bucket); herr != nil {
			return nil, herr
		}
		return nil, errCode(s3xml.CodeNoSuchTagSet)
	}
	tags, err := tg.GetBucketTagging(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, errCode(s3xml.CodeNoSuchTagSet)
	}
	return &response{doc: taggingDoc(tags)}, nil
}

// putBucketTagging replaces a bucket's tags (PutBucketTagging, 204 as S3
// answers). An empty tag set removes them, so GetBucketTagging then
// answers NoSuchTagSet.
func (s *Server) putBucketTagging(ctx context.Context, rq *request) (*response, error) {
	tg, err := s.bucketTagger()
	if err != nil {
		return nil, err
	}
	// A missing bucket is NoSuchBucket whatever the document says.
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	tags, err := readTagging(rq, bucketTags)
	if err != nil {
		return nil, err
	}
	if err := tg.PutBucketTagging(ctx, rq.bucket, tags); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}

// deleteBucketTagging removes a bucket's tags (DeleteBucketTagging); a
// bucket without tags is no error.
func (s *Server) deleteBucketTagging(ctx context.Context, rq *request) (*response, error) {
	tg, err := s.bucketTagger()
	if err != nil {
		return nil, err
	}
	if err := tg.PutBucketTagging(ctx, rq.bucket, nil); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}
