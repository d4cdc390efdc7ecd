// Package sigv4 implements AWS Signature Version 4 for both sides of the wire:
// signing requests (Authorization header, presigned URLs, aws-chunked
// streaming payloads with trailing checksums) and verifying them in a server.
// Both sides share one canonicalisation, so what the client signs is exactly
// what the server recomputes. Time is always an argument; there is no clock
// inside. The package imports only the standard library.
//
// # Model
//
// Signing builds one canonical request (method, canonical URI, sorted
// canonical query, sorted lower-case headers, signed-header list, payload
// hash), hashes it into a string to sign, and signs that with a key derived
// from the secret, day, region and service (cached by Signer). Service "s3"
// follows S3's rules: the object key is taken literally (no "."/".."
// removal, "//" kept) and encoded once. Other services use the generic
// rules: the wire path is normalised and encoded a second time.
//
// Verifier.Verify runs the same canonicalisation over what the server
// received (for S3 the path as it came over the wire, each escape decoded
// and re-encoded once, so an encoded slash stays part of the key), checks
// time and signed-header coverage before any crypto, and compares
// signatures in constant time. The payload is checked as
// Verified.Body is read: a hex X-Amz-Content-Sha256, Content-MD5 and
// x-amz-checksum-* headers at EOF; for aws-chunked bodies every chunk
// signature before that chunk's bytes are released, then the trailer, its
// signature and its checksum. Memory stays bounded by one chunk.
//
// Where real clients disagree, Verify accepts each of them: botocore folds
// tabs inside header values into spaces, aws-sdk-go-v2 does not (Verify
// tries the second spelling only when a signed value holds a tab); minio-go
// ends a signed trailer with "\n\r\n". Signing follows botocore.
//
// Error codes follow S3: a wrong x-amz-checksum-* value or Content-MD5 is
// BadDigest ("The CRC32 you specified did not match the calculated
// checksum", as S3 answers), a wrong hex payload hash is
// XAmzContentSHA256Mismatch, a malformed checksum header is InvalidRequest.
package sigv4
