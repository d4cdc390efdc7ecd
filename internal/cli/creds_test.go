package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// credsEnv builds an Env with a temporary home holding files, plus env.
func credsEnv(t *testing.T, files map[string]string, vars map[string]string) (Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	home := t.TempDir()
	for name, content := range files {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	all := map[string]string{"AWS_EC2_METADATA_DISABLED": "true", "BOTO_CONFIG": filepath.Join(home, "none")}
	for k, v := range vars {
		all[k] = v
	}
	var out, errOut bytes.Buffer
	return Env{
		Stdout: &out, Stderr: &errOut,
		LookupEnv: func(k string) (string, bool) { v, ok := all[k]; return v, ok },
		Home:      home,
		Now:       func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	}, &out, &errOut
}

const testCreds = "[default]\naws_access_key_id = AKIDEXAMPLE1234\naws_secret_access_key = wJalrXUtnFEMIK7MDENG\n"

func TestCredsJSON(t *testing.T) {
	env, out, _ := credsEnv(t, map[string]string{".aws/credentials": testCreds, ".aws/config": "[default]\nregion = eu-west-1\n"},
		map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"})
	if code := Main(context.Background(), []string{"creds", "--json"}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"access_key_id": "***********1234", "secret_access_key": "****************DENG", "session_token": nil,
		"source": "shared-credentials-file", "profile": "default", "region": "eu-west-1",
		"endpoint_url": "http://127.0.0.1:9000", "expiration": nil,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if strings.Contains(out.String(), "wJalr") {
		t.Error("secret printed unmasked")
	}
}

func TestCredsExplicitFlags(t *testing.T) {
	env, out, _ := credsEnv(t, map[string]string{".aws/credentials": testCreds},
		map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "S"})
	code := Main(context.Background(), []string{"creds", "--json", "--access-key-id", "AKIDFLAG9999", "--secret-access-key", "secretflag",
		"--session-token", "tokenvalue", "--region", "us-west-2"}, env)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	var got map[string]any
	_ = json.Unmarshal(out.Bytes(), &got)
	if got["source"] != "explicit" || got["access_key_id"] != "********9999" || got["session_token"] != "******alue" || got["region"] != "us-west-2" {
		t.Errorf("got %v", got)
	}
}

func TestCredsFailure(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		files     map[string]string
		wantClass string
	}{
		{"missing profile", []string{"creds", "--json", "--profile", "nope"}, nil, "ProfileNotFound"},
		{"empty profile argument selects the profile named \"\"", []string{"creds", "--json", "--profile", ""},
			map[string]string{".aws/credentials": testCreds}, "ProfileNotFound"},
		{"no credentials", []string{"creds", "--json"}, nil, "NoCredentialsError"},
		{"parse error", []string{"creds", "--json"}, map[string]string{".aws/config": "junk\n"}, "ConfigParseError"},
		{"client-creation check", []string{"creds", "--json", "--region", "bad region"}, map[string]string{".aws/credentials": testCreds}, "InvalidRegionError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, out, _ := credsEnv(t, tc.files, nil)
			if code := Main(context.Background(), tc.args, env); code != ExitFailed {
				t.Fatalf("exit %d, want 1", code)
			}
			var got map[string]string
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("stdout %q: %v", out, err)
			}
			if got["error_class"] != tc.wantClass || got["error"] == "" {
				t.Errorf("got %v, want class %s", got, tc.wantClass)
			}
		})
	}
}

func TestCredsHuman(t *testing.T) {
	env, out, _ := credsEnv(t, map[string]string{".aws/credentials": testCreds,
		".aws/config": "[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = S\n"}, nil)
	if code := Main(context.Background(), []string{"creds"}, env); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	s := out.String()
	for _, want := range []string{"source:         shared-credentials-file", "***********1234", "shadowed:\n  config-file:",
		"env                            skipped     AWS_ACCESS_KEY_ID not set", "expires:        never"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "wJalr") {
		t.Error("secret printed unmasked")
	}
}

func TestCredsHumanFailureExplains(t *testing.T) {
	env, out, errOut := credsEnv(t, nil, nil)
	if code := Main(context.Background(), []string{"creds"}, env); code != ExitFailed {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "iam-role") || !strings.Contains(errOut.String(), "NoCredentialsError") {
		t.Errorf("stdout %q stderr %q", out, errOut)
	}
}

func TestCredsExport(t *testing.T) {
	files := map[string]string{".aws/credentials": testCreds}
	tests := []struct {
		format string
		check  func(t *testing.T, s string)
	}{
		{"env", func(t *testing.T, s string) {
			if s != "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE1234\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG\n" {
				t.Errorf("env output %q", s)
			}
		}},
		{"json", func(t *testing.T, s string) {
			var m map[string]any
			_ = json.Unmarshal([]byte(s), &m)
			if m["access_key_id"] != "AKIDEXAMPLE1234" || m["secret_access_key"] != "wJalrXUtnFEMIK7MDENG" || m["source"] != "shared-credentials-file" {
				t.Errorf("json output %v", m)
			}
		}},
		{"credential-process", func(t *testing.T, s string) {
			var m map[string]any
			_ = json.Unmarshal([]byte(s), &m)
			if m["Version"] != float64(1) || m["AccessKeyId"] != "AKIDEXAMPLE1234" || m["SecretAccessKey"] != "wJalrXUtnFEMIK7MDENG" {
				t.Errorf("credential-process output %v", m)
			}
			if _, ok := m["SessionToken"]; ok {
				t.Error("SessionToken present without a token")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			env, out, _ := credsEnv(t, files, nil)
			if code := Main(context.Background(), []string{"creds", "export", "--format", tc.format}, env); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			tc.check(t, out.String())
		})
	}
	env, _, _ := credsEnv(t, files, nil)
	if code := Main(context.Background(), []string{"creds", "export", "--format", "yaml"}, env); code != ExitUsage {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
}

func TestCredsExportRoundTripsThroughCredentialProcess(t *testing.T) {
	// The credential-process output must be accepted by our own (botocore-
	// exact) credential_process provider.
	env, out, _ := credsEnv(t, map[string]string{".aws/credentials": testCreds}, nil)
	if code := Main(context.Background(), []string{"creds", "export", "--format", "credential-process"}, env); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "p")
	// Under syscall.ForkLock, so that no process forked meanwhile inherits
	// the fd and makes running the script fail with ETXTBSY.
	syscall.ForkLock.RLock()
	err := os.WriteFile(script, []byte("#!/bin/sh\ncat <<'EOF'\n"+out.String()+"EOF\n"), 0o755)
	syscall.ForkLock.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	env2, out2, _ := credsEnv(t, map[string]string{".aws/config": "[default]\ncredential_process = " + script + "\n"}, nil)
	if code := Main(context.Background(), []string{"creds", "--json"}, env2); code != ExitOK {
		t.Fatalf("exit %d: %s", code, out2)
	}
	if !strings.Contains(out2.String(), `"source": "custom-process"`) || !strings.Contains(out2.String(), `"***********1234"`) {
		t.Errorf("round trip: %s", out2)
	}
}

// TestCredsExportCarriesRegionAndEndpoint checks that each format names
// where the keys belong, and that real boto3 given the env output talks to
// that endpoint and region (and sends nothing else there).
func TestCredsExportCarriesRegionAndEndpoint(t *testing.T) {
	files := map[string]string{
		".aws/credentials": testCreds,
		".aws/config":      "[default]\nregion = eu-north-1\nservices = local\n\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9000\n",
	}
	run := func(format string) string {
		env, out, errs := credsEnv(t, files, nil)
		if code := Main(context.Background(), []string{"creds", "export", "--format", format}, env); code != ExitOK {
			t.Fatalf("--format %s: exit %d: %s", format, code, errs)
		}
		return out.String()
	}
	envOut := run("env")
	for _, want := range []string{"export AWS_DEFAULT_REGION=eu-north-1\n", "export AWS_REGION=eu-north-1\n", "export AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000\n"} {
		if !strings.Contains(envOut, want) {
			t.Errorf("env output lacks %q:\n%s", want, envOut)
		}
	}
	var j map[string]any
	if err := json.Unmarshal([]byte(run("json")), &j); err != nil || j["region"] != "eu-north-1" || j["endpoint_url"] != "http://127.0.0.1:9000" {
		t.Errorf("json: %v %v", j, err)
	}
	var cp map[string]any
	cpOut := run("credential-process")
	if err := json.Unmarshal([]byte(cpOut), &cp); err != nil || cp["Region"] != "eu-north-1" || cp["EndpointUrl"] != "http://127.0.0.1:9000" {
		t.Errorf("credential-process: %v %v", cp, err)
	}

	exe, err := exec.Command("python3", "-c", "import sys, boto3; print(sys.executable)").Output()
	if err != nil {
		t.Skipf("python3 with boto3 not available: %v", err)
	}
	script := envOut + strings.TrimSpace(string(exe)) + ` -c 'import boto3; s = boto3.Session(); print(s.get_credentials().access_key, s.region_name, s.client("s3").meta.endpoint_url, s.client("sts").meta.endpoint_url)'`
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true"}
	out, err := cmd.CombinedOutput()
	want := "AKIDEXAMPLE1234 eu-north-1 http://127.0.0.1:9000 https://sts.eu-north-1.amazonaws.com\n"
	if err != nil || string(out) != want {
		t.Errorf("boto3 given the env output: %v\n%s\nwant %s", err, out, want)
	}

	// botocore's credential_process provider ignores the extra fields.
	home := t.TempDir()
	proc := filepath.Join(home, "proc.json")
	writeTestFile(t, proc, cpOut)
	writeTestFile(t, filepath.Join(home, ".aws", "config"), "[default]\ncredential_process = cat "+proc+"\n")
	cmd = exec.Command(strings.TrimSpace(string(exe)), "-c", `import boto3; print(boto3.Session().get_credentials().get_frozen_credentials().secret_key)`)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true"}
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "wJalrXUtnFEMIK7MDENG\n" {
		t.Errorf("boto3 credential_process with the output: %v\n%s", err, out)
	}
}

func TestCredentialErrorsSayWhatToDo(t *testing.T) {
	none := map[string]string{"AWS_EC2_METADATA_DISABLED": "true"}
	for _, args := range [][]string{{"ls"}, {"cp", "--recursive", t.TempDir(), "s3://b/"}, {"mb", "s3://bucket"}} {
		env, _, errs := credsEnv(t, nil, none)
		code := Main(context.Background(), args, env)
		msg := errs.String()
		if code != ExitFailed || !strings.Contains(msg, args[0]+`: no credentials found; run "s3kit creds"`) ||
			strings.Contains(msg, "looked in") || strings.Count(msg, "\n") != 1 {
			t.Errorf("%v without credentials: exit %d, stderr %q", args, code, msg)
		}
	}

	files := map[string]string{
		".aws/config":      "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-east-1\n[sso-session x]\n",
		".aws/credentials": "[prod]\naws_access_key_id = A\naws_secret_access_key = B\n",
	}
	tests := []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"ls", "--profile", "nosuch"}, nil, `ls: profile "nosuch" (from --profile) not found; profiles in `},
		{[]string{"ls"}, map[string]string{"AWS_PROFILE": "nosuch"}, `ls: profile "nosuch" (from AWS_PROFILE) not found`},
		{[]string{"creds"}, map[string]string{"AWS_DEFAULT_PROFILE": "nosuch"}, `creds: profile "nosuch" (from AWS_DEFAULT_PROFILE) not found`},
	}
	for _, tc := range tests {
		env, _, errs := credsEnv(t, files, tc.vars)
		code := Main(context.Background(), tc.args, env)
		if code != ExitFailed || !strings.Contains(errs.String(), tc.want) || !strings.Contains(errs.String(), ": default, dev, prod") {
			t.Errorf("%v %v: exit %d, stderr %q; want %q and the profiles", tc.args, tc.vars, code, errs, tc.want)
		}
	}
	// creds --json keeps botocore's message and class.
	env, out, _ := credsEnv(t, files, nil)
	Main(context.Background(), []string{"creds", "--profile", "nosuch", "--json"}, env)
	if !strings.Contains(out.String(), `"error": "the config profile (nosuch) could not be found"`) {
		t.Errorf("creds --json: %s", out)
	}
}
