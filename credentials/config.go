package credentials

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/s3kit/s3kit/internal/ini"
)

// Options are the arguments of a session, like boto3.Session(...), plus the
// outside world as inputs so resolution never reads process state behind
// the caller's back.
type Options struct {
	// Profile is the explicit profile_name. An explicit profile removes the
	// environment provider from the chain (botocore's rule).
	Profile string
	// ProfileSet marks Profile as passed even when it is empty, like
	// boto3.Session(profile_name=""), which selects the profile named ""
	// (normally ProfileNotFound).
	ProfileSet bool
	// AccessKeyID, SecretAccessKey and SessionToken are explicit keys. Any
	// non-empty one makes the credentials exactly these three values.
	AccessKeyID, SecretAccessKey, SessionToken string
	// Region is the explicit region_name.
	Region string
	// LookupEnv reads an environment variable; nil means os.LookupEnv.
	// Set-but-empty variables matter to botocore, hence the bool.
	LookupEnv func(string) (string, bool)
	// Environ is the environment handed to credential_process; nil means
	// os.Environ when LookupEnv is nil, else the variables LookupEnv reports.
	Environ func() []string
	// Home is the home directory for "~"; "" means $HOME, else the user's.
	Home string
	// HTTPClient is used for IMDS, container, STS and SSO calls; nil means
	// a new http.Client (each call applies its own botocore timeout).
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MFAToken returns the current code of the MFA device serial when a
	// role profile has mfa_serial (botocore prompts on the terminal); nil
	// makes such profiles fail with RefreshWithMFAUnsupportedError.
	MFAToken func(ctx context.Context, serial string) (string, error)
	// Logger receives warnings (a failed advisory refresh); nil means
	// slog.Default().
	Logger *slog.Logger
}

// Config is a loaded session: the selected profile, its settings and a
// credentials provider that caches and refreshes.
type Config struct {
	// Profile is the effective profile name ("default" when none selected).
	Profile string
	// ProfileSource says how Profile was selected: "explicit",
	// "AWS_DEFAULT_PROFILE", "AWS_PROFILE" or "default".
	ProfileSource string
	// Region is the configured region ("" when none; see RegionSource).
	Region string
	// RegionSource says where Region came from: "explicit",
	// "AWS_DEFAULT_REGION", "profile" or "" when no region is configured.
	RegionSource string
	// Credentials is the session's provider: cached, refreshed within
	// botocore's windows (15 min advisory, 10 min mandatory), one refresh at
	// a time, safe for concurrent use.
	Credentials Provider
	// S3 holds the profile's s3 settings (§11.1), including the AWS CLI
	// transfer keys.
	S3 S3Settings
	// Retry holds max_attempts and retry_mode.
	Retry RetrySettings
	// Checksum holds the checksum calculation/validation settings.
	Checksum ChecksumSettings
	// CABundle is the PEM file of certificates TLS connections trust
	// instead of the system roots: AWS_CA_BUNDLE, else the profile's
	// ca_bundle ("" when neither is set), as botocore resolves it. Load
	// applies it to the credential providers' HTTP client when
	// Options.HTTPClient is nil; s3.NewSession to the S3 client's.
	CABundle string

	w       *world
	files   *sharedFiles
	profile map[string]ini.Value // merged keys of the selected profile
	opts    Options
	chain   *chain
	invalid map[int]error // settings errors Validate reports, by rank
}

// Load creates a session as boto3.Session(...) would: it selects the
// profile and parses both shared files. ConfigParseError and
// ProfileNotFound surface here, even when explicit keys are given. No
// credential is resolved yet: that happens on Config.Credentials.Retrieve.
func Load(ctx context.Context, o Options) (*Config, error) {
	w := newWorld(o)
	c := &Config{w: w, opts: o}
	c.Profile, c.ProfileSource = selectProfile(w, o.Profile, o.ProfileSet)
	files, err := loadSharedFiles(w)
	if err != nil {
		return nil, err
	}
	c.files = files
	prof, ok := files.merged[c.Profile]
	if !ok && c.ProfileSource != "default" {
		return nil, &Error{ClassName: ClassProfileNotFound, Profile: c.Profile,
			Msg: "the config profile (" + c.Profile + ") could not be found"}
	}
	c.profile = prof
	c.resolveRegion()
	c.resolveSettings()
	if c.CABundle != "" && o.HTTPClient == nil {
		w.client = &http.Client{Transport: CABundleTransport(http.DefaultTransport.(*http.Transport), c.CABundle)}
	}
	c.chain = newChain(c)
	c.Credentials = newCache(c.chain, w.now, o.Logger)
	return c, nil
}

// selectProfile applies §3: explicit, AWS_DEFAULT_PROFILE, AWS_PROFILE,
// "default". Set-but-empty variables select the empty name.
func selectProfile(w *world, explicit string, set bool) (name, source string) {
	if explicit != "" || set {
		return explicit, "explicit"
	}
	if v, ok := w.env("AWS_DEFAULT_PROFILE"); ok {
		return v, "AWS_DEFAULT_PROFILE"
	}
	if v, ok := w.env("AWS_PROFILE"); ok {
		return v, "AWS_PROFILE"
	}
	return "default", "default"
}

// explicitProfile reports whether the profile was passed in code, which
// disables the environment provider.
func (c *Config) explicitProfile() bool { return c.ProfileSource == "explicit" }

// profileValue returns a key of the selected merged profile.
func (c *Config) profileValue(key string) (string, bool) { return str(c.profile, key) }

// setting applies §11.4: environment variable (even empty) then profile key.
func (c *Config) setting(envKey, profileKey string) (string, bool) {
	if envKey != "" {
		if v, ok := c.w.env(envKey); ok {
			return v, true
		}
	}
	if profileKey != "" {
		return c.profileValue(profileKey)
	}
	return "", false
}

func (c *Config) resolveRegion() {
	switch {
	case c.opts.Region != "":
		c.Region, c.RegionSource = c.opts.Region, "explicit"
	default:
		if v, ok := c.w.env("AWS_DEFAULT_REGION"); ok {
			c.Region, c.RegionSource = v, "AWS_DEFAULT_REGION"
		} else if v, ok := c.profileValue("region"); ok {
			c.Region, c.RegionSource = v, "profile"
		}
	}
}
