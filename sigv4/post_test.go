package sigv4

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"testing"
	"time"
)

// TestPolicySignatureBotocore checks PolicySignature against botocore's
// generate_presigned_post: the same policy, key and scope give the
// signature botocore puts in the form.
func TestPolicySignatureBotocore(t *testing.T) {
	if err := exec.Command("python3", "-c", "import botocore").Run(); err != nil {
		t.Skip("python3 with botocore not installed")
	}
	const script = `
import datetime, json
from unittest import mock
import boto3
from botocore.config import Config
s3 = boto3.client("s3", region_name="eu-west-3", aws_access_key_id="AKIDEXAMPLE",
                  aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                  endpoint_url="http://127.0.0.1:1", config=Config(signature_version="s3v4"))
with mock.patch("botocore.auth.datetime") as dt:
    dt.datetime.utcnow.return_value = datetime.datetime(2026, 12, 8, 1, 2, 3)
    dt.datetime.now.return_value = datetime.datetime(2026, 12, 8, 1, 2, 3, tzinfo=datetime.timezone.utc)
    p = s3.generate_presigned_post("bkt", "a/${filename}", Conditions=[["content-length-range", 1, 10]], ExpiresIn=60)
print(json.dumps(p["fields"]))
`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "python3", "-c", script)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("botocore: %v\n%s", err, stderr.String())
	}
	var fields map[string]string
	if err := json.Unmarshal(out.Bytes(), &fields); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if fields["x-amz-credential"] != "AKIDEXAMPLE/20261208/eu-west-3/s3/aws4_request" {
		t.Fatalf("botocore's credential %q: the clock was not fixed", fields["x-amz-credential"])
	}
	got := PolicySignature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20261208", "eu-west-3", "s3", fields["policy"])
	if got != fields["x-amz-signature"] {
		t.Errorf("PolicySignature = %s, botocore %s", got, fields["x-amz-signature"])
	}
	if PolicySignature("other", "20261208", "eu-west-3", "s3", fields["policy"]) == got {
		t.Error("the signature does not depend on the secret")
	}
}
