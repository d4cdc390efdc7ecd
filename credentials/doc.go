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
//
// Deliberate differences from botocore 1.43.11, all in the outcome's
// favour or invisible to it:
//
//   - partial explicit keys fail at once with PartialCredentialsError
//     (boto3 signs with the literal secret "None"), as the spec asks;
//   - deferred sources (assume-role, web identity, SSO) make their STS/SSO
//     call inside Retrieve, which is boto3's "first use";
//   - when the IMDS token request is slow, one tokenless (IMDSv1) request is
//     started beside it, so a silent metadata endpoint costs one timeout
//     (≈1 s) where botocore pays two; results are the same;
//   - STS and SSO calls are made once, without botocore's retries of
//     5xx/throttling answers (the error class is the same);
//   - an MFA-protected role asks Options.MFAToken again on refresh instead
//     of failing with RefreshWithMFAUnsupportedError; with no MFAToken it
//     fails with that class;
//   - login_session profiles always fail with MissingDependencyException
//     (s3kit does not implement the DPoP-signed sign-in refresh);
//   - key names are lower-cased with Go's Unicode tables plus U+0130;
//     Python's context-dependent final sigma is not reproduced.
//
// The outside world (environment, home directory, clock, HTTP client) is
// an input in Options, so resolutions run side by side in tests.
package credentials
