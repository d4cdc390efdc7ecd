package credentials

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/s3kit/s3kit/internal/ini"
)

// prof is a profile a provider reads: the session's selected profile or a
// source_profile of an assume-role chain.
type prof struct {
	name string
	vals map[string]ini.Value // merged keys (§4.5)
	// ignoreEnv: web identity ignores AWS_WEB_IDENTITY_TOKEN_FILE & co.
	// (explicit profile, or a source profile).
	ignoreEnv bool
}

func (p *prof) get(key string) (string, bool) { return str(p.vals, key) }

func (c *Config) selected() *prof {
	return &prof{name: c.Profile, vals: c.profile, ignoreEnv: c.explicitProfile()}
}

func (c *Config) profileNamed(name string, ignoreEnv bool) *prof {
	return &prof{name: name, vals: c.files.merged[name], ignoreEnv: ignoreEnv}
}

func always() (bool, string, error) { return true, "", nil }

// explicitStep returns the explicit-keys provider, or nil when no key was
// passed (empty strings count as not passed).
func (c *Config) explicitStep() *step {
	o := c.opts
	if o.AccessKeyID == "" && o.SecretAccessKey == "" && o.SessionToken == "" {
		return nil
	}
	return &step{tag: SourceExplicit, probe: always, fetch: func(context.Context) (Credentials, error) {
		// boto3 accepts partial explicit keys and fails later when
		// signing; s3kit fails now, and never fills the gap from env/files.
		switch {
		case o.AccessKeyID == "":
			return Credentials{}, &Error{ClassName: ClassPartialCredentials, Provider: SourceExplicit,
				Msg: "partial credentials found in explicit, missing: aws_access_key_id"}
		case o.SecretAccessKey == "":
			return Credentials{}, &Error{ClassName: ClassPartialCredentials, Provider: SourceExplicit,
				Msg: "partial credentials found in explicit, missing: aws_secret_access_key"}
		}
		return Credentials{AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretAccessKey,
			SessionToken: o.SessionToken, Source: SourceExplicit}, nil
	}}
}

// envStep is §6.1.
func (c *Config) envStep() *step {
	w := c.w
	return &step{tag: SourceEnv,
		probe: func() (bool, string, error) {
			if v, ok := w.env("AWS_ACCESS_KEY_ID"); !ok {
				return false, "AWS_ACCESS_KEY_ID not set", nil
			} else if v == "" {
				return false, "AWS_ACCESS_KEY_ID is empty", nil
			}
			return true, "AWS_ACCESS_KEY_ID is set", nil
		},
		fetch: func(context.Context) (Credentials, error) { return envCredentials(w) },
	}
}

func envCredentials(w *world) (Credentials, error) {
	key := w.getenv("AWS_ACCESS_KEY_ID")
	if key == "" {
		return Credentials{}, notConfigured("AWS_ACCESS_KEY_ID not set")
	}
	secret := w.getenv("AWS_SECRET_ACCESS_KEY")
	if secret == "" {
		return Credentials{}, &Error{ClassName: ClassPartialCredentials, Provider: SourceEnv,
			Msg: "partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"}
	}
	cr := Credentials{AccessKeyID: key, SecretAccessKey: secret, Source: SourceEnv,
		AccountID: w.getenv("AWS_ACCOUNT_ID")}
	if t := w.getenv("AWS_SECURITY_TOKEN"); t != "" {
		cr.SessionToken = t
	} else {
		cr.SessionToken = w.getenv("AWS_SESSION_TOKEN")
	}
	if exp := w.getenv("AWS_CREDENTIAL_EXPIRATION"); exp != "" {
		t, err := parseExpiry(exp)
		if err != nil {
			return Credentials{}, &Error{ClassName: ClassParser, Provider: SourceEnv,
				Msg: fmt.Sprintf("unknown string format for AWS_CREDENTIAL_EXPIRATION: %q", exp)}
		}
		cr.CanExpire, cr.Expires = true, t
	}
	return cr, nil
}

// staticKeysStep builds the shared-credentials-file (§6.2) and config-file
// (§6.3) providers: they read only their own file's section.
func staticKeysStep(tag, file string, exists bool, name string, section map[string]ini.Value) *step {
	return &step{tag: tag,
		probe: func() (bool, string, error) {
			switch {
			case !exists:
				return false, fmt.Sprintf("no file %s", file), nil
			case section == nil:
				return false, fmt.Sprintf("no profile %s in %s", name, file), nil
			case !has(section, "aws_access_key_id"):
				return false, fmt.Sprintf("profile %s has no aws_access_key_id in %s", name, file), nil
			}
			return true, fmt.Sprintf("profile %s has aws_access_key_id in %s", name, file), nil
		},
		fetch: func(context.Context) (Credentials, error) {
			if !has(section, "aws_secret_access_key") {
				return Credentials{}, &Error{ClassName: ClassPartialCredentials, Provider: tag, Profile: name, Path: file,
					Msg: "partial credentials found in " + tag + ", missing: aws_secret_access_key"}
			}
			cr := Credentials{Source: tag}
			cr.AccessKeyID, _ = str(section, "aws_access_key_id")
			cr.SecretAccessKey, _ = str(section, "aws_secret_access_key")
			if t, ok := str(section, "aws_security_token"); ok {
				cr.SessionToken = t
			} else {
				cr.SessionToken, _ = str(section, "aws_session_token")
			}
			cr.AccountID, _ = str(section, "aws_account_id")
			return cr, nil
		},
	}
}

func has(m map[string]ini.Value, k string) bool { _, ok := m[k]; return ok }

func (c *Config) sharedCredsStep(p *prof) *step {
	var sec map[string]ini.Value
	if s, ok := c.files.creds.Section(p.name); ok {
		sec = s.Values
	}
	return staticKeysStep(SourceSharedCredentials, c.w.display(c.files.credsPath), c.files.creds != nil, p.name, sec)
}

func (c *Config) configFileStep(p *prof) *step {
	return staticKeysStep(SourceConfigFile, c.w.display(c.files.configPath), c.files.config != nil, p.name, c.files.configProfiles[p.name])
}

// ec2CredFileStep is the legacy AWS_CREDENTIAL_FILE (§6.9): loose
// KEY=VALUE lines. As in botocore, a missing file is ConfigNotFound and a
// file with AWSAccessKeyId but no AWSSecretKey is KeyError.
func (c *Config) ec2CredFileStep() *step {
	w := c.w
	return &step{tag: SourceEC2CredentialFile,
		probe: func() (bool, string, error) {
			if _, ok := w.env("AWS_CREDENTIAL_FILE"); !ok {
				return false, "AWS_CREDENTIAL_FILE not set", nil
			}
			return true, "AWS_CREDENTIAL_FILE is set", nil
		},
		fetch: func(context.Context) (Credentials, error) {
			path := w.expandUser(w.getenv("AWS_CREDENTIAL_FILE"))
			kv, err := readKeyValueFile(path)
			if err != nil {
				return Credentials{}, newErr("ConfigNotFound", SourceEC2CredentialFile, "the specified config file (%s) could not be found", path)
			}
			key, ok := kv["AWSAccessKeyId"]
			if !ok {
				return Credentials{}, notConfigured("AWS_CREDENTIAL_FILE %s has no AWSAccessKeyId", w.display(path))
			}
			secret, ok := kv["AWSSecretKey"]
			if !ok {
				return Credentials{}, newErr("KeyError", SourceEC2CredentialFile, "%s has AWSAccessKeyId but no AWSSecretKey", path)
			}
			return Credentials{AccessKeyID: key, SecretAccessKey: secret, Source: SourceEC2CredentialFile}, nil
		},
	}
}

// readKeyValueFile is botocore's parse_key_val_file: every line (Python
// text mode, str.splitlines) holding '=' is split at the first one, both
// sides stripped.
func readKeyValueFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// botoConfigStep is the legacy boto2 config (§6.9): BOTO_CONFIG, else
// /etc/boto.cfg then ~/.boto; the first with [Credentials]
// aws_access_key_id wins. Parse errors and a missing secret propagate.
func (c *Config) botoConfigStep() *step {
	w := c.w
	find := func() (string, map[string]ini.Value, error) {
		var paths []string
		if v, ok := w.env("BOTO_CONFIG"); ok {
			paths = []string{v}
		} else {
			paths = []string{"/etc/boto.cfg", "~/.boto"}
		}
		for _, p := range paths {
			p = w.expandUser(w.expandVars(p))
			f, err := readINI(p)
			if err != nil {
				return p, nil, err
			}
			if s, ok := f.Section("Credentials"); ok && has(s.Values, "aws_access_key_id") {
				return p, s.Values, nil
			}
		}
		return "", nil, nil
	}
	return &step{tag: SourceBotoConfig,
		probe: func() (bool, string, error) {
			p, sec, err := find()
			if err != nil {
				return false, "", err
			}
			if sec == nil {
				return false, "no boto2 config with [Credentials] aws_access_key_id (BOTO_CONFIG, /etc/boto.cfg, ~/.boto)", nil
			}
			return true, "[Credentials] in " + w.display(p), nil
		},
		fetch: func(context.Context) (Credentials, error) {
			p, sec, err := find()
			if err != nil {
				return Credentials{}, err
			}
			if sec == nil {
				return Credentials{}, notConfigured("no boto2 config")
			}
			if !has(sec, "aws_secret_access_key") {
				return Credentials{}, &Error{ClassName: ClassPartialCredentials, Provider: SourceBotoConfig, Path: p,
					Msg: "partial credentials found in boto-config, missing: aws_secret_access_key"}
			}
			cr := Credentials{Source: SourceBotoConfig}
			cr.AccessKeyID, _ = str(sec, "aws_access_key_id")
			cr.SecretAccessKey, _ = str(sec, "aws_secret_access_key")
			return cr, nil
		},
	}
}

// loginStep detects login_session (§6.8), which s3kit does not support.
func (c *Config) loginStep(p *prof) *step {
	return &step{tag: SourceLogin,
		probe: func() (bool, string, error) {
			if _, ok := p.get("login_session"); !ok {
				return false, fmt.Sprintf("profile %s has no login_session", p.name), nil
			}
			return true, fmt.Sprintf("profile %s has login_session", p.name), nil
		},
		fetch: func(context.Context) (Credentials, error) {
			return Credentials{}, &Error{ClassName: ClassMissingDependency, Provider: SourceLogin, Profile: p.name,
				Msg: "login_session (aws login) credentials need botocore's optional CRT support and are not supported by s3kit"}
		},
	}
}
