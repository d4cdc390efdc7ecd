package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/policy"
	"github.com/s3kit/s3kit/server/notify"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
)

// DefaultRegion is the region a server answers for when Config.Region is
// empty.
const DefaultRegion = "us-east-1"

// HealthPath answers 200 without authentication once the server is ready.
const HealthPath = "/-/health"

// ownerID is the one owner every bucket and object reports: s3kit has a
// single account, whatever key signed the request.
const ownerID = "s3kit"

// Config configures a Server.
type Config struct {
	// Backend stores buckets and objects. If it implements storage.Multipart
	// the multipart API works (NotImplemented otherwise); if it implements
	// storage.Copier copies do not stream through the server.
	Backend storage.Backend
	// Keys authenticates and authorises requests.
	Keys KeyStore
	// Region is the region the server reports (DefaultRegion if empty).
	// A request may be signed for any region: its signature is checked
	// with the region in its own credential scope, so clients configured
	// for another default region work.
	Region string
	// StrictRegion refuses requests signed for a region other than Region
	// (AuthorizationHeaderMalformed naming the expected region), as a
	// single AWS region does.
	StrictRegion bool
	// Domain enables virtual-host style: Host BUCKET.Domain[:port] names
	// BUCKET. Path style always works.
	Domain string
	// Logger gets one Debug line per request and an Error line per
	// internal failure (discarded when nil).
	Logger *slog.Logger
	// Now is the clock for signature checks and logs (time.Now if nil).
	Now func() time.Time
	// BodyReadTimeout is how long the server waits for the next bytes of a
	// request body; each read that makes progress restarts it. A body that
	// stalls longer is answered 400 RequestTimeout, as S3 does, and its
	// connection closed. Zero means DefaultBodyReadTimeout, negative none.
	BodyReadTimeout time.Duration
	// BodyMinRate is the average rate, in bytes per second, a request body
	// must keep up once BodyReadTimeout has passed: a body trickled a byte
	// at a time never stalls for long, yet would hold its connection for
	// days. Only time spent waiting for the client counts. Zero means
	// DefaultBodyMinRate, negative none. It applies only with a timeout.
	BodyMinRate int64
	// MaxRequests bounds the requests handled at once; the ones past it
	// are answered 503 SlowDown, which SDKs retry with backoff, before
	// their body is read. Zero or negative means no bound.
	MaxRequests int
	// AccessLog, when set, gets one JSON line per request, in one Write
	// call, with the fields slog's JSON handler would write for an Info
	// record "s3 access": the client's address, the access key ID (never
	// a secret or a signature), the operation, bucket, key, status, error
	// code, bytes received and sent, duration in milliseconds and request
	// ID. It must be safe for concurrent use; a failed Write loses the line.
	AccessLog io.Writer
	// Metrics serves MetricsPath: request counts, bytes, latencies and
	// in-flight requests by operation, and, when the backend implements
	// storage.UsageReporter, what each bucket holds and the free space.
	Metrics bool
	// MetricsPublic answers MetricsPath without authentication. Without
	// it a scrape must be signed with one of the server's keys, like any
	// S3 request, since the metrics name every bucket.
	MetricsPublic bool
	// Notify, when set, delivers bucket event notifications: a bucket's
	// QueueConfigurations may name its targets. The caller opens and
	// closes it. Without it PutBucketNotificationConfiguration accepts
	// only an empty configuration.
	Notify *notify.Queue
	// DefaultAccount is the 12-digit account of keys that name none and
	// the owner of buckets that record none, such as buckets created
	// before s3kit had accounts (DefaultAccountID when empty).
	DefaultAccount string
	// Console, when set, serves the web console: every request whose path
	// starts with ConsolePath on a path-style host goes to it unsigned
	// (the console signs its own S3 requests in the browser).
	Console http.Handler
	// Status, when set, fills in what the admin API's status reports
	// beyond what the server knows itself (version, data directory, disk).
	Status func(context.Context) Status
}

// DefaultBodyReadTimeout is Config.BodyReadTimeout when unset: about the
// idle time after which S3 answers RequestTimeout.
const DefaultBodyReadTimeout = 30 * time.Second

// DefaultBodyMinRate is Config.BodyMinRate when unset (bytes per second);
// it is far below any real link, so it only cuts off trickling clients.
const DefaultBodyMinRate = 512

// Server is the S3 HTTP API as an http.Handler.
type Server struct {
	backend storage.Backend
	mp      storage.Multipart // nil when unsupported
	copier  storage.Copier    // nil when unsupported
	keys    KeyStore
	region  string
	domain  string
	log     *slog.Logger
	now     func() time.Time
	// verifier checks SigV4; one per server, so its key cache lasts.
	verifier sigv4.Verifier
	// bodyTimeout is Config.BodyReadTimeout resolved (0: none).
	bodyTimeout time.Duration
	// bodyMinRate is Config.BodyMinRate resolved (0: none).
	bodyMinRate int64
	// slots holds one token per request in flight (nil: unbounded).
	slots chan struct{}
	// completed answers retried CompleteMultipartUploads.
	completed completedUploads
	// strictRegion refuses signatures made for another region.
	strictRegion bool
	// access is Config.AccessLog (nil: none).
	access *accessLog
	// metrics is this server's registry (nil without Config.Metrics).
	metrics *serverMetrics
	// events sends bucket event notifications.
	events notifier
	// defaultAccount is Config.DefaultAccount resolved.
	defaultAccount string
	// fullAccess is the identity policy of keys that carry none.
	fullAccess *policy.Policy
	// cfgs stores bucket configuration documents (nil: the backend
	// keeps none, so buckets have no policy).
	cfgs bucketConfigStore
	// bauth caches each bucket's owner and policy; names the ARNs of
	// keys whose store gives none (access key ID to *derived).
	bauth bucketAuthCache
	names sync.Map
	// stsVerifier checks the SigV4 of STS calls (service "sts").
	stsVerifier sigv4.Verifier
	// console is Config.Console (nil: none).
	console http.Handler
	// status is Config.Status (nil: none).
	status func(context.Context) Status
	// started is when New ran, for the admin API's uptime.
	started time.Time
	// refusals keeps the recent refused requests for the admin API.
	refusals refusals
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	s := &Server{backend: cfg.Backend, keys: cfg.Keys, region: cfg.Region, strictRegion: cfg.StrictRegion,
		domain: strings.ToLower(cfg.Domain), log: cfg.Logger, now: cfg.Now, console: cfg.Console}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.status, s.started = cfg.Status, s.now()
	switch s.bodyTimeout = cfg.BodyReadTimeout; {
	case s.bodyTimeout == 0:
		s.bodyTimeout = DefaultBodyReadTimeout
	case s.bodyTimeout < 0:
		s.bodyTimeout = 0
	}
	switch s.bodyMinRate = cfg.BodyMinRate; {
	case s.bodyMinRate == 0:
		s.bodyMinRate = DefaultBodyMinRate
	case s.bodyMinRate < 0:
		s.bodyMinRate = 0
	}
	if cfg.MaxRequests > 0 {
		s.slots = make(chan struct{}, cfg.MaxRequests)
	}
	if cfg.AccessLog != nil {
		s.access = newAccessLog(cfg.AccessLog)
	}
	if cfg.Metrics {
		s.metrics = newServerMetrics(cfg.Backend, cfg.MetricsPublic)
	}
	s.events.q = cfg.Notify
	s.mp, _ = cfg.Backend.(storage.Multipart)
	s.copier, _ = cfg.Backend.(storage.Copier)
	s.verifier.Lookup, s.verifier.Now = s.secretOf, s.now
	s.verifier.Service = "s3"
	s.stsVerifier.Lookup, s.stsVerifier.Now, s.stsVerifier.Service = s.secretOf, s.now, "sts"
	s.cfgs, _ = cfg.Backend.(bucketConfigStore)
	if s.defaultAccount = cfg.DefaultAccount; s.defaultAccount == "" {
		s.defaultAccount = DefaultAccountID
	}
	var err error
	if s.fullAccess, err = policy.ParseIdentityPolicy([]byte(fullAccessPolicy)); err != nil {
		panic("server: the built-in full-access policy does not parse: " + err.Error())
	}
	return s
}

// request is one API call as the handlers see it.
type request struct {
	r      *http.Request
	id     string
	bucket string
	key    string
	q      url.Values
	// v and k are set once the request is authenticated; body is
	// v.Body, the only way handlers read the payload.
	v    *sigv4.Verified
	k    Key
	body io.Reader
	// wire is the request body as read from the connection (nil when
	// there is none).
	wire *wireBody
	// refused is set when authentication or authorisation (or the
	// in-flight bound) turned the request away; refusedWhy may name the
	// reason when the error does not.
	refused    bool
	refusedWhy string
	// op is the operation's name as the router resolved it ("" when the
	// request never got that far).
	op string
	// anonymous is set for a request that carries no signature at all.
	anonymous bool
	// pol, pols, vals and idp hold the authorization decision's inputs
	// inside the request, so deciding allocates nothing more.
	pol  policy.Request
	pols policy.Policies
	vals [12]policy.Value
	idp  [1]*policy.Policy
}

// wireBody is the request body as net/http delivers it. Each read may
// wait at most timeout for the client, so a stalled or abandoned upload
// ends instead of holding its connection forever; with minRate, the time
// spent waiting in all reads may exceed timeout only by got/minRate, so a
// trickled body ends too. It remembers whether the body was read to its
// end and the first error reading it failed with.
type wireBody struct {
	r       io.ReadCloser
	ctl     *http.ResponseController
	timeout time.Duration
	minRate int64
	// waited is the time spent inside reads; got the bytes they returned
	// (the request's bytes in, as the access log and metrics count them).
	waited time.Duration
	got    int64
	sawEOF bool
	err    error
}

func (b *wireBody) Read(p []byte) (int, error) {
	if b.timeout <= 0 {
		return b.note(b.r.Read(p))
	}
	wait := b.timeout
	if b.minRate > 0 {
		allowed := b.timeout + time.Duration(float64(b.got)/float64(b.minRate)*float64(time.Second)) - b.waited
		wait = max(min(wait, allowed), 0)
	}
	// Wall-clock time, not Config.Now: deadlines are for the socket.
	start := time.Now()
	_ = b.ctl.SetReadDeadline(start.Add(wait))
	n, err := b.r.Read(p)
	// Time the handler spends between reads (writing to disk) is not the
	// client's; and a deadline left armed would cancel the request through
	// net/http's background read once the body is done.
	_ = b.ctl.SetReadDeadline(time.Time{})
	b.waited += time.Since(start)
	return b.note(n, err)
}

// note records the outcome of a read.
func (b *wireBody) note(n int, err error) (int, error) {
	b.got += int64(n)
	switch {
	case err == io.EOF:
		b.sawEOF = true
	case err != nil && b.err == nil:
		b.err = err
	}
	return n, err
}

func (b *wireBody) Close() error { return b.r.Close() }

// handler is one operation: it returns what to answer or an error that the
// writer turns into an S3 error document.
type handler func(ctx context.Context, rq *request) (*response, error)

// ServeHTTP implements http.Handler. With metrics or an access log on,
// each request goes through observe, which counts it and writes its
// access-log line around handle; without, it costs nothing.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveConsole(w, r) {
		return
	}
	rq := &request{r: r, id: newRequestID()}
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		// A shallow copy: net/http keeps looking at its own r.Body.
		rq.wire = &wireBody{r: r.Body, ctl: http.NewResponseController(w), timeout: s.bodyTimeout, minRate: s.bodyMinRate}
		rq.r = r.WithContext(r.Context())
		rq.r.Body = rq.wire
	}
	if s.metrics == nil && s.access == nil {
		s.handle(w, rq)
		return
	}
	s.observe(w, rq)
}

// handle runs one request and writes its answer and its log line. It
// returns the status, the error code ("" on success) and the body bytes
// written.
func (s *Server) handle(w http.ResponseWriter, rq *request) (int, string, int64) {
	r := rq.r
	start := s.now()
	var resp *response
	var err error
	if s.acquire() {
		defer s.release()
		rq.op, resp, err = s.serve(r.Context(), rq)
	} else {
		err = errMsg(s3xml.CodeSlowDown, "Please reduce your request rate.")
		rq.refused, rq.refusedWhy = true, "too many requests in flight"
	}
	s.settleBody(w, rq, err)
	s.addCORSHeaders(r.Context(), w.Header(), rq, rq.op)
	status, code, sent := s.write(w, rq, resp, err)
	if !rq.refused && status < 500 && !s.log.Enabled(r.Context(), slog.LevelDebug) {
		return status, code, sent
	}
	attrs := []any{"op", rq.op, "method", r.Method, "bucket", rq.bucket, "key", rq.key,
		"status", status, "request_id", rq.id, "duration", s.now().Sub(start)}
	if code != "" {
		attrs = append(attrs, "code", code)
	}
	switch {
	case rq.refused && err != nil:
		s.logRefusal(rq, attrs, err)
	case status >= 500:
		s.log.Error("s3 request failed", append(attrs, "err", err)...)
	default:
		s.log.Debug("s3 request", attrs...)
	}
	return status, code, sent
}

// acquire takes a slot for a request in flight; false means the server is
// at Config.MaxRequests.
func (s *Server) acquire() bool {
	if s.slots == nil {
		return true
	}
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// release returns the slot acquire took.
func (s *Server) release() {
	if s.slots != nil {
		<-s.slots
	}
}

// settleBody decides what becomes of a request body the handler did not
// read to its end, before the answer is written. net/http would otherwise
// read up to 256 KiB of it to reuse the connection, with no deadline: an
// anonymous or refused client trickling its body would hold the server.
// A refused request's connection is closed without reading further; after
// a success the leftover is read within the body timeout.
func (s *Server) settleBody(w http.ResponseWriter, rq *request, err error) {
	b := rq.wire
	if b == nil || b.sawEOF {
		return
	}
	if err != nil || b.err != nil {
		w.Header().Set("Connection", "close")
		_ = b.ctl.SetReadDeadline(time.Now())
		return
	}
	if b.timeout > 0 {
		_ = b.ctl.SetReadDeadline(time.Now().Add(b.timeout))
	}
}

// serve authenticates, routes, authorises and runs one request.
func (s *Server) serve(ctx context.Context, rq *request) (string, *response, error) {
	r := rq.r
	if r.URL.Path == HealthPath && s.virtualBucket(r.Host) == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return "Health", &response{body: strings.NewReader("ok\n"), size: 3, header: http.Header{"Content-Type": {"text/plain"}}}, nil
	}
	if s.metrics != nil && r.URL.Path == MetricsPath && s.virtualBucket(r.Host) == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		resp, err := s.serveMetrics(ctx, rq)
		return opMetrics, resp, err
	}
	if s.isAdmin(r) {
		return s.serveAdmin(ctx, rq)
	}
	if err := s.parsePath(rq); err != nil {
		return "", nil, err
	}
	if isSTS(rq) {
		return s.serveSTS(ctx, rq)
	}
	// Routing reads only the method, path and query, so the operation is
	// known (and logged) even when authentication fails.
	op, h := s.route(rq)
	if op == opPreflight || op == opPostObject {
		// These authenticate themselves: a preflight is unsigned by
		// design, a form upload is signed inside its body.
		resp, err := h(ctx, rq)
		return op, resp, err
	}
	if err := s.authenticate(ctx, rq); err != nil {
		// A key store that failed is the server's problem, not a refusal.
		rq.refused = toError(err).StatusCode() < 500
		s.logAuth(ctx, rq, op, err)
		return op, nil, err
	}
	if h == nil {
		return op, nil, errCode(s3xml.CodeMethodNotAllowed)
	}
	if err := s.authorize(ctx, rq, op); err != nil {
		rq.refused = true
		s.logAuth(ctx, rq, op, err)
		return op, nil, err
	}
	s.logAuth(ctx, rq, op, nil)
	if setsACL(op) {
		if err := checkACLHeaders(op, r.Header); err != nil {
			return op, nil, err
		}
	}
	if err := s.checkVersionParam(rq); err != nil {
		return op, nil, err
	}
	resp, err := h(ctx, rq)
	if err != nil {
		err = s.hideMissing(ctx, rq, op, err)
	}
	// A backend that saw only the cancelled context (net/http cancels it
	// when reading the body fails) is answered with the body's failure:
	// IncompleteBody, RequestTimeout.
	if err != nil && rq.wire != nil && rq.wire.err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		err = rq.wire.err
	}
	return op, resp, err
}

// parsePath finds the bucket and key from the Host and the raw path. It
// never cleans the path: "a//b" and "../x" are keys like any other.
func (s *Server) parsePath(rq *request) error {
	q, err := url.ParseQuery(rq.r.URL.RawQuery)
	if err != nil {
		return errMsg(s3xml.CodeInvalidURI, "Couldn't parse the specified URI.")
	}
	rq.q = q
	raw := rq.r.URL.EscapedPath()
	if !strings.HasPrefix(raw, "/") {
		return errCode(s3xml.CodeInvalidURI)
	}
	raw = raw[1:]
	if b := s.virtualBucket(rq.r.Host); b != "" {
		rq.bucket = b
		rq.key, err = url.PathUnescape(raw)
		if err != nil {
			return errCode(s3xml.CodeInvalidURI)
		}
		return nil
	}
	b, k, _ := strings.Cut(raw, "/")
	if rq.bucket, err = url.PathUnescape(b); err != nil {
		return errCode(s3xml.CodeInvalidURI)
	}
	if rq.key, err = url.PathUnescape(k); err != nil {
		return errCode(s3xml.CodeInvalidURI)
	}
	return nil
}

// virtualBucket returns the bucket named by a Host of the form
// BUCKET.Domain[:port], or "".
func (s *Server) virtualBucket(host string) string {
	if s.domain == "" {
		return ""
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	if b, ok := strings.CutSuffix(host, "."+s.domain); ok && b != "" {
		return b
	}
	return ""
}

// newRequestID returns a fresh id in the shape S3 uses (16 upper-case hex
// characters).
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// newHostID returns a value for x-amz-id-2.
func newHostID() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
