package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// S3's limits on object tags.
const (
	maxObjectTags   = 10
	maxTagKeyLen    = 128 // Unicode characters
	maxTagValueLen  = 256
	taggingCopy     = "COPY"
	taggingReplace  = "REPLACE"
	errTagHeaderMsg = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates."
)

// tagChars are the characters S3 allows in tag keys and values: letters,
// digits, spaces and + - = . _ : / @.
var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkTag applies S3's rules to one tag.
func checkTag(k, v string) error {
	if k == "" || utf8.RuneCountInString(k) > maxTagKeyLen || !tagChars.MatchString(k) {
		return errMsg(s3xml.CodeInvalidTag, "The TagKey you have provided is invalid")
	}
	if utf8.RuneCountInString(v) > maxTagValueLen || !tagChars.MatchString(v) {
		return errMsg(s3xml.CodeInvalidTag, "The TagValue you have provided is invalid")
	}
	return nil
}

// tooManyTags is S3's answer to more than ten tags.
func tooManyTags() error {
	return errMsg(s3xml.CodeBadRequest, "Object tags cannot be greater than %d", maxObjectTags)
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
		return nil, tooManyTags()
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

// tagsFromDoc validates a PutObjectTagging document's tag set.
func tagsFromDoc(doc *s3xml.Tagging) (map[string]string, error) {
	if len(doc.TagSet) > maxObjectTags {
		return nil, tooManyTags()
	}
	tags := make(map[string]string, len(doc.TagSet))
	for _, t := range doc.TagSet {
		if _, dup := tags[t.Key]; dup {
			return nil, errMsg(s3xml.CodeInvalidTag, "Cannot provide multiple Tags with the same key")
		}
		if err := checkTag(t.Key, t.Value); err != nil {
			return nil, err
		}
		tags[t.Key] = t.Value
	}
	return tags, nil
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

// getTagging answers GetObjectTagging with the object's tags, sorted by
// key. Buckets have no tag set (NoSuchTagSet, as S3 answers for an
// untagged bucket).
func (s *Server) getTagging(ctx context.Context, rq *request) (*response, error) {
	if rq.key == "" {
		if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
			return nil, err
		}
		return nil, errCode(s3xml.CodeNoSuchTagSet)
	}
	info, err := s.backend.HeadObject(ctx, rq.bucket, rq.key)
	if err != nil {
		return nil, err
	}
	doc := &s3xml.Tagging{TagSet: []s3xml.Tag{}}
	for k, v := range info.Meta.Tags {
		doc.TagSet = append(doc.TagSet, s3xml.Tag{Key: k, Value: v})
	}
	sort.Slice(doc.TagSet, func(i, j int) bool { return doc.TagSet[i].Key < doc.TagSet[j].Key })
	return &response{doc: doc}, nil
}

// putObjectTagging replaces an object's tags (PutObjectTagging).
func (s *Server) putObjectTagging(ctx context.Context, rq *request) (*response, error) {
	tg, err := s.tagger()
	if err != nil {
		return nil, err
	}
	var doc s3xml.Tagging
	ok, err := readXML(rq, &doc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errMsg(s3xml.CodeMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	tags, err := tagsFromDoc(&doc)
	if err != nil {
		return nil, err
	}
	if _, err := tg.PutObjectTagging(ctx, rq.bucket, rq.key, tags); err != nil {
		return nil, err
	}
	return &response{}, nil
}

// deleteObjectTagging removes an object's tags (DeleteObjectTagging).
func (s *Server) deleteObjectTagging(ctx context.Context, rq *request) (*response, error) {
	tg, err := s.tagger()
	if err != nil {
		return nil, err
	}
	if _, err := tg.PutObjectTagging(ctx, rq.bucket, rq.key, nil); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}
