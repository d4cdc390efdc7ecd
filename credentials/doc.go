// Package credentials resolves AWS credentials and settings exactly as
// botocore 1.43 does for boto3.Session(...), and explains what it did.
//
// The model:
//
//   - Load is session creation. It selects the profile (explicit argument,
//     AWS_DEFAULT_PROFILE, AWS_PROFILE, "default"), parses
//     ~/.aws/config and ~/.aws/credentials with botocore's configparser
//     rules (package internal/ini) and merges them into profiles. Parse
//     errors (ConfigParseError) and a missing selected profile
//     (ProfileNotFound) surface here.
//   - Config.Credentials is a Provider: explicit keys if any were given,
//     else the ordered provider chain env → assume-role → web identity →
//     sso → shared-credentials-file → login → credential_process →
//     config-file → legacy files → container → IMDS. The first provider
//     that yields wins; a configured provider that fails stops the chain.
//     Providers whose trigger is absent return an error wrapping
//     ErrNotConfigured. Results are cached; expiring credentials are
//     refreshed inside botocore's 15/10-minute windows, one caller at a time.
//   - Config.Explain runs the same resolution and records, for every
//     provider in order, whether it was skipped (and why), chosen, shadowed
//     (would also have produced credentials) or failed.
//   - Region, endpoint URLs, the s3 block, retry and checksum settings are
//     resolved at Load; Config.Validate performs botocore's client-creation
//     checks.
//
// Errors are *Error values whose Class method returns the botocore
// exception class name ("NoCredentialsError", "ProfileNotFound", ...).
// The outside world (environment, home directory, clock, HTTP client) is
// an input in Options, so resolutions run side by side in tests.
package credentials
