package credentials

import (
	"context"
	"errors"
)

// step is one provider of the chain. probe says, without side effects (no
// process, no network), whether the provider's trigger is present; fetch
// produces credentials and may return an error wrapping ErrNotConfigured
// when it finds nothing (IMDS), which moves the chain on.
type step struct {
	tag string
	// probe returns whether the provider is configured and a plain-words
	// reason (why it is skipped, or what it would use). An error is a
	// configuration error that aborts the chain, as botocore raises it.
	probe func() (configured bool, reason string, err error)
	fetch func(ctx context.Context) (Credentials, error)
	// deferred providers (assume-role, web identity, sso) call STS/SSO on
	// first use; their first fetch is already the "refresh".
	deferred bool
	// network providers cannot tell without a call whether they would
	// yield, so explain reports them as not checked once a winner exists.
	network bool
	// detail, if set, adds what fetch learned to the chosen step's reason
	// (an assumed role's source credentials).
	detail func() string
}

// chain is the ordered provider list of spec §5 for the session's profile.
type chain struct {
	c     *Config
	steps []*step
}

func newChain(c *Config) *chain {
	ch := &chain{c: c}
	p := c.selected()
	if !c.explicitProfile() {
		ch.steps = append(ch.steps, c.envStep())
	}
	ch.steps = append(ch.steps,
		c.assumeRoleStep(p),
		c.webIdentityStep(p),
		c.ssoStep(p),
		c.sharedCredsStep(p),
		c.loginStep(p),
		c.processStep(p),
		c.configFileStep(p),
		c.ec2CredFileStep(),
		c.botoConfigStep(),
		c.containerStep(),
		c.imdsStep(),
	)
	return ch
}

// recorder collects explain steps; nil records nothing.
type recorder struct{ steps []Step }

func (r *recorder) add(tag string, st StepState, reason string) {
	if r != nil {
		r.steps = append(r.steps, Step{Source: tag, State: st, Reason: reason})
	}
}

// resolve runs the chain: the first provider that yields wins; a provider
// that fails aborts. It returns the winning step for refreshes.
func (ch *chain) resolve(ctx context.Context, rec *recorder) (Credentials, *step, error) {
	if st := ch.c.explicitStep(); st != nil {
		creds, err := st.fetch(ctx)
		if err != nil {
			rec.add(st.tag, StepFailed, err.Error())
			return Credentials{}, nil, err
		}
		rec.add(st.tag, StepChosen, "keys passed explicitly; the provider chain is not consulted")
		return creds, st, nil
	}
	// botocore validates the IMDS settings when it builds the chain, so a
	// bad setting fails every chain resolution.
	if _, err := ch.c.imdsSettings(); err != nil {
		rec.add(SourceIMDS, StepFailed, err.Error())
		return Credentials{}, nil, err
	}
	return runSteps(ctx, ch.steps, rec, func(looked []string) error {
		return &Error{ClassName: ClassNoCredentials, Msg: "unable to locate credentials", Looked: looked}
	})
}

// runSteps is the chain loop shared by the session chain and a
// source_profile's sub-chain. none builds the error for "nothing found".
func runSteps(ctx context.Context, steps []*step, rec *recorder, none func(looked []string) error) (Credentials, *step, error) {
	var looked []string
	for i, st := range steps {
		ok, reason, err := st.probe()
		if err != nil {
			rec.add(st.tag, StepFailed, err.Error())
			return Credentials{}, nil, err
		}
		if !ok {
			rec.add(st.tag, StepSkipped, reason)
			looked = append(looked, st.tag+": "+reason)
			continue
		}
		creds, err := st.fetch(ctx)
		if errors.Is(err, ErrNotConfigured) {
			rec.add(st.tag, StepSkipped, err.Error())
			looked = append(looked, st.tag+": "+err.Error())
			continue
		}
		if err != nil {
			rec.add(st.tag, StepFailed, err.Error())
			return Credentials{}, nil, err
		}
		if st.detail != nil {
			if d := st.detail(); d != "" {
				reason += "; " + d
			}
		}
		rec.add(st.tag, StepChosen, reason)
		if rec != nil {
			recordRest(steps[i+1:], rec)
		}
		return creds, st, nil
	}
	return Credentials{}, nil, none(looked)
}

// recordRest probes the providers after the winner: those configured are
// shadowed (they would also have produced credentials but lost).
func recordRest(steps []*step, rec *recorder) {
	for _, st := range steps {
		ok, reason, err := st.probe()
		switch {
		case err != nil:
			rec.add(st.tag, StepShadowed, "configured but invalid: "+err.Error())
		case !ok:
			rec.add(st.tag, StepSkipped, reason)
		case st.network:
			rec.add(st.tag, StepNotChecked, "not queried: "+reason)
		default:
			rec.add(st.tag, StepShadowed, reason)
		}
	}
}
