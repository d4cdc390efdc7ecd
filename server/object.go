package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// maxObjectSize is S3's limit for a single PUT.
const maxObjectSize = 5 << 30

// payloadSize is the decoded body length the request announces (-1 when
// unknown).
func (rq *request) payloadSize() int64 {
	if rq.v != nil && rq.v.DecodedContentLength >= 0 {
		return rq.v.DecodedContentLength
	}
	return rq.r.ContentLength
}

// bodyReader is the verified body (empty when the request has none),
// failing with EntityTooLarge past S3's single-upload limit even when the
// length was not announced.
func (rq *request) bodyReader() io.Reader {
	if rq.body == nil {
		return http.NoBody
	}
	return &capReader{r: rq.body, left: maxObjectSize}
}

// capReader fails once more than left bytes have been read.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errCode(s3xml.CodeEntityTooLarge)
	}
	return n, err
}

func (s *Server) putObject(ctx context.Context, rq *request) (*response, error) {
	h := rq.r.Header
	if err := checkKey(rq.key); err != nil {
		return nil, err
	}
	if rq.payloadSize() > maxObjectSize {
		return nil, errCode(s3xml.CodeEntityTooLarge)
	}
	meta, err := metaFromHeaders(h)
	if err != nil {
		return nil, err
	}
	enc, ck, err := s.requestedEncryption(rq.r)
	if err != nil {
		return nil, err
	}
	meta.Encryption = enc
	md5sum, err := contentMD5(h)
	if err != nil {
		return nil, err
	}
	inm := h.Get("If-None-Match")
	if inm != "" && inm != "*" {
		return nil, errMsg(s3xml.CodeNotImplemented, "If-None-Match on PUT supports only \"*\"")
	}
	cs, err := newChecksummer(h)
	if err != nil {
		return nil, err
	}
	body := rq.bodyReader()
	opts := storage.PutOptions{Meta: meta, ContentMD5: md5sum, IfNoneMatch: inm, IfMatch: quoteETag(h.Get("If-Match"))}
	if cs != nil {
		body = io.TeeReader(body, cs.h)
		opts.BeforeCommit = cs.beforePut
	}
	ch, err := s.beginChange(ctx, rq.bucket, rq.key)
	if err != nil {
		return nil, err
	}
	defer ch.end()
	opts.BeforeCommit = ch.beforeCommit(opts.BeforeCommit)
	info, err := s.backend.PutObject(ctx, rq.bucket, rq.key, body, opts)
	if err != nil {
		return nil, err
	}
	r := &response{}
	if err := ch.emit(ctx, rq, r, evPut, info); err != nil {
		return nil, err
	}
	r.setHeader("ETag", info.ETag)
	r.setWrittenVersionHeader(info)
	r.encryption(info.Meta.Encryption, ck)
	if algs, typ := checksumAlgorithms(info.Meta); len(algs) > 0 {
		for _, alg := range algs {
			r.setHeader(s3xml.HeaderChecksumPrefix+alg, info.Meta.Checksums[alg])
		}
		if typ != "" {
			r.setHeader(s3xml.HeaderChecksumType, typ)
		}
	}
	return r, nil
}

func (s *Server) getObject(ctx context.Context, rq *request) (*response, error) {
	if err := refuseEncryptionOnRead(rq.r.Header); err != nil {
		return nil, err
	}
	ck, err := parseCustomerKey(rq.r, false)
	if err != nil {
		return nil, err
	}
	obj, err := s.getObjectWith(ctx, rq.bucket, rq.key, rq.q.Get("versionId"), ck)
	if err != nil {
		return markerResponse(err), err
	}
	r := &response{closer: obj.Content}
	br, err := s.describeObject(rq, r, obj.Info)
	if err != nil {
		return r, err
	}
	r.encryption(obj.Info.Meta.Encryption, ck)
	off, n := int64(0), obj.Info.Size
	if br != nil {
		off, n = br.off, br.n
	}
	if err := probe(obj.Content, off, n); err != nil {
		return r, err
	}
	r.body, r.size = obj.Content, obj.Info.Size
	if br != nil {
		r.body, r.size = rangeBody(obj.Content, br.off, br.n), br.n
	}
	return r, nil
}

// probe reads the first byte of the n bytes at off before the status is
// sent. Content may open its files lazily (storage/disk does); a failure
// then (out of descriptors, say) must become an error answer, not a 200
// whose body never comes.
func probe(c storage.Content, off, n int64) error {
	if n <= 0 {
		return nil
	}
	var b [1]byte
	if _, err := c.ReadAt(b[:], off); err != nil && err != io.EOF {
		return fmt.Errorf("open content: %w", err)
	}
	return nil
}

// rangeBody is the reader for n bytes of c from off. Content that can
// send a range itself (file-backed: sendfile(2) instead of a copy through
// user space) gets a reader whose WriteTo, which io.Copy prefers, uses it.
func rangeBody(c storage.Content, off, n int64) io.Reader {
	sec := io.NewSectionReader(c, off, n)
	if rw, ok := c.(storage.RangeWriterTo); ok {
		return &rangeWriter{SectionReader: sec, rw: rw, off: off, n: n}
	}
	return sec
}

// rangeWriter is a section of content whose WriteTo hands the whole range
// to storage.RangeWriterTo (when nothing has been read yet).
type rangeWriter struct {
	*io.SectionReader
	rw     storage.RangeWriterTo
	off, n int64
}

// WriteTo implements io.WriterTo.
func (r *rangeWriter) WriteTo(w io.Writer) (int64, error) {
	if pos, _ := r.Seek(0, io.SeekCurrent); pos != 0 {
		return io.Copy(w, struct{ io.Reader }{r.SectionReader})
	}
	n, err := r.rw.WriteRangeTo(w, r.off, r.n)
	_, _ = r.Seek(n, io.SeekStart)
	return n, err
}

func (s *Server) headObject(ctx context.Context, rq *request) (*response, error) {
	if err := refuseEncryptionOnRead(rq.r.Header); err != nil {
		return nil, err
	}
	ck, err := parseCustomerKey(rq.r, false)
	if err != nil {
		return nil, err
	}
	info, err := s.headObjectWith(ctx, rq.bucket, rq.key, rq.q.Get("versionId"), ck)
	if err != nil {
		return markerResponse(err), err
	}
	r := &response{}
	br, err := s.describeObject(rq, r, info)
	if err != nil {
		return r, err
	}
	r.encryption(info.Meta.Encryption, ck)
	size := info.Size
	if br != nil {
		size = br.n
	}
	r.setHeader("Content-Length", itoa64(size))
	return r, nil
}

// describeObject evaluates conditions, Range and partNumber for GET and
// HEAD and sets the headers describing the answer. It returns the slice to
// send (nil for all of it).
func (s *Server) describeObject(rq *request, r *response, info storage.ObjectInfo) (*byteRange, error) {
	h := rq.r.Header
	r.header = http.Header{}
	setObjectHeaders(r.header, info, false)
	r.setVersionHeader(info)
	if err := checkConditions(h, getConditions(), info, false); err != nil {
		return nil, err
	}
	var br *byteRange
	var err error
	switch pn, rng := rq.q.Get("partNumber"), h.Get("Range"); {
	case pn != "" && rng != "":
		return nil, errMsg(s3xml.CodeInvalidRequest, "Cannot specify both Range header and partNumber query parameter")
	case pn != "":
		br, err = partRange(pn, info)
	case rng != "":
		br, err = parseRange(rng, info.Size)
	}
	if err != nil {
		return nil, err
	}
	if h.Get(s3xml.HeaderChecksumMode) == s3xml.ChecksumModeEnabled {
		switch pn := rq.q.Get("partNumber"); {
		case pn != "" && len(info.PartSizes) > 0:
			setPartChecksum(r.header, info, pn)
		case br == nil || (br.off == 0 && br.n == info.Size && len(info.PartSizes) <= 1):
			// A range is checksummed only when it is the whole object.
			setObjectHeaders(r.header, info, true)
		}
	}
	if br != nil {
		r.status = http.StatusPartialContent
		r.header.Set("Content-Range", br.contentRange(info.Size))
	}
	if len(rq.q) > 0 {
		for _, o := range responseOverrides {
			if v := rq.q.Get(o.param); v != "" {
				r.header.Set(o.header, v)
			}
		}
	}
	return br, nil
}

// setPartChecksum answers GET/HEAD with partNumber of a multipart object
// as S3 does: a COMPOSITE object's part carries its own checksum (the one
// UploadPart computed); a FULL_OBJECT object's part has one only when it
// is the whole object. pn has been validated by partRange.
func setPartChecksum(h http.Header, info storage.ObjectInfo, pn string) {
	n, _ := strconv.Atoi(pn)
	m := info.Meta
	if len(m.Checksums) != 1 || len(info.PartChecksums) != len(info.PartSizes) || n < 1 || n > len(info.PartChecksums) {
		return
	}
	if m.ChecksumType != checksumComposite && len(info.PartSizes) > 1 {
		return
	}
	for alg := range m.Checksums {
		h.Set(s3xml.HeaderChecksumPrefix+alg, info.PartChecksums[n-1])
	}
	if m.ChecksumType != "" {
		h.Set(s3xml.HeaderChecksumType, m.ChecksumType)
	}
}

// responseOverrides are the response-* query parameters GET and HEAD
// accept, and the header each sets.
var responseOverrides = [...]struct{ param, header string }{
	{"response-content-type", "Content-Type"}, {"response-content-language", "Content-Language"},
	{"response-expires", "Expires"}, {"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"}, {"response-content-encoding", "Content-Encoding"},
}

func (s *Server) deleteObject(ctx context.Context, rq *request) (*response, error) {
	h := rq.r.Header
	if h.Get("X-Amz-If-Match-Last-Modified-Time") != "" || h.Get("X-Amz-If-Match-Size") != "" {
		// Conditions S3 evaluates only in directory buckets; ignoring
		// them would delete what the client meant to protect.
		return nil, errMsg(s3xml.CodeNotImplemented, "s3kit does not implement x-amz-if-match-last-modified-time or x-amz-if-match-size")
	}
	ch, err := s.beginChange(ctx, rq.bucket, rq.key)
	if err != nil {
		return nil, err
	}
	defer ch.end()
	ch.lock()
	if v, ok := s.versioner(); ok && h.Get("If-Match") == "" {
		return s.deleteVersioned(ctx, v, rq, ch)
	}
	if err := s.deleteIfMatch(ctx, rq.bucket, rq.key, h.Get("If-Match")); err != nil {
		return nil, err
	}
	r := &response{status: http.StatusNoContent}
	if err := ch.emit(ctx, rq, r, evDelete, storage.ObjectInfo{}); err != nil {
		return nil, err
	}
	return r, nil
}

// deleteIfMatch deletes key, only while its ETag is ifMatch when that is
// set (S3's conditional delete: PreconditionFailed when the ETag differs,
// NoSuchKey when there is no object).
func (s *Server) deleteIfMatch(ctx context.Context, bucket, key, ifMatch string) error {
	if ifMatch == "" {
		return s.backend.DeleteObject(ctx, bucket, key)
	}
	cd, ok := s.backend.(storage.ConditionalDeleter)
	if !ok {
		return errMsg(s3xml.CodeNotImplemented, "this storage backend does not support conditional deletes")
	}
	err := cd.DeleteObjectIfMatch(ctx, bucket, key, quoteETag(ifMatch))
	if errors.Is(err, storage.ErrPreconditionFailed) {
		e := errCode(s3xml.CodePreconditionFailed)
		e.Detail.Condition, e.Err = "If-Match", err
		return e
	}
	return err
}

// quoteETag puts an entity tag a client sent bare into the quoted form
// storage compares with.
func quoteETag(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || v == "*" || strings.HasPrefix(v, `"`) {
		return v
	}
	return `"` + v + `"`
}
