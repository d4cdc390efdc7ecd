package server_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// awsV2 finds an aws-cli v2 binary (Debian installs it as /usr/bin/aws,
// which a pip-installed v1 earlier on PATH may shadow), or skips.
func awsV2(t *testing.T) string {
	t.Helper()
	for _, c := range []string{"/usr/bin/aws", "/usr/local/bin/aws"} {
		if out, err := exec.Command(c, "--version").CombinedOutput(); err == nil && strings.Contains(string(out), "aws-cli/2.") {
			return c
		}
	}
	t.Skip("aws-cli v2 is not installed (Debian package awscli)")
	return ""
}

// TestAWSCLIv2NoRegion runs aws-cli v2 with no region configured, which
// sends CreateBucket with LocationConstraint "aws-global": `aws s3 mb`
// must work, and `aws s3 rb --force` must remove the bucket even with an
// unfinished multipart upload in it, as on AWS.
func TestAWSCLIv2NoRegion(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		if testing.Short() {
			t.Skip("starts aws-cli six times")
		}
		aws := awsV2(t)
		srv := bk.server(t)
		home := t.TempDir()
		creds := srv.Credentials()
		env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
			"AWS_CONFIG_FILE=" + home + "/none", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/none",
			"AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey,
			"AWS_EC2_METADATA_DISABLED=true"}
		run := func(args ...string) string {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			// Debian's 2.9 predates AWS_ENDPOINT_URL (2.13), so pass the flag.
			cmd := exec.CommandContext(ctx, aws, append([]string{"--endpoint-url", srv.URL}, args...)...)
			cmd.Env = env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out.String())
			}
			return out.String()
		}
		run("s3", "mb", "s3://no-region")
		if out := run("s3api", "get-bucket-location", "--bucket", "no-region"); strings.Contains(out, "aws-global") {
			t.Errorf("bucket recorded in aws-global: %s", out)
		}
		run("s3api", "create-multipart-upload", "--bucket", "no-region", "--key", "interrupted")
		run("s3api", "put-object", "--bucket", "no-region", "--key", "file")
		run("s3", "rb", "--force", "s3://no-region")
		if out := run("s3api", "list-buckets"); strings.Contains(out, "no-region") {
			t.Errorf("bucket still listed after rb --force: %s", out)
		}
	}, clientBackends()...)
}
