package sigv4

import (
	"context"
	"errors"
	"io"
	"time"
)

// Payload hash values with a special meaning in X-Amz-Content-Sha256.
const (
	Algorithm                       = "AWS4-HMAC-SHA256"
	UnsignedPayload                 = "UNSIGNED-PAYLOAD"
	StreamingPayload                = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrailer         = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	// EmptyPayloadHash is the hex SHA-256 of no bytes.
	EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// Credentials are the keys a request is signed with.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// SignInput is everything that determines a signature besides the request.
type SignInput struct {
	Credentials Credentials
	Service     string // "s3" selects S3's rules: no path normalisation, encode once
	Region      string
	Time        time.Time
	// PayloadHash is the hex SHA-256 of the body or one of the constants
	// above. For service "s3" it is also sent as X-Amz-Content-Sha256.
	// Empty means an empty body for Sign and UNSIGNED-PAYLOAD for an s3
	// Presign; SignStreaming sets it itself.
	PayloadHash string
	// DisablePathNormalization keeps "." and ".." segments and "//" in the
	// path for non-S3 services that, like S3, take paths literally. (S3
	// never normalises, whatever this says.)
	DisablePathNormalization bool
}

// Signer signs requests. It caches derived signing keys per (secret, day,
// region, service) and is safe for concurrent use; the zero value is
// ready to use. Keep one per client: the cache is what makes signing cheap.
type Signer struct{ cache keyCache }

// NewSigner returns a Signer.
func NewSigner() *Signer { return &Signer{} }

// ChunkedOptions selects the aws-chunked variant a streaming body uses.
type ChunkedOptions struct {
	// ChunkSize is the decoded size of each chunk but the last (default 64 KiB).
	ChunkSize int
	// Signed selects chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]);
	// false is STREAMING-UNSIGNED-PAYLOAD-TRAILER.
	Signed bool
	// Trailer, when set, appends x-amz-checksum-<alg> computed over the
	// decoded bytes as a trailing header (signed when Signed).
	Trailer ChecksumAlgorithm
}

// ChunkedBody describes how to send a streaming body.
type ChunkedBody struct {
	// Body yields the aws-chunked encoding of the decoded body.
	Body io.Reader
	// ContentLength is the encoded length, or -1 when the decoded length
	// was unknown.
	ContentLength int64
}

// Checksum algorithms S3 supports, spelled as in x-amz-checksum-algorithm.
type ChecksumAlgorithm string

// The checksum algorithms.
const (
	CRC32     ChecksumAlgorithm = "CRC32"
	CRC32C    ChecksumAlgorithm = "CRC32C"
	CRC64NVME ChecksumAlgorithm = "CRC64NVME"
	SHA1      ChecksumAlgorithm = "SHA1"
	SHA256    ChecksumAlgorithm = "SHA256"
)

// SecretLookup returns the secret for an access key ID. It returns an error
// wrapping ErrUnknownAccessKey when the key does not exist.
type SecretLookup func(ctx context.Context, accessKeyID string) (secret string, err error)

// ErrUnknownAccessKey is returned (wrapped) by a SecretLookup for keys it does not know.
var ErrUnknownAccessKey = errors.New("unknown access key")

// Verifier checks signed requests in a server. It is safe for concurrent
// use; make one per server and keep it (it caches derived signing keys),
// and do not copy it after first use.
type Verifier struct {
	Lookup  SecretLookup
	Now     func() time.Time
	MaxSkew time.Duration // default 15 min
	// Service, when set, is the only service a credential scope may name
	// ("s3" for an S3 server): a signature made for another service is
	// refused as a malformed authorization, as AWS does.
	Service string

	// keys caches the signing keys Verify derives: a server sees the same
	// few (secret, day, region, service) over and over. It is bounded, and
	// only a request naming a known access key reaches it.
	keys keyCache
}

// Verified is a request whose signature checked out.
type Verified struct {
	// AccessKeyID is the key that signed; "" when Anonymous.
	AccessKeyID string
	// Anonymous is true when the request carried no authentication at all.
	Anonymous bool
	// Presigned is true for query-string authentication.
	Presigned bool
	// Region is the region named in the credential scope.
	Region string
	// SessionToken is the X-Amz-Security-Token the request carried (signed),
	// for a caller that issues temporary credentials to check.
	SessionToken string
	// Body is the decoded payload. Reading it checks everything the request
	// claims about its payload (X-Amz-Content-Sha256, chunk signatures,
	// x-amz-checksum-* headers or trailer); on a mismatch Read returns an
	// *Error and the caller must commit nothing.
	Body io.Reader
	// DecodedContentLength is the payload length (-1 when unknown).
	DecodedContentLength int64
}

// Error is a verification failure carrying the S3 error code a client
// expects. For SignatureDoesNotMatch it also carries what the server
// computed, as AWS does, so users can diff it against their own.
type Error struct {
	Code       string // e.g. "SignatureDoesNotMatch"
	Message    string
	StatusCode int
	// Set for SignatureDoesNotMatch.
	AccessKeyID       string
	StringToSign      string
	CanonicalRequest  string
	SignatureProvided string
}

// Error returns "Code: message" on one line; it never includes the secret
// or the canonical request.
func (e *Error) Error() string { return e.Code + ": " + e.Message }
