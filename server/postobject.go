package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// A browser-form upload (POST Object, boto3's generate_presigned_post) is a
// multipart/form-data POST to the bucket: text fields, then the file. It
// carries no signature on the request; the form's policy field is a
// base64 JSON document of conditions on the other fields, signed with
// SigV4 (x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature)
// or SigV2 (AWSAccessKeyId, signature). The server checks the signature,
// the expiry and every condition before it reads a byte of the file, then
// streams the file into storage, refusing it (and storing nothing) when
// it leaves the content-length-range.

// maxPostFields bounds the bytes of the fields before the file. They are
// held in memory before the request is authenticated, so the bound keeps
// what an anonymous client can make the server hold small; a form with a
// large policy is still far below it.
const maxPostFields = 64 << 10

// postForm is the form's fields before the file: names lower-cased (S3
// matches them case-insensitively), values as sent.
type postForm struct {
	fields   map[string]string
	filename string // the file part's filename, for ${filename}
}

func (f *postForm) get(name string) string { return f.fields[name] }

func (f *postForm) has(name string) bool {
	_, ok := f.fields[name]
	return ok
}

// postFieldErr is S3's answer to a form that lacks a required field.
func postFieldErr(name string) error {
	e := errMsg(s3xml.CodeInvalidArgument, "Bucket POST must contain a field named '%s'.  If it is specified, please check the order of the fields.", name)
	e.Detail.ArgumentName, e.Detail.ArgumentValue = name, ""
	return e
}

// postObject handles a browser-form upload. It authenticates itself: the
// request reaches it without the usual signature check.
func (s *Server) postObject(ctx context.Context, rq *request) (*response, error) {
	if headersTooLarge(rq.r) {
		return nil, errCode(s3xml.CodeRequestHeaderSectionTooLarge)
	}
	resp, err := s.postObjectForm(ctx, rq)
	// A body that failed to arrive is answered with that failure
	// (IncompleteBody, RequestTimeout), not as a malformed form.
	if err != nil && rq.wire != nil && rq.wire.err != nil {
		return nil, rq.wire.err
	}
	return resp, err
}

func (s *Server) postObjectForm(ctx context.Context, rq *request) (*response, error) {
	_, params, err := mime.ParseMediaType(rq.r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return nil, errCode(s3xml.CodeMalformedPOSTRequest)
	}
	body := io.Reader(http.NoBody)
	if rq.r.Body != nil {
		body = rq.r.Body
	}
	mr := multipart.NewReader(body, params["boundary"])
	form, file, err := readPostFields(mr)
	if err != nil {
		return nil, err
	}
	if err := s.authenticatePost(ctx, rq, form); err != nil {
		rq.refused = toError(err).StatusCode() < 500
		return nil, err
	}
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	policy, err := parsePostPolicy(form.get("policy"))
	if err != nil {
		return nil, err
	}
	if !s.now().Before(policy.expiration) {
		rq.refused = true
		return nil, errMsg(s3xml.CodeAccessDenied, "Invalid according to Policy: Policy expired.")
	}
	key := form.get("key")
	if !form.has("key") {
		return nil, postFieldErr("key")
	}
	if file == nil {
		return nil, errCode(s3xml.CodeIncorrectNumberOfFilesInPostRequest)
	}
	key = strings.ReplaceAll(key, "${filename}", form.filename)
	form.fields["key"] = key
	if err := policy.check(form, rq.bucket); err != nil {
		rq.refused = toError(err).StatusCode() == http.StatusForbidden
		return nil, err
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	// The form names its key only now: the signing key must be allowed
	// to put that object, as a PUT of it would need.
	rq.key = key
	if err := s.authorize(ctx, rq, "PutObject"); err != nil {
		rq.refused = true
		return nil, err
	}
	h, tags, err := postHeaders(form)
	if err != nil {
		return nil, err
	}
	meta, err := metaFromHeaders(h)
	if err != nil {
		return nil, err
	}
	if tags != nil {
		meta.Tags = tags
	}
	// The form's encryption fields ask for encryption as a PUT's headers
	// do; the request's connection decides whether SSE-C may be sent.
	asPut := *rq.r
	asPut.Header = h
	enc, ck, err := s.requestedEncryption(&asPut)
	if err != nil {
		return nil, err
	}
	meta.Encryption = enc
	cs, err := newChecksummer(h)
	if err != nil {
		return nil, err
	}
	lo, hi := int64(0), int64(maxObjectSize)
	if policy.lengthRange {
		lo, hi = policy.minLength, min(policy.maxLength, maxObjectSize)
	}
	in := io.Reader(&rangeReader{r: file, lo: lo, hi: hi})
	opts := storage.PutOptions{Meta: meta}
	if cs != nil {
		in = io.TeeReader(in, cs.h)
		opts.BeforeCommit = cs.beforePut
	}
	info, err := s.backend.PutObject(ctx, rq.bucket, key, in, opts)
	if err != nil {
		return nil, err
	}
	resp := s.postAnswer(rq, form, key, info.ETag)
	resp.encryption(info.Meta.Encryption, ck)
	return resp, nil
}

// readPostFields reads the fields before the file part and returns them
// with the file part (nil when the form has none). S3 ignores whatever
// follows the file, so nothing after it is read.
func readPostFields(mr *multipart.Reader) (*postForm, *multipart.Part, error) {
	form := &postForm{fields: map[string]string{}}
	left := int64(maxPostFields)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return form, nil, nil
		}
		if err != nil {
			return nil, nil, errCode(s3xml.CodeMalformedPOSTRequest)
		}
		name := strings.ToLower(p.FormName())
		if name == "file" {
			form.filename = p.FileName()
			return form, p, nil
		}
		b, err := io.ReadAll(io.LimitReader(p, left+1))
		if err != nil {
			return nil, nil, errCode(s3xml.CodeMalformedPOSTRequest)
		}
		if left -= int64(len(b)); left < 0 {
			return nil, nil, errCode(s3xml.CodeMaxPostPreDataLengthExceeded)
		}
		if name == "" {
			continue
		}
		if _, dup := form.fields[name]; dup {
			return nil, nil, errMsg(s3xml.CodeInvalidArgument, "The form field %s appears more than once.", name)
		}
		form.fields[name] = string(b)
	}
}

// rangeReader enforces a policy's content-length-range while the file
// streams: past max it fails with EntityTooLarge, and at the end, below
// min, with EntityTooSmall instead of io.EOF, so the backend never
// commits a file the policy refuses.
type rangeReader struct {
	r      io.Reader
	lo, hi int64
	n      int64
}

func (r *rangeReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		// Backends read with io.ReadFull and take its io.ErrUnexpectedEOF
		// for a short last chunk: a file part cut off before its boundary
		// must reach them as a failure, not as the end of the file.
		e := errCode(s3xml.CodeMalformedPOSTRequest)
		e.Err = err
		return n, e
	}
	r.n += int64(n)
	if r.n > r.hi {
		return n, errMsg(s3xml.CodeEntityTooLarge, "Your proposed upload exceeds the maximum allowed size")
	}
	if err == io.EOF && r.n < r.lo {
		return n, errMsg(s3xml.CodeEntityTooSmall, "Your proposed upload is smaller than the minimum allowed size")
	}
	return n, err
}

// postHeaders turns the form fields that describe the object into the
// request headers a PUT would carry, so the object gets its metadata,
// checksum and encryption checks exactly as from a PUT; tags come from
// the tagging field's XML document.
func postHeaders(form *postForm) (http.Header, map[string]string, error) {
	h := http.Header{}
	for name, v := range form.fields {
		switch {
		case name == "content-type", name == "cache-control", name == "content-disposition",
			name == "content-encoding", name == "content-language", name == "expires",
			strings.HasPrefix(name, "x-amz-meta-"), strings.HasPrefix(name, "x-amz-checksum-"),
			strings.HasPrefix(name, "x-amz-server-side-encryption"):
			h.Set(name, v)
		}
	}
	if unsupportedEncryption(h) {
		return nil, nil, errMsg(s3xml.CodeNotImplemented, "s3kit does not implement dual-layer server-side encryption (aws:kms:dsse); AES256, aws:kms and SSE-C are implemented")
	}
	if acl := form.get("acl"); !allowedCannedACL(acl) {
		return nil, nil, errCode(s3xml.CodeAccessControlListNotSupported)
	}
	var tags map[string]string
	if v := form.get("tagging"); v != "" {
		var doc s3xml.Tagging
		if err := xml.Unmarshal([]byte(v), &doc); err != nil {
			e := errCode(s3xml.CodeMalformedXML)
			e.Err = err
			return nil, nil, e
		}
		var err error
		if tags, err = tagsFromDoc(&doc, objectTags); err != nil {
			return nil, nil, err
		}
	}
	return h, tags, nil
}

// postAnswer is S3's answer to a stored form upload: a 303 to
// success_action_redirect (or redirect) with bucket, key and ETag in the
// query; otherwise success_action_status 200, 201 (with a PostResponse
// document) or, for anything else, 204.
func (s *Server) postAnswer(rq *request, form *postForm, key, etag string) *response {
	loc := s.objectURL(rq.r, rq.bucket, key)
	resp := &response{}
	resp.setHeader("ETag", etag)
	resp.setHeader("Location", loc)
	redirect := form.get("success_action_redirect")
	if redirect == "" {
		redirect = form.get("redirect")
	}
	if u, err := url.Parse(redirect); redirect != "" && err == nil && u.IsAbs() {
		q := "bucket=" + url.QueryEscape(rq.bucket) + "&key=" + url.QueryEscape(key) + "&etag=" + url.QueryEscape(etag)
		if u.RawQuery != "" {
			u.RawQuery += "&" + q
		} else {
			u.RawQuery = q
		}
		resp.status = http.StatusSeeOther
		resp.setHeader("Location", u.String())
		return resp
	}
	switch form.get("success_action_status") {
	case "200":
		resp.status = http.StatusOK
	case "201":
		resp.status = http.StatusCreated
		resp.doc = &s3xml.PostResponse{Location: loc, Bucket: rq.bucket, Key: key, ETag: etag}
	default:
		resp.status = http.StatusNoContent
	}
	return resp
}

// authenticatePost checks the form's signature over its policy and loads
// the signing key, which must be allowed to write to the bucket. A form
// without a policy is anonymous, and refused as anonymous requests are.
func (s *Server) authenticatePost(ctx context.Context, rq *request, form *postForm) error {
	policy := form.get("policy")
	var id string
	var check func(secret string) bool
	switch {
	case policy == "" && !form.has("x-amz-signature") && !form.has("signature"):
		return errCode(s3xml.CodeAccessDenied)
	case form.has("x-amz-algorithm") || form.has("x-amz-credential") || form.has("x-amz-signature"):
		var err error
		if id, check, err = s.postV4(form, policy); err != nil {
			return err
		}
	case form.has("awsaccesskeyid"):
		if policy == "" {
			return postFieldErr("policy")
		}
		sig := form.get("signature")
		if sig == "" {
			return postFieldErr("Signature")
		}
		id = form.get("awsaccesskeyid")
		check = func(secret string) bool {
			m := hmac.New(sha1.New, []byte(secret))
			m.Write([]byte(policy))
			return hmac.Equal([]byte(base64.StdEncoding.EncodeToString(m.Sum(nil))), []byte(sig))
		}
	default:
		return postFieldErr("AWSAccessKeyId")
	}
	key, err := s.keys.Lookup(ctx, id)
	if errors.Is(err, ErrUnknownKey) {
		e := errCode(s3xml.CodeInvalidAccessKeyID)
		e.Detail.AccessKeyID, e.Err = id, err
		return e
	}
	if err != nil {
		return err
	}
	if !check(key.Secret) {
		e := errMsg(s3xml.CodeSignatureDoesNotMatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		e.Detail.AccessKeyID, e.Detail.StringToSign = id, policy
		return e
	}
	rq.k = key
	return nil
}
