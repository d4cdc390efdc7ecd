package server_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// runBoto3 runs testdata/boto3_smoke.py against srv in a clean environment.
func runBoto3(t *testing.T, srv *s3test.Server, args ...string) string {
	t.Helper()
	return runBoto3Script(t, srv, "testdata/boto3_smoke.py", nil, args...)
}

// runBoto3Script runs a boto3 script against srv in a clean environment
// plus env ("NAME=value").
func runBoto3Script(t *testing.T, srv *s3test.Server, script string, env []string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "python3", append([]string{script}, args...)...)
	home := t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"AWS_CONFIG_FILE=" + home + "/none", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/none"}, srv.Env()...)
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "\nOK\n") {
		t.Fatalf("boto3 did not finish:\n%s", out.String())
	}
	return out.String()
}

// TestBoto3 runs real boto3 with its default settings over HTTPS, where
// botocore sends PutObject as aws-chunked with an unsigned CRC32 trailer,
// on each backend (under -short only disk: starting boto3 takes seconds
// on a busy machine).
func TestBoto3(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t, s3test.WithTLS())
		t.Log(runBoto3(t, srv, "--expect-trailer"))
	}, clientBackends()...)
}

// TestBoto3MultipartChecksums uploads multi-part files with boto3's
// upload_file (default CRC32 COMPOSITE, CRC32C, and a precomputed whole-file
// CRC32 that makes the upload FULL_OBJECT) and checks that head_object and
// get_object with ChecksumMode=ENABLED return what a local computation
// gives, with botocore validating whole-object and part values; a raw
// upload_part without a checksum is refused on a CRC32 COMPOSITE upload
// and accepted on a FULL_OBJECT one.
func TestBoto3MultipartChecksums(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		if testing.Short() {
			t.Skip("uploads 16 MiB several times with boto3")
		}
		var env []string
		if dir := debianAWSCRT(t); dir != "" {
			env = append(env, "PYTHONPATH="+dir)
		}
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_mpchecksums.py", env))
	}, clientBackends()...)
}

// debianAWSCRT returns a directory holding only Debian's awscrt (package
// python3-awscrt, which Debian's awscli brings), to put on PYTHONPATH:
// botocore computes CRC32C only with awscrt, and a pip-installed boto3
// does not see Debian's dist-packages. "" when it is not installed; with
// a Python it was not built for, the import fails and the script skips
// CRC32C.
func debianAWSCRT(t *testing.T) string {
	const dist = "/usr/lib/python3/dist-packages"
	if _, err := os.Stat(dist + "/awscrt"); err != nil {
		return ""
	}
	libs, _ := filepath.Glob(dist + "/_awscrt*.so")
	dir := t.TempDir()
	for _, src := range append(libs, dist+"/awscrt") {
		if err := os.Symlink(src, filepath.Join(dir, filepath.Base(src))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBoto3Tagging runs object and bucket tagging through real boto3:
// put_object's Tagging, get/put/delete_object_tagging, TagCount,
// copy_object's TaggingDirective, get/put/delete_bucket_tagging with
// NoSuchTagSet, and the limit errors.
func TestBoto3Tagging(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_tagging.py", nil))
	}, clientBackends()...)
}

// TestBoto3SSE runs SSE-S3 through real boto3: the ServerSideEncryption
// field on put, get, head, copy and every multipart step, ranged GETs of
// an encrypted single-part and multipart object, plaintext ETags and
// sizes, and InvalidArgument for an unknown algorithm.
func TestBoto3SSE(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_sse.py", nil))
	}, clientBackends()...)
}

// TestBoto3BucketConfig reads a new bucket's configuration subresources
// through real boto3: the "does not exist" errors for policy, policy
// status, CORS, lifecycle, website, replication and Object Lock, and the
// new-bucket values of encryption, accelerate, request payment, logging,
// ownership controls, public access block and notifications.
func TestBoto3BucketConfig(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_bucketconfig.py", nil))
	}, clientBackends()...)
}

// TestBoto3AWSBehaviours runs, through real boto3, behaviours clients rely
// on as AWS documents them: buckets in any region, re-creating an owned
// bucket in us-east-1, deleting a bucket with an unfinished upload, a
// retried CompleteMultipartUpload, encoding-type=url, RFC 2047 metadata,
// conditional deletes, refused SSE-C/SSE-KMS, InvalidPartNumber and a
// presigned POST.
func TestBoto3AWSBehaviours(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		if err := exec.Command("python3", "-c", "import requests").Run(); err != nil {
			t.Skip("python requests not installed")
		}
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_aws.py", nil))
	}, clientBackends()...)
}

// TestBoto3OtherRegion runs boto3 configured for eu-central-1 against a
// us-east-1 server: list_buckets, put/get, multipart and a presigned GET
// work, because each signature is verified with its own region.
func TestBoto3OtherRegion(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_regions.py", nil))
	}, clientBackends()...)
}

// TestBoto3Versioning runs testdata/boto3_versioning.py: the versioning
// edges AWS documents (null versions before versioning and in a suspended
// bucket, a delete marker as the latest version, permanent deletes that
// bring back the previous version, ListObjectVersions paging across key
// and version boundaries), through real boto3.
func TestBoto3Versioning(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t)
		t.Log(runBoto3Script(t, srv, "testdata/boto3_versioning.py", nil))
	}, clientBackends()...)
}
