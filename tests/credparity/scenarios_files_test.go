package credparity

// Scenarios for the shared files: encoding and INI grammar (§4.2–4.3),
// sections and profiles (§4.4), merging (§4.5) and locations (§4.1).

func iniScenarios() []scenario {
	c := func(name, content string) scenario { return scenario{name: name, files: kv(credFile, content)} }
	p1 := func(name, content string) scenario {
		return scenario{name: name, env: kv("AWS_PROFILE", "p1"), files: kv(confFile, content)}
	}
	ok := "aws_secret_access_key = secretINI\n"
	return []scenario{
		c("ini/comment-hash", lines("# comment", "[default]", "# aws_access_key_id = AKIDCOMMENTED", "aws_access_key_id = AKIDINI01")+ok),
		c("ini/comment-semicolon-indented", lines("[default]", "   ; note", "aws_access_key_id = AKIDINI02")+ok),
		c("ini/inline-hash-kept", lines("[default]", "aws_access_key_id = AKIDINI03 # note")+ok),
		c("ini/inline-semicolon-kept", lines("[default]", "aws_access_key_id = AKIDINI04 ; note")+ok),
		c("ini/header-inner-whitespace", lines("[ default ]", "aws_access_key_id = AKIDINI05")+ok),
		c("ini/header-trailing-text", lines("[default] # the default", "aws_access_key_id = AKIDINI06")+ok),
		c("ini/section-names-case-sensitive", lines("[Default]", "aws_access_key_id = AKIDINI07")+ok),
		c("ini/colon-delimiter", lines("[default]", "aws_access_key_id: AKIDINI08", "aws_secret_access_key: secret:with=delims")),
		c("ini/first-delimiter-wins", lines("[default]", "aws_access_key_id = AKID:INI09", "aws_secret_access_key: sec=ret")),
		c("ini/keys-lower-cased", lines("[default]", "AWS_ACCESS_KEY_ID = AKIDINI10", "Aws_Secret_Access_Key = secretINI10")),
		c("ini/quotes-kept", lines("[default]", `aws_access_key_id = "AKIDINI11"`, "aws_secret_access_key = 'secret11'")),
		c("ini/percent-literal", lines("[default]", "aws_access_key_id = AKIDINI12", "aws_secret_access_key = se%(x)s%cret")),
		c("ini/continuation-line", lines("[default]", "aws_access_key_id = AKIDINI13", "aws_secret_access_key = first", "    second")),
		c("ini/indented-header-is-continuation", lines("[default]", "aws_access_key_id = AKIDINI14", "  [p1]", "aws_access_key_id = AKIDINI14B")+ok),
		c("ini/line-without-delimiter", lines("[default]", "aws_access_key_id = AKIDINI15", "justaword")+ok),
		c("ini/key-before-header", lines("aws_access_key_id = AKIDINI16", "[default]")+ok),
		c("ini/duplicate-section", keys("default", "INI17")+keys("default", "INI17B")),
		c("ini/duplicate-key", lines("[default]", "aws_access_key_id = AKIDINI18", "aws_access_key_id = AKIDINI18B")+ok),
		{name: "ini/duplicate-section-config", files: kv(confFile, "[profile p1]\nregion = a\n[profile p1]\nregion = b\n")},
		{name: "ini/DEFAULT-inherited", env: kv("AWS_PROFILE", "p1"),
			files: kv(credFile, lines("[DEFAULT]", "aws_access_key_id = AKIDINI19", "aws_secret_access_key = secretINI19", "[p1]", "region = us-east-2"))},
		{name: "ini/DEFAULT-is-not-a-profile", args: []string{"--profile", "DEFAULT"},
			files: kv(credFile, lines("[DEFAULT]", "aws_access_key_id = AKIDINI20")+ok)},
		c("ini/DEFAULT-without-default-section", lines("[DEFAULT]", "aws_access_key_id = AKIDINI21")+ok),
		c("ini/crlf-line-endings", "[default]\r\naws_access_key_id = AKIDINI22\r\naws_secret_access_key = secretINI22\r\n"),
		c("ini/utf8-bom", "\ufeff"+keys("default", "INI23")),
		c("ini/invalid-utf8", lines("[default]", "aws_access_key_id = AKID\xff\xfeINI24")+ok),
		c("ini/utf8-value", lines("[default]", "aws_access_key_id = AKIDINI25", "aws_secret_access_key = sécret✓")),
		c("ini/empty-file", ""),
		c("ini/blank-lines-and-tabs", lines("", "[default]", "", "\taws_access_key_id\t=\tAKIDINI27", "aws_secret_access_key = secretINI27", "")),
		{name: "ini/parse-error-beats-explicit-keys", files: kv(confFile, "garbage line\n"),
			args: []string{"--access-key-id", "AKIDEXPL28", "--secret-access-key", "secretEXPL28"}},
		{name: "ini/parse-error-in-unused-file", env: envKeys("ENV29"), files: kv(confFile, "[default]\nno delimiter here\n")},
		p1("ini/nested-block-accelerate", lines("[profile p1]", "aws_access_key_id = AKIDINI30", "aws_secret_access_key = s30",
			"s3 =", "    use_accelerate_endpoint = true")),
		p1("ini/nested-keys-keep-case", lines("[profile p1]", "aws_access_key_id = AKIDINI31", "aws_secret_access_key = s31",
			"s3 =", "    USE_ACCELERATE_ENDPOINT = true")),
		p1("ini/nested-line-without-equals", lines("[profile p1]", "aws_access_key_id = AKIDINI32", "aws_secret_access_key = s32",
			"s3 =", "    addressing_style")),
		p1("ini/nested-comment-and-blank-dropped", lines("[profile p1]", "aws_access_key_id = AKIDINI33", "aws_secret_access_key = s33",
			"s3 =", "    # comment", "", "\tuse_accelerate_endpoint = true")),
		p1("ini/value-then-indented-is-string", lines("[profile p1]", "aws_access_key_id = AKIDINI34", "aws_secret_access_key = s34",
			"s3 = foo", "    use_accelerate_endpoint = true")),
	}
}

func sectionScenarios() []scenario {
	cf := func(name, content string, args ...string) scenario {
		return scenario{name: name, files: kv(confFile, content), args: args}
	}
	return []scenario{
		cf("sections/profile-extra-spaces", keys("profile   p1", "SEC01"), "--profile", "p1"),
		cf("sections/profile-quoted-name", keys(`profile "a b"`, "SEC02"), "--profile", "a b"),
		cf("sections/profile-three-words-ignored", keys("profile a b", "SEC03"), "--profile", "a b"),
		cf("sections/profiles-prefix-quirk", keys("profiles p1", "SEC04"), "--profile", "p1"),
		cf("sections/unbalanced-quote-ignored", keys(`profile "p1`, "SEC05"), "--profile", "p1"),
		cf("sections/profile-default-later-wins", keys("default", "SEC06A")+keys("profile default", "SEC06B")),
		cf("sections/default-later-wins", keys("profile default", "SEC07A")+keys("default", "SEC07B")),
		cf("sections/profile-default-replaces-entirely", "[default]\nregion = eu-west-3\n"+keys("profile default", "SEC08")),
		{name: "sections/credentials-file-profile-prefix-is-literal", args: []string{"--profile", "profile p1"},
			files: kv(credFile, keys("profile p1", "SEC09"))},
		{name: "sections/credentials-file-profile-prefix-not-p1", args: []string{"--profile", "p1"},
			files: kv(credFile, keys("profile p1", "SEC10"))},
		{name: "merge/credentials-region-wins", files: kv(credFile, keys("default", "MRG01")+"region = eu-north-1\n",
			confFile, "[default]\nregion = us-west-2\n")},
		{name: "merge/config-keys-survive", env: kv("AWS_PROFILE", "p1"), files: kv(credFile, keys("p1", "MRG02"),
			confFile, "[profile p1]\nregion = sa-east-1\nendpoint_url = http://127.0.0.1:9/\n")},
		{name: "merge/profile-only-in-credentials-exists", env: kv("AWS_PROFILE", "p1"), files: kv(credFile, keys("p1", "MRG03"))},
		{name: "merge/process-in-credentials-file",
			files: kv(credFile, "[default]\ncredential_process = {{ROOT}}/proc.sh\n"),
			exec:  kv("proc.sh", script(`{"Version": 1, "AccessKeyId": "AKIDMRG04", "SecretAccessKey": "secretMRG04"}`))},
		{name: "merge/region-in-credentials-file", args: []string{"--profile", "p1"},
			files: kv(credFile, keys("p1", "MRG05")+"region = ca-central-1\n")},
		{name: "merge/endpoint-in-credentials-file", files: kv(credFile, keys("default", "MRG06")+"endpoint_url = http://127.0.0.1:9000\n",
			confFile, "[default]\nregion = us-west-2\n")},
	}
}

func locationScenarios() []scenario {
	alt := keys("default", "LOC01")
	return []scenario{
		{name: "loc/credentials-env-override", env: kv("AWS_SHARED_CREDENTIALS_FILE", "{{ROOT}}/alt/creds"),
			files: kv("alt/creds", alt, credFile, keys("default", "HOMEFILE"))},
		{name: "loc/config-env-override", env: kv("AWS_CONFIG_FILE", "{{ROOT}}/alt/config"),
			files: kv("alt/config", keys("default", "LOC02")+"region = eu-south-1\n", confFile, keys("default", "HOMECONF"))},
		{name: "loc/empty-override-disables-default", env: kv("AWS_SHARED_CREDENTIALS_FILE", ""),
			files: kv(credFile, keys("default", "LOC03"))},
		{name: "loc/missing-override-file", env: kv("AWS_SHARED_CREDENTIALS_FILE", "{{ROOT}}/none"),
			files: kv(credFile, keys("default", "LOC04"))},
		{name: "loc/override-is-directory", env: kv("AWS_CONFIG_FILE", "{{ROOT}}/adir"),
			files: kv("adir/", "", confFile, keys("default", "LOC05"))},
		{name: "loc/tilde-expanded", env: kv("AWS_SHARED_CREDENTIALS_FILE", "~/alt/creds"),
			files: kv("~/alt/creds", keys("default", "LOC06"))},
		{name: "loc/var-expanded", env: kv("AWS_SHARED_CREDENTIALS_FILE", "$HOME/alt/creds"),
			files: kv("~/alt/creds", keys("default", "LOC07"))},
		{name: "loc/braced-var-expanded", env: kv("AWS_CONFIG_FILE", "${HOME}/alt/config"),
			files: kv("~/alt/config", keys("default", "LOC08"))},
		{name: "loc/relative-to-working-directory", env: kv("AWS_SHARED_CREDENTIALS_FILE", "rel/creds"),
			files: kv("rel/creds", keys("default", "LOC09"))},
		{name: "loc/config-parse-error-at-override", env: kv("AWS_CONFIG_FILE", "{{ROOT}}/bad"),
			files: kv("bad", "[default\n", credFile, keys("default", "LOC10"))},
	}
}
