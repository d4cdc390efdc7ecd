package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// slowReader trickles a response body so a download can be interrupted.
type slowReader struct {
	r     io.ReadCloser
	delay time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.delay)
	if len(p) > 16<<10 {
		p = p[:16<<10]
	}
	return s.r.Read(p)
}

func (s *slowReader) Close() error { return s.r.Close() }

// slowWorld is a world whose server sends GET bodies slowly (through a
// proxy; the Host header is kept, so signatures still verify).
func slowWorld(t *testing.T) *world {
	t.Helper()
	srv := s3test.NewServer(t)
	target, _ := url.Parse(srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method == http.MethodGet && resp.ContentLength > 1<<20 {
			resp.Body = &slowReader{r: resp.Body, delay: 20 * time.Millisecond}
		}
		return nil
	}
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)
	return newWorldAt(t, server{endpoint: ps.URL, accessKey: srv.AccessKeyID, secretKey: srv.SecretAccessKey})
}

func TestInterruptedDownloadLeavesNoPartialFile(t *testing.T) {
	t.Parallel()
	w := slowWorld(t)
	b := w.bucket("interrupt")
	data := bytes.Repeat([]byte("0123456789abcdef"), 2<<20) // 32 MiB
	w.runIn(data, "cp", "-", "s3://"+b+"/big")
	cases := []struct {
		name   string
		signal syscall.Signal
		// tempGone: a graceful stop also removes the temporary file.
		tempGone bool
	}{
		{"killed", syscall.SIGKILL, false},
		{"interrupted", syscall.SIGINT, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "big")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "cp", "s3://"+b+"/big", target, "--no-progress")
			cmd.Env = w.env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until bytes are landing in the temporary file.
			deadline := time.Now().Add(20 * time.Second)
			var unnamed bool
			for {
				var written bool
				if written, unnamed = partialWritten(dir, cmd.Process.Pid); written {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("download never started writing")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := cmd.Process.Signal(tc.signal); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if err == nil {
				t.Fatalf("cp finished before the signal; make the server slower")
			}
			if _, err := os.Stat(target); !os.IsNotExist(err) {
				t.Errorf("a file exists under the target name after %s: %v", tc.name, err)
			}
			// An unnamed temporary file (Linux's O_TMPFILE) vanishes with
			// the process, even a killed one.
			if tc.tempGone || unnamed {
				if names := dirNames(t, dir); len(names) != 0 {
					t.Errorf("temporary files left after %s: %v", tc.name, names)
				}
			}
			if tc.tempGone {
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
					t.Errorf("exit after SIGINT: %v (stderr %s)", err, stderr.String())
				}
			}
		})
	}
}

// partialWritten tells whether process pid has written bytes to a
// temporary file in dir: a hidden ".big.s3kit-*" file, or an unnamed one
// (O_TMPFILE), found through the process's open files, in which case
// unnamed is true.
func partialWritten(dir string, pid int) (written, unnamed bool) {
	des, _ := os.ReadDir(dir)
	for _, d := range des {
		if strings.HasPrefix(d.Name(), ".big.s3kit-") {
			if fi, err := d.Info(); err == nil && fi.Size() > 0 {
				return true, false
			}
		}
	}
	fds := fmt.Sprintf("/proc/%d/fd", pid)
	des, _ = os.ReadDir(fds)
	for _, d := range des {
		link, err := os.Readlink(filepath.Join(fds, d.Name()))
		if err != nil || !strings.HasPrefix(link, dir+"/#") {
			continue
		}
		if fi, err := os.Stat(filepath.Join(fds, d.Name())); err == nil && fi.Size() > 0 {
			return true, true
		}
	}
	return false, false
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range des {
		out = append(out, d.Name())
	}
	return out
}
