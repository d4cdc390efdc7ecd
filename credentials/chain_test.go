package credentials

import (
	"errors"
	"strings"
	"testing"
)

const (
	credsDefault = "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRETFILE\n"
	configDev    = "[profile dev]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = SECRETCONFIG\nregion = eu-west-1\n"
)

var envKeys = map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "SECRETENV"}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// chainCase is one world and what resolving it must give.
type chainCase struct {
	name       string
	w          testWorld
	opts       Options
	wantSource string
	wantKey    string
	wantToken  string
	wantClass  string
}

func runChainCases(t *testing.T, tests []chainCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.w.options(t)
			o.Profile, o.AccessKeyID, o.SecretAccessKey = tc.opts.Profile, tc.opts.AccessKeyID, tc.opts.SecretAccessKey
			creds, err := resolve(t, o)
			if tc.wantClass != "" {
				if got := ClassOf(err); got != tc.wantClass {
					t.Fatalf("error class %q (%v), want %q", got, err, tc.wantClass)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error (%s): %v", ClassOf(err), err)
			}
			if creds.Source != tc.wantSource || creds.AccessKeyID != tc.wantKey || creds.SessionToken != tc.wantToken {
				t.Errorf("got %s key %q token %q, want %s key %q token %q", creds.Source, creds.AccessKeyID, creds.SessionToken,
					tc.wantSource, tc.wantKey, tc.wantToken)
			}
		})
	}
}

// TestChain covers precedence among explicit keys, env and the files.
func TestChain(t *testing.T) {
	runChainCases(t, []chainCase{
		{name: "explicit keys beat env and files", w: testWorld{files: map[string]string{"~/.aws/credentials": credsDefault}, env: envKeys},
			opts: Options{AccessKeyID: "AKIDX", SecretAccessKey: "SX"}, wantSource: "explicit", wantKey: "AKIDX"},
		{name: "explicit keys do not skip the profile check", w: testWorld{},
			opts: Options{AccessKeyID: "AKIDX", SecretAccessKey: "SX", Profile: "missing"}, wantClass: ClassProfileNotFound},
		{name: "explicit key without secret is partial", w: testWorld{env: envKeys},
			opts: Options{AccessKeyID: "AKIDX"}, wantClass: ClassPartialCredentials},
		{name: "env beats credentials file", w: testWorld{files: map[string]string{"~/.aws/credentials": credsDefault}, env: envKeys},
			wantSource: "env", wantKey: "AKIDENV"},
		{name: "empty AWS_ACCESS_KEY_ID counts as unset", w: testWorld{files: map[string]string{"~/.aws/credentials": credsDefault},
			env: map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "S"}}, wantSource: "shared-credentials-file", wantKey: "AKIDFILE"},
		{name: "env key without secret is partial", w: testWorld{files: map[string]string{"~/.aws/credentials": credsDefault},
			env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV"}}, wantClass: ClassPartialCredentials},
		{name: "legacy security token wins", w: testWorld{env: merge(envKeys, map[string]string{"AWS_SECURITY_TOKEN": "OLD", "AWS_SESSION_TOKEN": "NEW"})},
			wantSource: "env", wantKey: "AKIDENV", wantToken: "OLD"},
		{name: "explicit profile disables env", w: testWorld{files: map[string]string{"~/.aws/config": configDev}, env: envKeys},
			opts: Options{Profile: "dev"}, wantSource: "config-file", wantKey: "AKIDCONFIG"},
		{name: "explicit profile without keys ignores env", w: testWorld{files: map[string]string{"~/.aws/config": "[profile dev]\nregion = x\n"}, env: envKeys},
			opts: Options{Profile: "dev"}, wantClass: ClassNoCredentials},
		{name: "AWS_PROFILE keeps env first", w: testWorld{files: map[string]string{"~/.aws/config": configDev}, env: merge(envKeys, map[string]string{"AWS_PROFILE": "dev"})},
			wantSource: "env", wantKey: "AKIDENV"},
		{name: "AWS_DEFAULT_PROFILE is read before AWS_PROFILE", w: testWorld{files: map[string]string{"~/.aws/config": configDev},
			env: map[string]string{"AWS_DEFAULT_PROFILE": "dev", "AWS_PROFILE": "nope"}}, wantSource: "config-file", wantKey: "AKIDCONFIG"},
		{name: "empty AWS_PROFILE selects the empty name", w: testWorld{files: map[string]string{"~/.aws/credentials": credsDefault},
			env: map[string]string{"AWS_PROFILE": ""}}, wantClass: ClassProfileNotFound},
		{name: "profile names are case-sensitive", w: testWorld{files: map[string]string{"~/.aws/config": configDev}},
			opts: Options{Profile: "Dev"}, wantClass: ClassProfileNotFound},
		{name: "credentials file beats credential_process", w: testWorld{
			files: map[string]string{"~/.aws/credentials": credsDefault, "~/.aws/config": "[default]\ncredential_process = /nonexistent\n"}},
			wantSource: "shared-credentials-file", wantKey: "AKIDFILE"},
		{name: "credential_process beats config-file keys", w: testWorld{
			exec:  map[string]string{"~/my bin/creds": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"S\", \"SessionToken\": \"T\"}'\n"},
			files: map[string]string{"~/.aws/config": "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = S\ncredential_process = \"{{HOME}}/my bin/creds\" --flag\n"}},
			wantSource: "custom-process", wantKey: "AKIDPROC", wantToken: "T"},
		{name: "credential_process path is not ~-expanded", w: testWorld{
			exec:  map[string]string{"~/bin/creds": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"S\", \"SessionToken\": \"T\"}'\n"},
			files: map[string]string{"~/.aws/config": "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = S\ncredential_process = ~/bin/creds\n"}},
			wantClass: ClassFileNotFound},
		{name: "key in credentials file, secret in config is partial", w: testWorld{files: map[string]string{
			"~/.aws/credentials": "[default]\naws_access_key_id = A\n", "~/.aws/config": "[default]\naws_secret_access_key = S\n"}},
			wantClass: ClassPartialCredentials},
		{name: "secret-only credentials section is skipped", w: testWorld{files: map[string]string{
			"~/.aws/credentials": "[default]\naws_secret_access_key = S\n", "~/.aws/config": "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = S2\n"}},
			wantSource: "config-file", wantKey: "AKIDCONFIG"},
		{name: "empty key id still counts", w: testWorld{files: map[string]string{"~/.aws/credentials": "[default]\naws_access_key_id =\naws_secret_access_key =\n"}},
			wantSource: "shared-credentials-file", wantKey: ""},
		{name: "later [profile default] replaces [default]", w: testWorld{files: map[string]string{
			"~/.aws/config": "[default]\naws_access_key_id = A1\naws_secret_access_key = S\n[profile default]\naws_access_key_id = A2\naws_secret_access_key = S\n"}},
			wantSource: "config-file", wantKey: "A2"},
		{name: "[profile x] in the credentials file is a profile called 'profile x'", w: testWorld{files: map[string]string{
			"~/.aws/credentials": "[profile x]\naws_access_key_id = A\naws_secret_access_key = S\n"}},
			opts: Options{Profile: "x"}, wantClass: ClassProfileNotFound},
		{name: "files override variables are honoured, with $VAR and ~", w: testWorld{files: map[string]string{"~/elsewhere/c": credsDefault},
			env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "~/$SUB/c", "SUB": "elsewhere"}}, wantSource: "shared-credentials-file", wantKey: "AKIDFILE"},
		{name: "an empty override disables the default file", w: testWorld{files: map[string]string{"~/.aws/credentials": credsDefault},
			env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": ""}}, wantClass: ClassNoCredentials},
	})
}

// TestChainErrors covers configuration errors and the other providers.
func TestChainErrors(t *testing.T) {
	runChainCases(t, []chainCase{
		{name: "syntax error is ConfigParseError", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\njunk\n"}, env: envKeys},
			wantClass: ClassConfigParse},
		{name: "role with both sources", w: testWorld{files: map[string]string{
			"~/.aws/config": "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\ncredential_source = Environment\n[profile a]\nregion = x\n"}},
			wantClass: ClassInvalidConfig},
		{name: "role without source", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nrole_arn = arn:aws:iam::1:role/r\n"}},
			wantClass: ClassPartialCredentials},
		{name: "role with missing source profile", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nrole_arn = r\nsource_profile = gone\n"}},
			wantClass: ClassInvalidConfig},
		{name: "role loop", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = default\n"}},
			wantClass: ClassInfiniteLoopConfig},
		{name: "self source without keys is a loop", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nrole_arn = r\nsource_profile = default\n"}},
			wantClass: ClassInfiniteLoopConfig},
		{name: "credential_source is case-sensitive", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nrole_arn = r\ncredential_source = environment\n"}},
			wantClass: ClassInvalidConfig},
		{name: "credential_source that finds nothing", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nrole_arn = r\ncredential_source = Environment\n"}},
			wantClass: ClassCredentialRetrieval},
		{name: "source profile never uses env", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nrole_arn = r\nsource_profile = a\n[profile a]\nregion = x\n"}, env: envKeys},
			opts: Options{Profile: "default"}, wantClass: ClassInvalidConfig},
		{name: "login_session is reported as unsupported", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nlogin_session = arn:aws:iam::1:user/u\n"}},
			wantClass: ClassMissingDependency},
		{name: "web identity token file without role", w: testWorld{env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/tok"}},
			wantClass: ClassInvalidConfig},
		{name: "sso profile missing settings", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nsso_account_id = 1\n"}},
			wantClass: ClassInvalidConfig},
		{name: "sso token not cached", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nsso_account_id = 1\nsso_role_name = r\nsso_start_url = https://x\nsso_region = us-east-1\n"}},
			wantClass: ClassSSOTokenLoad},
		{name: "sso session that does not exist", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nsso_account_id = 1\nsso_role_name = r\nsso_session = s\n"}},
			wantClass: ClassInvalidConfig},
		{name: "container host not allowed", w: testWorld{env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"}},
			wantClass: ClassValue},
		{name: "container token with newline", w: testWorld{env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\nb"}},
			wantClass: ClassValue},
		{name: "bad IMDS endpoint mode fails even with env keys", w: testWorld{env: merge(envKeys, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv5"})},
			wantClass: ClassInvalidIMDSEndpointMod},
		{name: "bad IMDS endpoint", w: testWorld{env: merge(envKeys, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": "not a uri"})},
			wantClass: ClassInvalidIMDSEndpoint},
		{name: "env expiration in the past", w: testWorld{env: merge(envKeys, map[string]string{"AWS_CREDENTIAL_EXPIRATION": "2020-01-01T00:00:00Z"})},
			wantClass: ClassRuntime},
		{name: "env expiration garbage", w: testWorld{env: merge(envKeys, map[string]string{"AWS_CREDENTIAL_EXPIRATION": "soon"})},
			wantClass: ClassParser},
		{name: "boto2 config", w: testWorld{files: map[string]string{"~/boto": "[Credentials]\naws_access_key_id = AKIDBOTO\naws_secret_access_key = S\n"},
			env: map[string]string{"BOTO_CONFIG": "~/boto"}}, wantSource: "boto-config", wantKey: "AKIDBOTO"},
		{name: "legacy AWS_CREDENTIAL_FILE missing", w: testWorld{env: map[string]string{"AWS_CREDENTIAL_FILE": "~/none"}}, wantClass: "ConfigNotFound"},
		{name: "legacy AWS_CREDENTIAL_FILE without secret", w: testWorld{files: map[string]string{"~/ec2": "AWSAccessKeyId=AK\n"},
			env: map[string]string{"AWS_CREDENTIAL_FILE": "~/ec2"}}, wantClass: "KeyError"},
		{name: "boto2 config parse error", w: testWorld{files: map[string]string{"~/boto": "junk\n"},
			env: map[string]string{"BOTO_CONFIG": "~/boto"}}, wantClass: ClassConfigParse},
		{name: "boto2 config without secret", w: testWorld{files: map[string]string{"~/boto": "[Credentials]\naws_access_key_id = A\n"},
			env: map[string]string{"BOTO_CONFIG": "~/boto"}}, wantClass: ClassPartialCredentials},
		{name: "legacy AWS_CREDENTIAL_FILE", w: testWorld{files: map[string]string{"~/ec2": "AWSAccessKeyId=AKIDEC2\nAWSSecretKey=S\n"},
			env: map[string]string{"AWS_CREDENTIAL_FILE": "~/ec2"}}, wantSource: "ec2-credentials-file", wantKey: "AKIDEC2"},
		{name: "nothing anywhere", w: testWorld{}, wantClass: ClassNoCredentials},
		{name: "process exit status is CredentialRetrievalError", w: testWorld{
			exec:  map[string]string{"~/p": "#!/bin/sh\necho denied >&2\nexit 3\n"},
			files: map[string]string{"~/.aws/config": "[default]\ncredential_process = {{HOME}}/p\n"}}, wantClass: ClassCredentialRetrieval},
		{name: "process version 2", w: testWorld{
			exec:  map[string]string{"~/p": "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n"},
			files: map[string]string{"~/.aws/config": "[default]\ncredential_process = {{HOME}}/p\n"}}, wantClass: ClassCredentialRetrieval},
		{name: "process version as a string", w: testWorld{
			exec:  map[string]string{"~/p": "#!/bin/sh\necho '{\"Version\": \"1\", \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n"},
			files: map[string]string{"~/.aws/config": "[default]\ncredential_process = {{HOME}}/p\n"}}, wantClass: ClassCredentialRetrieval},
		{name: "process missing secret", w: testWorld{
			exec:  map[string]string{"~/p": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n"},
			files: map[string]string{"~/.aws/config": "[default]\ncredential_process = {{HOME}}/p\n"}}, wantClass: ClassCredentialRetrieval},
		{name: "process prints no JSON", w: testWorld{
			exec:  map[string]string{"~/p": "#!/bin/sh\necho hello\n"},
			files: map[string]string{"~/.aws/config": "[default]\ncredential_process = {{HOME}}/p\n"}}, wantClass: ClassJSONDecode},
		{name: "credential_process in the credentials file counts", w: testWorld{
			exec:  map[string]string{"~/p": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDP\", \"SecretAccessKey\": \"S\"}'\n"},
			files: map[string]string{"~/.aws/credentials": "[default]\ncredential_process = {{HOME}}/p\n"}}, wantSource: "custom-process", wantKey: "AKIDP"},
		{name: "role sourced from a process profile", w: testWorld{
			exec:  map[string]string{"~/p": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDP\", \"SecretAccessKey\": \"S\"}'\n"},
			files: map[string]string{"~/.aws/config": "[default]\nrole_arn = r\nsource_profile = p\nregion = us-east-1\n[profile p]\ncredential_process = {{HOME}}/p\n"},
			env:   map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"}}, wantClass: ClassEndpointConnection},
	})
}

func TestErrorsAreTyped(t *testing.T) {
	o := testWorld{}.options(t)
	o.Profile = "nope"
	_, err := resolve(t, o)
	var e *Error
	if !errors.As(err, &e) || e.Class() != ClassProfileNotFound {
		t.Fatalf("errors.As: %v", err)
	}
	if !errors.Is(err, &Error{ClassName: ClassProfileNotFound}) {
		t.Error("errors.Is by class failed")
	}
	if !strings.Contains(err.Error(), "nope") {
		t.Errorf("message %q does not name the profile", err)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	o := testWorld{files: map[string]string{"~/.aws/config": "[default]\naws_secret_access_key = s3cr3tVALUE\nrole_arn = r\n"}}.options(t)
	_, err := resolve(t, o)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("error %v", err)
	}
	c := Credentials{AccessKeyID: "AKIDEXAMPLE1234", SecretAccessKey: "topsecretvalue", Source: "env"}
	if s := c.String(); strings.Contains(s, "topsecret") || strings.Contains(s, "AKIDEXAMPLE") {
		t.Errorf("String() leaks: %s", s)
	}
}
