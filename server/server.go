package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
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
}

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
	// completed answers retried CompleteMultipartUploads.
	completed completedUploads
	// strictRegion refuses signatures made for another region.
	strictRegion bool
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	s := &Server{backend: cfg.Backend, keys: cfg.Keys, region: cfg.Region, strictRegion: cfg.StrictRegion,
		domain: strings.ToLower(cfg.Domain), log: cfg.Logger, now: cfg.Now}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.mp, _ = cfg.Backend.(storage.Multipart)
	s.copier, _ = cfg.Backend.(storage.Copier)
	s.verifier.Lookup, s.verifier.Now = s.secretOf, s.now
	s.verifier.Service = "s3"
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
}

// handler is one operation: it returns what to answer or an error that the
// writer turns into an S3 error document.
type handler func(ctx context.Context, rq *request) (*response, error)

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	rq := &request{r: r, id: newRequestID()}
	op, resp, err := s.serve(r.Context(), rq)
	status, code := s.write(w, rq, resp, err)
	if status < 500 && !s.log.Enabled(r.Context(), slog.LevelDebug) {
		return
	}
	attrs := []any{"op", op, "method", r.Method, "bucket", rq.bucket, "key", rq.key,
		"status", status, "request_id", rq.id, "duration", s.now().Sub(start)}
	if code != "" {
		attrs = append(attrs, "code", code)
	}
	if status >= 500 {
		s.log.Error("s3 request failed", append(attrs, "err", err)...)
		return
	}
	s.log.Debug("s3 request", attrs...)
}

// serve authenticates, routes, authorises and runs one request.
func (s *Server) serve(ctx context.Context, rq *request) (string, *response, error) {
	r := rq.r
	if r.URL.Path == HealthPath && s.virtualBucket(r.Host) == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return "Health", &response{body: strings.NewReader("ok\n"), size: 3, header: http.Header{"Content-Type": {"text/plain"}}}, nil
	}
	if err := s.parsePath(rq); err != nil {
		return "", nil, err
	}
	// Routing reads only the method, path and query, so the operation is
	// known (and logged) even when authentication fails.
	op, h := s.route(rq)
	if op == opPostObject {
		return op, nil, errMsg(s3xml.CodeNotImplemented, "s3kit does not implement browser-based uploads (POST Object)")
	}
	if err := s.authenticate(ctx, rq); err != nil {
		return op, nil, err
	}
	if h == nil {
		return op, nil, errCode(s3xml.CodeMethodNotAllowed)
	}
	if err := s.authorize(rq); err != nil {
		return op, nil, err
	}
	if setsACL(op) {
		if err := checkACLHeaders(op, r.Header); err != nil {
			return op, nil, err
		}
	}
	// Buckets are unversioned: "null" names the only version there is.
	if v, ok := rq.q["versionId"]; ok && rq.key != "" && (len(v) != 1 || v[0] != "null") {
		return op, nil, errArg("versionId", strings.Join(v, ","), "Invalid version id specified")
	}
	resp, err := h(ctx, rq)
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
