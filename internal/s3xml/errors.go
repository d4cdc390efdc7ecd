package s3xml

import (
	"encoding/xml"
	"net/http"
)

// Error is the body of every S3 error response (no namespace, as S3 sends
// it). Besides Code and Message, S3 adds fields that depend on the code;
// the ones clients act on are kept here.
type Error struct {
	XMLName xml.Name `xml:"Error"`
	Code    string   `xml:"Code"`
	Message string   `xml:"Message"`

	Resource   string `xml:"Resource,omitempty"`
	BucketName string `xml:"BucketName,omitempty"`
	Key        string `xml:"Key,omitempty"`
	UploadID   string `xml:"UploadId,omitempty"`
	// Condition names the failed precondition (PreconditionFailed).
	Condition string `xml:"Condition,omitempty"`
	// ActualObjectSize and RangeRequested accompany InvalidRange.
	ActualObjectSize string `xml:"ActualObjectSize,omitempty"`
	RangeRequested   string `xml:"RangeRequested,omitempty"`
	// ArgumentName and ArgumentValue accompany InvalidArgument.
	ArgumentName  string `xml:"ArgumentName,omitempty"`
	ArgumentValue string `xml:"ArgumentValue,omitempty"`
	// Region accompanies AuthorizationHeaderMalformed (the expected region).
	Region string `xml:"Region,omitempty"`
	// AccessKeyID accompanies InvalidAccessKeyId and SignatureDoesNotMatch.
	AccessKeyID string `xml:"AWSAccessKeyId,omitempty"`
	// The server's side of a SignatureDoesNotMatch, so a user can compare
	// it with what their client signed.
	StringToSign      string `xml:"StringToSign,omitempty"`
	CanonicalRequest  string `xml:"CanonicalRequest,omitempty"`
	SignatureProvided string `xml:"SignatureProvided,omitempty"`
	// RequestTime, ServerTime and MaxAllowedSkewMilliseconds accompany
	// RequestTimeTooSkewed.
	RequestTime                string `xml:"RequestTime,omitempty"`
	ServerTime                 string `xml:"ServerTime,omitempty"`
	MaxAllowedSkewMilliseconds string `xml:"MaxAllowedSkewMilliseconds,omitempty"`

	RequestID string `xml:"RequestId"`
	HostID    string `xml:"HostId,omitempty"`
}

// Error returns "Code: Message" on one line.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Error codes S3 returns, as they appear in Error.Code.
const (
	CodeAccessDenied                        = "AccessDenied"
	CodeInvalidEncryptionAlgorithmError     = "InvalidEncryptionAlgorithmError"
	CodeKMSNotFound                         = "KMS.NotFoundException"
	CodeAccessForbidden                     = "AccessForbidden"
	CodeAuthorizationHeaderMalformed        = "AuthorizationHeaderMalformed"
	CodeAuthorizationQueryParametersError   = "AuthorizationQueryParametersError"
	CodeAccessControlListNotSupported       = "AccessControlListNotSupported"
	CodeBadDigest                           = "BadDigest"
	CodeBadRequest                          = "BadRequest"
	CodeBucketAlreadyExists                 = "BucketAlreadyExists"
	CodeBucketAlreadyOwnedByYou             = "BucketAlreadyOwnedByYou"
	CodeBucketNotEmpty                      = "BucketNotEmpty"
	CodeConditionalRequestConflict          = "ConditionalRequestConflict"
	CodeEntityTooLarge                      = "EntityTooLarge"
	CodeEntityTooSmall                      = "EntityTooSmall"
	CodeExpiredToken                        = "ExpiredToken"
	CodeIllegalLocationConstraintException  = "IllegalLocationConstraintException"
	CodeIncompleteBody                      = "IncompleteBody"
	CodeIncorrectNumberOfFilesInPostRequest = "IncorrectNumberOfFilesInPostRequest"
	CodeInsufficientStorage                 = "InsufficientStorage"
	CodeInternalError                       = "InternalError"
	CodeInvalidAccessKeyID                  = "InvalidAccessKeyId"
	CodeInvalidArgument                     = "InvalidArgument"
	CodeInvalidBucketACLWithObjectOwnership = "InvalidBucketAclWithObjectOwnership"
	CodeInvalidBucketName                   = "InvalidBucketName"
	CodeInvalidDigest                       = "InvalidDigest"
	CodeInvalidLocationConstraint           = "InvalidLocationConstraint"
	CodeInvalidPart                         = "InvalidPart"
	CodeInvalidPolicyDocument               = "InvalidPolicyDocument"
	CodeInvalidPartOrder                    = "InvalidPartOrder"
	CodeInvalidPartNumber                   = "InvalidPartNumber"
	CodeInvalidRange                        = "InvalidRange"
	CodeInvalidRequest                      = "InvalidRequest"
	CodeInvalidStorageClass                 = "InvalidStorageClass"
	CodeInvalidTag                          = "InvalidTag"
	CodeInvalidToken                        = "InvalidToken"
	CodeInvalidURI                          = "InvalidURI"
	CodeKeyTooLongError                     = "KeyTooLongError"
	CodeMalformedPOSTRequest                = "MalformedPOSTRequest"
	CodeMalformedXML                        = "MalformedXML"
	CodeMalformedPolicy                     = "MalformedPolicy"
	CodeMaxPostPreDataLengthExceeded        = "MaxPostPreDataLengthExceededError"
	CodeMetadataTooLarge                    = "MetadataTooLarge"
	CodeMethodNotAllowed                    = "MethodNotAllowed"
	CodeMissingContentLength                = "MissingContentLength"
	CodeMissingRequestBodyError             = "MissingRequestBodyError"
	CodeNoSuchBucket                        = "NoSuchBucket"
	CodeNoSuchBucketPolicy                  = "NoSuchBucketPolicy"
	CodeNoSuchCORSConfiguration             = "NoSuchCORSConfiguration"
	CodeNoSuchKey                           = "NoSuchKey"
	CodeNoSuchLifecycleConfiguration        = "NoSuchLifecycleConfiguration"
	CodeNoSuchUpload                        = "NoSuchUpload"
	CodeNoSuchVersion                       = "NoSuchVersion"
	CodeNoSuchTagSet                        = "NoSuchTagSet"
	CodeNoSuchWebsiteConfiguration          = "NoSuchWebsiteConfiguration"
	CodeNotImplemented                      = "NotImplemented"
	CodeNotModified                         = "NotModified"
	CodeObjectLockConfigurationNotFound     = "ObjectLockConfigurationNotFoundError"
	CodeSSEConfigurationNotFound            = "ServerSideEncryptionConfigurationNotFoundError"
	CodePreconditionFailed                  = "PreconditionFailed"
	CodeReplicationConfigurationNotFound    = "ReplicationConfigurationNotFoundError"
	CodeRequestHeaderSectionTooLarge        = "RequestHeaderSectionTooLarge"
	CodeRequestTimeTooSkewed                = "RequestTimeTooSkewed"
	CodeRequestTimeout                      = "RequestTimeout"
	CodeServiceUnavailable                  = "ServiceUnavailable"
	CodeSignatureDoesNotMatch               = "SignatureDoesNotMatch"
	CodeSlowDown                            = "SlowDown"
	CodeTooManyBuckets                      = "TooManyBuckets"
	CodeXAmzContentSHA256Mismatch           = "XAmzContentSHA256Mismatch"
)

// ErrorSpec is one row of the error table.
type ErrorSpec struct {
	Code    string
	Status  int
	Message string
}

// LookupError returns the HTTP status and S3's default message for code;
// ok is false for codes not in the table.
func LookupError(code string) (spec ErrorSpec, ok bool) {
	status, msg := errorRow(code)
	if status == 0 {
		return ErrorSpec{Code: code}, false
	}
	return ErrorSpec{Code: code, Status: status, Message: msg}, true
}

// ErrorStatus returns the HTTP status S3 answers code with: the table's
// value, or 500 for codes not in it.
func ErrorStatus(code string) int {
	if s, ok := LookupError(code); ok {
		return s.Status
	}
	return http.StatusInternalServerError
}

// errorRow is the table, with S3's own default messages.
func errorRow(code string) (int, string) {
	switch code {
	case CodeAccessDenied:
		return 403, "Access Denied"
	case CodeAccessForbidden:
		// A CORS preflight no rule allows; S3's message, misspelling included.
		return 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
	case CodeIncorrectNumberOfFilesInPostRequest:
		return 400, "POST requires exactly one file upload per request."
	case CodeInvalidPolicyDocument:
		return 400, "The content of the form does not meet the conditions specified in the policy document."
	case CodeMalformedPOSTRequest:
		return 400, "The body of your POST request is not well-formed multipart/form-data."
	case CodeMaxPostPreDataLengthExceeded:
		return 400, "Your POST request fields preceding the upload file were too large."
	case CodeAuthorizationHeaderMalformed:
		return 400, "The authorization header is malformed."
	case CodeAuthorizationQueryParametersError:
		return 400, "Error parsing the query authentication parameters."
	case CodeBadDigest:
		return 400, "The Content-MD5 you specified did not match what we received."
	case CodeBadRequest:
		return 400, "Bad Request"
	case CodeBucketAlreadyExists:
		return 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."
	case CodeBucketAlreadyOwnedByYou:
		return 409, "Your previous request to create the named bucket succeeded and you already own it."
	case CodeBucketNotEmpty:
		return 409, "The bucket you tried to delete is not empty"
	case CodeConditionalRequestConflict:
		return 409, "A conflicting operation occurred. If using PutObject you can retry the request."
	case CodeEntityTooLarge:
		return 400, "Your proposed upload exceeds the maximum allowed object size."
	case CodeEntityTooSmall:
		return 400, "Your proposed upload is smaller than the minimum allowed object size."
	case CodeExpiredToken:
		return 400, "The provided token has expired."
	case CodeIllegalLocationConstraintException:
		return 400, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
	case CodeIncompleteBody:
		return 400, "You did not provide the number of bytes specified by the Content-Length HTTP header."
	case CodeInsufficientStorage:
		// S3 has no full-disk error. MinIO answers 507 XMinioStorageFull;
		// versitygw and SeaweedFS have no such case (their write fails as
		// InternalError). 507 (RFC 4918: the server cannot store what the
		// request needs) says what happened, and unlike 500 or 503 it is
		// not in botocore's or s3kit's retry lists, so a client stops at
		// once with this message instead of retrying into a full disk.
		return 507, "The server's disk is full: there is no room to store this request. Delete objects or free disk space on the server, then retry."
	case CodeInternalError:
		return 500, "We encountered an internal error. Please try again."
	case CodeInvalidAccessKeyID:
		return 403, "The AWS Access Key Id you provided does not exist in our records."
	case CodeInvalidArgument:
		return 400, "Invalid Argument"
	case CodeInvalidBucketName:
		return 400, "The specified bucket is not valid."
	case CodeInvalidDigest:
		return 400, "The Content-MD5 you specified is not valid."
	case CodeInvalidLocationConstraint:
		return 400, "The specified location-constraint is not valid"
	case CodeInvalidPart:
		return 400, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
	case CodeInvalidPartOrder:
		return 400, "The list of parts was not in ascending order. Parts must be ordered by part number."
	case CodeInvalidPartNumber:
		return 416, "The requested partnumber is not satisfiable"
	case CodeInvalidRange:
		return 416, "The requested range is not satisfiable"
	case CodeInvalidRequest:
		return 400, "Invalid Request"
	case CodeInvalidEncryptionAlgorithmError:
		return 400, "The encryption request you specified is not valid. The valid value is AES256."
	case CodeKMSNotFound:
		return 400, "Invalid keyId"
	case CodeInvalidTag:
		return 400, "The tag provided was not a valid tag."
	case CodeAccessControlListNotSupported:
		return 400, "The bucket does not allow ACLs"
	case CodeInvalidBucketACLWithObjectOwnership:
		return 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
	case CodeInvalidStorageClass:
		return 400, "The storage class you specified is not valid"
	case CodeInvalidToken:
		return 400, "The provided token is malformed or otherwise invalid."
	case CodeInvalidURI:
		return 400, "Couldn't parse the specified URI."
	case CodeKeyTooLongError:
		return 400, "Your key is too long"
	case CodeMalformedPolicy:
		return 400, "Policies must be valid JSON and the first byte must be '{'"
	case CodeMalformedXML:
		return 400, "The XML you provided was not well-formed or did not validate against our published schema"
	case CodeMetadataTooLarge:
		return 400, "Your metadata headers exceed the maximum allowed metadata size."
	case CodeMethodNotAllowed:
		return 405, "The specified method is not allowed against this resource."
	case CodeMissingContentLength:
		return 411, "You must provide the Content-Length HTTP header."
	case CodeMissingRequestBodyError:
		return 400, "Request Body is empty"
	case CodeNoSuchBucket:
		return 404, "The specified bucket does not exist"
	case CodeNoSuchKey:
		return 404, "The specified key does not exist."
	// The configuration errors carry the messages S3 sends, which differ
	// from the ones its error-code table lists.
	case CodeNoSuchBucketPolicy:
		return 404, "The bucket policy does not exist"
	case CodeNoSuchCORSConfiguration:
		return 404, "The CORS configuration does not exist"
	case CodeNoSuchLifecycleConfiguration:
		return 404, "The lifecycle configuration does not exist"
	case CodeNoSuchWebsiteConfiguration:
		return 404, "The specified bucket does not have a website configuration"
	case CodeReplicationConfigurationNotFound:
		return 404, "The replication configuration was not found"
	case CodeSSEConfigurationNotFound:
		return 404, "The server side encryption configuration was not found"
	case CodeObjectLockConfigurationNotFound:
		return 404, "Object Lock configuration does not exist for this bucket"
	case CodeNoSuchUpload:
		return 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
	case CodeNoSuchVersion:
		return 404, "The specified version does not exist."
	case CodeNoSuchTagSet:
		return 404, "The TagSet does not exist"
	case CodeNotImplemented:
		return 501, "A header you provided implies functionality that is not implemented"
	case CodeNotModified:
		return 304, "Not Modified"
	case CodePreconditionFailed:
		return 412, "At least one of the pre-conditions you specified did not hold"
	case CodeRequestHeaderSectionTooLarge:
		return 400, "Your request header section exceeds the maximum allowed size."
	case CodeRequestTimeTooSkewed:
		return 403, "The difference between the request time and the current time is too large."
	case CodeRequestTimeout:
		return 400, "Your socket connection to the server was not read from or written to within the timeout period."
	case CodeServiceUnavailable:
		return 503, "Please reduce your request rate."
	case CodeSignatureDoesNotMatch:
		return 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	case CodeSlowDown:
		return 503, "Please reduce your request rate."
	case CodeTooManyBuckets:
		return 400, "You have attempted to create more buckets than allowed"
	case CodeXAmzContentSHA256Mismatch:
		return 400, "The provided 'x-amz-content-sha256' header does not match what was computed."
	}
	return 0, ""
}
