package s3

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// credFunc returns the keys to sign with; ok=false means anonymous.
type credFunc func(ctx context.Context) (c sigv4.Credentials, ok bool, err error)

// Client is an S3 client. It is safe for concurrent use; create one per
// endpoint and share it. Build it with Session.Client.
type Client struct {
	creds    credFunc
	signer   *sigv4.Signer
	http     *http.Client
	region   string
	endpoint *url.URL // scheme, host and optional base path
	virtual  bool     // address buckets as bucket.host
	// loopback: the endpoint is on this machine, where nobody between
	// client and server can alter a body, so checksummed bodies travel
	// unsigned, as over https (see preparePayload).
	loopback bool
	quirks   atomic.Pointer[Quirks]
	// detect: the quirks row is the "unknown" fallback, to be replaced by
	// the s3kit row when a response says it comes from s3kit's server.
	detect       atomic.Bool
	retry        retryPolicy
	reqChecksum  string
	respChecksum string
	log          *slog.Logger
	now          func() time.Time
	// awsDefault: the endpoint was derived from the region, so a bucket in
	// another region is reached at that region's endpoint.
	awsDefault bool
	// bucketRegions remembers regions learned from redirects (bucket →
	// region), as botocore's S3RegionRedirector caches them.
	bucketRegions sync.Map
	// hashBufs holds *[]byte of hashBufSize for hashing seekable bodies
	// before they are sent (see hashSeekable).
	hashBufs sync.Pool
}

// clientConfig is everything a Client is built from, after resolution.
type clientConfig struct {
	creds            credFunc
	region           string
	endpoint         string // "" means AWS, derived from region
	addressingStyle  string
	provider         string
	maxAttempts      int
	retryMode        string
	backoffBase      time.Duration
	backoffMax       time.Duration
	requestChecksum  string
	responseChecksum string
	httpClient       *http.Client
	logger           *slog.Logger
	now              func() time.Time
}

func newClient(cfg clientConfig) (*Client, error) {
	if cfg.region == "" {
		cfg.region = "us-east-1"
	}
	endpoint := cfg.endpoint
	if endpoint == "" {
		endpoint = awsEndpoint(cfg.region)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("s3: invalid endpoint url %q: want http(s)://host[:port]", endpoint)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	q := QuirksFor(cfg.provider, cfg.endpoint)
	c := &Client{
		creds:        cfg.creds,
		signer:       sigv4.NewSigner(),
		http:         cfg.httpClient,
		region:       cfg.region,
		endpoint:     u,
		retry:        newRetryPolicy(cfg.retryMode, cfg.maxAttempts, cfg.backoffBase, cfg.backoffMax),
		reqChecksum:  orDefault(cfg.requestChecksum, WhenSupported),
		respChecksum: orDefault(cfg.responseChecksum, WhenSupported),
		log:          cfg.logger,
		now:          cfg.now,
		awsDefault:   cfg.endpoint == "",
		loopback:     isLoopback(u.Hostname()),
	}
	c.quirks.Store(&q)
	c.detect.Store(cfg.provider == "" && q.Name == "unknown")
	switch cfg.addressingStyle {
	case "", "auto":
		c.virtual = q.VirtualHost
	case "virtual":
		c.virtual = true
	case "path":
		c.virtual = false
	default:
		return nil, fmt.Errorf("s3: invalid addressing_style %q: want auto, virtual or path", cfg.addressingStyle)
	}
	for _, p := range []string{c.reqChecksum, c.respChecksum} {
		if p != WhenSupported && p != WhenRequired {
			return nil, fmt.Errorf("s3: invalid checksum setting %q: want when_supported or when_required", p)
		}
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.creds == nil {
		c.creds = func(context.Context) (sigv4.Credentials, bool, error) { return sigv4.Credentials{}, false, nil }
	}
	return c, nil
}

// defaultHTTPClient keeps enough idle connections per host for a parallel
// transfer manager: net/http's default of 2 would make every extra worker
// open (and TIME_WAIT) a fresh connection per request.
func defaultHTTPClient() *http.Client {
	return &http.Client{Transport: defaultTransport()}
}

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 128
	return t
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// isLoopback reports whether host names this machine's loopback interface:
// "localhost" or an address in 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// awsEndpoint is botocore's endpoint for S3 in region (the legacy global
// host for us-east-1).
func awsEndpoint(region string) string {
	if region == "us-east-1" || region == "aws-global" {
		return "https://s3.amazonaws.com"
	}
	suffix := ".amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = ".amazonaws.com.cn"
	}
	return "https://s3." + region + suffix
}

// Region returns the region requests are signed for.
func (c *Client) Region() string { return c.region }

// Endpoint returns the endpoint URL requests go to (for buckets in virtual
// host style, the bucket is prefixed to its host).
func (c *Client) Endpoint() string { return c.endpoint.String() }

// Quirks returns the row of the quirks table this client follows. For a
// custom endpoint without WithProvider, the "unknown" row is replaced by
// the s3kit row once a response carries s3kit's X-S3kit-Integrity header;
// the Server header is never trusted, and the addressing style never
// changes.
func (c *Client) Quirks() Quirks { return *c.quirks.Load() }

// detectProvider switches from the fallback row to the s3kit row when resp
// comes from s3kit's server.
func (c *Client) detectProvider(resp *http.Response) {
	if !c.detect.Load() || resp.Header.Get(s3xml.HeaderIntegrity) != s3xml.IntegrityVerified {
		return
	}
	if c.detect.CompareAndSwap(true, false) {
		q := QuirksFor("s3kit", "")
		c.quirks.Store(&q)
		if c.log != nil {
			c.log.Debug("s3 provider detected", "provider", q.Name)
		}
	}
}

// call describes one S3 operation invocation.
type call struct {
	op, method  string
	bucket, key string
	query       url.Values
	header      http.Header
	body        io.Reader
	size        int64 // body length; -1 unknown
	// checksum: the operation accepts a request checksum (PutObject,
	// UploadPart); sent under when_supported.
	checksum bool
	// requireMD5: the API requires an integrity header (DeleteObjects).
	requireMD5 bool
	// errorIn200: the operation may report failure in a 200 response's body
	// (CopyObject, UploadPartCopy, CompleteMultipartUpload).
	errorIn200 bool
	// region overrides the client's region (after a region redirect).
	region     string
	redirected bool
}

// objectURL builds the request URL for bucket/key with query q.
func (c *Client) objectURL(bucket, key string, q url.Values) *url.URL {
	return c.objectURLIn("", bucket, key, q)
}

// objectURLIn is objectURL for a bucket in region ("" for the client's).
func (c *Client) objectURLIn(region, bucket, key string, q url.Values) *url.URL {
	u := *c.endpoint
	if c.awsDefault && region != "" && region != c.region {
		if r, err := url.Parse(awsEndpoint(region)); err == nil {
			u = *r
		}
	}
	path := u.Path
	if bucket != "" {
		if c.virtual && virtualHostable(bucket, u.Hostname()) {
			u.Host = bucket + "." + u.Host
		} else {
			path += "/" + bucket
		}
	}
	if key != "" {
		path += "/" + key
	}
	if path == "" {
		path = "/"
	}
	u.Path = path
	u.RawPath = escapePath(path)
	if len(q) > 0 {
		u.RawQuery = encodeQuery(q)
	}
	return &u
}

// escapePath percent-encodes every byte except unreserved characters and
// '/', as S3 and SigV4 expect (url.PathEscape leaves '+', ':', '@', ... raw).
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p) + 8)
	for i := 0; i < len(p); i++ {
		ch := p[i]
		if ch == '/' || ch == '-' || ch == '_' || ch == '.' || ch == '~' ||
			(ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// encodeQuery encodes q with %20 for spaces (not '+'), sorted by key.
func encodeQuery(q url.Values) string {
	s := q.Encode()
	s = strings.ReplaceAll(s, "+", "%20")
	// Subresources such as ?uploads and ?delete are sent without '='.
	parts := strings.Split(s, "&")
	for i, p := range parts {
		parts[i] = strings.TrimSuffix(p, "=")
	}
	return strings.Join(parts, "&")
}

// do runs cl with retries and returns a successful response, whose body the
// caller must close. Failures are *Error or *OpError.
func (c *Client) do(ctx context.Context, cl *call) (*http.Response, error) {
	if err := validateTarget(cl); err != nil {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: err}
	}
	creds, signed, err := c.creds(ctx)
	if err != nil {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: fmt.Errorf("credentials: %w", err)}
	}
	pl, err := c.preparePayload(cl, signed)
	if err != nil {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: err}
	}
	attempts := c.retry.maxAttempts
	if !pl.replayable() {
		attempts = 1 // a consumed stream cannot be sent again
	}
	spent := 0 // retry-quota tokens this call has used
	if r, ok := c.bucketRegions.Load(cl.bucket); ok && cl.bucket != "" {
		cl.region = r.(string)
	}
	for attempt := 1; ; attempt++ {
		if c.retry.limiter != nil {
			if err := c.retry.limiter.wait(ctx); err != nil {
				return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: err}
			}
		}
		start := time.Now()
		resp, err := c.attempt(ctx, cl, pl, creds, signed)
		c.logAttempt(ctx, cl, attempt, start, resp, err)
		if c.retry.limiter != nil {
			var e *Error
			c.retry.limiter.observe(asError(err, &e) && isThrottle(e))
		}
		if err == nil {
			if c.retry.quota != nil {
				c.retry.quota.release(spent)
			}
			return resp, nil
		}
		if c.redirect(cl, err) && pl.replayable() {
			if err := pl.rewind(); err != nil {
				return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: fmt.Errorf("rewind body for redirect: %w", err)}
			}
			attempt-- // a region redirect is not a failed attempt
			continue
		}
		if attempt >= attempts || !retryableError(ctx, err) {
			return nil, err
		}
		if c.retry.quota != nil {
			cost, ok := c.retry.quota.acquire(err)
			if !ok {
				return nil, err // retry budget exhausted: fail fast
			}
			spent += cost
		}
		if err := sleepCtx(ctx, c.retry.delay(attempt)); err != nil {
			return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: err}
		}
		if err := pl.rewind(); err != nil {
			return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: fmt.Errorf("rewind body for retry: %w", err)}
		}
	}
}

// logAttempt records one attempt at debug level: no headers, no query, so
// neither signatures nor credentials can leak.
func (c *Client) logAttempt(ctx context.Context, cl *call, attempt int, start time.Time, resp *http.Response, err error) {
	if c.log == nil {
		return
	}
	status := 0
	var e *Error
	switch {
	case resp != nil:
		status = resp.StatusCode
	case asError(err, &e):
		status = e.StatusCode
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "s3 request", slog.String("op", cl.op),
		slog.String("bucket", cl.bucket), slog.String("key", cl.key), slog.Int("attempt", attempt),
		slog.Int("status", status), slog.Duration("elapsed", time.Since(start)), slog.Any("error", err))
}

// attempt sends cl once.
func (c *Client) attempt(ctx context.Context, cl *call, pl *payload, creds sigv4.Credentials, signed bool) (*http.Response, error) {
	opErr := func(err error) error { return &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: err} }
	req, err := http.NewRequestWithContext(ctx, cl.method, "", nil)
	if err != nil {
		return nil, opErr(err)
	}
	req.URL = c.objectURLIn(cl.region, cl.bucket, cl.key, cl.query)
	req.Host = req.URL.Host
	for k, vs := range cl.header {
		req.Header[k] = vs
	}
	if err := c.sign(req, pl, creds, signed, cmp.Or(cl.region, c.region)); err != nil {
		return nil, opErr(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, opErr(err)
	}
	c.detectProvider(resp)
	if resp.StatusCode >= 300 {
		e := newResponseError(cl.op, cl.bucket, cl.key, resp)
		resp.Body.Close()
		return nil, e
	}
	if cl.errorIn200 {
		return bufferAndCheck200(cl, resp)
	}
	if cl.op == "PutObject" || cl.op == "UploadPart" {
		if err := checkStored(cl, pl, resp); err != nil {
			drain(resp)
			return nil, err
		}
	}
	return resp, nil
}

// bufferAndCheck200 reads a small XML response fully and turns an <Error>
// document sent with status 200 into an *Error (S3 does this for copies and
// CompleteMultipartUpload once it has started streaming the response).
func bufferAndCheck200(cl *call, resp *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	resp.Body.Close()
	if err != nil {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: fmt.Errorf("read response: %w", err)}
	}
	var probe struct{ XMLName xml.Name }
	if xml.Unmarshal(body, &probe) == nil && probe.XMLName.Local == "Error" {
		r := *resp
		r.Body = io.NopCloser(bytes.NewReader(body))
		e := newResponseError(cl.op, cl.bucket, cl.key, &r)
		if e.Code == "" || e.Code == "OK" {
			e.Code = "InternalError"
		}
		return nil, e
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func asError(err error, e **Error) bool {
	if err == nil {
		return false
	}
	x, ok := err.(*Error)
	if ok {
		*e = x
	}
	return ok
}

// validateTarget rejects calls that would address the wrong resource: an
// object operation without a key would silently become a bucket operation.
func validateTarget(cl *call) error {
	if cl.op == "ListBuckets" {
		return nil
	}
	if cl.bucket == "" {
		return errors.New("bucket name is empty")
	}
	if strings.ContainsAny(cl.bucket, "/?#") {
		return fmt.Errorf("invalid bucket name %q", cl.bucket)
	}
	switch cl.op {
	case "CreateBucket", "DeleteBucket", "HeadBucket", "GetBucketLocation", "ListObjectsV2", "ListObjects",
		"ListObjectVersions", "ListMultipartUploads", "DeleteObjects",
		"PutBucketVersioning", "GetBucketVersioning", "PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy",
		"PutBucketEncryption", "GetBucketEncryption", "DeleteBucketEncryption":
		return nil
	}
	if cl.key == "" {
		return errors.New("object key is empty")
	}
	return nil
}

// redirect applies botocore's S3 region redirect: when a request fails
// because the bucket lives in another region (301, 307, 400
// AuthorizationHeaderMalformed, 403 with x-amz-bucket-region), it
// re-signs for that region (and, on AWS, that region's endpoint) once.
// It reports whether cl should be sent again.
func (c *Client) redirect(cl *call, err error) bool {
	var e *Error
	if !asError(err, &e) || e.bucketRegion == "" || cl.bucket == "" {
		return false
	}
	current := cmp.Or(cl.region, c.region)
	if e.bucketRegion == current || cl.redirected {
		return false
	}
	switch e.StatusCode {
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusBadRequest, http.StatusForbidden:
	default:
		return false
	}
	cl.region, cl.redirected = e.bucketRegion, true
	c.bucketRegions.Store(cl.bucket, e.bucketRegion)
	if c.log != nil {
		c.log.Debug("s3 region redirect", "op", cl.op, "bucket", cl.bucket, "from", current, "to", e.bucketRegion)
	}
	return true
}
