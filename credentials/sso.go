package credentials

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/secret"
)

// ssoRefreshWindow: a cached sso-session token expiring within it is
// refreshed through sso-oidc CreateToken when possible.
const ssoRefreshWindow = 15 * time.Minute

// ssoConfig is a profile's resolved SSO configuration.
type ssoConfig struct {
	startURL, region, account, role string
	session                         string // sso-session name, "" for the legacy form
}

// ssoSettings is SSOProvider._load_sso_config: nil when the profile has
// neither sso_account_id nor sso_role_name.
func (c *Config) ssoSettings(p *prof) (*ssoConfig, error) {
	_, a := p.get("sso_account_id")
	_, r := p.get("sso_role_name")
	if !a && !r {
		return nil, nil
	}
	cfg := map[string]string{}
	for k, v := range p.vals {
		cfg[k] = v.Raw
	}
	required := []string{"sso_role_name", "sso_account_id", "sso_start_url", "sso_region"}
	if name, ok := cfg["sso_session"]; ok {
		sess, ok := c.files.ssoSessions[name]
		if !ok {
			return nil, newErr(ClassInvalidConfig, SourceSSO, "the specified sso-session does not exist: %q", name)
		}
		for k, v := range sess {
			if old, ok := cfg[k]; ok && old != v.Raw {
				return nil, newErr(ClassInvalidConfig, SourceSSO, "the value for %s is inconsistent between profile (%s) and sso-session (%s)", k, old, v.Raw)
			}
			cfg[k] = v.Raw
		}
		required = append(required, "sso_session")
	}
	var missing []string
	for _, k := range required {
		if _, ok := cfg[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, newErr(ClassInvalidConfig, SourceSSO, "the profile %q is configured to use SSO but is missing required configuration: %s", p.name, strings.Join(missing, ", "))
	}
	return &ssoConfig{startURL: cfg["sso_start_url"], region: cfg["sso_region"], account: cfg["sso_account_id"],
		role: cfg["sso_role_name"], session: cfg["sso_session"]}, nil
}

// ssoStep is §6.7.
func (c *Config) ssoStep(p *prof) *step {
	return &step{tag: SourceSSO, deferred: true,
		probe: func() (bool, string, error) {
			s, err := c.ssoSettings(p)
			if err != nil {
				return false, "", err
			}
			if s == nil {
				return false, fmt.Sprintf("profile %s has no sso_account_id or sso_role_name", p.name), nil
			}
			return true, fmt.Sprintf("profile %s uses SSO (%s, account %s, role %s)", p.name, s.startURL, s.account, s.role), nil
		},
		fetch: func(ctx context.Context) (Credentials, error) {
			s, err := c.ssoSettings(p)
			if err != nil {
				return Credentials{}, err
			}
			if s == nil {
				return Credentials{}, notConfigured("profile %s has no SSO configuration", p.name)
			}
			return c.ssoCredentials(ctx, s)
		},
	}
}

func (c *Config) ssoCachePath(key string) string {
	sum := sha1.Sum([]byte(key))
	return filepath.Join(c.w.home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}

// loadSSOToken is SSOTokenLoader: the cached token JSON for key.
func (c *Config) loadSSOToken(key, name string) (map[string]any, string, error) {
	path := c.ssoCachePath(key)
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, path, newErr(ClassSSOTokenLoad, SourceSSO, "error loading SSO token: token for %s does not exist", name)
	}
	b, err := os.ReadFile(path)
	var tok map[string]any
	if err != nil || json.Unmarshal(b, &tok) != nil || tok == nil {
		return nil, path, newErr("KeyError", SourceSSO, "SSO token cache file %s cannot be read as JSON", path)
	}
	_, a := tok["accessToken"]
	_, e := tok["expiresAt"]
	if !a || !e {
		return nil, path, newErr(ClassSSOTokenLoad, SourceSSO, "error loading SSO token: token for %s is invalid", name)
	}
	return tok, path, nil
}

func tokenTime(tok map[string]any, key string) (time.Time, bool) {
	s, ok := tok[key].(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := parseExpiry(s)
	return t, err == nil
}

// ssoAccessToken returns the bearer token for the portal call.
func (c *Config) ssoAccessToken(ctx context.Context, s *ssoConfig) (string, error) {
	now := c.w.now()
	if s.session == "" {
		tok, _, err := c.loadSSOToken(s.startURL, s.startURL)
		if err != nil {
			return "", err
		}
		exp, ok := tokenTime(tok, "expiresAt")
		if !ok {
			return "", newErr(ClassParser, SourceSSO, "unknown string format for expiresAt")
		}
		if !exp.After(now) {
			return "", newErr(ClassUnauthorizedSSOToken, SourceSSO, "the SSO session associated with this profile has expired or is otherwise invalid; run aws sso login")
		}
		at, _ := tok["accessToken"].(string)
		return at, nil
	}
	tok, path, err := c.loadSSOToken(s.session, s.session)
	if err != nil {
		return "", err
	}
	exp, ok := tokenTime(tok, "expiresAt")
	if !ok {
		return "", newErr(ClassParser, SourceSSO, "unknown string format for expiresAt")
	}
	if exp.Sub(now) < ssoRefreshWindow {
		if nt, nexp, ok := c.refreshSSOToken(ctx, s, tok); ok {
			tok, exp = nt, nexp
			if b, err := json.Marshal(tok); err == nil {
				_ = secret.WriteFile(path, b, 0o600)
			}
		}
	}
	if !exp.After(now) {
		return "", newErr(ClassTokenRetrieval, SourceSSO, "token has expired and refresh failed")
	}
	at, _ := tok["accessToken"].(string)
	return at, nil
}

// refreshSSOToken is SSOTokenProvider._refresh_access_token: sso-oidc
// CreateToken with the cached client registration; any failure is "no".
func (c *Config) refreshSSOToken(ctx context.Context, s *ssoConfig, tok map[string]any) (map[string]any, time.Time, bool) {
	for _, k := range []string{"refreshToken", "clientId", "clientSecret", "registrationExpiresAt"} {
		if _, ok := tok[k]; !ok {
			return nil, time.Time{}, false
		}
	}
	if reg, ok := tokenTime(tok, "registrationExpiresAt"); !ok || !reg.After(c.w.now()) {
		return nil, time.Time{}, false
	}
	ep, err := c.EndpointURL("sso-oidc")
	if err != nil {
		return nil, time.Time{}, false
	}
	if ep == "" {
		ep = "https://oidc." + s.region + ".amazonaws.com"
	}
	in := map[string]any{"grantType": "refresh_token", "clientId": tok["clientId"], "clientSecret": tok["clientSecret"], "refreshToken": tok["refreshToken"]}
	var out struct {
		AccessToken  string `json:"accessToken"`
		ExpiresIn    int64  `json:"expiresIn"`
		RefreshToken string `json:"refreshToken"`
	}
	if _, err := c.callJSON(ctx, http.MethodPost, strings.TrimRight(ep, "/")+"/token", nil, in, &out, "CreateToken", SourceSSO); err != nil {
		return nil, time.Time{}, false
	}
	exp := c.w.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC()
	nt := map[string]any{
		"startUrl": s.startURL, "region": s.region, "accessToken": out.AccessToken,
		"expiresAt": exp.Format("2006-01-02T15:04:05Z"), "clientId": tok["clientId"],
		"clientSecret": tok["clientSecret"], "registrationExpiresAt": tok["registrationExpiresAt"],
	}
	if out.RefreshToken != "" {
		nt["refreshToken"] = out.RefreshToken
	}
	return nt, exp, true
}

// ssoCredentials calls the portal's GetRoleCredentials.
func (c *Config) ssoCredentials(ctx context.Context, s *ssoConfig) (Credentials, error) {
	// botocore creates the SSO client (validating sso_region) before it
	// loads the token.
	if err := checkRegion(s.region); err != nil {
		return Credentials{}, err
	}
	token, err := c.ssoAccessToken(ctx, s)
	if err != nil {
		return Credentials{}, err
	}
	ep, err := c.EndpointURL("sso")
	if err != nil {
		return Credentials{}, err
	}
	if ep == "" {
		ep = "https://portal.sso." + s.region + ".amazonaws.com"
	}
	q := url.Values{"role_name": {s.role}, "account_id": {s.account}}
	u := strings.TrimRight(ep, "/") + "/federation/credentials?" + q.Encode()
	var out struct {
		RoleCredentials struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SessionToken    string `json:"sessionToken"`
			Expiration      int64  `json:"expiration"`
		} `json:"roleCredentials"`
	}
	code, err := c.callJSON(ctx, http.MethodGet, u, map[string]string{"x-amz-sso_bearer_token": token}, nil, &out, "GetRoleCredentials", SourceSSO)
	if code == "UnauthorizedException" {
		return Credentials{}, newErr(ClassUnauthorizedSSOToken, SourceSSO, "the SSO session associated with this profile has expired or is otherwise invalid; run aws sso login")
	}
	if err != nil {
		return Credentials{}, err
	}
	rc := out.RoleCredentials
	return Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.SessionToken,
		AccountID: s.account, Source: SourceSSO, CanExpire: true, Expires: time.UnixMilli(rc.Expiration).UTC()}, nil
}
