package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3kit/s3kit/credentials"
	"github.com/spf13/cobra"
)

// credsFlags are the boto3.Session arguments "s3kit creds" accepts.
type credsFlags struct {
	profile, region             string
	profileSet                  bool // --profile given, even as ""
	accessKey, secretKey, token string
	json                        bool
	format                      string
}

func (f *credsFlags) options(env Env) credentials.Options {
	return credentials.Options{
		Profile:         f.profile,
		ProfileSet:      f.profileSet,
		Region:          f.region,
		AccessKeyID:     f.accessKey,
		SecretAccessKey: f.secretKey,
		SessionToken:    f.token,
		LookupEnv:       env.LookupEnv,
		Environ:         env.Environ,
		Home:            env.Home,
		Now:             env.Now,
		// botocore prompts for the MFA code of a role profile; so do we,
		// on stderr, reading one line from stdin.
		MFAToken: func(ctx context.Context, serial string) (string, error) {
			if env.Stderr != nil {
				fmt.Fprintf(env.Stderr, "Enter MFA code for %s: ", serial)
			}
			line, err := bufio.NewReader(env.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("reading the MFA code: %w", err)
			}
			return strings.TrimSpace(line), nil
		},
	}
}

// newCredsCmd builds "s3kit creds" and "s3kit creds export".
//
// Deferred sources (assume-role, web identity, SSO): boto3's
// get_credentials() followed by reading the keys performs the STS/SSO
// call, so creds performs it too; errors of those calls are reported with
// their botocore class (e.g. ClientError).
func newCredsCmd(env Env) *cobra.Command {
	f := &credsFlags{}
	cmd := &cobra.Command{
		Use:   "creds",
		Short: "Resolve credentials exactly as boto3 would, and explain the choice",
		Long: `Resolve credentials exactly as boto3.Session(...) with the same arguments
would, and explain every provider tried: skipped (and why), chosen, or
shadowed (configured, but an earlier provider won). Keys are masked.

Deferred sources (assume-role, web identity, SSO) are resolved fully: the
STS/SSO call is made, as reading boto3's credentials does.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.profileSet = cmd.Flags().Changed("profile")
			return runCreds(cmd.Context(), env, f)
		},
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.profile, "profile", "", "profile name (like boto3.Session(profile_name=...))")
	pf.StringVar(&f.region, "region", "", "region name (like boto3.Session(region_name=...))")
	pf.StringVar(&f.accessKey, "access-key-id", "", "explicit access key ID")
	pf.StringVar(&f.secretKey, "secret-access-key", "", "explicit secret access key")
	pf.StringVar(&f.token, "session-token", "", "explicit session token")
	cmd.Flags().BoolVar(&f.json, "json", false, "print JSON (keys masked)")

	export := &cobra.Command{
		Use:   "export",
		Short: "Print the resolved credentials unmasked, for other tools",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.profileSet = cmd.Flags().Changed("profile")
			return runCredsExport(cmd.Context(), env, f)
		},
	}
	export.Flags().StringVar(&f.format, "format", "env", "output format: env, json or credential-process")
	cmd.AddCommand(export)
	return cmd
}

// resolved is a successful resolution.
type resolved struct {
	cfg *credentials.Config
	exp *credentials.Explanation
}

func resolveCreds(ctx context.Context, env Env, f *credsFlags) (*resolved, *credentials.Explanation, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := credentials.Load(ctx, f.options(env))
	if err != nil {
		return nil, nil, err
	}
	exp, err := cfg.Explain(ctx)
	if err != nil {
		return nil, exp, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, exp, err
	}
	return &resolved{cfg: cfg, exp: exp}, exp, nil
}

func runCreds(ctx context.Context, env Env, f *credsFlags) error {
	r, exp, err := resolveCreds(ctx, env, f)
	if err != nil {
		if f.json {
			writeJSONError(env.Stdout, err)
			return &ExitError{Code: ExitFailed, Err: err, Silent: true}
		}
		if exp != nil && len(exp.Steps) > 0 {
			writeSteps(env.Stdout, exp)
		}
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("creds: %w (%s)", err, errorClass(err))}
	}
	if f.json {
		return writeJSON(env.Stdout, credsJSON(r.exp, credentials.Mask))
	}
	writeHuman(env.Stdout, r.exp, env.Now)
	return nil
}

func runCredsExport(ctx context.Context, env Env, f *credsFlags) error {
	switch f.format {
	case "env", "json", "credential-process":
	default:
		return usageError(fmt.Errorf("creds export: unknown --format %q (want env, json or credential-process)", f.format))
	}
	r, _, err := resolveCreds(ctx, env, f)
	if err != nil {
		if f.format != "env" {
			writeJSONError(env.Stdout, err)
			return &ExitError{Code: ExitFailed, Err: err, Silent: true}
		}
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("creds export: %w (%s)", err, errorClass(err))}
	}
	c := r.exp.Credentials
	switch f.format {
	case "json":
		return writeJSON(env.Stdout, credsJSON(r.exp, func(s string) string { return s }))
	case "credential-process":
		out := map[string]any{"Version": 1, "AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey}
		if c.SessionToken != "" {
			out["SessionToken"] = c.SessionToken
		}
		if c.CanExpire {
			out["Expiration"] = c.Expires.UTC().Format(time.RFC3339)
		}
		if c.AccountID != "" {
			out["AccountId"] = c.AccountID
		}
		// botocore and the SDKs ignore fields they do not know; these say
		// where the keys belong for whoever reads the output.
		if r.exp.RegionSource != "" {
			out["Region"] = r.exp.Region
		}
		if r.exp.Endpoint != "" {
			out["EndpointUrl"] = r.exp.Endpoint
		}
		return writeJSON(env.Stdout, out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "export AWS_ACCESS_KEY_ID=%s\n", shellQuote(c.AccessKeyID))
	fmt.Fprintf(&b, "export AWS_SECRET_ACCESS_KEY=%s\n", shellQuote(c.SecretAccessKey))
	if c.SessionToken != "" {
		fmt.Fprintf(&b, "export AWS_SESSION_TOKEN=%s\n", shellQuote(c.SessionToken))
	}
	if c.CanExpire {
		fmt.Fprintf(&b, "export AWS_CREDENTIAL_EXPIRATION=%s\n", c.Expires.UTC().Format(time.RFC3339))
	}
	if c.AccountID != "" {
		fmt.Fprintf(&b, "export AWS_ACCOUNT_ID=%s\n", shellQuote(c.AccountID))
	}
	// The region and S3 endpoint travel with the keys, so a program given
	// them talks to the same place and never sends local keys to AWS.
	// botocore and aws-cli read AWS_DEFAULT_REGION, the other SDKs
	// AWS_REGION; AWS_ENDPOINT_URL_S3 (botocore 1.31+, the SDKs, s3kit)
	// moves only S3, unlike AWS_ENDPOINT_URL.
	if r.exp.RegionSource != "" {
		fmt.Fprintf(&b, "export AWS_DEFAULT_REGION=%s\n", shellQuote(r.exp.Region))
		fmt.Fprintf(&b, "export AWS_REGION=%s\n", shellQuote(r.exp.Region))
	}
	if r.exp.Endpoint != "" {
		fmt.Fprintf(&b, "export AWS_ENDPOINT_URL_S3=%s\n", shellQuote(r.exp.Endpoint))
	}
	_, err = io.WriteString(env.Stdout, b.String())
	return err
}

// credsJSON is the --json shape of design.md; mask is applied to the keys.
func credsJSON(e *credentials.Explanation, mask func(string) string) map[string]any {
	c := e.Credentials
	opt := func(s string) any {
		if s == "" {
			return nil
		}
		return mask(s)
	}
	out := map[string]any{
		"access_key_id":     mask(c.AccessKeyID),
		"secret_access_key": mask(c.SecretAccessKey),
		"session_token":     opt(c.SessionToken),
		"source":            c.Source,
		"profile":           e.Profile,
		"region":            nil,
		"endpoint_url":      nil,
		"expiration":        nil,
	}
	if e.RegionSource != "" {
		out["region"] = e.Region
	}
	if e.Endpoint != "" {
		out["endpoint_url"] = e.Endpoint
	}
	if c.CanExpire {
		out["expiration"] = c.Expires.UTC().Format(time.RFC3339)
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeJSONError(w io.Writer, err error) {
	_ = writeJSON(w, map[string]string{"error": err.Error(), "error_class": errorClass(err)})
}

// errorClass is the botocore class of err; "Exception" when it has none
// (a cancelled context, for example).
func errorClass(err error) string {
	if c := credentials.ClassOf(err); c != "" {
		return c
	}
	return "Exception"
}

func writeHuman(w io.Writer, e *credentials.Explanation, now func() time.Time) {
	c := e.Credentials
	var b strings.Builder
	fmt.Fprintf(&b, "source:         %s\n", c.Source)
	fmt.Fprintf(&b, "profile:        %s (%s)\n", e.Profile, profileSourceWords(e.ProfileSource))
	switch {
	case e.RegionSource == "":
		b.WriteString("region:         none configured (S3 uses us-east-1)\n")
	default:
		fmt.Fprintf(&b, "region:         %s (from %s)\n", e.Region, e.RegionSource)
	}
	if e.Endpoint == "" {
		b.WriteString("endpoint:       AWS default\n")
	} else {
		fmt.Fprintf(&b, "endpoint:       %s (from %s)\n", e.Endpoint, e.EndpointSource)
	}
	fmt.Fprintf(&b, "access key:     %s\n", credentials.Mask(c.AccessKeyID))
	fmt.Fprintf(&b, "secret key:     %s\n", credentials.Mask(c.SecretAccessKey))
	if c.SessionToken != "" {
		fmt.Fprintf(&b, "session token:  %s\n", credentials.Mask(c.SessionToken))
	} else {
		b.WriteString("session token:  none\n")
	}
	if c.AccountID != "" {
		fmt.Fprintf(&b, "account:        %s\n", c.AccountID)
	}
	if c.CanExpire {
		fmt.Fprintf(&b, "expires:        %s (in %s)\n", c.Expires.UTC().Format(time.RFC3339),
			c.Expires.Sub(now()).Round(time.Second))
	} else {
		b.WriteString("expires:        never\n")
	}
	if sh := e.Shadowed(); len(sh) > 0 {
		b.WriteString("shadowed:\n")
		for _, s := range sh {
			fmt.Fprintf(&b, "  %s: %s\n", s.Source, s.Reason)
		}
	}
	_, _ = io.WriteString(w, b.String())
	writeSteps(w, e)
}

func writeSteps(w io.Writer, e *credentials.Explanation) {
	var b strings.Builder
	b.WriteString("providers, in order:\n")
	for _, s := range e.Steps {
		fmt.Fprintf(&b, "  %-30s %-11s %s\n", s.Source, s.State, s.Reason)
	}
	_, _ = io.WriteString(w, b.String())
}

func profileSourceWords(src string) string {
	switch src {
	case "explicit":
		return "--profile"
	case "default":
		return "default, none selected"
	}
	return "from " + src
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=_-.:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
