//go:build unix

package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/notify"
	"github.com/s3kit/s3kit/sigv4"
)

// receiverEnv makes TestWebhookReceiverProcess act as a webhook receiver.
const receiverEnv = "S3KIT_TEST_WEBHOOK_RECEIVER"

// TestWebhookReceiverProcess is not a test: run with receiverEnv set (by
// BenchmarkNotifyPutCPU) it serves a webhook on 127.0.0.1 in its own
// process, so its CPU is not counted as the server's, prints its URL and
// answers GET /count with the events received, until stdin closes.
func TestWebhookReceiverProcess(t *testing.T) {
	if os.Getenv(receiverEnv) == "" {
		t.Skip("helper process for BenchmarkNotifyPutCPU")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, n.Load())
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		n.Add(1)
	}))
	fmt.Printf("URL http://%s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startReceiverProcess runs TestWebhookReceiverProcess in a child process.
func startReceiverProcess(b *testing.B) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestWebhookReceiverProcess$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), receiverEnv+"=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return u
		}
	}
	b.Fatal("receiver process printed no URL")
	return ""
}

// cpuTime is this process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkNotifyPutCPU measures the server CPU a configured webhook
// notification adds to a durable 4 KiB PUT: batches of signed PUTs to a
// bucket with a notification configuration alternate with batches to one
// without, on the same disk-backed server, and each batch's process CPU
// (server, client and the delivery POSTs; the receiver runs in another
// process) is counted until its events have all been received. The
// difference per PUT is the queue's cost: encoding, the fsynced log
// append, reading it back and the POST.
func BenchmarkNotifyPutCPU(b *testing.B) {
	recv := startReceiverProcess(b)
	// interval is serve's setting; fsync-each is Options.SyncEvery 0.
	b.Run("interval", func(b *testing.B) { benchNotifyPut(b, recv, notify.DefaultSyncEvery, true) })
	b.Run("fsync-each", func(b *testing.B) { benchNotifyPut(b, recv, 0, true) })
	// The request path alone: the receiver is unreachable and the worker
	// waits an hour after its first failure, so nothing is delivered.
	b.Run("interval-enqueue-only", func(b *testing.B) { benchNotifyPut(b, recv, notify.DefaultSyncEvery, false) })
}

func benchNotifyPut(b *testing.B, recv string, every time.Duration, deliver bool) {
	opts := notify.Options{Dir: b.TempDir(), Targets: map[string]string{"hook": recv}, SyncEvery: every}
	if !deliver {
		opts.Targets["hook"] = "http://127.0.0.1:1/unreachable"
		opts.MinBackoff = time.Hour
	}
	q, err := notify.Open(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { q.Close() })
	srv := s3test.NewServer(b, s3test.WithDisk(), s3test.WithConfig(func(c *server.Config) { c.Notify = q }))
	signer := sigv4.NewSigner()
	client := &http.Client{}
	body := bytes.Repeat([]byte("x"), 4<<10)
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	do := func(method, path string, payload []byte, ph string) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(payload))
		if _, err := signer.Sign(req, sigv4.SignInput{Credentials: srv.Credentials(), Service: "s3", Region: srv.Region, Time: time.Now(), PayloadHash: ph}); err != nil {
			b.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s %s: %d", method, path, resp.StatusCode)
		}
	}
	count := func() int64 {
		resp, err := http.Get(recv)
		if err != nil {
			b.Fatal(err)
		}
		v, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		n, _ := strconv.ParseInt(string(v), 10, 64)
		return n
	}
	empty := sigv4.EmptyPayloadHash
	do("PUT", "/with", nil, empty)
	do("PUT", "/without", nil, empty)
	cfg := []byte(`<NotificationConfiguration><QueueConfiguration><Queue>arn:s3kit:sqs:us-east-1:local:hook</Queue>` +
		`<Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>`)
	cs := sha256.Sum256(cfg)
	base := count()
	do("PUT", "/with?notification", cfg, hex.EncodeToString(cs[:]))
	want := base + 1 // the test event
	if !deliver {
		want = base
	}
	waitFor := func() {
		for count() < want {
			time.Sleep(time.Millisecond)
		}
	}
	waitFor()
	var cpu [2]time.Duration
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(100, b.N-done)
		for side, bucket := range []string{"with", "without"} {
			start := cpuTime()
			for i := range n {
				do("PUT", fmt.Sprintf("/%s/k%d", bucket, (done+i)%256), body, hash)
			}
			if side == 0 && deliver {
				want += int64(n)
			}
			waitFor()
			cpu[side] += cpuTime() - start
		}
		done += n
	}
	b.StopTimer()
	with, without := float64(cpu[0].Microseconds())/float64(b.N), float64(cpu[1].Microseconds())/float64(b.N)
	b.ReportMetric(with, "cpu-µs/put-notified")
	b.ReportMetric(without, "cpu-µs/put-plain")
	b.ReportMetric(with-without, "cpu-µs/put-added")
}
