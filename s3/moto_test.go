package s3

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// startMoto runs moto's S3 server (python3 -m moto.server) on a free
// 127.0.0.1 port for the duration of the test and returns its endpoint.
func startMoto(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: moto tests need python3 -m moto.server")
	}
	if err := exec.Command("python3", "-c", "import moto.server").Run(); err != nil {
		t.Skip("moto not installed (python3 -c 'import moto.server' failed)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("moto server did not start within 20s")
	return ""
}

func TestMoto(t *testing.T) {
	t.Parallel()
	endpoint := startMoto(t)
	sess, err := NewSession(context.Background(),
		WithCredentials("testing", "testing", ""), WithRegion("us-east-1"),
		WithEnv(func(string) (string, bool) { return "", false }, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(WithEndpointURL(endpoint), WithProvider("moto"), WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	runSuite(t, c)
}
