package credentials

import (
	"context"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	o := testWorld{files: map[string]string{
		"~/.aws/credentials": "[dev]\naws_access_key_id = AKIDFILE\naws_secret_access_key = S\n",
		"~/.aws/config":      "[profile dev]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = S\nregion = eu-west-1\n",
	}, env: map[string]string{"AWS_PROFILE": "dev", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"}}.options(t)
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	e, err := cfg.Explain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]StepState{
		"env": StepSkipped, "assume-role": StepSkipped, "shared-credentials-file": StepChosen,
		"config-file": StepShadowed, "iam-role": StepSkipped,
	}
	got := map[string]Step{}
	var order []string
	for _, s := range e.Steps {
		got[s.Source] = s
		order = append(order, s.Source)
	}
	for src, st := range want {
		if got[src].State != st {
			t.Errorf("%s: %s (%s), want %s", src, got[src].State, got[src].Reason, st)
		}
	}
	if strings.Join(order, ",") != "env,assume-role,assume-role-with-web-identity,sso,shared-credentials-file,login,custom-process,config-file,ec2-credentials-file,boto-config,container-role,iam-role" {
		t.Errorf("steps not in chain order: %v", order)
	}
	if r := got["env"].Reason; r != "AWS_ACCESS_KEY_ID not set" {
		t.Errorf("env reason %q", r)
	}
	if r := got["iam-role"].Reason; r != "IMDS disabled by AWS_EC2_METADATA_DISABLED" {
		t.Errorf("iam-role reason %q", r)
	}
	if r := got["assume-role"].Reason; r != "profile dev has no role_arn" {
		t.Errorf("assume-role reason %q", r)
	}
	if e.Profile != "dev" || e.ProfileSource != "AWS_PROFILE" || e.Region != "eu-west-1" || e.Endpoint != "http://127.0.0.1:9000" ||
		e.EndpointSource != "AWS_ENDPOINT_URL" || e.Credentials.AccessKeyID != "AKIDFILE" {
		t.Errorf("explanation %+v", e)
	}
	if sh := e.Shadowed(); len(sh) != 1 || sh[0].Source != "config-file" {
		t.Errorf("shadowed %v", sh)
	}
}

func TestNoCredentialsListsEveryPlace(t *testing.T) {
	o := testWorld{files: map[string]string{"~/.aws/config": "[profile p]\nregion = x\n"}}.options(t)
	o.Profile = "p"
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	e, err := cfg.Explain(context.Background())
	if ClassOf(err) != ClassNoCredentials {
		t.Fatalf("error %v", err)
	}
	msg := err.Error()
	places := []string{"assume-role: profile p has no role_arn", "shared-credentials-file: no file ~/.aws/credentials", "config-file: profile p has no aws_access_key_id in",
		"AWS_CREDENTIAL_FILE not set", "container-role:", "iam-role: IMDS disabled by AWS_EC2_METADATA_DISABLED"}
	last := -1
	for _, p := range places {
		i := strings.Index(msg, p)
		if i < 0 || i < last {
			t.Errorf("%q missing or out of order in %q", p, msg)
		}
		last = i
	}
	if strings.Contains(msg, "env:") {
		t.Errorf("explicit profile: env must not be listed as looked at: %q", msg)
	}
	if len(e.Steps) != 11 {
		t.Errorf("%d steps recorded, want 11 (no env with an explicit profile)", len(e.Steps))
	}
}

func TestExplainExplicitKeys(t *testing.T) {
	o := testWorld{env: envKeys}.options(t)
	o.AccessKeyID, o.SecretAccessKey = "AKIDX", "SX"
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	e, err := cfg.Explain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Steps) != 1 || e.Steps[0].Source != "explicit" || e.Steps[0].State != StepChosen {
		t.Errorf("steps %v", e.Steps)
	}
}

// TestMaskNeverShowsShortSecretWhole: a session token or key of four
// characters or fewer is not printed as is (the tail would be all of it).
func TestMaskNeverShowsShortSecretWhole(t *testing.T) {
	if got := Mask("abcd"); got != "****" {
		t.Errorf("Mask(abcd) = %q, want ****", got)
	}
	if got := Mask("AKIAIOSFODNN7EXAMPLE"); got != "****************MPLE" {
		t.Errorf("Mask = %q", got)
	}
}
