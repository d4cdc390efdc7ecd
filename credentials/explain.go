package credentials

import (
	"context"
	"fmt"
	"strings"
)

// StepState is what happened to one provider during a resolution.
type StepState string

// The states a provider can end in.
const (
	// StepSkipped: the provider's trigger was absent.
	StepSkipped StepState = "skipped"
	// StepChosen: the provider produced the credentials in use.
	StepChosen StepState = "chosen"
	// StepShadowed: the provider is configured and would also have
	// produced credentials, but an earlier one won.
	StepShadowed StepState = "shadowed"
	// StepFailed: the provider is configured but failed, which stops the
	// chain (botocore's rule).
	StepFailed StepState = "failed"
	// StepNotChecked: a network provider after the winner, not queried.
	StepNotChecked StepState = "not-checked"
)

// Step records one provider of the chain, in order.
type Step struct {
	Source string    // botocore source tag, e.g. "shared-credentials-file"
	State  StepState // skipped, chosen, shadowed, failed, not-checked
	Reason string    // plain words: "AWS_ACCESS_KEY_ID not set", ...
}

// String renders the step as "source: state (reason)".
func (s Step) String() string { return fmt.Sprintf("%s: %s (%s)", s.Source, s.State, s.Reason) }

// Explanation is a resolution with every decision recorded.
type Explanation struct {
	Profile        string // effective profile
	ProfileSource  string // explicit, AWS_DEFAULT_PROFILE, AWS_PROFILE, default
	Region         string
	RegionSource   string // explicit, AWS_DEFAULT_REGION, profile, "" (none)
	Endpoint       string // S3 endpoint a client would use ("" = default AWS)
	EndpointSource string
	ConfigFile     string // paths consulted
	CredsFile      string
	Steps          []Step
	// Credentials are the resolved credentials (zero on failure).
	Credentials Credentials
}

// Chosen returns the winning step.
func (e *Explanation) Chosen() (Step, bool) {
	for _, s := range e.Steps {
		if s.State == StepChosen {
			return s, true
		}
	}
	return Step{}, false
}

// Shadowed returns the providers that would also have produced credentials.
func (e *Explanation) Shadowed() []Step {
	var out []Step
	for _, s := range e.Steps {
		if s.State == StepShadowed {
			out = append(out, s)
		}
	}
	return out
}

// String renders the explanation as plain text, keys masked.
func (e *Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "profile %q (%s)\n", e.Profile, e.ProfileSource)
	for _, s := range e.Steps {
		fmt.Fprintf(&b, "  %-30s %-11s %s\n", s.Source, s.State, s.Reason)
	}
	return b.String()
}

// Explain resolves the session's credentials as Credentials.Retrieve does
// (performing deferred STS/SSO calls) and records every provider step.
// On failure it returns the explanation so far together with the error.
// The result also primes the session's credential cache.
func (c *Config) Explain(ctx context.Context) (*Explanation, error) {
	e := &Explanation{
		Profile: c.Profile, ProfileSource: c.ProfileSource,
		Region: c.Region, RegionSource: c.RegionSource,
		ConfigFile: c.files.configPath, CredsFile: c.files.credsPath,
	}
	ep, src, err := c.endpoint("s3")
	if err != nil {
		return e, err
	}
	e.Endpoint, e.EndpointSource = ep, src
	rec := &recorder{}
	creds, err := c.cache().resolve(ctx, rec)
	e.Steps = rec.steps
	if err != nil {
		return e, err
	}
	e.Credentials = creds
	return e, nil
}

func (c *Config) cache() *cache {
	if cc, ok := c.Credentials.(*cache); ok {
		return cc
	}
	return newCache(c.chain, c.w.now, c.opts.Logger)
}
