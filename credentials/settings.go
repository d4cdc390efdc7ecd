package credentials

import (
	"fmt"
	"strconv"
	"strings"
)

// S3Settings are the profile's s3 options (spec §11.1). Booleans follow
// botocore: only "true" in any case is true.
type S3Settings struct {
	// AddressingStyle is "", "auto", "virtual" or "path" ("" = auto).
	AddressingStyle string
	// PayloadSigningEnabled is payload_signing_enabled.
	PayloadSigningEnabled bool
	// UseAccelerateEndpoint selects bucket.s3-accelerate.amazonaws.com.
	UseAccelerateEndpoint bool
	// UseDualstackEndpoint selects the dual-stack endpoints.
	UseDualstackEndpoint bool
	// UseARNRegion is use_arn_region (env AWS_S3_USE_ARN_REGION wins).
	UseARNRegion bool
	// USEast1RegionalEndpoint is "regional", "legacy" or "".
	USEast1RegionalEndpoint string
	// DisableMultiRegionAccessPoints is s3_disable_multiregion_access_points.
	DisableMultiRegionAccessPoints bool
	// Raw is the whole nested s3 block, keys as written (case-sensitive).
	Raw map[string]string
	// Transfer holds the AWS CLI transfer keys of the same block.
	Transfer TransferSettings
}

// TransferSettings are the AWS CLI s3 transfer keys (botocore ignores
// them; aws-cli reads them from the profile's s3 block).
type TransferSettings struct {
	MultipartThreshold    int64 // bytes, default 8 MiB
	MultipartChunksize    int64 // bytes, default 8 MiB
	MaxConcurrentRequests int   // default 10
	MaxQueueSize          int   // default 1000
	MaxBandwidth          int64 // bytes per second, 0 = unlimited
}

// RetrySettings are max_attempts and retry_mode (§11.2).
type RetrySettings struct {
	// MaxAttempts is the total number of attempts including the first;
	// 0 means the mode's default (legacy: 5).
	MaxAttempts int
	// Mode is "legacy", "standard" or "adaptive".
	Mode string
}

// ChecksumSettings are the flexible-checksum settings (§11.3), lower-cased:
// "when_supported" or "when_required".
type ChecksumSettings struct {
	RequestCalculation string
	ResponseValidation string
}

func boolTrue(v string) bool { return strings.EqualFold(v, "true") }

// Ranks order the client-creation errors as botocore raises them when
// several settings are wrong at once (observed with botocore 1.43.11):
// region, [services], the s3 block's type, a non-integer max_attempts,
// checksums, addressing style, max_attempts < 1, retry mode, empty region.
const (
	rankS3Block = iota
	rankMaxAttemptsInt
	rankChecksum
	rankAddressing
	rankMaxAttempts
	rankRetryMode
	rankTransfer
)

// invalidAt records a settings error for Validate, keeping the first per rank.
func (c *Config) invalidAt(rank int, err error) {
	if c.invalid == nil {
		c.invalid = map[int]error{}
	}
	if _, ok := c.invalid[rank]; !ok {
		c.invalid[rank] = err
	}
}

// resolveSettings fills S3, Retry and Checksum and records invalid values
// for Validate (botocore raises them at client creation, not earlier).
func (c *Config) resolveSettings() {
	c.CABundle, _ = c.setting("AWS_CA_BUNDLE", "ca_bundle")
	s3 := map[string]string{}
	if v, ok := c.profile["s3"]; ok {
		if v.Nested == nil {
			// botocore calls .get on the value and fails at client creation.
			c.invalidAt(rankS3Block, newErr("AttributeError", "", "the s3 setting of profile %s is a plain value (%q), not an indented block", c.Profile, v.Raw))
		} else {
			s3 = v.Nested
		}
	}
	c.S3 = S3Settings{Raw: s3}
	if v, ok := s3["addressing_style"]; ok {
		c.S3.AddressingStyle = v
		switch v {
		case "auto", "virtual", "path":
		default:
			c.invalidAt(rankAddressing, newErr(ClassInvalidAddressingStyle, "",
				"invalid S3 addressing style %q: valid values are auto, virtual and path", v))
		}
	}
	c.S3.PayloadSigningEnabled = boolTrue(s3["payload_signing_enabled"])
	c.S3.UseAccelerateEndpoint = boolTrue(s3["use_accelerate_endpoint"])
	if v, ok := c.setting("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"); ok {
		c.S3.UseDualstackEndpoint = boolTrue(v)
	} else {
		c.S3.UseDualstackEndpoint = boolTrue(s3["use_dualstack_endpoint"])
	}
	if v, ok := c.setting("AWS_S3_USE_ARN_REGION", "s3_use_arn_region"); ok {
		c.S3.UseARNRegion = boolTrue(v)
	} else {
		c.S3.UseARNRegion = boolTrue(s3["use_arn_region"])
	}
	if v, ok := c.setting("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "s3_us_east_1_regional_endpoint"); ok {
		c.S3.USEast1RegionalEndpoint = v
	} else {
		c.S3.USEast1RegionalEndpoint = s3["us_east_1_regional_endpoint"]
	}
	if v, ok := c.setting("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", ""); ok {
		c.S3.DisableMultiRegionAccessPoints = boolTrue(v)
	} else {
		c.S3.DisableMultiRegionAccessPoints = boolTrue(s3["s3_disable_multiregion_access_points"])
	}
	c.S3.Transfer = c.transferSettings(s3)

	c.Retry.Mode = "legacy"
	if boolTrue(c.w.getenv("AWS_NEW_RETRIES_2026")) {
		c.Retry.Mode = "standard"
	}
	if v, ok := c.setting("AWS_RETRY_MODE", "retry_mode"); ok {
		c.Retry.Mode = v
		switch v {
		case "legacy", "standard", "adaptive":
		default:
			c.invalidAt(rankRetryMode, newErr(ClassInvalidRetryMode, "",
				"invalid retry mode %q: valid modes are legacy, standard and adaptive", v))
		}
	}
	if v, ok := c.setting("AWS_MAX_ATTEMPTS", "max_attempts"); ok {
		n, err := pyInt(v)
		switch {
		case err != nil:
			c.invalidAt(rankMaxAttemptsInt, newErr(ClassValue, "", "invalid literal for int() with base 10: %q", v))
		case n < 1:
			c.invalidAt(rankMaxAttempts, newErr(ClassInvalidMaxAttempts, "",
				"invalid max_attempts %d: must be at least 1", n))
		default:
			c.Retry.MaxAttempts = n
		}
	}
	c.Checksum.RequestCalculation = c.checksumSetting("AWS_REQUEST_CHECKSUM_CALCULATION", "request_checksum_calculation")
	c.Checksum.ResponseValidation = c.checksumSetting("AWS_RESPONSE_CHECKSUM_VALIDATION", "response_checksum_validation")
}

func (c *Config) checksumSetting(envKey, key string) string {
	v, ok := c.setting(envKey, key)
	if !ok {
		return "when_supported"
	}
	v = strings.ToLower(v)
	if v != "when_supported" && v != "when_required" {
		c.invalidAt(rankChecksum, newErr(ClassInvalidChecksumConfig, "",
			"unsupported %s value %q: valid values are when_supported and when_required", key, v))
	}
	return v
}

// pyInt parses like Python's int(str): surrounding blanks, a sign and
// underscores between digits are allowed.
func pyInt(s string) (int, error) {
	t := strings.TrimFunc(s, func(r rune) bool { return r == ' ' || (r >= '\t' && r <= '\r') })
	if strings.Contains(t, "__") || strings.HasPrefix(strings.TrimLeft(t, "+-"), "_") || strings.HasSuffix(t, "_") {
		return 0, fmt.Errorf("invalid integer %q", s)
	}
	return strconv.Atoi(strings.ReplaceAll(t, "_", ""))
}

// checkRegion is botocore's validate_region_name:
// ^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$ — Python's "$" also matches
// before one final newline.
func checkRegion(r string) error {
	t := strings.TrimSuffix(r, "\n")
	ok := len(t) <= 63 && !strings.HasPrefix(t, "-") && !strings.HasSuffix(t, "-")
	for i := 0; i < len(t) && ok; i++ {
		ok = isAlnum(t[i]) || t[i] == '-'
	}
	if allDigits := t != "" && strings.Trim(t, "0123456789") == ""; !ok || allDigits {
		return newErr(ClassInvalidRegion, "", "provided region_name %q does not match a valid host label", r)
	}
	return nil
}

// Validate performs the checks botocore makes when a client is created
// (spec §2 step 5): region syntax, a [services] section that exists, S3
// addressing style, retry and checksum settings. It returns the first
// failure as an *Error with the botocore class.
func (c *Config) Validate() error {
	if c.RegionSource != "" {
		if err := checkRegion(c.Region); err != nil {
			return err
		}
	}
	if _, err := c.EndpointURL("s3"); err != nil {
		return err
	}
	for rank := rankS3Block; rank < rankTransfer; rank++ {
		if err := c.invalid[rank]; err != nil {
			return err
		}
	}
	if c.RegionSource != "" && c.Region == "" {
		if ep, _ := c.EndpointURL("s3"); ep == "" {
			return newErr(ClassValue, "", "invalid endpoint: https://s3..amazonaws.com")
		}
	}
	return c.invalid[rankTransfer]
}

// EndpointURL returns the endpoint configured for service (spec §10:
// AWS_ENDPOINT_URL_<S>, AWS_ENDPOINT_URL, the [services] block, the
// profile's endpoint_url), or "" when none is. A profile naming a missing
// [services] section is InvalidConfigError.
func (c *Config) EndpointURL(service string) (string, error) {
	ep, _, err := c.endpoint(service)
	return ep, err
}

// endpoint also says where the endpoint came from.
func (c *Config) endpoint(service string) (url, source string, err error) {
	svc := strings.ToLower(strings.NewReplacer(" ", "_", "-", "_").Replace(service))
	var block map[string]string
	if name, ok := c.profileValue("services"); ok {
		sec, found := c.files.services[name]
		if !found {
			return "", "", newErr(ClassInvalidConfig, "",
				"profile %s names services section %q, which does not exist in %s", c.Profile, name, c.files.configPath)
		}
		if v, ok := sec[svc]; ok {
			if v.Nested == nil {
				return "", "", newErr("AttributeError", "", "[services %s] %s is a plain value (%q), not an indented block", name, svc, v.Raw)
			}
			block = v.Nested
		}
	}
	ignore, _ := c.setting("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls")
	if boolTrue(ignore) {
		return "", "", nil
	}
	envName := "AWS_ENDPOINT_URL_" + strings.ToUpper(svc)
	if v := c.w.getenv(envName); v != "" {
		return v, envName, nil
	}
	if v := c.w.getenv("AWS_ENDPOINT_URL"); v != "" {
		return v, "AWS_ENDPOINT_URL", nil
	}
	if v := block["endpoint_url"]; v != "" {
		return v, "[services] " + svc, nil
	}
	if v, _ := c.profileValue("endpoint_url"); v != "" {
		return v, "profile " + c.Profile, nil
	}
	return "", "", nil
}

// transferSettings reads the AWS CLI transfer keys; malformed values are
// reported by Validate as ValueError, as aws-cli raises them.
func (c *Config) transferSettings(s3 map[string]string) TransferSettings {
	t := TransferSettings{MultipartThreshold: 8 << 20, MultipartChunksize: 8 << 20, MaxConcurrentRequests: 10, MaxQueueSize: 1000}
	size := func(key string, dst *int64) {
		if v, ok := s3[key]; ok {
			n, err := parseSize(v)
			if err != nil {
				c.invalidAt(rankTransfer, newErr(ClassValue, "", "invalid %s value %q", key, v))
				return
			}
			*dst = n
		}
	}
	count := func(key string, dst *int) {
		if v, ok := s3[key]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				c.invalidAt(rankTransfer, newErr(ClassValue, "", "invalid %s value %q: must be a positive integer", key, v))
				return
			}
			*dst = n
		}
	}
	size("multipart_threshold", &t.MultipartThreshold)
	size("multipart_chunksize", &t.MultipartChunksize)
	count("max_concurrent_requests", &t.MaxConcurrentRequests)
	count("max_queue_size", &t.MaxQueueSize)
	if v, ok := s3["max_bandwidth"]; ok {
		n, err := parseBandwidth(v)
		if err != nil {
			c.invalidAt(rankTransfer, newErr(ClassValue, "", "invalid max_bandwidth value %q", v))
		} else {
			t.MaxBandwidth = n
		}
	}
	return t
}

var sizeSuffixes = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"tb", 1 << 40},
}

// ParseSize is aws-cli's human_readable_to_bytes, for sizes in the s3
// block and on command lines: an integer (bytes), or an integer with a
// binary suffix, case-insensitive (KB = KiB = 1024, MB = MiB, GB, TB).
func ParseSize(v string) (int64, error) { return parseSize(v) }

func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	for _, sf := range sizeSuffixes {
		if num, ok := strings.CutSuffix(s, sf.suffix); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
			if err != nil {
				return 0, err
			}
			return n * sf.mult, nil
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// parseBandwidth accepts bytes/s as an integer, "<size>B/s" (aws-cli
// parses what precedes "/s" as a size: 10MB/s, 800KB/s) or bits
// "<size>b/s" (divided by 8).
func parseBandwidth(v string) (int64, error) {
	s := strings.TrimSpace(v)
	if num, ok := strings.CutSuffix(s, "B/s"); ok {
		return parseSize(num + "B")
	}
	if num, ok := strings.CutSuffix(s, "b/s"); ok {
		n, err := parseSize(num + "b")
		return n / 8, err
	}
	return strconv.ParseInt(s, 10, 64)
}
