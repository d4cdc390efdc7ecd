package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/s3kit/s3kit/sigv4"
)

// stsNamespace is the XML namespace of STS's answers.
const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// maxSTSBody bounds an STS form body; GetCallerIdentity's is a few dozen
// bytes, AssumeRole's with a session policy a few kilobytes.
const maxSTSBody = 64 << 10

// isSTS reports whether rq is an STS call on the S3 endpoint: a form POST
// to the root, as AWS SDKs send STS's query protocol.
func isSTS(rq *request) bool {
	if rq.r.Method != http.MethodPost || rq.bucket != "" || rq.key != "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(rq.r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// stsError is an STS error as its query protocol answers it.
type stsError struct {
	Status  int
	Type    string // "Sender" or "Receiver"
	Code    string
	Message string
}

func (e *stsError) Error() string { return e.Code + ": " + e.Message }

// serveSTS answers an STS call. It is signed for service "sts" (the S3
// operations accept only "s3"), its body is part of the signature, and its
// answers and errors are STS's XML, which SDKs parse with STS's rules.
func (s *Server) serveSTS(ctx context.Context, rq *request) (string, *response, error) {
	op := "STS"
	action, resp, err := s.sts(ctx, rq)
	if action != "" {
		op = "STS:" + action
	}
	if err != nil {
		var se *stsError
		if !errors.As(err, &se) {
			return op, nil, err
		}
		rq.refused = se.Status == http.StatusForbidden
		rq.refusedWhy = se.Message
		return op, stsDoc(rq, se.Status, struct {
			XMLName xml.Name `xml:"ErrorResponse"`
			Xmlns   string   `xml:"xmlns,attr"`
			Error   struct {
				Type    string
				Code    string
				Message string
			}
			RequestID string `xml:"RequestId"`
		}{Xmlns: stsNamespace, Error: struct {
			Type    string
			Code    string
			Message string
		}{se.Type, se.Code, se.Message}, RequestID: rq.id}), nil
	}
	return op, resp, nil
}

func (s *Server) sts(ctx context.Context, rq *request) (string, *response, error) {
	body, err := io.ReadAll(io.LimitReader(rq.r.Body, maxSTSBody+1))
	if err != nil {
		return "", nil, err
	}
	if len(body) > maxSTSBody {
		return "", nil, &stsError{http.StatusBadRequest, "Sender", "ValidationError", "The request body is too large."}
	}
	// STS clients do not send x-amz-content-sha256: the payload hash is
	// the body's, computed here, and the verifier checks it again as the
	// body is read.
	if rq.r.Header.Get("X-Amz-Content-Sha256") == "" {
		sum := sha256.Sum256(body)
		rq.r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	}
	rq.r.Body = io.NopCloser(bytes.NewReader(body))
	v, err := s.stsVerifier.Verify(ctx, rq.r)
	if err != nil {
		var ve *sigv4.Error
		switch {
		case errors.Is(err, sigv4.ErrUnknownAccessKey):
			return "", nil, &stsError{http.StatusForbidden, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid."}
		case errors.As(err, &ve):
			code := ve.Code
			if code == "InvalidAccessKeyId" {
				code = "InvalidClientTokenId"
			}
			return "", nil, &stsError{ve.StatusCode, "Sender", code, ve.Message}
		}
		return "", nil, err
	}
	if v.Anonymous {
		return "", nil, &stsError{http.StatusForbidden, "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token"}
	}
	if _, err := io.Copy(io.Discard, v.Body); err != nil {
		return "", nil, &stsError{http.StatusBadRequest, "Sender", "SignatureDoesNotMatch", "The request body does not match its signature."}
	}
	key, err := s.keys.Lookup(ctx, v.AccessKeyID)
	if err != nil {
		return "", nil, err
	}
	rq.v, rq.k = v, key
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return "", nil, &stsError{http.StatusBadRequest, "Sender", "MalformedInput", "The form body could not be parsed."}
	}
	action := form.Get("Action")
	switch action {
	case "GetCallerIdentity":
		// Needs no permission: AWS answers it even for a key whose
		// policies deny everything.
		var p = &rq.pol.Principal
		s.principalOf(rq, p)
		return action, stsDoc(rq, http.StatusOK, struct {
			XMLName xml.Name `xml:"GetCallerIdentityResponse"`
			Xmlns   string   `xml:"xmlns,attr"`
			Result  struct {
				Arn     string
				UserId  string //nolint:revive // STS's element name
				Account string
			} `xml:"GetCallerIdentityResult"`
			RequestID string `xml:"ResponseMetadata>RequestId"`
		}{Xmlns: stsNamespace, Result: struct {
			Arn     string
			UserId  string //nolint:revive // STS's element name
			Account string
		}{p.ARN, p.UserID, p.Account}, RequestID: rq.id}), nil
	case "":
		return "", nil, &stsError{http.StatusBadRequest, "Sender", "MissingAction", "Missing Action"}
	}
	return action, nil, &stsError{http.StatusBadRequest, "Sender", "InvalidAction", "Could not find operation " + action + " for version " + form.Get("Version")}
}

// stsDoc is a response with v as its XML body.
func stsDoc(rq *request, status int, v any) *response {
	b, err := xml.Marshal(v)
	if err != nil {
		panic(err) // fixed shapes of strings always marshal
	}
	b = append([]byte(xml.Header), b...)
	r := &response{status: status, body: bytes.NewReader(b), size: int64(len(b))}
	r.setHeader("Content-Type", "text/xml")
	return r
}
