package s3

import (
	"log/slog"
	"net/http"
	"time"
)

// SessionOption configures NewSession: what the session loads (profile,
// environment, home directory) and what it resolves once for every client
// made from it (keys, region, the HTTP client, the clock). These are the
// arguments of boto3.Session(...).
type SessionOption func(*sessionOptions)

// ClientOption configures one client made by Session.Client: where it
// sends requests (endpoint, addressing, provider row) and how (retries,
// checksums, signing, logging). These are the arguments of boto3's
// session.client("s3", ...) and its botocore Config.
type ClientOption func(*clientOptions)

type sessionOptions struct {
	profile                  string
	accessKey, secret, token string
	region                   string
	httpClient               *http.Client
	lookupEnv                func(string) (string, bool)
	home                     string
	now                      func() time.Time
}

type clientOptions struct {
	endpointURL             string
	logger                  *slog.Logger
	addressingStyle         string
	provider                string
	maxAttempts             int
	retryMode               string
	backoffBase, backoffMax time.Duration
	backoffSet              bool
	requestChecksum         string
	responseChecksum        string
	anonymous               bool
}

// WithProfile selects a named profile from the shared config and
// credentials files, like boto3.Session(profile_name=...).
func WithProfile(name string) SessionOption {
	return func(o *sessionOptions) { o.profile = name }
}

// WithCredentials uses explicit keys, like boto3.Session(aws_access_key_id=...,
// aws_secret_access_key=..., aws_session_token=...). token may be empty.
func WithCredentials(accessKeyID, secretAccessKey, sessionToken string) SessionOption {
	return func(o *sessionOptions) {
		o.accessKey, o.secret, o.token = accessKeyID, secretAccessKey, sessionToken
	}
}

// WithRegion sets the region, overriding AWS_REGION and the profile, like
// boto3.Session(region_name=...).
func WithRegion(region string) SessionOption {
	return func(o *sessionOptions) { o.region = region }
}

// WithHTTPClient sets the HTTP client used for S3 requests by every client
// of the session and for credential providers that make HTTP calls.
// Without it the session makes one connection pool for all its clients.
func WithHTTPClient(c *http.Client) SessionOption {
	return func(o *sessionOptions) { o.httpClient = c }
}

// WithEnv replaces the process environment and home directory used for
// resolution, so tests can run in parallel with a temporary HOME.
// lookupEnv has os.LookupEnv's signature.
func WithEnv(lookupEnv func(string) (string, bool), home string) SessionOption {
	return func(o *sessionOptions) { o.lookupEnv, o.home = lookupEnv, home }
}

// WithClock sets the clock used to sign requests and to judge credential
// expiry (tests use a fixed one).
func WithClock(now func() time.Time) SessionOption {
	return func(o *sessionOptions) { o.now = now }
}

// WithEndpointURL sets the S3 endpoint (e.g. "http://127.0.0.1:9000"),
// overriding AWS_ENDPOINT_URL(_S3) and the profile's endpoint_url, like
// session.client("s3", endpoint_url=...).
func WithEndpointURL(url string) ClientOption {
	return func(o *clientOptions) { o.endpointURL = url }
}

// WithAnonymous sends unsigned requests (public buckets), like botocore's
// signature_version=UNSIGNED. The session's credentials are not used.
func WithAnonymous() ClientOption { return func(o *clientOptions) { o.anonymous = true } }

// WithLogger sets a logger for request-level debug records (operation,
// status, attempt, duration; never credentials or signatures). The client
// never prints; without a logger it is silent.
func WithLogger(l *slog.Logger) ClientOption { return func(o *clientOptions) { o.logger = l } }

// WithAddressingStyle sets botocore's s3.addressing_style: "auto" (the
// default: virtual hosts for AWS, path style for custom endpoints),
// "virtual" or "path".
func WithAddressingStyle(style string) ClientOption {
	return func(o *clientOptions) { o.addressingStyle = style }
}

// WithProvider names the endpoint's implementation ("minio", "ceph", ...)
// so the client uses that row of the quirks table (see Providers). Without
// it the row comes from the profile's s3 block key "s3kit_provider" (an
// s3kit extension botocore ignores), else from the endpoint host; other
// custom endpoints get the conservative "unknown" row.
func WithProvider(name string) ClientOption {
	return func(o *clientOptions) { o.provider = name }
}

// WithRetry sets botocore's max_attempts (total attempts, including the
// first) and retry_mode ("legacy", "standard" or "adaptive"). Zero values
// keep the configured or default ones.
func WithRetry(maxAttempts int, mode string) ClientOption {
	return func(o *clientOptions) { o.maxAttempts, o.retryMode = maxAttempts, mode }
}

// WithBackoff sets the base and cap of the exponential retry delay (default
// 1 s and 20 s, as botocore). Each delay is a uniformly random fraction of
// min(max, base·2^(attempt-1)) ("full jitter").
func WithBackoff(base, max time.Duration) ClientOption {
	return func(o *clientOptions) { o.backoffBase, o.backoffMax, o.backoffSet = base, max, true }
}

// WithChecksums sets botocore's request_checksum_calculation and
// response_checksum_validation: "when_supported" (default) or
// "when_required".
func WithChecksums(request, response string) ClientOption {
	return func(o *clientOptions) { o.requestChecksum, o.responseChecksum = request, response }
}

// Checksum policy values (botocore's request_checksum_calculation and
// response_checksum_validation).
const (
	WhenSupported = "when_supported"
	WhenRequired  = "when_required"
)
