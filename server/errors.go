package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"syscall"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
)

// Error is an S3 error the server answers with: the code, the HTTP status
// (from s3xml's table unless set), a message and the code-specific fields
// S3 puts in the body. Err is the cause; it is logged, never sent.
type Error struct {
	Code    string
	Message string
	Status  int
	// Fields copied into the error document.
	Detail s3xml.Error
	Err    error
}

// Error returns "Code: Message" and the cause.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// StatusCode returns the HTTP status the error is answered with.
func (e *Error) StatusCode() int {
	if e.Status != 0 {
		return e.Status
	}
	return s3xml.ErrorStatus(e.Code)
}

// errCode returns an *Error for code with S3's default message.
func errCode(code string) *Error {
	spec, _ := s3xml.LookupError(code)
	return &Error{Code: code, Message: spec.Message, Status: spec.Status}
}

// errMsg returns an *Error for code with a specific message.
func errMsg(code, format string, args ...any) *Error {
	e := errCode(code)
	e.Message = fmt.Sprintf(format, args...)
	return e
}

// errArg is InvalidArgument naming the argument, as S3 does.
func errArg(name, value, format string, args ...any) *Error {
	e := errMsg(s3xml.CodeInvalidArgument, format, args...)
	e.Detail.ArgumentName, e.Detail.ArgumentValue = name, value
	return e
}

// storageCode is the one table from storage's sentinel errors to S3 codes.
func storageCode(err error) (string, bool) {
	switch {
	case errors.Is(err, storage.ErrNoSuchBucket):
		return s3xml.CodeNoSuchBucket, true
	case errors.Is(err, storage.ErrBucketExists):
		return s3xml.CodeBucketAlreadyOwnedByYou, true
	case errors.Is(err, storage.ErrBucketNotEmpty):
		return s3xml.CodeBucketNotEmpty, true
	case errors.Is(err, storage.ErrMethodNotAllowed):
		return s3xml.CodeMethodNotAllowed, true
	case errors.Is(err, storage.ErrNoSuchVersion):
		return s3xml.CodeNoSuchVersion, true
	case errors.Is(err, storage.ErrNoSuchKey):
		return s3xml.CodeNoSuchKey, true
	case errors.Is(err, storage.ErrNoSuchUpload):
		return s3xml.CodeNoSuchUpload, true
	case errors.Is(err, storage.ErrInvalidPart):
		return s3xml.CodeInvalidPart, true
	case errors.Is(err, storage.ErrInvalidPartOrder):
		return s3xml.CodeInvalidPartOrder, true
	case errors.Is(err, storage.ErrEntityTooSmall):
		return s3xml.CodeEntityTooSmall, true
	case errors.Is(err, storage.ErrBadDigest):
		return s3xml.CodeBadDigest, true
	case errors.Is(err, storage.ErrPreconditionFailed):
		return s3xml.CodePreconditionFailed, true
	case errors.Is(err, storage.ErrInvalidArgument):
		return s3xml.CodeInvalidArgument, true
	case errors.Is(err, storage.ErrInsufficientStorage):
		return s3xml.CodeInsufficientStorage, true
	}
	return "", false
}

// toError maps any handler error onto the S3 error it is answered with.
// Only failures that are not the client's fault become InternalError.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		e := &Error{Code: se.Code, Message: se.Message, Status: se.StatusCode, Err: err}
		if e.Status == 0 {
			e.Status = s3xml.ErrorStatus(se.Code)
		}
		if e.Message == "" {
			spec, _ := s3xml.LookupError(se.Code)
			e.Message = spec.Message
		}
		e.Detail.AccessKeyID = se.AccessKeyID
		e.Detail.StringToSign = se.StringToSign
		e.Detail.CanonicalRequest = se.CanonicalRequest
		e.Detail.SignatureProvided = se.SignatureProvided
		return e
	}
	if e := encryptionError(err); e != nil {
		return e
	}
	if code, ok := storageCode(err); ok {
		e := errCode(code)
		e.Err = err
		return e
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		e = errCode(s3xml.CodeEntityTooLarge)
	case errors.Is(err, io.ErrUnexpectedEOF):
		e = errCode(s3xml.CodeIncompleteBody)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		e = errCode(s3xml.CodeRequestTimeout)
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		// Out of descriptors is load, not damage: SDKs retry SlowDown
		// with backoff.
		e = errCode(s3xml.CodeSlowDown)
	default:
		e = errCode(s3xml.CodeInternalError)
	}
	e.Err = err
	return e
}
