package server_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// Throw-away profiling harness (deleted before hand-off).
func TestProfServe(t *testing.T) {
	secs, _ := strconv.Atoi(os.Getenv("PROF_SERVE"))
	if secs == 0 {
		t.Skip("PROF_SERVE not set")
	}
	srv := s3test.NewServer(t, s3test.WithDisk())
	c := srv.Credentials()
	os.WriteFile("/tmp/perf/ep", []byte(fmt.Sprintf("%s %s %s\n", srv.URL, c.AccessKeyID, c.SecretAccessKey)), 0o600)
	time.Sleep(time.Duration(secs) * time.Second)
}
