package credentials

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"
)

// webIdentityStep is §6.6. Each of token file, role ARN and session name
// comes from its environment variable when set (unless the profile is
// explicit or a source profile), else from the profile.
func (c *Config) webIdentityStep(p *prof) *step {
	get := func(key, envKey string) (string, bool) {
		if !p.ignoreEnv {
			if v, ok := c.w.env(envKey); ok {
				return v, true
			}
		}
		return p.get(key)
	}
	return &step{tag: SourceWebIdentity, deferred: true,
		probe: func() (bool, string, error) {
			path, _ := get("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE")
			if path == "" {
				if p.ignoreEnv {
					return false, fmt.Sprintf("profile %s has no web_identity_token_file", p.name), nil
				}
				return false, fmt.Sprintf("AWS_WEB_IDENTITY_TOKEN_FILE not set and profile %s has no web_identity_token_file", p.name), nil
			}
			if role, _ := get("role_arn", "AWS_ROLE_ARN"); role == "" {
				return false, "", newErr(ClassInvalidConfig, SourceWebIdentity,
					"the profile or environment is configured to assume role with web identity but has no role ARN configured (set role_arn or AWS_ROLE_ARN)")
			}
			return true, "web identity token file " + path, nil
		},
		fetch: func(ctx context.Context) (Credentials, error) {
			path, _ := get("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE")
			role, _ := get("role_arn", "AWS_ROLE_ARN")
			session, _ := get("role_session_name", "AWS_ROLE_SESSION_NAME")
			if session == "" {
				session = fmt.Sprintf("botocore-session-%d", c.w.now().Unix())
			}
			token, err := readTextFile(path)
			if err != nil {
				return Credentials{}, err
			}
			params := url.Values{"RoleArn": {role}, "RoleSessionName": {session}, "WebIdentityToken": {token}}
			return c.callSTS(ctx, "AssumeRoleWithWebIdentity", params, nil, SourceWebIdentity)
		},
	}
}

// readTextFile reads a file as Python's open().read() does: UTF-8,
// universal newlines, nothing trimmed.
func readTextFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", newErr(ClassFileNotFound, SourceWebIdentity, "no such file or directory: %q", path)
	}
	if !utf8.Valid(b) {
		return "", newErr("UnicodeDecodeError", SourceWebIdentity, "%s is not valid UTF-8", path)
	}
	return strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n"), nil
}
