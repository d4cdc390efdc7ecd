package s3

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Session (NewSession) or a Client (Session.Client).
// Options given to Client override the session's, as arguments to boto3's
// session.client() override the session's configuration.
type Option func(*options)

type options struct {
	profile                  string
	accessKey, secret, token string
	region                   string
	endpointURL              string
	httpClient               *http.Client
	lookupEnv                func(string) (string, bool)
	home                     string
	logger                   *slog.Logger
	addressingStyle          string
	provider                 string
	maxAttempts              int
	retryMode                string
	backoffBase, backoffMax  time.Duration
	backoffSet               bool
	requestChecksum          string
	responseChecksum         string
	now                      func() time.Time
	anonymous                bool
}

// WithProfile selects a named profile from the shared config and
// credentials files, like boto3.Session(profile_name=...).
func WithProfile(name string) Option { return func(o *options) { o.profile = name } }

// WithCredentials uses explicit keys, like boto3.Session(aws_access_key_id=...,
// aws_secret_access_key=..., aws_session_token=...). token may be empty.
func WithCredentials(accessKeyID, secretAccessKey, sessionToken string) Option {
	return func(o *options) { o.accessKey, o.secret, o.token = accessKeyID, secretAccessKey, sessionToken }
}

// WithAnonymous sends unsigned requests (public buckets), like botocore's
// signature_version=UNSIGNED. No credentials are resolved.
func WithAnonymous() Option { return func(o *options) { o.anonymous = true } }

// WithRegion sets the region, overriding AWS_REGION and the profile.
func WithRegion(region string) Option { return func(o *options) { o.region = region } }

// WithEndpointURL sets the S3 endpoint (e.g. "http://127.0.0.1:9000"),
// overriding AWS_ENDPOINT_URL(_S3) and the profile's endpoint_url.
func WithEndpointURL(url string) Option { return func(o *options) { o.endpointURL = url } }

// WithHTTPClient sets the HTTP client used for S3 requests and for
// credential providers that make HTTP calls.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithEnv replaces the process environment and home directory used for
// resolution, so tests can run in parallel with a temporary HOME.
// lookupEnv has os.LookupEnv's signature.
func WithEnv(lookupEnv func(string) (string, bool), home string) Option {
	return func(o *options) { o.lookupEnv, o.home = lookupEnv, home }
}

// WithLogger sets a logger for request-level debug records (operation,
// status, attempt, duration; never credentials or signatures). The client
// never prints; without a logger it is silent.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithAddressingStyle sets botocore's s3.addressing_style: "auto" (the
// default: virtual hosts for AWS, path style for custom endpoints),
// "virtual" or "path".
func WithAddressingStyle(style string) Option {
	return func(o *options) { o.addressingStyle = style }
}

// WithProvider names the endpoint's implementation ("minio", "ceph", ...)
// so the client uses that row of the quirks table (see Providers). Without
// it the row comes from the profile's s3 block key "s3kit_provider" (an
// s3kit extension botocore ignores), else from the endpoint host; other
// custom endpoints get the conservative "unknown" row.
func WithProvider(name string) Option { return func(o *options) { o.provider = name } }

// WithRetry sets botocore's max_attempts (total attempts, including the
// first) and retry_mode ("legacy", "standard" or "adaptive"). Zero values
// keep the configured or default ones.
func WithRetry(maxAttempts int, mode string) Option {
	return func(o *options) { o.maxAttempts, o.retryMode = maxAttempts, mode }
}

// WithBackoff sets the base and cap of the exponential retry delay (default
// 1 s and 20 s, as botocore). Each delay is a uniformly random fraction of
// min(max, base·2^(attempt-1)) ("full jitter").
func WithBackoff(base, max time.Duration) Option {
	return func(o *options) { o.backoffBase, o.backoffMax, o.backoffSet = base, max, true }
}

// WithChecksums sets botocore's request_checksum_calculation and
// response_checksum_validation: "when_supported" (default) or
// "when_required".
func WithChecksums(request, response string) Option {
	return func(o *options) { o.requestChecksum, o.responseChecksum = request, response }
}

// WithClock sets the clock used to sign requests (tests use a fixed one).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Checksum policy values (botocore's request_checksum_calculation and
// response_checksum_validation).
const (
	WhenSupported = "when_supported"
	WhenRequired  = "when_required"
)

func (o *options) apply(opts []Option) {
	for _, f := range opts {
		if f != nil {
			f(o)
		}
	}
}
