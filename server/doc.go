// Package server is s3kit's S3 HTTP API: an http.Handler that speaks S3's
// REST protocol over a storage.Backend.
//
// The model is one pipeline per request:
//
//  1. route on the raw path (never http.ServeMux, which would clean "//"
//     and ".." out of keys), path style or virtual-host style
//     (BUCKET.Domain);
//  2. authenticate with sigv4.Verifier (header, presigned and streaming
//     forms) before anything else happens — anonymous requests get
//     AccessDenied — then authorise with the key's limits (read-only,
//     bucket list);
//  3. run one handler, which reads the payload only through
//     sigv4.Verified.Body so every claimed hash, chunk signature and
//     checksum is checked while storage streams it (storage aborts the
//     write on a read error, so nothing is committed);
//  4. hand the handler's (result, error) to one writer, which encodes the
//     XML from internal/s3xml, the status, x-amz-request-id and
//     x-amz-id-2, or the S3 error document with RequestId. Every request
//     gets a real status: one whose body ended early or whose client went
//     away is answered IncompleteBody or RequestTimeout, never net/http's
//     implicit 200, and a GET reads its content's first byte before it
//     sends 200.
//
// A request body may stall at most Config.BodyReadTimeout between reads
// and, past it, must average Config.BodyMinRate; Config.MaxRequests bounds the requests in flight (SlowDown past it), and
// the unread body of a refused request is never read: its connection is
// closed. Each refusal is one Info log line with the reason, the claimed
// access key ID and the remote address.
//
// Errors are *Error values carrying the S3 code; storage's sentinel errors
// and sigv4's verification errors are mapped in one place (toError), and
// only failures that are not the client's fault become InternalError.
//
// GET /-/health answers 200 without authentication once the server is
// constructed. With Config.Metrics, GET /-/metrics answers the server's
// metrics in Prometheus text format (signed unless Config.MetricsPublic);
// Config.AccessLog gets one line per request. Both come from one wrapper
// around the request (observe) that knows the operation's name from the
// router, and each Server has its own metrics registry. Keys come from a KeyStore; StaticKeys serves tests, and
// server/keys a file-backed store.
package server
