package credparity

// Scenarios for region (§9), the S3 endpoint URL (§10) and the client
// settings validated at client creation (§11).

func regionScenarios() []scenario {
	k := envKeys("REGION")
	withK := func(extra ...string) map[string]string { return join(k, kv(extra...)) }
	return []scenario{
		{name: "region/none-uses-global-endpoint", env: k},
		{name: "region/argument", env: k, args: []string{"--region", "eu-west-1"}},
		{name: "region/AWS_DEFAULT_REGION", env: withK("AWS_DEFAULT_REGION", "us-west-2")},
		{name: "region/AWS_REGION-ignored", env: withK("AWS_REGION", "us-west-2")},
		{name: "region/AWS_REGION-with-default", env: withK("AWS_REGION", "us-west-2", "AWS_DEFAULT_REGION", "eu-west-2")},
		{name: "region/profile", env: k, files: kv(confFile, "[default]\nregion = ap-northeast-1\n")},
		{name: "region/argument-beats-env", env: withK("AWS_DEFAULT_REGION", "us-west-2"), args: []string{"--region", "eu-west-1"}},
		{name: "region/env-beats-profile", env: withK("AWS_DEFAULT_REGION", "us-west-2"),
			files: kv(confFile, "[default]\nregion = ap-northeast-1\n")},
		{name: "region/empty-env-shadows-profile", env: withK("AWS_DEFAULT_REGION", ""),
			files: kv(confFile, "[default]\nregion = ap-northeast-1\n")},
		{name: "region/invalid-label", env: withK("AWS_DEFAULT_REGION", "us_west_2")},
		{name: "region/all-digits-invalid", env: withK("AWS_DEFAULT_REGION", "12345")},
		{name: "region/selected-profile-only", env: withK("AWS_PROFILE", "p1"),
			files: kv(confFile, "[default]\nregion = us-west-2\n[profile p1]\noutput = json\n")},
		{name: "region/explicit-profile", env: k, args: []string{"--profile", "p1", "--access-key-id", "AKIDR", "--secret-access-key", "s"},
			files: kv(confFile, "[default]\nregion = us-west-2\n[profile p1]\nregion = me-south-1\n")},
	}
}

func endpointScenarios() []scenario {
	k := envKeys("ENDPOINT")
	withK := func(extra ...string) map[string]string { return join(k, kv(extra...)) }
	svc := "[default]\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:7001\n"
	return []scenario{
		{name: "endpoint/env-s3", env: withK("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7002")},
		{name: "endpoint/env-global", env: withK("AWS_ENDPOINT_URL", "http://127.0.0.1:7003")},
		{name: "endpoint/env-s3-beats-global", env: withK("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7004", "AWS_ENDPOINT_URL", "http://127.0.0.1:7005")},
		{name: "endpoint/empty-s3-env-falls-through", env: withK("AWS_ENDPOINT_URL_S3", "", "AWS_ENDPOINT_URL", "http://127.0.0.1:7006")},
		{name: "endpoint/services-section", env: k, files: kv(confFile, svc)},
		{name: "endpoint/profile-endpoint-url", env: k, files: kv(confFile, "[default]\nendpoint_url = http://127.0.0.1:7007\n")},
		{name: "endpoint/env-s3-beats-profile", env: withK("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7022"),
			files: kv(confFile, "[default]\nendpoint_url = http://127.0.0.1:7023\n")},
		{name: "endpoint/ignore-flag-profile-beats-env", env: withK("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7024"),
			files: kv(confFile, "[default]\nignore_configured_endpoint_urls = true\n")},
		{name: "endpoint/ignore-flag-env-false-beats-profile-true", env: withK("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", "AWS_ENDPOINT_URL", "http://127.0.0.1:7025"),
			files: kv(confFile, "[default]\nignore_configured_endpoint_urls = true\n")},
		{name: "endpoint/services-beat-profile-key", env: k,
			files: kv(confFile, "[default]\nendpoint_url = http://127.0.0.1:7008\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:7009\n")},
		{name: "endpoint/env-beats-services", env: withK("AWS_ENDPOINT_URL", "http://127.0.0.1:7010"), files: kv(confFile, svc)},
		{name: "endpoint/ignore-flag-env", env: withK("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7011"),
			files: kv(confFile, svc)},
		{name: "endpoint/ignore-flag-upper-case", env: withK("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", "AWS_ENDPOINT_URL", "http://127.0.0.1:7012")},
		{name: "endpoint/ignore-flag-1-is-false", env: withK("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "1", "AWS_ENDPOINT_URL", "http://127.0.0.1:7013")},
		{name: "endpoint/ignore-flag-profile", env: k,
			files: kv(confFile, "[default]\nendpoint_url = http://127.0.0.1:7014\nignore_configured_endpoint_urls = true\n")},
		{name: "endpoint/missing-services-section", env: k, files: kv(confFile, "[default]\nservices = nope\n")},
		{name: "endpoint/services-without-s3-entry", env: k,
			files: kv(confFile, "[default]\nendpoint_url = http://127.0.0.1:7015\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:7016\n")},
		{name: "endpoint/nested-s3-endpoint-not-a-source", env: k,
			files: kv(confFile, "[default]\ns3 =\n  endpoint_url = http://127.0.0.1:7017\n")},
		{name: "endpoint/credentials-file-endpoint", env: k, files: kv(credFile, "[default]\nendpoint_url = http://127.0.0.1:7018\n")},
		{name: "endpoint/selected-profile", env: withK("AWS_PROFILE", "p1"),
			files: kv(confFile, "[default]\nendpoint_url = http://127.0.0.1:7019\n[profile p1]\nendpoint_url = http://127.0.0.1:7020\n")},
		{name: "endpoint/region-with-custom-endpoint", env: withK("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7021", "AWS_DEFAULT_REGION", "eu-west-1")},
		{name: "endpoint/regional-default", env: withK("AWS_DEFAULT_REGION", "eu-west-1")},
		{name: "endpoint/accelerate", env: k, files: kv(confFile, "[default]\ns3 =\n  use_accelerate_endpoint = true\n")},
		{name: "endpoint/dualstack-env", env: withK("AWS_USE_DUALSTACK_ENDPOINT", "true", "AWS_DEFAULT_REGION", "us-west-2")},

		{name: "settings/invalid-addressing-style", env: k, files: kv(confFile, "[default]\ns3 =\n  addressing_style = sideways\n")},
		{name: "settings/invalid-retry-mode", env: withK("AWS_RETRY_MODE", "eager")},
		{name: "settings/max-attempts-not-integer", env: withK("AWS_MAX_ATTEMPTS", "three")},
		{name: "settings/max-attempts-zero", env: k, files: kv(confFile, "[default]\nmax_attempts = 0\n")},
		{name: "settings/invalid-checksum-calculation", env: withK("AWS_REQUEST_CHECKSUM_CALCULATION", "sometimes")},
		{name: "settings/checksum-case-insensitive", env: withK("AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED")},
	}
}
