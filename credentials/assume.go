package credentials

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// credential_source values botocore accepts (case-sensitive).
var credentialSources = map[string]bool{"Environment": true, "Ec2InstanceMetadata": true, "EcsContainer": true}

func hasStatic(p map[string]string) bool {
	_, a := p["aws_access_key_id"]
	_, b := p["aws_secret_access_key"]
	return a || b
}

// flat returns a profile's plain values.
func (c *Config) flat(name string) (map[string]string, bool) {
	vals, ok := c.files.merged[name]
	if !ok {
		return nil, false
	}
	m := make(map[string]string, len(vals))
	for k, v := range vals {
		m[k] = v.Raw
	}
	return m, true
}

func hasRoleConfig(p map[string]string) bool {
	_, role := p["role_arn"]
	_, web := p["web_identity_token_file"]
	return role && !web
}

// assumeRoleStep is §6.5. Source credentials are resolved when the chain
// runs (as botocore does); the STS call happens in the same fetch, which
// is s3kit's "first use".
func (c *Config) assumeRoleStep(p *prof) *step {
	var (
		mu   sync.Mutex
		last string // how the last fetch got its source credentials
	)
	return &step{tag: SourceAssumeRole, deferred: true,
		detail: func() string { mu.Lock(); defer mu.Unlock(); return last },
		probe: func() (bool, string, error) {
			vals, _ := c.flat(p.name)
			if !hasRoleConfig(vals) {
				if _, ok := vals["role_arn"]; ok {
					return false, fmt.Sprintf("profile %s has role_arn with web_identity_token_file (web identity)", p.name), nil
				}
				return false, fmt.Sprintf("profile %s has no role_arn", p.name), nil
			}
			return true, fmt.Sprintf("profile %s has role_arn %s", p.name, vals["role_arn"]), nil
		},
		fetch: func(ctx context.Context) (Credentials, error) {
			visited := []string{p.name}
			var via string
			creds, err := c.assumeRole(ctx, p.name, &visited, &via)
			mu.Lock()
			last = via
			mu.Unlock()
			return creds, err
		},
	}
}

// assumeRole validates profile name's role configuration, resolves its
// source credentials and calls STS AssumeRole.
func (c *Config) assumeRole(ctx context.Context, name string, visited *[]string, via *string) (Credentials, error) {
	prof, _ := c.flat(name)
	src, hasSrc := prof["source_profile"]
	credSrc, hasCredSrc := prof["credential_source"]
	switch {
	case hasSrc && hasCredSrc:
		return Credentials{}, newErr(ClassInvalidConfig, SourceAssumeRole, "the profile %q contains both source_profile and credential_source", name)
	case !hasSrc && !hasCredSrc:
		return Credentials{}, newErr(ClassPartialCredentials, SourceAssumeRole, "partial credentials found in assume-role, missing: source_profile or credential_source")
	case hasCredSrc:
		if !credentialSources[credSrc] {
			return Credentials{}, newErr(ClassInvalidConfig, SourceAssumeRole, "the credential source %q referenced in profile %q is not valid", credSrc, name)
		}
	default:
		if err := c.checkSourceProfile(name, src, *visited); err != nil {
			return Credentials{}, err
		}
	}
	var source Credentials
	var err error
	if hasCredSrc {
		source, err = c.fromCredentialSource(ctx, credSrc, name)
	} else {
		*visited = append(*visited, src)
		source, err = c.fromSourceProfile(ctx, src, visited, via)
	}
	if err != nil {
		return Credentials{}, err
	}
	hop := fmt.Sprintf("role %s assumed with %s credentials", prof["role_arn"], source.Source)
	switch {
	case hasCredSrc:
		hop += " (credential_source " + credSrc + ")"
	case *via != "":
		hop = *via + ", then " + hop
	default:
		hop += " of source profile " + src
	}
	*via = hop
	params := url.Values{"RoleArn": {prof["role_arn"]}}
	session := prof["role_session_name"]
	if session == "" {
		session = fmt.Sprintf("botocore-session-%d", c.w.now().Unix())
	}
	params.Set("RoleSessionName", session)
	if v, ok := prof["external_id"]; ok {
		params.Set("ExternalId", v)
	}
	if v, ok := prof["duration_seconds"]; ok {
		if n, err := pyInt(v); err == nil {
			params.Set("DurationSeconds", strconv.Itoa(n))
		}
	}
	if serial, ok := prof["mfa_serial"]; ok {
		code, err := c.mfaCode(ctx, serial)
		if err != nil {
			return Credentials{}, err
		}
		params.Set("SerialNumber", serial)
		params.Set("TokenCode", code)
	}
	return c.callSTS(ctx, "AssumeRole", params, &source, SourceAssumeRole)
}

// mfaCode asks Options.MFAToken for the code of an MFA device.
func (c *Config) mfaCode(ctx context.Context, serial string) (string, error) {
	if c.opts.MFAToken == nil {
		return "", newErr(ClassRefreshWithMFA, SourceAssumeRole,
			"the role needs an MFA code for %s and no MFA token source is configured", serial)
	}
	code, err := c.opts.MFAToken(ctx, serial)
	if err != nil {
		return "", &Error{ClassName: ClassCredentialRetrieval, Provider: SourceAssumeRole, Msg: "reading the MFA code failed", Err: err}
	}
	return strings.TrimSpace(code), nil
}

func (c *Config) checkSourceProfile(parent, src string, visited []string) error {
	sp, ok := c.flat(src)
	if !ok {
		return newErr(ClassInvalidConfig, SourceAssumeRole, "the source_profile %q referenced in the profile %q does not exist", src, parent)
	}
	seen := false
	for _, v := range visited {
		if v == src {
			seen = true
		}
	}
	if !seen {
		return nil
	}
	if src != parent || !hasStatic(sp) {
		return &Error{ClassName: ClassInfiniteLoopConfig, Provider: SourceAssumeRole,
			Msg: fmt.Sprintf("infinite loop in credential configuration detected: attempting to load from profile %s which has already been visited (visited profiles: %s)", src, strings.Join(visited, ", "))}
	}
	return nil
}

// fromSourceProfile is _resolve_credentials_from_profile: a profile with
// static keys, or without role_arn, runs the profile sub-chain (web
// identity without env, sso, credentials file, login, process, config
// file); otherwise it is assumed recursively.
func (c *Config) fromSourceProfile(ctx context.Context, name string, visited *[]string, via *string) (Credentials, error) {
	sp, _ := c.flat(name)
	if !hasStatic(sp) && hasRoleConfig(sp) {
		return c.assumeRole(ctx, name, visited, via)
	}
	p := c.profileNamed(name, true)
	steps := []*step{c.webIdentityStep(p), c.ssoStep(p), c.sharedCredsStep(p), c.loginStep(p), c.processStep(p), c.configFileStep(p)}
	creds, _, err := runSteps(ctx, steps, nil, func([]string) error {
		return newErr(ClassInvalidConfig, SourceAssumeRole, "the source profile %q must have credentials", name)
	})
	return creds, err
}

// fromCredentialSource runs the single provider credential_source names.
func (c *Config) fromCredentialSource(ctx context.Context, source, profile string) (Credentials, error) {
	var st *step
	switch source {
	case "Environment":
		st = c.envStep()
	case "Ec2InstanceMetadata":
		st = c.imdsStep()
	default:
		st = c.containerStep()
	}
	creds, _, err := runSteps(ctx, []*step{st}, nil, func([]string) error {
		return newErr(ClassCredentialRetrieval, source, "no credentials found in credential_source referenced in profile %s", profile)
	})
	return creds, err
}
