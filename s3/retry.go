package s3

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Retry modes, as botocore's retry_mode setting spells them.
const (
	RetryLegacy   = "legacy"
	RetryStandard = "standard"
	RetryAdaptive = "adaptive"
)

// retryPolicy decides whether and when to send a request again. It follows
// botocore: max_attempts counts the first attempt (legacy default 5,
// standard/adaptive default 3); delays are "full jitter" — a uniform random
// fraction of base·2^(attempt-1), capped at 20 s.
type retryPolicy struct {
	mode        string
	maxAttempts int
	base, max   time.Duration
	limiter     *rateLimiter // adaptive mode only
	quota       *retryQuota  // standard and adaptive modes
}

func newRetryPolicy(mode string, maxAttempts int, base, max time.Duration) retryPolicy {
	if mode == "" {
		mode = RetryLegacy // botocore's default retry_mode
	}
	if maxAttempts <= 0 {
		maxAttempts = 3
		if mode == RetryLegacy {
			maxAttempts = 5
		}
	}
	if base < 0 {
		base = 0
	}
	if max <= 0 {
		max = 20 * time.Second
	}
	p := retryPolicy{mode: mode, maxAttempts: maxAttempts, base: base, max: max}
	if mode == RetryAdaptive {
		p.limiter = &rateLimiter{}
	}
	if mode != RetryLegacy {
		p.quota = &retryQuota{tokens: quotaMax}
	}
	return p
}

// delay returns the wait before attempt+1 (attempt counts from 1).
func (p retryPolicy) delay(attempt int) time.Duration {
	d := p.base
	for i := 1; i < attempt && d < p.max; i++ {
		d *= 2
	}
	if d > p.max {
		d = p.max
	}
	return time.Duration(rand.Float64() * float64(d))
}

// isThrottleCode reports the codes botocore's standard retryer treats as
// throttling (plus S3's SlowDown).
func isThrottleCode(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException":
		return true
	}
	return false
}

// isTransientCode reports codes retried whatever the status.
func isTransientCode(code string) bool {
	switch code {
	case "RequestTimeout", "RequestTimeoutException", "InternalError":
		return true
	}
	return false
}

func isThrottle(e *Error) bool {
	return e != nil && (isThrottleCode(e.Code) || e.StatusCode == http.StatusTooManyRequests)
}

// retryableError reports whether err from an attempt is worth repeating.
// ctx is the caller's context: its cancellation is never retried.
func retryableError(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		switch e.StatusCode {
		case 500, 502, 503, 504:
			return true
		}
		return isThrottle(e) || isTransientCode(e.Code)
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// rateLimiter is the adaptive mode's client-side send-rate limit: off until
// the first throttling response, then a token bucket whose rate is cut by
// 30% on each throttle and grows by one request/s on each success (a linear
// simplification of botocore's CUBIC controller).
type rateLimiter struct {
	mu      sync.Mutex
	enabled bool
	rate    float64 // requests per second
	tokens  float64
	last    time.Time
}

const minAdaptiveRate = 0.5

// wait blocks until a token is available (immediately while disabled).
func (l *rateLimiter) wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		if !l.enabled {
			l.mu.Unlock()
			return nil
		}
		t := time.Now() // a rate, so real elapsed time, not the signing clock
		if !l.last.IsZero() {
			l.tokens += t.Sub(l.last).Seconds() * l.rate
			if l.tokens > l.rate {
				l.tokens = l.rate
			}
		}
		l.last = t
		if l.tokens >= 1 {
			l.tokens--
			l.mu.Unlock()
			return nil
		}
		need := time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
		l.mu.Unlock()
		if err := sleepCtx(ctx, need); err != nil {
			return err
		}
	}
}

// observe updates the rate after a response.
func (l *rateLimiter) observe(throttled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case throttled && !l.enabled:
		l.enabled, l.rate, l.tokens = true, 10, 1
	case throttled:
		l.rate *= 0.7
		if l.rate < minAdaptiveRate {
			l.rate = minAdaptiveRate
		}
	case l.enabled:
		l.rate++
	}
}

// retryQuota is botocore's standard-mode retry budget, shared by a client:
// 500 tokens; a retry costs 5 (10 after a timeout or connection error); a
// success refunds what its retries cost, or 1 when it needed none. An
// outage therefore stops retries client-wide instead of multiplying load.
type retryQuota struct {
	mu     sync.Mutex
	tokens int
}

const (
	quotaMax         = 500
	quotaRetryCost   = 5
	quotaTimeoutCost = 10
)

// acquire takes the cost of one retry, reporting false when the budget
// is spent.
func (q *retryQuota) acquire(err error) (cost int, ok bool) {
	cost = quotaRetryCost
	var e *Error
	if !errors.As(err, &e) {
		cost = quotaTimeoutCost
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.tokens < cost {
		return 0, false
	}
	q.tokens -= cost
	return cost, true
}

// release refunds after a success.
func (q *retryQuota) release(spent int) {
	if spent == 0 {
		spent = 1
	}
	q.mu.Lock()
	q.tokens = min(quotaMax, q.tokens+spent)
	q.mu.Unlock()
}
