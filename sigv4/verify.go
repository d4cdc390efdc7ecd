package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

const defaultMaxSkew = 15 * time.Minute

// Bounds on what a request may claim before any per-header work is done.
// S3 limits a PUT's request headers to 8 KB, so no real client signs more
// than a few dozen headers; the bounds leave ample room and keep the cost
// of refusing an oversized request constant.
const (
	// maxSignedHeaders bounds the number of names in SignedHeaders.
	maxSignedHeaders = 512
	// maxSignedHeadersLen bounds the length of the SignedHeaders value.
	maxSignedHeadersLen = 16 << 10
	// maxUnsignedListed bounds how many unsigned headers an AccessDenied
	// message names.
	maxUnsignedListed = 8
)

// authParams is what a request claims about its signature.
type authParams struct {
	presigned     bool
	accessKey     string
	day           string
	region        string
	service       string
	signedHeaders string   // as sent, ';'-separated
	headerNames   []string // split signedHeaders
	signature     string
	amzDate       string
	time          time.Time
	expires       time.Duration
	payloadHash   string
	token         string
	hasTabs       bool // a signed header value holds a tab, CR or LF
}

// Verify authenticates req (header or query form). A request with no
// authentication at all returns Verified{Anonymous: true} and no error; the
// caller decides whether that is allowed. Failures are *Error values with the
// S3 code a client expects (AuthorizationHeaderMalformed,
// AuthorizationQueryParametersError, SignatureDoesNotMatch,
// InvalidAccessKeyId, RequestTimeTooSkewed, AccessDenied for expired
// presigned URLs, ...). A lookup failure other than ErrUnknownAccessKey is
// returned wrapped, as is. Verify reads no body bytes: payload checks happen
// as Verified.Body is read.
func (v *Verifier) Verify(ctx context.Context, req *http.Request) (*Verified, error) {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = defaultMaxSkew
	}
	var (
		p   *authParams
		err error
	)
	if auth := req.Header.Get("Authorization"); auth != "" {
		if isPresigned(req.URL.RawQuery) {
			return nil, newError(CodeInvalidArgument, http.StatusBadRequest,
				"only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified")
		}
		p, err = parseAuthHeader(auth, req)
	} else if strings.Contains(req.URL.RawQuery, "AWSAccessKeyId=") {
		return nil, errInvalidRequest("signature version 2 is not supported; please use " + Algorithm)
	} else if isPresigned(req.URL.RawQuery) {
		p, err = parseQueryAuth(req)
	} else {
		body, n, err := newPayloadReader(req, "", nil, !checksumsDescribePayload(req))
		if err != nil {
			return nil, err
		}
		return &Verified{Anonymous: true, Body: body, DecodedContentLength: n}, nil
	}
	if err != nil {
		return nil, err
	}
	if v.Service != "" && p.service != v.Service {
		msg := "incorrect service " + strconv.Quote(p.service) + ". This endpoint belongs to " + strconv.Quote(v.Service) + "."
		if p.presigned {
			return nil, errQueryMalformed("Error parsing the X-Amz-Credential parameter; " + msg)
		}
		return nil, errHeaderMalformed(msg)
	}
	if err := checkTime(p, now().UTC(), skew); err != nil {
		return nil, err
	}
	// The key is looked up before any work proportional to the request's
	// headers: a request naming an unknown key costs the same whatever it
	// carries.
	if v.Lookup == nil {
		return nil, errors.New("sigv4: verifier has no Lookup")
	}
	secret, err := v.Lookup(ctx, p.accessKey)
	if errors.Is(err, ErrUnknownAccessKey) {
		return nil, newError(CodeInvalidAccessKeyID, http.StatusForbidden,
			"the AWS access key ID you provided does not exist in our records")
	} else if err != nil {
		return nil, fmt.Errorf("sigv4: look up access key: %w", err)
	}
	if err := checkCoverage(p, req); err != nil {
		return nil, err
	}
	key := v.keys.get(secret, p.day, p.region, p.service)
	cr, sts, ok, err := checkSignature(req, p, &key, false)
	if err != nil {
		return nil, err
	}
	if !ok && p.hasTabs {
		// botocore folds tabs in header values, aws-sdk-go-v2 does not:
		// accept either spelling of the same request.
		if _, _, ok2, _ := checkSignature(req, p, &key, true); ok2 {
			ok = true
		}
	}
	if !ok {
		return nil, &Error{
			Code:       CodeSignatureDoesNotMatch,
			StatusCode: http.StatusForbidden,
			Message: "the request signature we calculated does not match the signature you provided; " +
				"check your key and signing method",
			AccessKeyID:       p.accessKey,
			StringToSign:      string(sts),
			CanonicalRequest:  string(cr),
			SignatureProvided: p.signature,
		}
	}
	var seed *chunkSigner // only a streaming payload chains signatures
	if ph := p.payloadHash; ph == StreamingPayload || ph == StreamingPayloadTrailer || ph == StreamingUnsignedPayloadTrailer {
		seed = &chunkSigner{key: key, amzDate: p.amzDate, accessKey: p.accessKey}
		seed.scope = string(appendScope(nil, p.day, p.region, p.service))
		copy(seed.prev[:], p.signature)
	}
	body, n, err := newPayloadReader(req, p.payloadHash, seed, !checksumsDescribePayload(req))
	if err != nil {
		return nil, err
	}
	return &Verified{
		AccessKeyID:          p.accessKey,
		Presigned:            p.presigned,
		Region:               p.region,
		SessionToken:         p.token,
		Body:                 body,
		DecodedContentLength: n,
	}, nil
}

func isPresigned(rawQuery string) bool {
	return strings.Contains(rawQuery, "X-Amz-Signature=") || strings.Contains(rawQuery, "X-Amz-Credential=") ||
		strings.Contains(rawQuery, "X-Amz-Algorithm=")
}

// parseAuthHeader parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
func parseAuthHeader(auth string, req *http.Request) (*authParams, error) {
	rest, ok := strings.CutPrefix(auth, Algorithm+" ")
	if !ok {
		alg, _, _ := strings.Cut(auth, " ")
		if alg == "AWS4-HMAC-SHA256" {
			return nil, errHeaderMalformed("missing Credential, SignedHeaders or Signature")
		}
		return nil, errInvalidRequest("The authorization mechanism you have provided is not supported. Please use " + Algorithm + ".")
	}
	p := &authParams{}
	var cred string
	for part := range strings.SplitSeq(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = val
		case "SignedHeaders":
			p.signedHeaders = val
		case "Signature":
			p.signature = val
		case "":
		default:
			return nil, errHeaderMalformed("unknown component " + strconv.Quote(k))
		}
	}
	if cred == "" || p.signedHeaders == "" || p.signature == "" {
		return nil, errHeaderMalformed("missing Credential, SignedHeaders or Signature")
	}
	if msg := p.parseCredential(cred); msg != "" {
		return nil, errHeaderMalformed(msg)
	}
	p.amzDate = req.Header.Get("X-Amz-Date")
	if p.amzDate == "" {
		if d := req.Header.Get("Date"); d != "" {
			if t, err := http.ParseTime(d); err == nil {
				p.amzDate = t.UTC().Format(amzDateFormat)
			}
		}
	}
	if p.amzDate == "" {
		return nil, newError(CodeAccessDenied, http.StatusForbidden,
			"AWS authentication requires a valid Date or x-amz-date header")
	}
	t, err := time.Parse(amzDateFormat, p.amzDate)
	if err != nil {
		return nil, newError(CodeAccessDenied, http.StatusForbidden,
			"AWS authentication requires a valid Date or x-amz-date header")
	}
	p.time = t
	if p.day != p.amzDate[:8] {
		return nil, errHeaderMalformed("invalid credential date; date is not the same as X-Amz-Date: " + p.day)
	}
	p.payloadHash = req.Header.Get("X-Amz-Content-Sha256")
	if p.payloadHash == "" && p.service == "s3" {
		return nil, errInvalidRequest("Missing required header for this request: x-amz-content-sha256")
	}
	if p.payloadHash == "" {
		p.payloadHash = EmptyPayloadHash
	}
	p.token = req.Header.Get("X-Amz-Security-Token")
	return p, p.finish()
}

// parseCredential splits "AKID/YYYYMMDD/region/service/aws4_request"; it
// returns a message when the value is malformed.
func (p *authParams) parseCredential(cred string) string {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[0] == "" || parts[2] == "" || parts[3] == "" {
		return "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\""
	}
	if parts[4] != scopeTerm {
		return "incorrect terminal " + strconv.Quote(parts[4]) + "; this endpoint uses \"aws4_request\""
	}
	if _, err := time.Parse("20060102", parts[1]); err != nil {
		return "invalid credential date " + strconv.Quote(parts[1]) + "; this date is not in the YYYYMMDD format"
	}
	p.accessKey, p.day, p.region, p.service = parts[0], parts[1], parts[2], parts[3]
	return ""
}

// finish validates the signed-headers list and the payload hash.
func (p *authParams) finish() error {
	malformed := errHeaderMalformed
	if p.presigned {
		malformed = errQueryMalformed
	}
	if len(p.signedHeaders) > maxSignedHeadersLen || strings.Count(p.signedHeaders, ";") >= maxSignedHeaders {
		return malformed("SignedHeaders names more than " + strconv.Itoa(maxSignedHeaders) +
			" headers or is longer than " + strconv.Itoa(maxSignedHeadersLen) + " bytes")
	}
	p.headerNames = strings.Split(p.signedHeaders, ";")
	host := false
	for _, h := range p.headerNames {
		if h == "" || h != strings.ToLower(h) {
			return malformed("invalid SignedHeaders " + strconv.Quote(p.signedHeaders))
		}
		host = host || h == "host"
	}
	if !host {
		return malformed("SignedHeaders must include host")
	}
	if len(p.signature) != 64 {
		return malformed("signature must be 64 lower-case hex digits")
	}
	switch p.payloadHash {
	case UnsignedPayload, StreamingPayload, StreamingPayloadTrailer, StreamingUnsignedPayloadTrailer:
		return nil
	}
	if !isHex64(p.payloadHash) {
		return newError(CodeInvalidArgument, http.StatusBadRequest,
			"x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* value, or a valid sha256 value")
	}
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// parseQueryAuth parses the X-Amz-* parameters of a presigned URL.
func parseQueryAuth(req *http.Request) (*authParams, error) {
	q := req.URL.Query()
	p := &authParams{presigned: true}
	alg := q.Get("X-Amz-Algorithm")
	cred := q.Get("X-Amz-Credential")
	p.signature = q.Get("X-Amz-Signature")
	p.amzDate = q.Get("X-Amz-Date")
	p.signedHeaders = q.Get("X-Amz-SignedHeaders")
	exp := q.Get("X-Amz-Expires")
	if alg == "" || cred == "" || p.signature == "" || p.amzDate == "" || p.signedHeaders == "" || exp == "" {
		return nil, errQueryMalformed("query-string authentication version 4 requires the X-Amz-Algorithm, " +
			"X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters")
	}
	if alg != Algorithm {
		return nil, errQueryMalformed("X-Amz-Algorithm only supports \"" + Algorithm + "\"")
	}
	if msg := p.parseCredential(cred); msg != "" {
		return nil, errQueryMalformed("error parsing the X-Amz-Credential parameter; " + msg)
	}
	t, err := time.Parse(amzDateFormat, p.amzDate)
	if err != nil {
		return nil, errQueryMalformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	p.time = t
	if p.day != p.amzDate[:8] {
		return nil, errQueryMalformed("invalid credential date; date is not the same as X-Amz-Date: " + p.day)
	}
	// The messages are S3's own.
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return nil, errQueryMalformed("X-Amz-Expires should be a number")
	}
	if secs < 0 {
		return nil, errQueryMalformed("X-Amz-Expires must be non-negative")
	}
	if secs > int64(maxExpires/time.Second) {
		return nil, errQueryMalformed("X-Amz-Expires must be less than a week (in seconds) that is; 604800")
	}
	p.expires = time.Duration(secs) * time.Second
	p.payloadHash = req.Header.Get("X-Amz-Content-Sha256")
	if p.payloadHash == "" {
		p.payloadHash = q.Get("X-Amz-Content-Sha256")
	}
	if p.payloadHash == "" {
		p.payloadHash = UnsignedPayload
		if p.service != "s3" {
			p.payloadHash = EmptyPayloadHash
		}
	}
	p.token = q.Get("X-Amz-Security-Token")
	return p, p.finish()
}

// checkTime applies the clock-skew rule to header auth and the validity
// window to presigned URLs.
func checkTime(p *authParams, now time.Time, skew time.Duration) error {
	if p.presigned {
		if p.time.Sub(now) > skew {
			return newError(CodeAccessDenied, http.StatusForbidden, "request is not valid yet")
		}
		if now.After(p.time.Add(p.expires)) {
			return newError(CodeAccessDenied, http.StatusForbidden, "Request has expired")
		}
		return nil
	}
	d := now.Sub(p.time)
	if d > skew || d < -skew {
		return newError(CodeRequestTimeTooSkewed, http.StatusForbidden,
			"the difference between the request time ("+p.amzDate+") and the current time ("+
				now.Format(amzDateFormat)+") is too large")
	}
	return nil
}

// checkCoverage rejects requests carrying x-amz-* headers the signature
// does not cover: otherwise anyone on the path could add, say,
// x-amz-copy-source or x-amz-acl to a signed request. It costs one map
// lookup per request header.
func checkCoverage(p *authParams, req *http.Request) error {
	signed := make(map[string]struct{}, len(p.headerNames))
	for _, h := range p.headerNames {
		signed[h] = struct{}{}
	}
	var unsigned []string
	more := false
	var buf [128]byte
	for k := range req.Header {
		if len(k) < 6 || !strings.EqualFold(k[:6], "x-amz-") || isSigned(signed, buf[:0], k) {
			continue
		}
		// Outside S3 the payload hash header is optional and unsigned;
		// its value is the canonical request's last line, so the
		// signature covers it all the same.
		if p.service != "s3" && strings.EqualFold(k, "X-Amz-Content-Sha256") {
			continue
		}
		if len(unsigned) == maxUnsignedListed {
			// Enough to name: stop here, so the cost does not grow
			// with the number of headers a request adds.
			more = true
			break
		}
		unsigned = append(unsigned, strings.ToLower(k))
	}
	if len(unsigned) > 0 {
		slices.Sort(unsigned)
		list := strings.Join(unsigned, ", ")
		if more {
			list += ", ..."
		}
		return newError(CodeAccessDenied, http.StatusForbidden,
			"there were headers present in the request which were not signed: "+list)
	}
	return nil
}

// isSigned reports whether header k (any case) is in signed. It lowers k
// into buf when buf is large enough, so the lookup does not allocate.
func isSigned(signed map[string]struct{}, buf []byte, k string) bool {
	if len(k) > cap(buf) {
		_, ok := signed[strings.ToLower(k)]
		return ok
	}
	b := buf[:len(k)]
	for i := 0; i < len(k); i++ {
		c := k[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	_, ok := signed[string(b)]
	return ok
}

// canonicalSigned returns the canonical form of a signed header's name;
// the names clients usually sign are spelled out, because
// textproto.CanonicalMIMEHeaderKey allocates for lower-case input.
func canonicalSigned(name string) string {
	switch name {
	case "x-amz-date":
		return "X-Amz-Date"
	case "x-amz-content-sha256":
		return "X-Amz-Content-Sha256"
	case "x-amz-security-token":
		return "X-Amz-Security-Token"
	case "content-type":
		return "Content-Type"
	case "content-md5":
		return "Content-Md5"
	case "content-encoding":
		return "Content-Encoding"
	case "x-amz-decoded-content-length":
		return "X-Amz-Decoded-Content-Length"
	case "x-amz-trailer":
		return "X-Amz-Trailer"
	case "amz-sdk-invocation-id":
		return "Amz-Sdk-Invocation-Id"
	case "amz-sdk-request":
		return "Amz-Sdk-Request"
	case "x-amz-sdk-checksum-algorithm":
		return "X-Amz-Sdk-Checksum-Algorithm"
	case "x-amz-checksum-crc32":
		return "X-Amz-Checksum-Crc32"
	case "x-amz-checksum-crc32c":
		return "X-Amz-Checksum-Crc32c"
	case "x-amz-checksum-crc64nvme":
		return "X-Amz-Checksum-Crc64nvme"
	case "x-amz-checksum-sha1":
		return "X-Amz-Checksum-Sha1"
	case "x-amz-checksum-sha256":
		return "X-Amz-Checksum-Sha256"
	case "range":
		return "Range"
	case "if-match":
		return "If-Match"
	case "if-none-match":
		return "If-None-Match"
	case "x-amz-copy-source":
		return "X-Amz-Copy-Source"
	}
	return textproto.CanonicalMIMEHeaderKey(name)
}

// headerValues returns the values of a signed header as the server saw them.
func headerValues(req *http.Request, name string, scratch *[1]string, odd *map[string][]string) []string {
	switch name {
	case "host":
		scratch[0] = req.Host
		return scratch[:]
	case "content-length":
		if v, ok := req.Header["Content-Length"]; ok {
			return v
		}
		if req.ContentLength >= 0 {
			scratch[0] = strconv.FormatInt(req.ContentLength, 10)
			return scratch[:]
		}
		return nil
	case "transfer-encoding":
		if len(req.TransferEncoding) > 0 {
			return req.TransferEncoding
		}
	}
	if v, ok := req.Header[canonicalSigned(name)]; ok {
		return v
	}
	if *odd == nil {
		*odd = oddKeys(req.Header)
	}
	return (*odd)[name]
}

// oddKeys indexes, by lower-case name, the header keys not in canonical
// form (a server canonicalises what it parses; a request built in Go may
// not be). Built once per request, it keeps looking up signed headers
// linear in the number of headers.
func oddKeys(h http.Header) map[string][]string {
	m := map[string][]string{}
	for k, v := range h {
		if !isCanonicalKey(k) {
			m[strings.ToLower(k)] = v
		}
	}
	return m
}

// isCanonicalKey reports whether k is a header key in canonical MIME form
// made of letters, digits and hyphens only ("X-Amz-Date").
func isCanonicalKey(k string) bool {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'A' <= c && c <= 'Z':
			if !upper {
				return false
			}
		case 'a' <= c && c <= 'z':
			if upper {
				return false
			}
		case '0' <= c && c <= '9', c == '-':
		default:
			return false
		}
		upper = c == '-'
	}
	return k != ""
}

// checkSignature recomputes the signature and compares it in constant time.
func checkSignature(req *http.Request, p *authParams, key *[32]byte, spacesOnly bool) (cr, sts []byte, ok bool, err error) {
	cr, err = canonicalRequestFor(req, p, spacesOnly)
	if err != nil {
		return nil, nil, false, err
	}
	crHash := sha256.Sum256(cr)
	sts = appendStringToSign(nil, p.amzDate, p.region, p.service, &crHash)
	sig := hmacSum(key, sts)
	var hexSig [64]byte
	appendHex(hexSig[:0], sig[:])
	return cr, sts, hmac.Equal(hexSig[:], []byte(p.signature)), nil
}

// canonicalRequestFor rebuilds the canonical request the client should
// have signed, from what the server received.
func canonicalRequestFor(req *http.Request, p *authParams, spacesOnly bool) ([]byte, error) {
	b := make([]byte, 0, 512)
	b = append(b, req.Method...)
	b = append(b, '\n')
	if p.service == "s3" {
		b = appendS3WireURI(b, wirePath(req.URL))
	} else {
		b = appendCanonicalURI(b, req.URL, false, true)
	}
	b = append(b, '\n')
	skip := ""
	if p.presigned {
		skip = "X-Amz-Signature"
	}
	pairs, ok := canonicalQuery(req.URL.RawQuery, skip)
	if !ok {
		return nil, errInvalidRequest("invalid escape in query string")
	}
	b = appendQuery(b, pairs)
	b = append(b, '\n')
	var scratch [1]string
	var odd map[string][]string
	for _, h := range p.headerNames {
		vals := headerValues(req, h, &scratch, &odd)
		p.hasTabs = p.hasTabs || hasFoldableNonSpace(vals)
		b = appendHeaderLine(b, h, vals, spacesOnly)
	}
	b = append(b, '\n')
	b = append(b, p.signedHeaders...)
	b = append(b, '\n')
	b = append(b, p.payloadHash...)
	return b, nil
}

// checksumsDescribePayload reports whether req's x-amz-checksum-* headers
// are its payload's checksums. S3's CompleteMultipartUpload (POST with
// uploadId) carries the whole object's checksum there, while its payload
// is the XML part list; the server checks that checksum itself.
func checksumsDescribePayload(req *http.Request) bool {
	return req.Method != http.MethodPost || !req.URL.Query().Has("uploadId")
}
