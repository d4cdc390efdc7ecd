package clients

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The key a compose file or CI job declares for the server and hands to
// its clients.
const (
	composeKeyID  = "COMPOSE_TEST_KEY_0001"
	composeSecret = "compose-secret-0123456789abcdef"
)

// TestComposeStyleMemoryTLS runs the server as a CI job or compose service
// would: keys from S3KIT_ACCESS_KEY_ID and S3KIT_SECRET_ACCESS_KEY,
// "--memory --tls", and clients that know only those two values, the
// endpoint and the CA bundle the banner prints. boto3 1.43 uses its
// default settings (aws-chunked uploads with a CRC32 trailer over HTTPS),
// aws-cli v2 and s3kit round-trip a 9 MiB file. Afterwards nothing is left
// in HOME or TMPDIR: the temporary certificate is removed at exit.
func TestComposeStyleMemoryTLS(t *testing.T) {
	bin := buildS3kit(t)
	py := findPython(t)
	home, tmp := t.TempDir(), t.TempDir()
	env := append(cleanEnv(home), "TMPDIR="+tmp,
		"S3KIT_ACCESS_KEY_ID="+composeKeyID, "S3KIT_SECRET_ACCESS_KEY="+composeSecret)
	srv := startServer(t, bin, "", env, "--memory", "--tls")
	if srv.KeyID != "" || strings.Contains(srv.Banner, composeSecret) || !strings.Contains(srv.Banner, "Access key "+composeKeyID+" with full access") {
		t.Fatalf("banner of a declared key:\n%s", srv.Banner)
	}
	if !strings.HasPrefix(srv.Endpoint, "https://") || !strings.HasPrefix(srv.CABundle, tmp+string(filepath.Separator)) {
		t.Fatalf("endpoint %s, CA bundle %q (want https and a file in TMPDIR):\n%s", srv.Endpoint, srv.CABundle, srv.Banner)
	}
	client := func(home string, extra ...string) []string {
		return cleanEnv(home, append([]string{"AWS_ACCESS_KEY_ID=" + composeKeyID, "AWS_SECRET_ACCESS_KEY=" + composeSecret,
			"AWS_DEFAULT_REGION=us-east-1", "AWS_CA_BUNDLE=" + srv.CABundle}, extra...)...)
	}

	runConcurrently(t, subtest{"boto3 defaults", func(t *testing.T) {
		runScript(t, py, client(t.TempDir(), "AWS_ENDPOINT_URL="+srv.Endpoint), "boto3_tls.py")
	}}, subtest{"aws-cli v2", func(t *testing.T) {
		aws := findAWSv2(t)
		env := client(t.TempDir())
		// Debian's 2.9 predates AWS_ENDPOINT_URL (2.13), so pass the flag.
		roundTrip(t, "v2-tls", func(work string, args ...string) string {
			return runCmd(t, env, work, aws, append([]string{"--endpoint-url", srv.Endpoint}, args...)...)
		}, [][]string{
			{"s3", "mb", "s3://v2-tls"},
			{"s3", "cp", "in.bin", "s3://v2-tls/in.bin"},
			{"s3", "cp", "s3://v2-tls/in.bin", "out.bin"},
			{"s3", "rb", "--force", "s3://v2-tls"},
		})
	}}, subtest{"s3kit", func(t *testing.T) {
		env := client(t.TempDir(), "AWS_ENDPOINT_URL="+srv.Endpoint)
		roundTrip(t, "s3kit-tls", func(work string, args ...string) string {
			return runCmd(t, env, work, bin, args...)
		}, [][]string{
			{"mb", "s3://s3kit-tls"},
			{"cp", "in.bin", "s3://s3kit-tls/in.bin"},
			{"cp", "s3://s3kit-tls/in.bin", "out.bin"},
			{"rb", "--force", "s3://s3kit-tls"},
		})
	}})

	if err := srv.Stop(t); err != nil {
		t.Errorf("serve exit: %v", err)
	}
	for _, dir := range []string{home, tmp} {
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("serve --memory --tls left %v in %s", names, dir)
		}
	}
}
