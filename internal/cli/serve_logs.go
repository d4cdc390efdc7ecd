package cli

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
)

// serverLogs are the loggers serve hands the server, and whether it
// listens on a loopback address only (then its metrics need no signature).
type serverLogs struct {
	log      *slog.Logger
	access   *slog.Logger // nil: no access log
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
// spaces or quotes stay parseable.
func openAccessLog(env Env, where string) (*slog.Logger, func(), error) {
	var w io.Writer
	done := func() {}
	switch where {
	case "":
		return nil, done, nil
	case "-":
		w = env.Stderr
	default:
		f, err := os.OpenFile(where, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("--access-log: %w", err)
		}
		w, done = f, func() { f.Close() }
	}
	return slog.New(slog.NewJSONHandler(w, nil)), done, nil
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
