package cli

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// serverLogs are the loggers serve hands the server, and whether it
// listens on a loopback address only (then its metrics need no signature).
type serverLogs struct {
	log      *slog.Logger
	access   io.Writer // nil: no access log
	loopback bool
}

// parseLogLevel reads --log-level: one of slog's four level names.
func parseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
}

// openAccessLog opens --access-log: "" is none, "-" stderr, anything else
// a file appended to (created 0600: it names every bucket and key asked
// for). The access log is JSON, one object per line, so key names with
// spaces or quotes stay parseable. Lines are written in batches (see
// lineBatcher); the returned func writes what is pending and closes.
func openAccessLog(env Env, where string) (io.Writer, func(), error) {
	var w io.Writer
	closeFile := func() {}
	switch where {
	case "":
		return nil, closeFile, nil
	case "-":
		w = env.Stderr
	default:
		f, err := os.OpenFile(where, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("--access-log: %w", err)
		}
		w, closeFile = f, func() { f.Close() }
	}
	lb := newLineBatcher(w, accessLogDelay)
	return lb, func() { lb.Close(); closeFile() }, nil
}

// accessLogDelay is the longest an access-log line waits to be written.
const accessLogDelay = 100 * time.Millisecond

// accessLogBatch is how many bytes of lines are written at once at most
// before the delay is up.
const accessLogBatch = 32 << 10

// lineBatcher gathers whole lines (the server writes each in one Write)
// and writes them in one system call when the oldest has waited delay or
// accessLogBatch bytes are pending: a write(2) per request cost the
// server as much CPU as formatting the line, and a crash loses at most
// delay's worth of lines.
type lineBatcher struct {
	w     io.Writer
	delay time.Duration

	mu    sync.Mutex
	buf   []byte
	armed bool // a flush is scheduled
	timer *time.Timer
}

func newLineBatcher(w io.Writer, delay time.Duration) *lineBatcher {
	lb := &lineBatcher{w: w, delay: delay}
	lb.timer = time.AfterFunc(time.Hour, lb.flush)
	lb.timer.Stop()
	return lb
}

// Write queues p, which holds whole lines.
func (lb *lineBatcher) Write(p []byte) (int, error) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	lb.buf = append(lb.buf, p...)
	if len(lb.buf) >= accessLogBatch {
		lb.writeLocked()
		return len(p), nil
	}
	if !lb.armed {
		lb.armed = true
		lb.timer.Reset(lb.delay)
	}
	return len(p), nil
}

// flush writes the pending lines.
func (lb *lineBatcher) flush() {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	lb.writeLocked()
}

func (lb *lineBatcher) writeLocked() {
	lb.armed = false
	if len(lb.buf) == 0 {
		return
	}
	// A failed write (disk full) drops the batch: the access log must
	// never hold up or fail the requests it describes.
	_, _ = lb.w.Write(lb.buf)
	lb.buf = lb.buf[:0]
}

// Close writes the pending lines; later lines are written at once.
func (lb *lineBatcher) Close() {
	lb.timer.Stop()
	lb.mu.Lock()
	defer lb.mu.Unlock()
	lb.writeLocked()
	lb.delay = 0
}

// loopbackAddr reports whether a listen address (as listenAddr returns
// it) accepts connections from this machine only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
