// Package credparity is the differential test proving that `s3kit creds`
// resolves credentials exactly as botocore 1.43.11 does. It has no API:
// everything lives in its tests.
//
// # Model
//
// A scenario is data: the files of a throw-away world (HOME with
// ~/.aws/credentials and ~/.aws/config, credential_process scripts, SSO
// token caches, web-identity token files, ~/.boto, AWS_CREDENTIAL_FILE
// files), an explicit environment (nothing is inherited from the developer;
// AWS_EC2_METADATA_DISABLED=true unless the scenario tests IMDS) and
// `s3kit creds` flags. TestMain builds the s3kit binary once. The test then
// resolves every scenario twice:
//
//   - botocore: one python3 process (botocore_driver.py) reads all scenarios
//     as JSON on stdin; per scenario it sets os.environ and the working
//     directory exactly, recomputes the class attributes botocore derives from
//     $HOME at import, creates a fresh boto3.Session with the same arguments,
//     calls get_credentials(), reads the keys (which runs the deferred
//     STS/SSO calls), then creates an S3 client for its endpoint. It reports
//     the values, Credentials.method, profile, region, endpoint and expiry,
//     or the exception class name and the stage where it was raised.
//   - s3kit: `s3kit creds [flags] --json` (masked values, source, profile,
//     region, endpoint_url, expiration, or error_class) and
//     `s3kit creds export --format json [flags]` (unmasked values), each in
//     its own fresh copy of the world, since credential_process scripts may
//     count their invocations.
//
// Local stub servers on 127.0.0.1 stand in for IMDS, the container
// endpoint, STS and the SSO portal. They keep no per-scenario state: the
// credentials they return are derived from the request (role ARN, source
// key and signing region, token contents, Authorization header), so a wrong
// request shows up as a key mismatch. AssumeRole must be SigV4-signed and
// AssumeRoleWithWebIdentity and the SSO portal call unsigned, as botocore
// sends them.
//
// # Comparison rules
//
// Keys are compared masked (the contract's "*" except the last four
// characters) and unmasked through export; source, profile and region
// exactly; endpoint_url exactly, or null when botocore took no endpoint_url
// from its configuration; expiration to the second. On failure s3kit must exit 1 with
// botocore's exception class name in error_class. A scenario may declare a
// deviation the spec mandates (partial explicit keys are rejected); its
// premise, that botocore still behaves as the spec says, is checked too.
//
// # Adding a scenario
//
// Add a row to the table of the spec section it exercises
// (scenarios_*_test.go): a unique name "section/what-it-checks", the files,
// environment and flags. Paths starting with "~/" land in the scenario's
// HOME, others under its root (also the working directory). Placeholders
// {{ROOT}}, {{HOME}}, {{IMDS}}, {{CONTAINER}}, {{CONTAINER_LOCALHOST}},
// {{STS}}, {{SSO}}, {{CLOSED}} (a port nobody listens on), {{FUTURE}},
// {{PAST}}, {{SOON5}}, {{SOON12}} and {{LATER30}} are replaced in paths,
// contents, environment values and flags. Never write the expected answer:
// botocore provides it.
//
// # Reading the results
//
// `go test ./tests/credparity/ -v` prints, per mismatching scenario, each
// differing field (botocore vs s3kit), botocore's answer and the world.
// With S3KIT_PARITY_REPORT=1 the same goes to MISMATCHES.md. Scenarios in
// known_gaps.txt ("name reason") are skipped with their diff, and the test
// fails when a listed gap starts to match, so the list can only shrink.
// S3KIT_PARITY_WRITE_GAPS=1 regenerates that list from the current
// mismatches (never set in CI).
package credparity
