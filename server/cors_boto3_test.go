package server_test

import (
	"os/exec"
	"testing"
)

// TestBoto3CORS runs bucket CORS through real boto3 and requests:
// put/get/delete_bucket_cors with every field, S3's errors for invalid
// rules, an unsigned preflight and a presigned PUT from an allowed origin.
func TestBoto3CORS(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		if err := exec.Command("python3", "-c", "import requests").Run(); err != nil {
			t.Skip("python requests not installed")
		}
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_cors.py", nil))
	}, clientBackends()...)
}
