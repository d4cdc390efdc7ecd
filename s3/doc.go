// Package s3 is an S3 client modelled on boto3: a Session resolves
// configuration exactly as boto3.Session does (through package
// credentials: profiles, environment, shared files, endpoint_url,
// AWS_ENDPOINT_URL(_S3), the s3 settings block, retry and checksum
// settings), and Session.Client returns a *Client with one method per S3
// operation.
//
// # API shape
//
// The package keeps a few rules, so that any call can be guessed from its
// operation's name in the S3 API reference:
//
//   - Every S3 operation is a method Op(ctx, *OpInput) (*OpOutput, error),
//     named as in the S3 API and botocore (ListObjects is the original V1
//     listing, ListObjectsV2 its successor). On success the output is never
//     nil; an operation S3 answers with nothing returns an empty output
//     struct, so fields can be added later without changing the signature.
//   - A paginated operation ListX has two iterators beside it: ListXPages
//     yields each *ListXOutput page, AllX yields the entries across pages
//     (ListObjectsV2Pages and AllObjectsV2, ListObjectsPages and
//     AllObjects, ListObjectVersionsPages and AllObjectVersions,
//     ListPartsPages and AllParts, ListMultipartUploadsPages and
//     AllMultipartUploads). Both fetch a page only when the loop asks for
//     it, so listing millions of keys takes constant memory; after an error
//     the iteration stops. ListBuckets answers in one response.
//   - A presigning method PresignOp(ctx, *OpInput, expires) takes the
//     operation's own input and returns a *PresignedRequest; a field a URL
//     cannot carry (a header, a body) is refused, not dropped.
//     PresignPostObject(ctx, *PresignPostInput, expires) is the browser
//     form's counterpart: it returns the URL and form fields of a
//     presigned POST, as boto3's generate_presigned_post does.
//   - Configuration comes in two scopes: SessionOption for NewSession (what
//     is loaded and resolved once: profile, environment, keys, region, HTTP
//     client, clock) and ClientOption for Session.Client (endpoint,
//     addressing, provider row, retries, checksums, anonymous access,
//     logging), as boto3 splits boto3.Session(...) from session.client(...).
//   - Failures are typed errors (see below), never a bool or a status code.
//
// Package transfer's Client interface is declared in these types, so a
// *Client is passed to transfer.New as it is.
//
// Request bodies are io.Readers: a body that is also an io.Seeker is
// hashed, rewound and retried; any other reader is streamed once and never
// retried (a consumed stream cannot be replayed). GetObject returns as soon
// as headers arrive and streams the body.
//
// Failures are *Error values for S3 error responses (Code, Message,
// StatusCode, RequestID, HostID, Bucket, Key, Op) and *OpError for
// everything else (transport, credentials, cancelled contexts). Test codes
// with errors.Is(err, s3.NoSuchKey) or read fields with errors.As. Error()
// is one line and never contains XML. HEAD responses have no body, so their
// 404 is code NotFound (botocore says "404"); errors.Is still matches
// NoSuchKey for HeadObject and NoSuchBucket for HeadBucket, and IsNotFound
// matches any 404.
//
// Retries follow botocore: max_attempts counts the first try (legacy mode
// 5, standard and adaptive 3); throttling codes (SlowDown, ...), 500, 502,
// 503, 504, request timeouts and connection resets are retried after a
// full-jitter exponential backoff (random fraction of 2^n seconds, capped
// at 20 s); adaptive mode also slows the client's send rate after a
// throttle.
//
// # Endpoints and quirks
//
// A request answered with the bucket's real region (x-amz-bucket-region on
// a 301/307/400/403, or AuthorizationHeaderMalformed's <Region>) is
// re-signed for that region once and the region remembered for the bucket,
// as botocore's S3RegionRedirector does; on AWS the request also moves to
// that region's endpoint.
//
// Without an endpoint the client talks to AWS in virtual-hosted style
// (bucket.s3.region.amazonaws.com). With one, "auto" addressing means path
// style, as botocore does for custom endpoints. What a server supports —
// aws-chunked uploads with checksum trailers, x-amz-checksum-* headers,
// signed chunks — is data: one row per provider in Providers (AWS, s3kit,
// MinIO, SeaweedFS, Ceph, Garage, moto, and a conservative "unknown" row
// for custom endpoints). Pick a row with WithProvider or the profile's
// s3.s3kit_provider; otherwise a custom endpoint starts on the "unknown" row
// and moves to the s3kit row once a response carries s3kit's
// X-S3kit-Integrity header. Server headers are never trusted: other servers
// imitate them.
//
// # Checksums
//
// Every upload carries a check the server verifies. To AWS and s3kit
// (Quirks.Verifies), with request_checksum_calculation=when_supported (the
// default), that is a CRC32: in a trailer after an aws-chunked body over
// https or for a stream, in an x-amz-checksum-crc32 header for a seekable
// body over http (botocore's choices). Every other server gets a plain body
// with Content-MD5, and the ETag of each PutObject and UploadPart response
// is compared with that MD5 (not under SSE-KMS or SSE-C, whose ETags are not
// MD5s); a returned CRC32 is compared with the one sent. A mismatch is an
// *IntegrityError. Downloads of whole objects ask for the stored checksum
// (x-amz-checksum-mode: ENABLED) and verify it at EOF; a mismatch is a
// *ChecksumError from Read.
//
// The client never prints; pass WithLogger for debug records.
package s3
