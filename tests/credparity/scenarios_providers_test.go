package credparity

// Scenarios for the providers of §5–§6: credential_process, assume role,
// web identity, SSO, container, IMDS, the legacy sources and login.

func processScenarios() []scenario {
	conf := kv(confFile, "[default]\ncredential_process = {{ROOT}}/proc.sh\n")
	p := func(name, out string) scenario {
		return scenario{name: name, files: conf, exec: kv("proc.sh", script(out))}
	}
	counting := func(expiry string) string {
		return "#!/bin/sh\nn=$(/bin/cat \"{{ROOT}}/count\" 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > \"{{ROOT}}/count\"\n" +
			"/bin/cat <<JSON\n{\"Version\": 1, \"AccessKeyId\": \"AKIDRUN$n\", \"SecretAccessKey\": \"secretRUN$n\", \"Expiration\": \"" + expiry + "\"}\nJSON\n"
	}
	cp := func(name, line string, files map[string]string, exec map[string]string) scenario {
		return scenario{name: name, files: join(kv(confFile, "[default]\ncredential_process = "+line+"\n"), files), exec: exec}
	}
	return []scenario{
		p("process/basic", `{"Version": 1, "AccessKeyId": "AKIDPROC01", "SecretAccessKey": "secretPROC01"}`),
		p("process/token-and-expiration", `{"Version": 1, "AccessKeyId": "AKIDPROC02", "SecretAccessKey": "s", "SessionToken": "tokenPROC02", "Expiration": "{{FUTURE}}"}`),
		p("process/null-token", `{"Version": 1, "AccessKeyId": "AKIDPROC03", "SecretAccessKey": "s", "SessionToken": null}`),
		p("process/extra-keys-ignored", `{"Version": 1, "AccessKeyId": "AKIDPROC04", "SecretAccessKey": "s", "Other": [1, 2]}`),
		p("process/version-2", `{"Version": 2, "AccessKeyId": "AKIDPROC05", "SecretAccessKey": "s"}`),
		p("process/version-string", `{"Version": "1", "AccessKeyId": "AKIDPROC06", "SecretAccessKey": "s"}`),
		p("process/version-missing", `{"AccessKeyId": "AKIDPROC07", "SecretAccessKey": "s"}`),
		p("process/missing-access-key", `{"Version": 1, "SecretAccessKey": "s"}`),
		p("process/missing-secret", `{"Version": 1, "AccessKeyId": "AKIDPROC09"}`),
		p("process/not-json", `Version: 1`),
		p("process/expired", `{"Version": 1, "AccessKeyId": "AKIDPROC11", "SecretAccessKey": "s", "Expiration": "{{PAST}}"}`),
		p("process/expiration-with-offset", `{"Version": 1, "AccessKeyId": "AKIDPROC25", "SecretAccessKey": "s", "Expiration": "2099-01-02T03:04:05+02:00"}`),
		p("process/expiration-garbage", `{"Version": 1, "AccessKeyId": "AKIDPROC26", "SecretAccessKey": "s", "Expiration": "soon"}`),
		p("process/empty-access-key", `{"Version": 1, "AccessKeyId": "", "SecretAccessKey": "s"}`),
		p("process/expiry-30min-no-refresh", `{"Version": 1, "AccessKeyId": "AKIDPROC12", "SecretAccessKey": "s", "Expiration": "{{LATER30}}"}`),
		{name: "process/nonzero-exit", files: conf, exec: kv("proc.sh", "#!/bin/sh\necho 'token expired, run login' >&2\nexit 3\n")},
		{name: "process/stderr-ignored-on-success", files: conf,
			exec: kv("proc.sh", "#!/bin/sh\necho warning >&2\n/bin/cat <<'JSON'\n{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC14\", \"SecretAccessKey\": \"s\"}\nJSON\n")},
		{name: "process/refresh-window-5min-reruns", files: conf, exec: kv("proc.sh", counting("{{SOON5}}"))},
		{name: "process/refresh-window-12min-reruns", files: conf, exec: kv("proc.sh", counting("{{SOON12}}"))},
		cp("process/program-not-found", "{{ROOT}}/no-such-program", nil, nil),
		cp("process/quoted-path-with-space", `"{{ROOT}}/dir with space/proc.sh"`, nil,
			kv("dir with space/proc.sh", script(`{"Version": 1, "AccessKeyId": "AKIDPROC18", "SecretAccessKey": "s"}`))),
		cp("process/arguments-shell-split", `{{ROOT}}/args.sh first "second arg" 'third'`, nil,
			kv("args.sh", "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKID-%s\", \"SecretAccessKey\": \"%s|%s|%d\"}' \"$1\" \"$2\" \"$3\" $#\n")),
		cp("process/no-shell-expansion", `{{ROOT}}/args.sh $HOME ~`, nil,
			kv("args.sh", "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC20\", \"SecretAccessKey\": \"%s|%s\"}' \"$1\" \"$2\"\n")),
		cp("process/tilde-not-expanded", "~/proc.sh", nil,
			kv("~/proc.sh", script(`{"Version": 1, "AccessKeyId": "AKIDPROC21", "SecretAccessKey": "s"}`))),
		{name: "process/environment-inherited", files: conf, env: kv("PROC_SUFFIX", "FROMENV"),
			exec: kv("proc.sh", "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKID%s\", \"SecretAccessKey\": \"s\"}' \"$PROC_SUFFIX\"\n")},
		{name: "process/beats-config-keys", files: kv(confFile, keys("default", "CONFPROC")+"credential_process = {{ROOT}}/proc.sh\n"),
			exec: kv("proc.sh", script(`{"Version": 1, "AccessKeyId": "AKIDPROC23", "SecretAccessKey": "s"}`))},
		{name: "process/selected-profile", env: kv("AWS_PROFILE", "p1"),
			files: kv(confFile, "[default]\ncredential_process = {{ROOT}}/none\n[profile p1]\ncredential_process = {{ROOT}}/proc.sh\n"),
			exec:  kv("proc.sh", script(`{"Version": 1, "AccessKeyId": "AKIDPROC24", "SecretAccessKey": "s"}`))},
	}
}

// sts points STS at the stub and gives the session a region.
func sts(extra ...string) map[string]string {
	return join(kv("AWS_ENDPOINT_URL_STS", "{{STS}}", "AWS_DEFAULT_REGION", "us-east-1"), kv(extra...))
}

func roleScenarios() []scenario {
	const arn = "role_arn = arn:aws:iam::123456789012:role/r1\n"
	base := keys("base", "BASE")
	r := func(name, config string, env map[string]string) scenario {
		return scenario{name: name, files: kv(confFile, config, credFile, base), env: env}
	}
	src := "[default]\n" + arn + "source_profile = base\n"
	return []scenario{
		r("role/source-profile-static", src, sts()),
		{name: "role/source-session-token-used", env: sts(),
			files: kv(confFile, src, credFile, keys("base", "BASETOK")+"aws_session_token = tokenBASE\n")},
		r("role/external-id", src+"external_id = ext-123\n", sts()),
		r("role/duration-seconds", src+"duration_seconds = 1800\n", sts()),
		r("role/duration-non-integer-dropped", src+"duration_seconds = half-an-hour\n", sts()),
		r("role/session-name", src+"role_session_name = my-session\n", sts()),
		r("role/both-sources", src+"credential_source = Environment\n", sts()),
		r("role/no-source", "[default]\n"+arn, sts()),
		r("role/missing-source-profile", "[default]\n"+arn+"source_profile = nope\n", sts()),
		r("role/credential-source-case-sensitive", "[default]\n"+arn+"credential_source = environment\n", sts()),
		{name: "role/credential-source-Environment", args: []string{"--profile", "p1"},
			files: kv(confFile, "[profile p1]\n"+arn+"credential_source = Environment\n"),
			env:   sts("AWS_ACCESS_KEY_ID", "AKIDSRCENV", "AWS_SECRET_ACCESS_KEY", "s", "AWS_SESSION_TOKEN", "tokenSRCENV")},
		r("role/credential-source-Environment-empty", "[default]\n"+arn+"credential_source = Environment\n", sts()),
		r("role/env-keys-beat-credential-source", "[default]\n"+arn+"credential_source = Environment\n",
			sts("AWS_ACCESS_KEY_ID", "AKIDSRCENV", "AWS_SECRET_ACCESS_KEY", "s")),
		r("role/credential-source-EcsContainer", "[default]\n"+arn+"credential_source = EcsContainer\n",
			sts("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{{CONTAINER}}/ok")),
		{name: "role/credential-source-Ec2InstanceMetadata", imds: true,
			files: kv(confFile, "[default]\n"+arn+"credential_source = Ec2InstanceMetadata\n"),
			env:   sts("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{IMDS}}/ok/")},
		r("role/loop", "[default]\n"+arn+"source_profile = b\n[profile b]\n"+arn+"source_profile = default\n", sts()),
		{name: "role/self-with-keys", env: sts(), files: kv(confFile, keys("default", "SELF")+arn+"source_profile = default\n")},
		r("role/self-without-keys", "[default]\n"+arn+"source_profile = default\n", sts()),
		r("role/source-keys-beat-source-role", src+"[profile base]\nrole_arn = arn:aws:iam::123456789012:role/r0\nsource_profile = root\n",
			sts()),
		{name: "role/two-hops-root-keys", env: sts(), files: kv(confFile,
			"[default]\n"+arn+"source_profile = mid\n[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/r0\nsource_profile = root\n",
			credFile, keys("root", "ROOT"))},
		r("role/source-without-credentials", "[default]\n"+arn+"source_profile = empty\n[profile empty]\nregion = us-east-1\n", sts()),
		{name: "role/source-partial-keys", env: sts(), files: kv(confFile, src, credFile, "[base]\naws_access_key_id = AKIDHALF\n")},
		{name: "role/source-never-uses-env", args: []string{"--profile", "p1"},
			files: kv(confFile, "[profile p1]\n"+arn+"source_profile = empty\n[profile empty]\nregion = us-east-1\n"),
			env:   sts("AWS_ACCESS_KEY_ID", "AKIDENVIGNORED", "AWS_SECRET_ACCESS_KEY", "s")},
		{name: "role/source-process", env: sts(),
			files: kv(confFile, src+"[profile base]\ncredential_process = {{ROOT}}/proc.sh\n"),
			exec:  kv("proc.sh", script(`{"Version": 1, "AccessKeyId": "AKIDSRCPROC", "SecretAccessKey": "s", "SessionToken": "tokenSRCPROC"}`))},
		{name: "role/beats-static-keys", env: sts(), files: kv(confFile, src, credFile, base+keys("default", "STATIC"))},
		r("role/access-denied", "[default]\nrole_arn = arn:aws:iam::123456789012:role/deny\nsource_profile = base\n", sts()),
		r("role/returned-credentials-expired", "[default]\nrole_arn = arn:aws:iam::123456789012:role/expired\nsource_profile = base\n", sts()),
		r("role/custom-endpoint-without-region", src, kv("AWS_ENDPOINT_URL_STS", "{{STS}}")),
		r("role/signing-region-from-session", src+"region = us-west-2\n[profile base]\nregion = eu-west-1\n", kv("AWS_ENDPOINT_URL_STS", "{{STS}}")),
		r("role/profile-endpoint-url-reaches-sts", src+"region = us-east-1\nendpoint_url = {{STS}}\n", nil),
		r("role/global-endpoint-env", src, kv("AWS_ENDPOINT_URL", "{{STS}}", "AWS_DEFAULT_REGION", "eu-west-1")),
		r("role/services-sts-entry", src+"region = us-east-1\nservices = local\n[services local]\nsts =\n  endpoint_url = {{STS}}\n", nil),
		r("role/selected-by-AWS_PROFILE", "[profile p1]\n"+arn+"source_profile = base\n", sts("AWS_PROFILE", "p1")),
	}
}

func webIdentitySSOScenarios() []scenario {
	const arn = "arn:aws:iam::123456789012:role/web"
	tok := kv("token", "eyJhbGciOi.web-token")
	wenv := func(extra ...string) map[string]string {
		return join(kv("AWS_ENDPOINT_URL_STS", "{{STS}}", "AWS_WEB_IDENTITY_TOKEN_FILE", "{{ROOT}}/token", "AWS_ROLE_ARN", arn), kv(extra...))
	}
	const url = "https://example.awsapps.com/start"
	legacy := "[default]\nsso_start_url = " + url + "\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
	session := "[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = " + url + "\nsso_region = us-east-1\n"
	ssoEnv := kv("AWS_ENDPOINT_URL_SSO", "{{SSO}}")
	sso := func(name, config string, cache map[string]string) scenario {
		return scenario{name: name, env: ssoEnv, files: join(kv(confFile, config), cache)}
	}
	return []scenario{
		{name: "webid/env", env: wenv(), files: tok},
		{name: "webid/env-session-name", env: wenv("AWS_ROLE_SESSION_NAME", "ci-run"), files: tok},
		{name: "webid/token-sent-verbatim", env: wenv(), files: kv("token", "eyJ.with-newline\n")},
		{name: "webid/profile", env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}"), files: join(tok,
			kv(confFile, "[default]\nweb_identity_token_file = {{ROOT}}/token\nrole_arn = "+arn+"\n"))},
		{name: "webid/env-role-overrides-profile", env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}", "AWS_ROLE_ARN", arn+"-env"),
			files: join(tok, kv(confFile, "[default]\nweb_identity_token_file = {{ROOT}}/token\nrole_arn = "+arn+"\n"))},
		{name: "webid/explicit-profile-ignores-env", env: wenv(), args: []string{"--profile", "p1"},
			files: join(tok, kv(confFile, "[profile p1]\nregion = us-east-1\n"))},
		{name: "webid/env-session-name-overrides-profile", env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}", "AWS_ROLE_SESSION_NAME", "from-env"),
			files: join(tok, kv(confFile, "[default]\nweb_identity_token_file = {{ROOT}}/token\nrole_arn = "+arn+"\nrole_session_name = from-profile\n"))},
		{name: "webid/env-token-file-with-profile-role", env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}", "AWS_WEB_IDENTITY_TOKEN_FILE", "{{ROOT}}/token"),
			files: join(tok, kv(confFile, "[default]\nrole_arn = "+arn+"\n"))},
		{name: "webid/no-role", env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}", "AWS_WEB_IDENTITY_TOKEN_FILE", "{{ROOT}}/token"), files: tok},
		{name: "webid/missing-token-file", env: wenv()},
		{name: "webid/beats-default-keys", env: wenv(), files: join(tok, kv(credFile, keys("default", "WEBSTATIC")))},
		{name: "webid/profile-tilde-not-expanded", env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}"),
			files: kv("~/token", "t", confFile, "[default]\nweb_identity_token_file = ~/token\nrole_arn = "+arn+"\n")},
		{name: "webid/access-denied", env: join(wenv(), kv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/deny")), files: tok},
		{name: "webid/role-profile-with-token-file", env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}"), files: join(tok,
			kv(confFile, "[default]\nweb_identity_token_file = {{ROOT}}/token\nrole_arn = "+arn+"\nsource_profile = nope\n"))},

		sso("sso/legacy", legacy, kv(ssoCache(url), ssoToken(url, "sso-access-token", "{{FUTURE}}"))),
		sso("sso/legacy-missing-keys", "[default]\nsso_account_id = 111122223333\nsso_role_name = Admin\n", nil),
		sso("sso/legacy-role-name-only", "[default]\nsso_role_name = Admin\n", nil),
		sso("sso/legacy-expired-token", legacy, kv(ssoCache(url), ssoToken(url, "sso-access-token", "{{PAST}}"))),
		sso("sso/missing-cache", legacy, nil),
		sso("sso/cache-not-json", legacy, kv(ssoCache(url), "not json")),
		sso("sso/portal-rejects-token", legacy, kv(ssoCache(url), ssoToken(url, "denied", "{{FUTURE}}"))),
		sso("sso/session", session, kv(ssoCache("corp"), ssoToken(url, "sso-session-token", "{{FUTURE}}"))),
		sso("sso/session-cache-keyed-by-name", session, kv(ssoCache(url), ssoToken(url, "sso-session-token", "{{FUTURE}}"))),
		sso("sso/session-unknown", "[default]\nsso_session = other\nsso_account_id = 1\nsso_role_name = Admin\n", nil),
		sso("sso/session-conflicting-region", "[default]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n"+
			"[sso-session corp]\nsso_start_url = "+url+"\nsso_region = us-east-1\n", kv(ssoCache("corp"), ssoToken(url, "t", "{{FUTURE}}"))),
		sso("sso/session-expired-not-refreshable", session, kv(ssoCache("corp"), ssoToken(url, "t", "{{PAST}}"))),
		{name: "sso/global-endpoint-env", env: kv("AWS_ENDPOINT_URL", "{{SSO}}"),
			files: kv(confFile, legacy, ssoCache(url), ssoToken(url, "sso-access-token", "{{FUTURE}}"))},
		sso("sso/session-equal-keys-in-profile", "[default]\nsso_session = corp\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n"+
			"[sso-session corp]\nsso_start_url = "+url+"\nsso_region = us-east-1\n", kv(ssoCache("corp"), ssoToken(url, "sso-session-token", "{{FUTURE}}"))),
		{name: "sso/beats-static-keys", env: ssoEnv, files: kv(confFile, legacy, credFile, keys("default", "SSOSTATIC"),
			ssoCache(url), ssoToken(url, "sso-access-token", "{{FUTURE}}"))},
	}
}

func containerIMDSScenarios() []scenario {
	full := func(mode string, extra ...string) map[string]string {
		return join(kv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{{CONTAINER}}/"+mode), kv(extra...))
	}
	imds := func(name, mode string, extra ...string) scenario {
		return scenario{name: name, imds: true, env: join(kv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{IMDS}}/"+mode+"/"), kv(extra...))}
	}
	return []scenario{
		{name: "container/full-uri", env: full("ok")},
		{name: "container/auth-token", env: full("ok", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer abc")},
		{name: "container/auth-token-file-wins", env: full("ok", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token",
			"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{{ROOT}}/auth"), files: kv("auth", "file-token")},
		{name: "container/auth-token-file-newline", env: full("ok", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{{ROOT}}/auth"),
			files: kv("auth", "file-token\n")},
		{name: "container/auth-token-file-missing", env: full("ok", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "{{ROOT}}/no-such-auth")},
		{name: "container/auth-token-crlf", env: full("ok", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Evil: 1")},
		{name: "container/host-not-allowed", env: kv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://not-allowed.invalid/creds")},
		{name: "container/localhost-allowed", env: kv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{{CONTAINER_LOCALHOST}}/ok")},
		{name: "container/server-error", env: full("fail500")},
		{name: "container/expired", env: full("expired")},
		{name: "container/beats-imds", imds: true, env: full("ok", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{IMDS}}/ok/")},
		{name: "container/loses-to-config-keys", env: full("ok"), files: kv(confFile, keys("default", "CONTCONF"))},

		imds("imds/token-flow", "ok"),
		imds("imds/v1-fallback", "v1only"),
		imds("imds/v1-disabled", "v1only", "AWS_EC2_METADATA_V1_DISABLED", "true"),
		imds("imds/token-400-gives-up", "token400"),
		imds("imds/no-role", "norole"),
		imds("imds/bad-json", "badjson"),
		imds("imds/missing-token-field", "notoken"),
		imds("imds/disabled-upper-case", "ok", "AWS_EC2_METADATA_DISABLED", "TRUE"),
		imds("imds/disabled-1-means-enabled", "ok", "AWS_EC2_METADATA_DISABLED", "1"),
		{name: "imds/endpoint-from-config", imds: true, files: kv(confFile, "[default]\nec2_metadata_service_endpoint = {{IMDS}}/ok/\n")},
		{name: "imds/trailing-slash-added", imds: true, env: kv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{IMDS}}/ok")},
		imds("imds/invalid-endpoint", "ok", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "not a url"),
		imds("imds/invalid-endpoint-mode", "ok", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv5"),
		imds("imds/custom-endpoint-beats-ipv6-mode", "ok", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
		{name: "imds/v1-disabled-in-config", imds: true, env: kv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{IMDS}}/v1only/"),
			files: kv(confFile, "[default]\nec2_metadata_v1_disabled = true\n")},
		{name: "imds/disabled-beats-config-endpoint", imds: true, env: kv("AWS_EC2_METADATA_DISABLED", "true"),
			files: kv(confFile, "[default]\nec2_metadata_service_endpoint = {{IMDS}}/ok/\n")},
		{name: "imds/env-endpoint-beats-config", imds: true, env: kv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{IMDS}}/v1only/"),
			files: kv(confFile, "[default]\nec2_metadata_service_endpoint = {{IMDS}}/ok/\n")},
		{name: "imds/closed-port", imds: true, env: kv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{CLOSED}}/")},
		imds("imds/token-timeout-falls-back", "slowtoken"),
		{name: "imds/loses-to-credentials-file", imds: true, env: kv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{{IMDS}}/ok/"),
			files: kv(credFile, keys("default", "IMDSFILE"))},
	}
}

func legacyScenarios() []scenario {
	ec2 := "AWSAccessKeyId=AKIDEC2FILE\nAWSSecretKey=secretEC2FILE\n"
	boto := "[Credentials]\naws_access_key_id = AKIDBOTO\naws_secret_access_key = secretBOTO\n"
	login := "[default]\nlogin_session = arn:aws:iam::123456789012:user/me\n"
	return []scenario{
		{name: "legacy/ec2-credentials-file", env: kv("AWS_CREDENTIAL_FILE", "{{ROOT}}/ec2creds"), files: kv("ec2creds", ec2)},
		{name: "legacy/ec2-credentials-file-tilde", env: kv("AWS_CREDENTIAL_FILE", "~/ec2creds"), files: kv("~/ec2creds", ec2)},
		{name: "legacy/boto-config-env", env: kv("BOTO_CONFIG", "{{ROOT}}/boto.cfg"), files: kv("boto.cfg", boto)},
		{name: "legacy/home-boto", files: kv("~/.boto", boto)},
		{name: "legacy/boto-config-env-hides-home-boto", env: kv("BOTO_CONFIG", "{{ROOT}}/none.cfg"), files: kv("~/.boto", boto)},
		{name: "legacy/credentials-file-beats-boto", files: kv("~/.boto", boto, credFile, keys("default", "FILEBOTO"))},
		{name: "legacy/ec2-file-beats-boto", env: kv("AWS_CREDENTIAL_FILE", "{{ROOT}}/ec2creds"), files: kv("ec2creds", ec2, "~/.boto", boto)},
		// login_session (§6.8) needs botocore's optional CRT package, which is
		// not installed: botocore fails with MissingDependencyException.
		{name: "login/needs-crt", files: kv(confFile, login)},
		{name: "login/credentials-file-beats-login", files: kv(confFile, login, credFile, keys("default", "LOGINFILE"))},
		{name: "login/beats-process", files: kv(confFile, login+"credential_process = {{ROOT}}/none\n")},
	}
}
