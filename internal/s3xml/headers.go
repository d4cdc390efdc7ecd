package s3xml

import "net/url"

// Header names S3 defines, in Go's canonical form (http.Header.Get accepts
// any case).
const (
	HeaderRequestID                 = "X-Amz-Request-Id"
	HeaderID2                       = "X-Amz-Id-2"
	HeaderBucketRegion              = "X-Amz-Bucket-Region"
	HeaderMetaPrefix                = "X-Amz-Meta-"
	HeaderChecksumPrefix            = "X-Amz-Checksum-"
	HeaderChecksumMode              = "X-Amz-Checksum-Mode"
	HeaderChecksumAlgorithm         = "X-Amz-Checksum-Algorithm"
	HeaderChecksumType              = "X-Amz-Checksum-Type"
	HeaderSDKChecksumAlgorithm      = "X-Amz-Sdk-Checksum-Algorithm"
	HeaderCopySource                = "X-Amz-Copy-Source"
	HeaderCopySourceRange           = "X-Amz-Copy-Source-Range"
	HeaderCopySourceIfMatch         = "X-Amz-Copy-Source-If-Match"
	HeaderCopySourceIfNoneMatch     = "X-Amz-Copy-Source-If-None-Match"
	HeaderCopySourceIfModifiedSince = "X-Amz-Copy-Source-If-Modified-Since"
	HeaderCopySourceIfUnmodified    = "X-Amz-Copy-Source-If-Unmodified-Since"
	HeaderMetadataDirective         = "X-Amz-Metadata-Directive"
	HeaderTagging                   = "X-Amz-Tagging"
	HeaderTaggingCount              = "X-Amz-Tagging-Count"
	HeaderTaggingDirective          = "X-Amz-Tagging-Directive"
	HeaderStorageClass              = "X-Amz-Storage-Class"
	HeaderMPPartsCount              = "X-Amz-Mp-Parts-Count"
	HeaderVersionID                 = "X-Amz-Version-Id"
	HeaderDeleteMarker              = "X-Amz-Delete-Marker"
	HeaderCopySourceVersionID       = "X-Amz-Copy-Source-Version-Id"
	HeaderContentSHA256             = "X-Amz-Content-Sha256"
	HeaderDecodedContentLength      = "X-Amz-Decoded-Content-Length"
	HeaderTrailer                   = "X-Amz-Trailer"
	HeaderDate                      = "X-Amz-Date"
	HeaderSecurityToken             = "X-Amz-Security-Token"
	HeaderExpectedBucketOwner       = "X-Amz-Expected-Bucket-Owner"
	HeaderSSE                       = "X-Amz-Server-Side-Encryption"
	HeaderSSEKMSKeyID               = "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"
	HeaderSSEContext                = "X-Amz-Server-Side-Encryption-Context"
	HeaderSSEBucketKeyEnabled       = "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"
	HeaderSSECAlgorithm             = "X-Amz-Server-Side-Encryption-Customer-Algorithm"
	HeaderSSECKey                   = "X-Amz-Server-Side-Encryption-Customer-Key"
	HeaderSSECKeyMD5                = "X-Amz-Server-Side-Encryption-Customer-Key-Md5"
	HeaderCopySourceSSECAlgorithm   = "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm"
	HeaderCopySourceSSECKey         = "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key"
	HeaderCopySourceSSECKeyMD5      = "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key-Md5"
)

// HeaderIntegrity is set by s3kit's server on every response, with the
// value IntegrityVerified: a promise that it decodes aws-chunked bodies and
// rejects any upload whose Content-MD5, x-amz-checksum-* header or trailer
// or signed payload hash does not match the bytes. s3kit's client relies on
// it (and on the AWS hostname) instead of the Server header, which other
// servers imitate.
const (
	HeaderIntegrity   = "X-S3kit-Integrity"
	IntegrityVerified = "verified"
)

// Metadata directives for CopyObject (HeaderMetadataDirective).
const (
	MetadataDirectiveCopy    = "COPY"
	MetadataDirectiveReplace = "REPLACE"
)

// ChecksumModeEnabled is the HeaderChecksumMode value that asks GET/HEAD to
// return stored checksums.
const ChecksumModeEnabled = "ENABLED"

// StorageClassStandard is the only storage class s3kit stores.
const StorageClassStandard = "STANDARD"

// EncodingTypeURL is the encoding-type value that makes listings
// URL-encode keys, prefixes, delimiters and markers.
const EncodingTypeURL = "url"

// EncodeURL encodes a key (or prefix, delimiter, marker) the way S3's
// listings do for encoding-type=url: every byte but the unreserved
// characters and "/" as %XX, a space as %20 (so "a b/c+d" is
// "a%20b/c%2Bd"). botocore decodes such values with
// urllib.parse.unquote_plus, which this encoding round-trips with since it
// never leaves a raw "+".
func EncodeURL(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !keepUnencoded(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; keepUnencoded(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return string(b)
}

// keepUnencoded reports whether EncodeURL leaves c as it is.
func keepUnencoded(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' || c == '/'
}

// DecodeURL reverses EncodeURL (and S3's own encoding).
func DecodeURL(s string) (string, error) { return url.QueryUnescape(s) }
