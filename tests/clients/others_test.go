package clients

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// otherClients runs aws-cli v2, s3cmd and rclone when they are installed
// (Debian packages awscli, s3cmd, rclone); each is skipped with the reason
// otherwise.
func otherClients(t *testing.T, srv *serverProc) {
	runConcurrently(t, subtest{"aws-cli v2", func(t *testing.T) {
		aws := findAWSv2(t)
		home := t.TempDir()
		// Debian's 2.9 predates AWS_ENDPOINT_URL (2.13), so pass the flag.
		env := cleanEnv(home, "AWS_ACCESS_KEY_ID="+srv.KeyID, "AWS_SECRET_ACCESS_KEY="+srv.Secret,
			"AWS_DEFAULT_REGION=us-east-1")
		roundTrip(t, "v2-bucket", func(work string, args ...string) string {
			return runCmd(t, env, work, aws, append([]string{"--endpoint-url", srv.Endpoint}, args...)...)
		}, [][]string{
			{"s3", "mb", "s3://v2-bucket"},
			{"s3", "cp", "in.bin", "s3://v2-bucket/in.bin"},
			{"s3", "cp", "s3://v2-bucket/in.bin", "out.bin"},
			{"s3", "rb", "--force", "s3://v2-bucket"},
		})
	}}, subtest{"s3cmd", func(t *testing.T) {
		s3cmd, err := exec.LookPath("s3cmd")
		if err != nil {
			t.Skip("s3cmd is not installed (Debian package s3cmd)")
		}
		host := strings.TrimPrefix(srv.Endpoint, "http://")
		base := []string{"--no-ssl", "--host=" + host, "--host-bucket=" + host, "--region=us-east-1",
			"--access_key=" + srv.KeyID, "--secret_key=" + srv.Secret, "--config=/dev/null"}
		env := cleanEnv(t.TempDir())
		roundTrip(t, "s3cmd-bucket", func(work string, args ...string) string {
			return runCmd(t, env, work, s3cmd, append(base, args...)...)
		}, [][]string{
			{"mb", "s3://s3cmd-bucket"},
			{"put", "in.bin", "s3://s3cmd-bucket/in.bin"},
			{"get", "s3://s3cmd-bucket/in.bin", "out.bin"},
			{"rb", "--recursive", "s3://s3cmd-bucket"},
		})
	}}, subtest{"rclone", func(t *testing.T) {
		rclone, err := exec.LookPath("rclone")
		if err != nil {
			t.Skip("rclone is not installed (Debian package rclone)")
		}
		env := cleanEnv(t.TempDir(),
			"RCLONE_CONFIG_S3KIT_TYPE=s3", "RCLONE_CONFIG_S3KIT_PROVIDER=Other",
			"RCLONE_CONFIG_S3KIT_ACCESS_KEY_ID="+srv.KeyID, "RCLONE_CONFIG_S3KIT_SECRET_ACCESS_KEY="+srv.Secret,
			"RCLONE_CONFIG_S3KIT_ENDPOINT="+srv.Endpoint, "RCLONE_CONFIG_S3KIT_REGION=us-east-1",
			"RCLONE_CONFIG=/dev/null")
		roundTrip(t, "rclone-bucket", func(work string, args ...string) string {
			return runCmd(t, env, work, rclone, args...)
		}, [][]string{
			{"mkdir", "s3kit:rclone-bucket"},
			{"copyto", "in.bin", "s3kit:rclone-bucket/in.bin"},
			{"copyto", "s3kit:rclone-bucket/in.bin", "out.bin"},
			{"purge", "s3kit:rclone-bucket"},
		})
	}})
}

// roundTrip writes in.bin (9 MiB: multipart for aws-cli v2, whose threshold
// is 8 MiB; a single PUT for s3cmd and rclone), runs steps — make bucket,
// upload, download, remove bucket with its objects — and checks that out.bin
// equals in.bin after the download step.
func roundTrip(t *testing.T, bucket string, run func(work string, args ...string) string, steps [][]string) {
	work := t.TempDir()
	in := pattern(bucket, 9<<20)
	writeFile(t, work, "in.bin", in)
	for i, step := range steps {
		run(work, step...)
		if i == 2 {
			if got, _ := os.ReadFile(filepath.Join(work, "out.bin")); !bytes.Equal(got, in) {
				t.Fatalf("downloaded %d bytes that differ from the %d uploaded", len(got), len(in))
			}
		}
	}
}

// findAWSv2 finds an aws-cli v2 binary: Debian installs it as
// /usr/bin/aws, which the preinstalled v1 (earlier on PATH) may shadow.
func findAWSv2(t *testing.T) string {
	candidates := []string{"/usr/bin/aws", "/usr/local/bin/aws"}
	if p, err := exec.LookPath("aws"); err == nil && !strings.Contains(p, "/.pyenv/") {
		candidates = append([]string{p}, candidates...)
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err != nil {
			continue
		}
		out, err := exec.Command(c, "--version").CombinedOutput()
		if err == nil && strings.Contains(string(out), "aws-cli/2.") {
			return c
		}
	}
	t.Skip("aws-cli v2 is not installed (Debian package awscli in trixie; the preinstalled aws is v1)")
	return ""
}
