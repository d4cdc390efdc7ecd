package credentials

import (
	"context"
	"testing"
)

func TestRegionAndEndpoint(t *testing.T) {
	tests := []struct {
		name         string
		w            testWorld
		opts         Options
		wantRegion   string
		wantSource   string
		wantEndpoint string
		wantClass    string // from EndpointURL
	}{
		{name: "explicit region wins", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": "us-west-1"}}, opts: Options{Region: "ap-south-1"},
			wantRegion: "ap-south-1", wantSource: "explicit"},
		{name: "AWS_REGION is not read", w: testWorld{env: map[string]string{"AWS_REGION": "us-west-1"}}},
		{name: "AWS_DEFAULT_REGION beats the profile", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": "us-west-1"},
			files: map[string]string{"~/.aws/config": "[default]\nregion = eu-west-1\n"}}, wantRegion: "us-west-1", wantSource: "AWS_DEFAULT_REGION"},
		{name: "empty AWS_DEFAULT_REGION shadows the profile", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": ""},
			files: map[string]string{"~/.aws/config": "[default]\nregion = eu-west-1\n"}}, wantRegion: "", wantSource: "AWS_DEFAULT_REGION"},
		{name: "credentials file region beats config", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nregion = eu-west-1\n",
			"~/.aws/credentials": "[default]\nregion = eu-west-2\n"}}, wantRegion: "eu-west-2", wantSource: "profile"},
		{name: "selected profile does not inherit default's region", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nregion = eu-west-1\n[profile p]\n"}},
			opts: Options{Profile: "p"}},
		{name: "service env beats global env", w: testWorld{env: map[string]string{"AWS_ENDPOINT_URL_S3": "http://s3:1", "AWS_ENDPOINT_URL": "http://all:1"}},
			wantEndpoint: "http://s3:1"},
		{name: "empty service env falls through", w: testWorld{env: map[string]string{"AWS_ENDPOINT_URL_S3": "", "AWS_ENDPOINT_URL": "http://all:1"}},
			wantEndpoint: "http://all:1"},
		{name: "services section", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nservices = local\nendpoint_url = http://p:1\n[services local]\ns3 =\n  endpoint_url = http://svc:1\n"}},
			wantEndpoint: "http://svc:1"},
		{name: "services section without s3 falls to the profile", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nservices = local\nendpoint_url = http://p:1\n[services local]\nsts =\n  endpoint_url = http://svc:1\n"}},
			wantEndpoint: "http://p:1"},
		{name: "missing services section", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nservices = nope\n"}}, wantClass: ClassInvalidConfig},
		{name: "ignore flag disables configured endpoints", w: testWorld{env: map[string]string{"AWS_ENDPOINT_URL": "http://all:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"}}},
		{name: "endpoint_url inside the s3 block is not an endpoint", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\ns3 =\n  endpoint_url = http://x:1\n"}}},
		{name: "credentials file endpoint_url counts", w: testWorld{files: map[string]string{"~/.aws/credentials": "[default]\nendpoint_url = http://c:1\n"}},
			wantEndpoint: "http://c:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.w.options(t)
			o.Region, o.Profile = tc.opts.Region, tc.opts.Profile
			cfg, err := Load(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Region != tc.wantRegion || cfg.RegionSource != tc.wantSource {
				t.Errorf("region %q from %q, want %q from %q", cfg.Region, cfg.RegionSource, tc.wantRegion, tc.wantSource)
			}
			ep, err := cfg.EndpointURL("s3")
			if ClassOf(err) != tc.wantClass || ep != tc.wantEndpoint {
				t.Errorf("endpoint %q, err %v; want %q, class %q", ep, err, tc.wantEndpoint, tc.wantClass)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		w         testWorld
		wantClass string
	}{
		{name: "valid settings", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nregion = us-east-1\nretry_mode = standard\nmax_attempts = 3\n"}}},
		{name: "invalid region", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": "us east"}}, wantClass: ClassInvalidRegion},
		{name: "all-digit region", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": "123"}}, wantClass: ClassInvalidRegion},
		{name: "empty region", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": ""}}, wantClass: ClassValue},
		{name: "bad addressing style", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\ns3 =\n  addressing_style = sideways\n"}}, wantClass: ClassInvalidAddressingStyle},
		{name: "bad retry mode", w: testWorld{env: map[string]string{"AWS_RETRY_MODE": "fast"}}, wantClass: ClassInvalidRetryMode},
		{name: "non-integer max_attempts", w: testWorld{env: map[string]string{"AWS_MAX_ATTEMPTS": "three"}}, wantClass: ClassValue},
		{name: "zero max_attempts", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nmax_attempts = 0\n"}}, wantClass: ClassInvalidMaxAttempts},
		{name: "bad checksum setting", w: testWorld{env: map[string]string{"AWS_REQUEST_CHECKSUM_CALCULATION": "always"}}, wantClass: ClassInvalidChecksumConfig},
		{name: "s3 as a plain value", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\ns3 = foo\n"}}, wantClass: "AttributeError"},
		// When several settings are wrong, botocore's order decides (observed).
		{name: "region before services", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": "a b"},
			files: map[string]string{"~/.aws/config": "[default]\nservices = nope\n"}}, wantClass: ClassInvalidRegion},
		{name: "services before s3 block", w: testWorld{files: map[string]string{"~/.aws/config": "[default]\nservices = nope\ns3 = foo\n"}}, wantClass: ClassInvalidConfig},
		{name: "non-integer max_attempts before addressing style", w: testWorld{env: map[string]string{"AWS_MAX_ATTEMPTS": "x"},
			files: map[string]string{"~/.aws/config": "[default]\ns3 =\n  addressing_style = no\n"}}, wantClass: ClassValue},
		{name: "checksum before addressing style", w: testWorld{env: map[string]string{"AWS_REQUEST_CHECKSUM_CALCULATION": "x"},
			files: map[string]string{"~/.aws/config": "[default]\ns3 =\n  addressing_style = no\n"}}, wantClass: ClassInvalidChecksumConfig},
		{name: "addressing style before zero max_attempts", w: testWorld{env: map[string]string{"AWS_MAX_ATTEMPTS": "0"},
			files: map[string]string{"~/.aws/config": "[default]\ns3 =\n  addressing_style = no\n"}}, wantClass: ClassInvalidAddressingStyle},
		{name: "zero max_attempts before retry mode", w: testWorld{env: map[string]string{"AWS_MAX_ATTEMPTS": "0", "AWS_RETRY_MODE": "x"}}, wantClass: ClassInvalidMaxAttempts},
		{name: "retry mode before empty region", w: testWorld{env: map[string]string{"AWS_DEFAULT_REGION": "", "AWS_RETRY_MODE": "x"}}, wantClass: ClassInvalidRetryMode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(context.Background(), tc.w.options(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := ClassOf(cfg.Validate()); got != tc.wantClass {
				t.Errorf("Validate class %q, want %q", got, tc.wantClass)
			}
		})
	}
}

func TestS3Settings(t *testing.T) {
	o := testWorld{files: map[string]string{"~/.aws/config": "[default]\nmax_attempts = 7\n" +
		"s3 =\n  addressing_style = path\n  use_accelerate_endpoint = TRUE\n  payload_signing_enabled = yes\n" +
		"  multipart_threshold = 64MB\n  multipart_chunksize = 1048576\n  max_concurrent_requests = 20\n  max_bandwidth = 80Mb/s\n  Custom_Key = v\n"},
		env: map[string]string{"AWS_REQUEST_CHECKSUM_CALCULATION": "WHEN_REQUIRED"}}.options(t)
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.S3
	if s.AddressingStyle != "path" || !s.UseAccelerateEndpoint || s.PayloadSigningEnabled || s.Raw["Custom_Key"] != "v" {
		t.Errorf("s3 settings %+v", s)
	}
	tr := s.Transfer
	if tr.MultipartThreshold != 64<<20 || tr.MultipartChunksize != 1<<20 || tr.MaxConcurrentRequests != 20 || tr.MaxQueueSize != 1000 || tr.MaxBandwidth != 10<<20 {
		t.Errorf("transfer settings %+v", tr)
	}
	if cfg.Retry.MaxAttempts != 7 || cfg.Retry.Mode != "legacy" || cfg.Checksum.RequestCalculation != "when_required" || cfg.Checksum.ResponseValidation != "when_supported" {
		t.Errorf("retry %+v checksum %+v", cfg.Retry, cfg.Checksum)
	}
}
