package server_test

import (
	"os/exec"
	"testing"
)

// TestBoto3PresignedPost posts forms made by boto3's
// generate_presigned_post (SigV4 and SigV2) with requests: accepted
// uploads, a file past content-length-range, an extra field, a changed
// field and a forged signature.
func TestBoto3PresignedPost(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		if err := exec.Command("python3", "-c", "import requests").Run(); err != nil {
			t.Skip("python requests not installed")
		}
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_post.py", nil))
	}, clientBackends()...)
}
