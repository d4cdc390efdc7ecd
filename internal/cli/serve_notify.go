package cli

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"

	"github.com/s3kit/s3kit/server/notify"
)

// notifyDir is where serve keeps its event outbox, inside the data
// directory.
const notifyDir = "notify"

// openNotify opens the event queue for --notify-webhook NAME=URL flags
// (nil when there are none). Its log lives in dir/notify, so events
// acknowledged before a crash are delivered after the restart; with dir
// "" it is kept in memory.
func openNotify(ctx context.Context, dir string, hooks []string, logger *slog.Logger) (*notify.Queue, error) {
	if len(hooks) == 0 {
		return nil, nil
	}
	targets, err := parseWebhooks(hooks)
	if err != nil {
		return nil, usageError(fmt.Errorf("serve: --notify-webhook %w", err))
	}
	opts := notify.Options{Targets: targets, Logger: logger, SyncEvery: notify.DefaultSyncEvery}
	if dir != "" {
		opts.Dir = filepath.Join(dir, notifyDir)
	}
	q, err := notify.Open(ctx, opts)
	if err != nil {
		return nil, &ExitError{Code: ExitFailed, Err: fmt.Errorf("serve: %w", err)}
	}
	names := make([]string, 0, len(targets))
	for n := range targets {
		names = append(names, n)
	}
	sort.Strings(names)
	// Only the names: a webhook URL may carry a token.
	logger.Info("event notifications", "webhooks", names)
	return q, nil
}

// parseWebhooks parses --notify-webhook values; a name given twice is an
// error rather than a silent override.
func parseWebhooks(hooks []string) (map[string]string, error) {
	targets := map[string]string{}
	for _, h := range hooks {
		name, u, err := notify.ParseTarget(h)
		if err != nil {
			return nil, err
		}
		if _, dup := targets[name]; dup {
			return nil, fmt.Errorf("%s: given twice", name)
		}
		targets[name] = u
	}
	return targets, nil
}
