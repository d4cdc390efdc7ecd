package s3

import (
	"context"
	"fmt"

	"github.com/s3kit/s3kit/credentials"
	"github.com/s3kit/s3kit/sigv4"
)

// Session is the configuration clients are made from, like boto3.Session:
// a selected profile, its settings, and a cached credentials provider.
// It is safe for concurrent use.
type Session struct {
	cfg  *credentials.Config
	opts sessionOptions
}

// NewSession loads the shared config and credentials files and the
// environment exactly as boto3.Session(...) with the same arguments would.
// Like boto3, it resolves no credentials yet: a missing profile or a broken
// file fails here, missing credentials fail on the first request. Errors
// from resolution are *credentials.Error values (errors.As) carrying
// botocore's exception class.
func NewSession(ctx context.Context, opts ...SessionOption) (*Session, error) {
	var o sessionOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	cfg, err := credentials.Load(ctx, credentials.Options{
		Profile:         o.profile,
		AccessKeyID:     o.accessKey,
		SecretAccessKey: o.secret,
		SessionToken:    o.token,
		Region:          o.region,
		LookupEnv:       o.lookupEnv,
		Home:            o.home,
		HTTPClient:      o.httpClient,
		Now:             o.now,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: new session: %w", err)
	}
	if o.httpClient == nil {
		// One connection pool for every client of the session.
		o.httpClient = defaultHTTPClient()
		if cfg.CABundle != "" {
			// AWS_CA_BUNDLE or the profile's ca_bundle, as botocore: the
			// bundle replaces the system roots; a bad one fails requests.
			o.httpClient.Transport = credentials.CABundleTransport(defaultTransport(), cfg.CABundle)
		}
	}
	return &Session{cfg: cfg, opts: o}, nil
}

// Config returns the resolved configuration (profile, region, settings,
// credentials provider), for callers that want to explain it.
func (s *Session) Config() *credentials.Config { return s.cfg }

// Region returns the session's region ("" when none is configured; clients
// then use us-east-1, as botocore does for S3).
func (s *Session) Region() string { return s.cfg.Region }

// Client returns an S3 client, like session.client("s3"). opts set this
// client's endpoint, addressing style, provider row, retry, checksum and
// logging settings over the profile's. It validates the settings as
// botocore does when it creates a client (bad region, addressing style,
// retry mode, ...).
func (s *Session) Client(opts ...ClientOption) (*Client, error) {
	var o clientOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if err := s.cfg.Validate(); err != nil {
		return nil, fmt.Errorf("s3: new client: %w", err)
	}
	cfg := clientConfig{
		region:           firstNonEmpty(s.opts.region, s.cfg.Region),
		endpoint:         o.endpointURL,
		addressingStyle:  firstNonEmpty(o.addressingStyle, s.cfg.S3.AddressingStyle),
		provider:         firstNonEmpty(o.provider, s.cfg.S3.Raw["s3kit_provider"]),
		maxAttempts:      o.maxAttempts,
		retryMode:        firstNonEmpty(o.retryMode, s.cfg.Retry.Mode),
		requestChecksum:  firstNonEmpty(o.requestChecksum, s.cfg.Checksum.RequestCalculation),
		responseChecksum: firstNonEmpty(o.responseChecksum, s.cfg.Checksum.ResponseValidation),
		httpClient:       s.opts.httpClient,
		logger:           o.logger,
		now:              s.opts.now,
		backoffBase:      1e9,
		backoffMax:       20e9,
	}
	if o.backoffSet {
		cfg.backoffBase, cfg.backoffMax = o.backoffBase, o.backoffMax
	}
	if cfg.maxAttempts == 0 {
		cfg.maxAttempts = s.cfg.Retry.MaxAttempts
	}
	if cfg.endpoint == "" {
		ep, err := s.cfg.EndpointURL("s3")
		if err != nil {
			return nil, fmt.Errorf("s3: new client: %w", err)
		}
		cfg.endpoint = ep
	}
	if !o.anonymous {
		p := s.cfg.Credentials
		cfg.creds = func(ctx context.Context) (sigv4.Credentials, bool, error) {
			c, err := p.Retrieve(ctx)
			if err != nil {
				return sigv4.Credentials{}, false, err
			}
			return sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, true, nil
		}
	}
	return newClient(cfg)
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
