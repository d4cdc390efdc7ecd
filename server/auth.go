package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// MaxHeaderBytes bounds a request's header section: the request line,
// Host and every header line. S3 limits a PUT's headers to 8 KB; this
// leaves room for long presigned URLs and session tokens while keeping
// what an unauthenticated request can make the server parse small. Use it
// as http.Server.MaxHeaderBytes; the handler enforces it too, for servers
// that do not.
const MaxHeaderBytes = 64 << 10

// authenticate verifies the request's signature and loads its key. It runs
// before any handler and before a byte of the body is read: a request that
// fails here changes nothing. Anonymous requests are refused. The checks
// that cost nothing per header (size, key) come first, so refusing a
// request costs little whatever it carries.
func (s *Server) authenticate(ctx context.Context, rq *request) error {
	if headersTooLarge(rq.r) {
		return errCode(s3xml.CodeRequestHeaderSectionTooLarge)
	}
	if !utf8.ValidString(rq.bucket) || !utf8.ValidString(rq.key) {
		// S3 answers 400 InvalidURI for a key that does not decode to
		// UTF-8; storing it would make listings invalid XML.
		return errCode(s3xml.CodeInvalidURI)
	}
	if rq.r.Header.Get("Authorization") == "" && isV2Presigned(rq.q) {
		v, key, err := s.verifyV2Presigned(ctx, rq)
		if err != nil {
			return err
		}
		rq.v, rq.k, rq.body = v, key, v.Body
		return nil
	}
	v, err := s.verifier.Verify(ctx, rq.r)
	if err != nil {
		var se *sigv4.Error
		if !errors.As(err, &se) && errors.Is(err, sigv4.ErrUnknownAccessKey) {
			return &Error{Code: s3xml.CodeInvalidAccessKeyID, Status: http.StatusForbidden,
				Message: "The AWS Access Key Id you provided does not exist in our records.", Err: err}
		}
		return err
	}
	if v.Anonymous {
		// Evaluated like any other request: a bucket policy may make a
		// bucket or object public (authorize).
		rq.v, rq.body, rq.anonymous = v, v.Body, true
		return nil
	}
	key, err := s.keys.Lookup(ctx, v.AccessKeyID)
	if err != nil {
		return err
	}
	if v.Region != "" && (s.strictRegion && v.Region != s.region || !validRegion(v.Region)) {
		return s.wrongRegion(v)
	}
	rq.v, rq.k, rq.body = v, key, v.Body
	return nil
}

// headersTooLarge reports whether r's header section as received (the
// request line, Host and each "Name: value" line) exceeds MaxHeaderBytes.
// It stops counting at the bound.
func headersTooLarge(r *http.Request) bool {
	n := len(r.Method) + len(r.RequestURI) + len(r.Host) + 16
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
		if n > MaxHeaderBytes {
			return true
		}
	}
	return n > MaxHeaderBytes
}

// secretOf is the verifier's SecretLookup: the secret of a stored key.
func (s *Server) secretOf(ctx context.Context, id string) (string, error) {
	k, err := s.keys.Lookup(ctx, id)
	if errors.Is(err, ErrUnknownKey) {
		return "", fmt.Errorf("%w: %w", sigv4.ErrUnknownAccessKey, err)
	}
	if err != nil {
		return "", err
	}
	return k.Secret, nil
}

// validRegion reports whether region is spelled like a region name
// ("eu-central-1", "auto"): lower-case letters, digits and inner hyphens.
// Unless the server is strict, any such region is accepted: the signature
// is checked with the region the client signed for.
func validRegion(region string) bool {
	if region == "" || len(region) > 63 || region[0] == '-' || region[len(region)-1] == '-' {
		return false
	}
	for i := 0; i < len(region); i++ {
		if c := region[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// wrongRegion is AWS's answer to a request signed for another region; it
// names the expected region so clients such as botocore can retry there.
func (s *Server) wrongRegion(v *sigv4.Verified) error {
	code, prefix := s3xml.CodeAuthorizationHeaderMalformed, "The authorization header is malformed; "
	if v.Presigned {
		code, prefix = s3xml.CodeAuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; "
	}
	e := errMsg(code, "%sthe region '%s' is wrong; expecting '%s'", prefix, v.Region, s.region)
	e.Detail.Region = s.region
	return e
}
