package credentials

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"
)

const (
	imdsDefaultURL   = "http://169.254.169.254/"
	imdsDefaultURLv6 = "http://[fd00:ec2::254]/"
	imdsTokenPath    = "latest/api/token"
	imdsCredsPath    = "latest/meta-data/iam/security-credentials/"
	// speculativeDelay is how long the token request may take before a
	// tokenless (IMDSv1) request is started beside it, so that a silent
	// endpoint costs one timeout, not two (botocore pays two).
	speculativeDelay = 100 * time.Millisecond
)

// imdsConfig is the IMDS settings table of §6.11.
type imdsConfig struct {
	disabled   bool
	baseURL    string
	v1Disabled bool
	timeout    time.Duration
	attempts   int
}

// imdsSettings resolves and validates the IMDS settings. botocore does this
// when it builds the provider chain, so errors here abort every resolution
// that uses the chain, even one that env keys would win.
func (c *Config) imdsSettings() (*imdsConfig, error) {
	m := &imdsConfig{timeout: time.Second, attempts: 1}
	m.disabled = strings.EqualFold(c.w.getenv("AWS_EC2_METADATA_DISABLED"), "true")
	if v, ok := c.setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout"); ok {
		n, err := pyInt(v)
		if err != nil {
			return nil, newErr(ClassValue, SourceIMDS, "invalid literal for int() with base 10: %q (metadata_service_timeout)", v)
		}
		m.timeout = time.Duration(n) * time.Second
	}
	if v, ok := c.setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts"); ok {
		n, err := pyInt(v)
		if err != nil {
			return nil, newErr(ClassValue, SourceIMDS, "invalid literal for int() with base 10: %q (metadata_service_num_attempts)", v)
		}
		m.attempts = n
	}
	mode := "ipv4"
	if v, ok := c.setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode"); ok {
		mode = strings.ToLower(v)
		if mode != "ipv4" && mode != "ipv6" {
			return nil, newErr(ClassInvalidIMDSEndpointMod, SourceIMDS,
				"invalid EC2 instance metadata endpoint mode %q: valid modes (case-insensitive) are ipv4 and ipv6", v)
		}
	} else if v, ok := c.setting("AWS_IMDS_USE_IPV6", "imds_use_ipv6"); ok && boolTrue(v) {
		mode = "ipv6"
	}
	if v, ok := c.setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled"); ok {
		m.v1Disabled = boolTrue(v)
	}
	ep, _ := c.setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint")
	switch {
	case ep != "":
		m.baseURL = ep
	case mode == "ipv6":
		m.baseURL = imdsDefaultURLv6
	default:
		m.baseURL = imdsDefaultURL
	}
	if !validURI(m.baseURL) {
		return nil, newErr(ClassInvalidIMDSEndpoint, SourceIMDS, "invalid endpoint EC2 instance metadata endpoint: %s", m.baseURL)
	}
	return m, nil
}

// hostLabels reports whether host is dot-separated DNS labels (letters,
// digits, inner hyphens, 1–63 characters each), botocore's pattern. No
// regexp: package initialisation stays free for CLI start-up.
func hostLabels(host string) bool {
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !(isAlnum(c) || c == '-') {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// ipv6Literal is a loose IPv6 literal check (hex digits, ':' and '.',
// optionally a %25 zone), as botocore's IPV6_ADDRZ_RE is.
func ipv6Literal(host string) bool {
	addr, _, _ := strings.Cut(host, "%25")
	if addr == "" {
		return false
	}
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if !(('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') || c == ':' || c == '.') {
			return false
		}
	}
	return true
}

// validURI is botocore's is_valid_uri: urlsplit finds a host name made of
// DNS labels, or an IPv6 literal; tabs and newlines are never valid.
func validURI(u string) bool {
	if strings.ContainsAny(u, "\t\r\n") {
		return false
	}
	host, ok := urlHostname(u)
	if !ok || host == "" || len(host) > 255 {
		return false
	}
	if strings.Contains(host, ":") {
		return ipv6Literal(host)
	}
	return hostLabels(strings.TrimSuffix(host, "."))
}

// urlHostname is Python's urlsplit(u).hostname (lower-cased, no port, no
// brackets); ok is false when there is no network location.
func urlHostname(u string) (string, bool) {
	i := strings.IndexByte(u, ':')
	if i <= 0 || !validScheme(u[:i]) {
		return "", false
	}
	rest := u[i+1:]
	if !strings.HasPrefix(rest, "//") {
		return "", false
	}
	rest = rest[2:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", false
		}
		return strings.ToLower(rest[1:end]), true
	}
	host, _, _ := strings.Cut(rest, ":")
	return strings.ToLower(host), host != ""
}

func validScheme(s string) bool {
	for i, r := range s {
		letter := ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !letter && (i == 0 || !(('0' <= r && r <= '9') || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// imdsStep is §6.11. Every failure except the three named errors means
// "nothing from IMDS" and the chain ends.
func (c *Config) imdsStep() *step {
	return &step{tag: SourceIMDS, network: true,
		probe: func() (bool, string, error) {
			m, err := c.imdsSettings()
			if err != nil {
				return false, "", err
			}
			if m.disabled {
				return false, "IMDS disabled by AWS_EC2_METADATA_DISABLED", nil
			}
			return true, "instance metadata service at " + m.baseURL, nil
		},
		fetch: func(ctx context.Context) (Credentials, error) {
			m, err := c.imdsSettings()
			if err != nil {
				return Credentials{}, err
			}
			return m.retrieve(ctx, c.w)
		},
	}
}

// imdsResponse is one answer: status and body, or the failure.
type imdsResponse struct {
	status   int
	body     string
	timedOut bool // connected, then no answer in time
	err      error
}

func (m *imdsConfig) url(path string) string {
	if strings.HasSuffix(m.baseURL, "/") {
		return m.baseURL + path
	}
	return m.baseURL + "/" + path
}

// send performs one request with botocore's per-request timeout, bounded
// also by deadline when non-zero.
func (m *imdsConfig) send(ctx context.Context, w *world, method, path string, hdr map[string]string, deadline time.Time) imdsResponse {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	if !deadline.IsZero() {
		var c2 context.CancelFunc
		ctx, c2 = context.WithDeadline(ctx, deadline)
		defer c2()
	}
	connected := false
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected = true }})
	req, err := http.NewRequestWithContext(ctx, method, m.url(path), nil)
	if err != nil {
		return imdsResponse{err: err}
	}
	for k, v := range hdr {
		req.Header[http.CanonicalHeaderKey(k)] = []string{v}
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return imdsResponse{err: err, timedOut: connected && ctx.Err() != nil}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return imdsResponse{err: err, timedOut: ctx.Err() != nil}
	}
	return imdsResponse{status: resp.StatusCode, body: string(body)}
}

var errIMDSGiveUp = notConfigured("no credentials from the instance metadata service")

// retrieve is botocore's InstanceMetadataFetcher.retrieve_iam_role_credentials.
func (m *imdsConfig) retrieve(ctx context.Context, w *world) (Credentials, error) {
	if m.disabled {
		return Credentials{}, notConfigured("IMDS disabled by AWS_EC2_METADATA_DISABLED")
	}
	token, hasToken, spec, err := m.token(ctx, w)
	if err != nil {
		return Credentials{}, err
	}
	if !hasToken && m.v1Disabled {
		return Credentials{}, newErr(ClassMetadataRetrieval, SourceIMDS,
			"unable to retrieve token for use in IMDSv2 call and IMDSv1 has been disabled")
	}
	hdr := map[string]string{}
	if hasToken {
		hdr["x-aws-ec2-metadata-token"] = token
	}
	okBody := func(r imdsResponse) bool { return r.err == nil && r.status == 200 && r.body != "" }
	attempts := m.attempts
	var role imdsResponse
	if spec != nil && !hasToken {
		role, attempts = *spec, attempts-1
	}
	for i := 0; i < attempts && !okBody(role); i++ {
		role = m.send(ctx, w, http.MethodGet, imdsCredsPath, hdr, time.Time{})
	}
	if !okBody(role) {
		return Credentials{}, errIMDSGiveUp
	}
	var doc map[string]any
	var credsResp imdsResponse
	for i := 0; i < m.attempts; i++ {
		credsResp = m.send(ctx, w, http.MethodGet, imdsCredsPath+role.body, hdr, time.Time{})
		if okBody(credsResp) && json.Unmarshal([]byte(credsResp.body), &doc) == nil {
			break
		}
		doc = nil
	}
	if doc == nil {
		return Credentials{}, errIMDSGiveUp
	}
	get := func(k string) (string, bool) {
		v, ok := doc[k]
		s, _ := v.(string)
		return s, ok
	}
	key, ok1 := get("AccessKeyId")
	secret, ok2 := get("SecretAccessKey")
	tok, ok3 := get("Token")
	exp, ok4 := get("Expiration")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return Credentials{}, errIMDSGiveUp
	}
	cr := Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: tok, Source: SourceIMDS}
	cr.Expires, cr.CanExpire = m.staticStability(exp, w.now())
	if !cr.CanExpire {
		return Credentials{}, newErr(ClassParser, SourceIMDS, "unknown string format for Expiration: %q", exp)
	}
	return cr, nil
}

// staticStability extends an expiry that is within 15 min + 2–10 min of
// now (or past) to now + that interval, as botocore does.
func (m *imdsConfig) staticStability(exp string, now time.Time) (time.Time, bool) {
	t, err := time.Parse("2006-01-02T15:04:05Z", exp)
	if err != nil {
		p, err := parseExpiry(exp)
		return p, err == nil
	}
	offset := advisoryWindow + time.Duration(120+rand.IntN(481))*time.Second
	if !now.Before(t.Add(-offset)) {
		t = now.Add(offset).Truncate(time.Second)
	}
	return t, true
}

// token is _fetch_metadata_token. Beside a slow token request it starts
// one tokenless role-name request (unless IMDSv1 is disabled), bounded by
// the token request's deadline, and returns it as spec, so a silent
// endpoint costs one timeout.
func (m *imdsConfig) token(ctx context.Context, w *world) (tok string, ok bool, spec *imdsResponse, err error) {
	hdr := map[string]string{"x-aws-ec2-metadata-token-ttl-seconds": "21600"}
	type result struct {
		tok     string
		ok      bool
		giveUp  bool
		timeout bool
	}
	deadline := time.Now().Add(m.timeout)
	tokCh := make(chan result, 1)
	go func() {
		var r result
	attempts:
		for i := 0; i < m.attempts; i++ {
			resp := m.send(ctx, w, http.MethodPut, imdsTokenPath, hdr, time.Time{})
			switch {
			case resp.timedOut:
				r.timeout = true
			case resp.err != nil:
				continue
			case resp.status == 200:
				r.tok, r.ok = resp.body, true
			case resp.status == 400:
				r.giveUp = true
			case resp.status == 404 || resp.status == 403 || resp.status == 405:
			default:
				continue
			}
			break attempts
		}
		tokCh <- r
	}()
	var specCh chan imdsResponse
	timer := time.NewTimer(speculativeDelay)
	defer timer.Stop()
	for {
		select {
		case r := <-tokCh:
			if r.giveUp {
				return "", false, nil, errIMDSGiveUp
			}
			if specCh != nil && !r.ok {
				s := <-specCh
				spec = &s
			}
			// botocore treats an empty token as none.
			return r.tok, r.ok && r.tok != "", spec, nil
		case <-timer.C:
			if !m.v1Disabled && specCh == nil {
				specCh = make(chan imdsResponse, 1)
				go func() { specCh <- m.send(ctx, w, http.MethodGet, imdsCredsPath, nil, deadline) }()
			}
		case <-ctx.Done():
			return "", false, nil, ctx.Err()
		}
	}
}
