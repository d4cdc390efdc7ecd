package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// TestBoto3Policies runs testdata/boto3_policy.py: STS GetCallerIdentity,
// cross-account refusals, bucket policies and anonymous reads with real
// boto3.
func TestBoto3Policies(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t, s3test.WithKeys(otherAccount))
		t.Log(runBoto3Script(t, srv, "testdata/boto3_policy.py", []string{"BOB_ID=" + otherAccount.AccessKeyID,
			"BOB_SECRET=" + otherAccount.Secret, "BOB_ACCOUNT=" + otherAccount.Account}))
	}, clientBackends()...)
}

// TestAWSCLIGetCallerIdentity runs `aws sts get-caller-identity
// --endpoint-url` against the S3 endpoint.
func TestAWSCLIGetCallerIdentity(t *testing.T) {
	t.Parallel()
	aws := awsV2(t)
	srv := s3test.NewServer(t)
	home := t.TempDir()
	creds := srv.Credentials()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, aws, "sts", "get-caller-identity", "--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"AWS_CONFIG_FILE=" + home + "/none", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/none",
		"AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey,
		"AWS_EC2_METADATA_DISABLED=true"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s%s", err, out.String(), errb.String())
	}
	var id struct{ UserId, Account, Arn string }
	if err := json.Unmarshal(out.Bytes(), &id); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if id.Account != "000000000000" || id.Arn != "arn:aws:iam::000000000000:user/"+creds.AccessKeyID || id.UserId == "" {
		t.Errorf("get-caller-identity: %+v", id)
	}
}
