package clients

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealClients runs boto3 and aws-cli against one "s3kit serve".
func TestRealClients(t *testing.T) {
	t.Parallel()
	bin := buildS3kit(t)
	py := findPython(t)
	data := t.TempDir()
	serverHome := t.TempDir() // --write-profile writes its ~/.aws here
	srv := startServer(t, bin, data, cleanEnv(serverHome), "--write-profile", "s3kit")

	checkFirstStart(t, srv, serverHome)

	// The clients use distinct buckets and run side by side.
	t.Run("clients", func(t *testing.T) {
		runConcurrently(t,
			subtest{"boto3 credential ways", func(t *testing.T) {
				runConcurrently(t,
					subtest{"keys in code", func(t *testing.T) {
						runScript(t, py, cleanEnv(t.TempDir()), "boto3_ways.py", "code", srv.Endpoint, srv.KeyID, srv.Secret)
					}},
					subtest{"environment variables", func(t *testing.T) {
						runScript(t, py, cleanEnv(t.TempDir(),
							"AWS_ACCESS_KEY_ID="+srv.KeyID, "AWS_SECRET_ACCESS_KEY="+srv.Secret, "AWS_ENDPOINT_URL="+srv.Endpoint,
						), "boto3_ways.py", "env")
					}},
					subtest{"shared credentials file written by --write-profile", func(t *testing.T) {
						runScript(t, py, cleanEnv(serverHome), "boto3_ways.py", "profile", "s3kit")
					}},
				)
			}},

			subtest{"boto3 suite", func(t *testing.T) {
				// Keys created while the server runs must work without a restart.
				roID, roSecret := createKey(t, bin, data, "--read-only", "--name", "reader")
				scID, scSecret := createKey(t, bin, data, "--bucket", "scoped-bucket")
				time.Sleep(time.Second) // the documented bound for key changes to reach the server
				cfg, _ := json.Marshal(map[string]string{
					"endpoint": srv.Endpoint, "key": srv.KeyID, "secret": srv.Secret,
					"ro_key": roID, "ro_secret": roSecret,
					"scoped_key": scID, "scoped_secret": scSecret, "scoped_bucket": "scoped-bucket",
					"tmp": t.TempDir(),
				})
				runScript(t, py, cleanEnv(t.TempDir()), "boto3_suite.py", string(cfg))
			}},

			subtest{"key changes reach the running server within a second", func(t *testing.T) {
				created := time.Now()
				id, secret := createKey(t, bin, data, "--name", "short-lived")
				if took := untilStatus(t, srv.Endpoint, id, secret, http.StatusOK); took > time.Second {
					t.Errorf("a new key was accepted only after %v", took)
				}
				t.Logf("new key accepted within %v of keys create starting", time.Since(created))
				runCmd(t, cleanEnv(t.TempDir()), "", bin, "keys", "delete", "--data", data, id)
				if took := untilStatus(t, srv.Endpoint, id, secret, http.StatusForbidden); took > time.Second {
					t.Errorf("a deleted key was refused only after %v", took)
				}
			}},

			subtest{"aws-cli v1", func(t *testing.T) {
				awsCLITests(t, py, srv, serverHome)
			}},

			subtest{"other clients", func(t *testing.T) {
				otherClients(t, srv)
			}},
		)
	})

	t.Run("SIGTERM stops the server gracefully", func(t *testing.T) {
		if err := srv.Stop(t); err != nil {
			t.Fatalf("serve exited with %v after SIGTERM; stderr:\n%s", err, srv.stderr)
		}
	})

	t.Run("a later start never prints a secret", func(t *testing.T) {
		again := startServer(t, bin, data, cleanEnv(serverHome))
		if again.KeyID != "" || again.Secret != "" || strings.Contains(again.Banner, srv.Secret) {
			t.Errorf("restart printed a key:\n%s", again.Banner)
		}
		if !strings.Contains(again.Banner, "s3kit keys create --data") {
			t.Errorf("restart does not say how to create a key:\n%s", again.Banner)
		}
		// The data survived the restart: the suite's bucket is still there.
		runScript(t, py, cleanEnv(t.TempDir(),
			"AWS_ACCESS_KEY_ID="+srv.KeyID, "AWS_SECRET_ACCESS_KEY="+srv.Secret, "AWS_ENDPOINT_URL="+again.Endpoint,
		), "boto3_ways.py", "env")
	})
}

// checkFirstStart checks what the first start printed and wrote.
func checkFirstStart(t *testing.T, srv *serverProc, serverHome string) {
	t.Run("first start prints the key once with snippets", func(t *testing.T) {
		if !strings.HasPrefix(srv.KeyID, "AKIA") || len(srv.KeyID) != 20 || len(srv.Secret) != 40 {
			t.Fatalf("banner key %q / secret of %d chars:\n%s", srv.KeyID, len(srv.Secret), srv.Banner)
		}
		for _, want := range []string{
			"\nimport boto3\nsession = boto3.Session(\n    aws_access_key_id=\"" + srv.KeyID + "\"",
			"endpoint_url=\"" + srv.Endpoint + "\"",
			"export AWS_ACCESS_KEY_ID=" + srv.KeyID,
			"export AWS_SECRET_ACCESS_KEY=" + srv.Secret,
			"export AWS_ENDPOINT_URL=" + srv.Endpoint,
			"[profile s3kit]",
			"aws --endpoint-url " + srv.Endpoint + " s3 cp ./file.txt s3://my-bucket/",
			"s3kit cp ./file.txt s3://my-bucket/",
		} {
			if !strings.Contains(srv.Banner, want) {
				t.Errorf("banner lacks %q:\n%s", want, srv.Banner)
			}
		}
		if strings.Contains(srv.stderr.String(), srv.Secret) {
			t.Errorf("the secret reached the log:\n%s", srv.stderr)
		}
	})

	t.Run("--write-profile files are private", func(t *testing.T) {
		for _, f := range []string{"credentials", "config"} {
			fi, err := os.Stat(filepath.Join(serverHome, ".aws", f))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v, want 0600", f, fi.Mode().Perm())
			}
		}
	})
}

// awsCLITests runs the preinstalled aws-cli v1: the s3 and s3api suite in
// one process through aws-cli's driver, then the real `aws` executable with
// the profile --write-profile wrote and no --endpoint-url.
func awsCLITests(t *testing.T, py python, srv *serverProc, profileHome string) {
	aws := filepath.Join(py.bin, "aws")
	if _, err := os.Stat(aws); err != nil {
		if aws, err = exec.LookPath("aws"); err != nil {
			t.Skip("aws-cli is not installed")
		}
	}
	env := cleanEnv(t.TempDir(), "AWS_ACCESS_KEY_ID="+srv.KeyID, "AWS_SECRET_ACCESS_KEY="+srv.Secret, "AWS_DEFAULT_REGION=us-east-1")
	runScript(t, py, env, "awscli_suite.py", srv.Endpoint, t.TempDir())

	t.Run("aws --profile from --write-profile, no --endpoint-url", func(t *testing.T) {
		out := runCmd(t, cleanEnv(profileHome), "", aws, "--profile", "s3kit", "s3api", "list-buckets")
		if !strings.Contains(out, `"Owner"`) {
			t.Errorf("aws --profile s3kit s3api list-buckets:\n%s", out)
		}
	})
}
