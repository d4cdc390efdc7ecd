package credparity

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// stubs are the local stand-ins for IMDS, the container endpoint, STS and the
// SSO portal. They keep no per-scenario state: every answer is derived from
// the request (role ARN, source key, token, path), so botocore and s3kit get
// the same credentials only if they sent the same request, and both sides can
// hit the stubs concurrently.
type stubs struct {
	imds, container, sts, sso *httptest.Server
	// expires is the fixed expiry every successful answer carries.
	expires time.Time
	// past is the expiry of answers asked to be already expired.
	past time.Time
	// hits counts requests per stub and client kind, to prove both sides
	// really reached them.
	botocoreHits, otherHits atomic.Int64
}

func newStubs(now time.Time) *stubs {
	s := &stubs{
		expires: now.Add(3 * time.Hour).UTC().Truncate(time.Second),
		past:    now.Add(-time.Hour).UTC().Truncate(time.Second),
	}
	s.imds = httptest.NewServer(s.count(http.HandlerFunc(s.serveIMDS)))
	s.container = httptest.NewServer(s.count(http.HandlerFunc(s.serveContainer)))
	s.sts = httptest.NewServer(s.count(http.HandlerFunc(s.serveSTS)))
	s.sso = httptest.NewServer(s.count(http.HandlerFunc(s.serveSSO)))
	return s
}

func (s *stubs) close() {
	s.imds.Close()
	s.container.Close()
	s.sts.Close()
	s.sso.Close()
}

func (s *stubs) count(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(strings.ToLower(r.UserAgent()), "botocore") {
			s.botocoreHits.Add(1)
		} else {
			s.otherHits.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}

// derive turns the parts of a request that matter into a stable fake
// credential triple.
func derive(prefix string, parts ...string) (akid, secret, token string) {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	return prefix + h[:16], "secret" + strings.ToLower(h[16:40]), "token" + strings.ToLower(h[40:64])
}

const imdsToken = "imds-token-AQAEAFake"

// serveIMDS answers under /<mode>/latest/...; the mode is the endpoint path
// prefix a scenario configures (botocore keeps an endpoint's path).
func (s *stubs) serveIMDS(w http.ResponseWriter, r *http.Request) {
	mode, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case rest == "latest/api/token" && r.Method == http.MethodPut:
		switch mode {
		case "v1only":
			http.NotFound(w, r)
		case "token400":
			http.Error(w, "bad request", http.StatusBadRequest)
		case "slowtoken":
			time.Sleep(1500 * time.Millisecond)
			http.NotFound(w, r)
		default:
			if r.Header.Get("x-aws-ec2-metadata-token-ttl-seconds") != "21600" {
				http.Error(w, "missing ttl", http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, imdsToken)
		}
	case rest == "latest/meta-data/iam/security-credentials/" && r.Method == http.MethodGet:
		if mode == "norole" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "stub-role")
	case strings.HasPrefix(rest, "latest/meta-data/iam/security-credentials/") && r.Method == http.MethodGet:
		role := strings.TrimPrefix(rest, "latest/meta-data/iam/security-credentials/")
		tok := r.Header.Get("x-aws-ec2-metadata-token")
		if tok != "" && tok != imdsToken {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		s.writeIMDSCreds(w, mode, role, tok)
	default:
		http.NotFound(w, r)
	}
}

func (s *stubs) writeIMDSCreds(w http.ResponseWriter, mode, role, tok string) {
	if mode == "badjson" {
		fmt.Fprint(w, "this is not json")
		return
	}
	akid, secret, token := derive("ASIAIMDS", mode, role, tok)
	body := map[string]string{
		"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": akid,
		"SecretAccessKey": secret, "Token": token,
		"Expiration":  s.expires.Format("2006-01-02T15:04:05Z"),
		"LastUpdated": s.past.Format("2006-01-02T15:04:05Z"),
	}
	if mode == "notoken" {
		delete(body, "Token")
	}
	_ = json.NewEncoder(w).Encode(body)
}

// serveContainer answers GET /<mode>; the credentials depend on the
// Authorization header, so a wrong token source shows as a key mismatch.
func (s *stubs) serveContainer(w http.ResponseWriter, r *http.Request) {
	mode := strings.Trim(r.URL.Path, "/")
	switch mode {
	case "fail500":
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case "nonjson":
		fmt.Fprint(w, "<html>not json</html>")
		return
	}
	exp := s.expires
	if mode == "expired" {
		exp = s.past
	}
	akid, secret, token := derive("ASIACONT", mode, r.Header.Get("Authorization"), r.Header.Get("Accept"))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"AccessKeyId": akid, "SecretAccessKey": secret, "Token": token,
		"Expiration": exp.Format(time.RFC3339), "RoleArn": "arn:aws:iam::123456789012:role/task",
	})
}

var (
	credentialScope = regexp.MustCompile(`Credential=([^/,]*)/[0-9]{8}/([^/,]*)/([^/,]*)/aws4_request`)
	defaultSession  = regexp.MustCompile(`^botocore-session-[0-9]+$`)
)

// serveSTS answers AssumeRole (must be SigV4-signed, like botocore does) and
// AssumeRoleWithWebIdentity (must be unsigned).
func (s *stubs) serveSTS(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		stsError(w, http.StatusBadRequest, "InvalidRequest", "want a POSTed form")
		return
	}
	f := r.PostForm
	session := f.Get("RoleSessionName")
	if defaultSession.MatchString(session) {
		session = "botocore-session-N" // the default name embeds the clock
	}
	role := f.Get("RoleArn")
	auth := r.Header.Get("Authorization")
	var akid, secret, token string
	switch f.Get("Action") {
	case "AssumeRole":
		m := credentialScope.FindStringSubmatch(auth)
		if m == nil || m[3] != "sts" {
			stsError(w, http.StatusForbidden, "MissingAuthenticationToken", "request must be signed")
			return
		}
		akid, secret, token = derive("ASIAROLE", role, session, m[1], m[2],
			r.Header.Get("X-Amz-Security-Token"), f.Get("ExternalId"), f.Get("DurationSeconds"),
			f.Get("SerialNumber"))
	case "AssumeRoleWithWebIdentity":
		if auth != "" {
			stsError(w, http.StatusBadRequest, "UnexpectedSignature", "web identity calls are unsigned")
			return
		}
		akid, secret, token = derive("ASIAWEBI", role, session, f.Get("WebIdentityToken"), f.Get("DurationSeconds"))
	default:
		stsError(w, http.StatusBadRequest, "InvalidAction", "unknown action")
		return
	}
	if strings.HasSuffix(role, ":role/deny") {
		stsError(w, http.StatusForbidden, "AccessDenied", "not authorized to perform sts:AssumeRole")
		return
	}
	exp := s.expires
	if strings.HasSuffix(role, ":role/expired") {
		exp = s.past
	}
	action := f.Get("Action")
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <%[1]sResult>
    <Credentials>
      <AccessKeyId>%[2]s</AccessKeyId>
      <SecretAccessKey>%[3]s</SecretAccessKey>
      <SessionToken>%[4]s</SessionToken>
      <Expiration>%[5]s</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROASTUB:%[6]s</AssumedRoleId>
      <Arn>%[7]s/%[6]s</Arn>
    </AssumedRoleUser>
  </%[1]sResult>
  <ResponseMetadata><RequestId>stub-request</RequestId></ResponseMetadata>
</%[1]sResponse>`, action, akid, secret, token, exp.Format(time.RFC3339), session, role)
}

func stsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>stub-request</RequestId>
</ErrorResponse>`, code, msg)
}

// serveSSO answers the portal's GET /federation/credentials (unsigned, with
// the bearer token header). The token "denied" is rejected.
func (s *stubs) serveSSO(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tok := r.Header.Get("x-amz-sso_bearer_token")
	switch {
	case r.URL.Path != "/federation/credentials" || r.Method != http.MethodGet:
		w.Header().Set("x-amzn-ErrorType", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"no such route"}`)
		return
	case r.Header.Get("Authorization") != "" || tok == "" || tok == "denied":
		w.Header().Set("x-amzn-ErrorType", "UnauthorizedException")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Session token not found or invalid"}`)
		return
	}
	akid, secret, token := derive("ASIASSO0", q.Get("account_id"), q.Get("role_name"), tok)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"roleCredentials": map[string]any{
		"accessKeyId": akid, "secretAccessKey": secret, "sessionToken": token,
		"expiration": s.expires.UnixMilli(),
	}})
}
