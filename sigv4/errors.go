package sigv4

import "net/http"

// S3 error codes this package returns in Error.Code.
const (
	CodeAccessDenied                  = "AccessDenied"
	CodeAuthorizationHeaderMalformed  = "AuthorizationHeaderMalformed"
	CodeAuthorizationQueryParamsError = "AuthorizationQueryParametersError"
	CodeBadDigest                     = "BadDigest"
	CodeIncompleteBody                = "IncompleteBody"
	CodeInvalidAccessKeyID            = "InvalidAccessKeyId"
	CodeInvalidArgument               = "InvalidArgument"
	CodeInvalidDigest                 = "InvalidDigest"
	CodeInvalidRequest                = "InvalidRequest"
	CodeMalformedTrailer              = "MalformedTrailerError"
	CodeRequestTimeTooSkewed          = "RequestTimeTooSkewed"
	CodeSignatureDoesNotMatch         = "SignatureDoesNotMatch"
	CodeXAmzContentSHA256Mismatch     = "XAmzContentSHA256Mismatch"
)

// Is makes errors.Is(err, &Error{Code: c}) match any *Error with code c.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func newError(code string, status int, msg string) *Error {
	return &Error{Code: code, Message: msg, StatusCode: status}
}

func errHeaderMalformed(msg string) *Error {
	return newError(CodeAuthorizationHeaderMalformed, http.StatusBadRequest,
		"the authorization header is malformed; "+msg)
}

func errQueryMalformed(msg string) *Error {
	return newError(CodeAuthorizationQueryParamsError, http.StatusBadRequest, msg)
}

func errInvalidRequest(msg string) *Error {
	return newError(CodeInvalidRequest, http.StatusBadRequest, msg)
}

func errBadDigest(msg string) *Error {
	return newError(CodeBadDigest, http.StatusBadRequest, msg)
}

func errIncompleteBody(msg string) *Error {
	return newError(CodeIncompleteBody, http.StatusBadRequest, msg)
}

func errTrailer(msg string) *Error {
	return newError(CodeMalformedTrailer, http.StatusBadRequest,
		"the request contained trailing data that was not well-formed: "+msg)
}

func errChunkSignature(accessKey, sts, provided string) *Error {
	return &Error{
		Code:              CodeSignatureDoesNotMatch,
		StatusCode:        http.StatusForbidden,
		Message:           "the chunk signature we calculated does not match the signature you provided",
		AccessKeyID:       accessKey,
		StringToSign:      sts,
		SignatureProvided: provided,
	}
}
