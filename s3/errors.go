package s3

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Code is an S3 error code such as "NoSuchKey". A Code is itself an error so
// that callers can match with errors.Is:
//
//	if errors.Is(err, s3.NoSuchKey) { ... }
//
// Matching compares the Code of an *Error in the chain. NotFound also
// matches any *Error with HTTP status 404, whatever its code, because S3
// answers HEAD requests without a body and implementations differ in which
// 404 code they use.
type Code string

// Error returns the code itself.
func (c Code) Error() string { return string(c) }

// Error codes callers commonly test for. Any other code can be matched by
// converting it: errors.Is(err, s3.Code("InvalidArgument")).
const (
	NoSuchKey           Code = "NoSuchKey"
	NoSuchBucket        Code = "NoSuchBucket"
	NoSuchUpload        Code = "NoSuchUpload"
	NoSuchVersion       Code = "NoSuchVersion"
	NotFound            Code = "NotFound"
	NotModified         Code = "NotModified"
	PreconditionFailed  Code = "PreconditionFailed"
	AccessDenied        Code = "AccessDenied"
	BucketAlreadyExists Code = "BucketAlreadyExists"
	BucketAlreadyOwned  Code = "BucketAlreadyOwnedByYou"
	BucketNotEmpty      Code = "BucketNotEmpty"
	InvalidRange        Code = "InvalidRange"
	SlowDown            Code = "SlowDown"
	SignatureMismatch   Code = "SignatureDoesNotMatch"
	InvalidAccessKeyID  Code = "InvalidAccessKeyId"
	BadDigest           Code = "BadDigest"
	InvalidPart         Code = "InvalidPart"
	EntityTooSmall      Code = "EntityTooSmall"
	NoSuchBucketPolicy  Code = "NoSuchBucketPolicy"
	MalformedPolicy     Code = "MalformedPolicy"
	// NoSuchEncryptionConfiguration is GetBucketEncryption's answer for a
	// bucket without default encryption.
	NoSuchEncryptionConfiguration Code = "ServerSideEncryptionConfigurationNotFoundError"
)

// Error is an error response from an S3 endpoint. Use errors.As to read its
// fields, or errors.Is with a Code to test the code.
type Error struct {
	// Code is the S3 error code. For responses without a body (HEAD
	// requests, some proxies) it is derived from the status as botocore
	// does for its error code: "NotFound" for 404, "NotModified" for 304,
	// "PreconditionFailed" for 412, otherwise the status text without spaces
	// (e.g. "Forbidden", "BadRequest").
	Code       string
	Message    string
	StatusCode int
	RequestID  string
	HostID     string
	// Bucket and Key name the target of the failed call; empty when the
	// operation has none.
	Bucket string
	Key    string
	// Op is the S3 operation name, as in the API reference ("GetObject").
	Op string

	bucketRegion string // region hint for redirects (header or <Region>)
}

// Error returns a single line: operation, target, code, message, status and
// request id. It never contains XML.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("s3: ")
	b.WriteString(e.Op)
	if t := target(e.Bucket, e.Key); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	b.WriteString(": ")
	b.WriteString(oneLine(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message))
	}
	fmt.Fprintf(&b, " (status %d", e.StatusCode)
	if e.RequestID != "" {
		b.WriteString(", request id ")
		b.WriteString(oneLine(e.RequestID))
	}
	b.WriteString(")")
	return b.String()
}

// Is reports whether target is a Code equal to e.Code. NotFound also
// matches any 404, and the bodiless 404 of HeadObject (HeadBucket) also
// matches NoSuchKey (NoSuchBucket).
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	if !ok {
		return false
	}
	if c == NotFound && e.StatusCode == http.StatusNotFound {
		return true
	}
	if e.Code == string(NotFound) && e.StatusCode == http.StatusNotFound {
		// A bodiless 404 to HEAD: HeadObject's model names NoSuchKey,
		// HeadBucket's NoSuchBucket, so match the code a caller expects.
		switch {
		case c == NoSuchKey && e.Op == "HeadObject", c == NoSuchBucket && e.Op == "HeadBucket":
			return true
		}
	}
	return e.Code == string(c)
}

// IsNotFound reports whether err says that the bucket, key, version or
// upload does not exist (any S3 404).
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound
}

// ChecksumError reports that a downloaded body did not match the checksum
// the server sent with it. It is returned by Read on the body, at its end.
type ChecksumError struct {
	Bucket, Key string
	Algorithm   string // e.g. "CRC32"
	Expected    string // base64, as sent by the server
	Actual      string // base64, as computed over the received bytes
}

// Error names the object, the algorithm and both values on one line.
func (e *ChecksumError) Error() string {
	return fmt.Sprintf("s3: %s: %s checksum mismatch: server sent %s, received bytes hash to %s",
		target(e.Bucket, e.Key), e.Algorithm, e.Expected, e.Actual)
}

// OpError wraps a failure that is not an S3 error response: a transport
// error, a cancelled context, a malformed response, a credentials failure.
type OpError struct {
	Op          string
	Bucket, Key string
	Err         error
}

// Error returns "s3: Op s3://bucket/key: cause" on one line.
func (e *OpError) Error() string {
	t := target(e.Bucket, e.Key)
	if t != "" {
		t = " " + t
	}
	return "s3: " + e.Op + t + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *OpError) Unwrap() error { return e.Err }

func target(bucket, key string) string {
	switch {
	case bucket == "":
		return ""
	case key == "":
		return "s3://" + bucket
	default:
		return "s3://" + bucket + "/" + key
	}
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// newResponseError builds an *Error from a failed response, reading (and
// not closing) at most maxErrorBody bytes of its body.
func newResponseError(op, bucket, key string, resp *http.Response) *Error {
	e := &Error{
		Op: op, Bucket: bucket, Key: key,
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get(s3xml.HeaderRequestID),
		HostID:     resp.Header.Get(s3xml.HeaderID2),
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Amzn-Requestid")
	}
	e.bucketRegion = resp.Header.Get(s3xml.HeaderBucketRegion)
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	}
	var eb s3xml.Error
	if len(body) > 0 && xml.Unmarshal(body, &eb) == nil && eb.Code != "" {
		e.Code, e.Message = eb.Code, eb.Message
		if eb.RequestID != "" {
			e.RequestID = eb.RequestID
		}
		if eb.HostID != "" {
			e.HostID = eb.HostID
		}
		if e.bucketRegion == "" && eb.Code == s3xml.CodeAuthorizationHeaderMalformed {
			e.bucketRegion = eb.Region
		}
		return e
	}
	e.Code = codeForStatus(resp.StatusCode)
	e.Message = http.StatusText(resp.StatusCode)
	return e
}

// codeForStatus names a bodiless error response. botocore uses the bare
// status number ("404") as the code; we use the names the S3 API model gives
// those responses (HeadObject/HeadBucket declare "NotFound"), which read
// better and which errors.Is can match.
func codeForStatus(status int) string {
	switch status {
	case http.StatusNotFound:
		return string(NotFound)
	case http.StatusNotModified:
		return string(NotModified)
	case http.StatusPreconditionFailed:
		return string(PreconditionFailed)
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	}
	if t := http.StatusText(status); t != "" {
		return strings.ReplaceAll(t, " ", "")
	}
	return fmt.Sprintf("Status%d", status)
}
