package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// server is an S3 endpoint for one test.
type server struct {
	endpoint             string
	accessKey, secretKey string
}

// startServer starts an S3 server for the test, stopped when it ends: the
// in-process s3kit server (s3test), or moto's when S3KIT_CLI_TEST_SERVER=moto
// (an implementation we did not write).
func startServer(t *testing.T) server {
	t.Helper()
	if os.Getenv("S3KIT_CLI_TEST_SERVER") == "moto" {
		return startMoto(t)
	}
	srv := s3test.NewServer(t)
	return server{endpoint: srv.URL, accessKey: srv.AccessKeyID, secretKey: srv.SecretAccessKey}
}

// startMoto starts moto's S3 server on a free port.
func startMoto(t *testing.T) server {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 (with moto) not installed")
	}
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return server{endpoint: endpoint, accessKey: "AKIDTESTTESTTESTTEST", secretKey: "secretsecretsecretsecretsecretsecret1234"}
}
