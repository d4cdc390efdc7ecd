package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/s3kit/s3kit/transfer"
)

// progress draws one bar for a whole command: bytes, rate, ETA and files
// done out of files started. It is shown only on a terminal, without
// --no-progress; a nil *progress is valid and draws nothing.
//
// schollz/progressbar was chosen over vbauerster/mpb because one aggregate
// bar is all the CLI needs, and it has no goroutine-per-bar machinery.
type progress struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	total int64
	files int
	done  int
}

func newProgress(env Env, disabled bool) *progress {
	if disabled || !env.IsTerminal || env.Stderr == nil {
		return nil
	}
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(env.Stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
	)
	return &progress{bar: bar}
}

// event consumes transfer progress events (safe for concurrent use).
func (p *progress) event(e transfer.Event) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.Kind {
	case transfer.EventStart:
		p.files++
		if e.Total > 0 {
			p.total += e.Total
			p.bar.ChangeMax64(p.total)
		}
	case transfer.EventBytes:
		_ = p.bar.Add64(e.Bytes)
	case transfer.EventDone, transfer.EventFailed:
		p.done++
	}
	p.bar.Describe(fmt.Sprintf("%d/%d files", p.done, p.files))
}

func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Clear()
}

func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
}
