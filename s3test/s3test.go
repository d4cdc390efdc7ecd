package s3test

import (
	"context"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/notify"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/sse"
)

// Server is a running in-process S3 server.
type Server struct {
	// URL is the endpoint, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL string
	// AccessKeyID and SecretAccessKey are a fresh key with full access.
	AccessKeyID     string
	SecretAccessKey string
	// Region is the region the server reports (and, WithStrictRegion, the
	// only one requests may be signed for).
	Region string
	// Backend is the storage the server uses, for inspecting it directly.
	// Unless WithBackend names one, it is the memory or disk store wrapped
	// by storage/sse, which encrypts at rest what requests ask to.
	Backend storage.Backend
	// Handler is the S3 API handler.
	Handler *server.Server
	// CAFile is a PEM file holding the server certificate (WithTLS only).
	CAFile string

	hs         *httptest.Server
	dir        string       // temporary files (WithDisk, WithTLS)
	closeQueue func() error // the WithNotifyWebhook queue's Close
	closeStore func() error // the disk store's Close
	closeOnce  sync.Once
}

type options struct {
	disk    bool
	tls     bool
	backend storage.Backend
	region  string
	strict  bool
	domain  string
	keys    []server.Key
	logger  *slog.Logger
	now     func() time.Time
	config  []func(*server.Config)
	hooks   map[string]string
}

// Option configures NewServer.
type Option func(*options)

// WithDisk stores objects durably in a temporary directory (storage/disk)
// instead of memory.
func WithDisk() Option { return func(o *options) { o.disk = true } }

// WithTLS serves HTTPS with a self-signed certificate for 127.0.0.1;
// Env adds AWS_CA_BUNDLE naming it, and Client trusts it. botocore sends
// its default aws-chunked trailer checksums only over HTTPS.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithBackend uses b as storage.
func WithBackend(b storage.Backend) Option { return func(o *options) { o.backend = b } }

// WithRegion sets the server's region (default us-east-1).
func WithRegion(region string) Option { return func(o *options) { o.region = region } }

// WithStrictRegion refuses requests signed for a region other than the
// server's (server.Config.StrictRegion); by default any region is accepted.
func WithStrictRegion() Option { return func(o *options) { o.strict = true } }

// WithDomain enables virtual-host style addressing for BUCKET.domain.
func WithDomain(domain string) Option { return func(o *options) { o.domain = domain } }

// WithKeys adds keys (for example read-only or bucket-restricted ones)
// besides the generated full-access key.
func WithKeys(keys ...server.Key) Option {
	return func(o *options) { o.keys = append(o.keys, keys...) }
}

// WithLogger sends the server's request log to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithNow sets the server's clock (signature time checks, LastModified).
func WithNow(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithConfig lets f adjust the server's configuration (limits and
// timeouts, say) after the other options have filled it in.
func WithConfig(f func(*server.Config)) Option {
	return func(o *options) { o.config = append(o.config, f) }
}

// WithNotifyWebhook declares a webhook target NAME for bucket event
// notifications: a bucket's notification configuration may name it as
// the queue arn:s3kit:sqs:REGION:local:NAME, and its events are POSTed
// to url as S3's event JSON (see server/notify). The queue is in memory,
// or in t.TempDir() WithDisk.
func WithNotifyWebhook(name, url string) Option {
	return func(o *options) {
		if o.hooks == nil {
			o.hooks = map[string]string{}
		}
		o.hooks[name] = url
	}
}

// NewServer starts a server and registers its shutdown with t.Cleanup;
// it fails the test if the server cannot start.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	srv, err := Start(opts...)
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// Start starts a server outside a test: in TestMain, to share one server
// among a package's tests, or in an example. The caller must Close it,
// which also removes the files it made (WithDisk's storage, WithTLS's CA
// file).
func Start(opts ...Option) (srv *Server, err error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.region == "" {
		o.region = server.DefaultRegion
	}
	srv = &Server{Region: o.region}
	defer func() {
		if err != nil {
			srv.Close()
		}
	}()
	if o.disk || o.tls {
		if srv.dir, err = os.MkdirTemp("", "s3test-"); err != nil {
			return nil, err
		}
	}
	backend := o.backend
	switch {
	case backend != nil:
	case o.disk:
		st, err := disk.Open(context.Background(), filepath.Join(srv.dir, "data"), disk.Options{Now: o.now, Logger: o.logger})
		if err != nil {
			return nil, fmt.Errorf("open disk storage: %w", err)
		}
		srv.closeStore = st.Close
		// The master key and KMS keys sit beside the objects, as in serve.
		backend = sse.New(st, sse.Options{Dir: srv.dir, Region: o.region})
	default:
		backend = sse.New(mem.New(mem.Options{Now: o.now}), sse.Options{Region: o.region})
	}
	key := server.Key{AccessKeyID: "S3KIT" + randomString(15, upperAlnum), Secret: randomString(40, secretChars)}
	cfg := server.Config{
		Backend:      backend,
		Keys:         server.NewStaticKeys(append([]server.Key{key}, o.keys...)...),
		Region:       o.region,
		StrictRegion: o.strict,
		Domain:       o.domain,
		Logger:       o.logger,
		Now:          o.now,
	}
	if len(o.hooks) > 0 {
		// Tests wait for redeliveries: retry at least every second.
		nopts := notify.Options{Targets: o.hooks, Logger: o.logger, MaxBackoff: time.Second}
		if o.disk {
			nopts.Dir = filepath.Join(srv.dir, "notify")
		}
		q, err := notify.Open(context.Background(), nopts)
		if err != nil {
			return nil, fmt.Errorf("open notification queue: %w", err)
		}
		srv.closeQueue = q.Close
		cfg.Notify = q
	}
	for _, f := range o.config {
		f(&cfg)
	}
	h := server.New(cfg)
	srv.AccessKeyID, srv.SecretAccessKey, srv.Backend, srv.Handler = key.AccessKeyID, key.Secret, backend, h
	srv.hs = httptest.NewUnstartedServer(h)
	srv.hs.Config.MaxHeaderBytes = server.MaxHeaderBytes
	if o.tls {
		srv.hs.StartTLS()
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.hs.Certificate().Raw})
		srv.CAFile = filepath.Join(srv.dir, "s3test-ca.pem")
		if err := os.WriteFile(srv.CAFile, pemBytes, 0o600); err != nil {
			return nil, fmt.Errorf("write CA file: %w", err)
		}
	} else {
		srv.hs.Start()
	}
	srv.URL = srv.hs.URL
	return srv, nil
}

// Client returns an HTTP client for the server (trusting its certificate
// under WithTLS).
func (s *Server) Client() *http.Client { return s.hs.Client() }

// Close stops the server and removes its files. NewServer's t.Cleanup
// calls it; calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.hs != nil {
			s.hs.Close()
		}
		if s.closeQueue != nil {
			_ = s.closeQueue()
		}
		if s.closeStore != nil {
			_ = s.closeStore()
		}
		if s.dir != "" {
			_ = os.RemoveAll(s.dir)
		}
	})
}

// Credentials returns the key for signing with sigv4.
func (s *Server) Credentials() sigv4.Credentials {
	return sigv4.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey}
}

// Env returns the AWS_* variables that make boto3, the aws CLI and s3kit
// (run as subprocesses) use this server: credentials, region and endpoint.
// Append it to a clean environment (cmd.Env = append(base, srv.Env()...)).
func (s *Server) Env() []string {
	env := []string{
		"AWS_ACCESS_KEY_ID=" + s.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretAccessKey,
		"AWS_REGION=" + s.Region,
		"AWS_DEFAULT_REGION=" + s.Region,
		"AWS_ENDPOINT_URL=" + s.URL,
		"AWS_ENDPOINT_URL_S3=" + s.URL,
		"AWS_EC2_METADATA_DISABLED=true",
	}
	if s.CAFile != "" {
		env = append(env, "AWS_CA_BUNDLE="+s.CAFile)
	}
	return env
}

const (
	upperAlnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randomString draws n characters from alphabet (len ≤ 256) without
// modulo bias.
func randomString(n int, alphabet string) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(alphabet)
	var b [1]byte
	for len(out) < n {
		_, _ = rand.Read(b[:])
		if int(b[0]) < limit {
			out = append(out, alphabet[int(b[0])%len(alphabet)])
		}
	}
	return string(out)
}
