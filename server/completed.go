package server

import (
	"sync"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Completed uploads are remembered so that a CompleteMultipartUpload
// retried after it succeeded (SDKs retry when the first answer is lost)
// gets the same 200 and ETag, as on S3, rather than NoSuchUpload.
const (
	maxCompleted = 4096
	completedTTL = time.Hour
)

// completedKey names one upload.
type completedKey struct{ bucket, key, uploadID string }

// completedUpload is what a completion answered.
type completedUpload struct {
	at        time.Time
	etag      string
	checksums s3xml.Checksums
	versionID string
}

// completedUploads is a bounded, in-memory record of recent completions,
// oldest first. Its zero value is ready to use.
type completedUploads struct {
	mu    sync.Mutex
	m     map[completedKey]completedUpload
	order []completedKey
}

// add records a completion, forgetting the oldest past maxCompleted.
func (c *completedUploads) add(k completedKey, u completedUpload) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[completedKey]completedUpload{}
	}
	if _, ok := c.m[k]; !ok {
		c.order = append(c.order, k)
	}
	c.m[k] = u
	for len(c.order) > maxCompleted {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

// get returns a completion recorded less than completedTTL before now.
func (c *completedUploads) get(k completedKey, now time.Time) (completedUpload, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.m[k]
	if !ok || now.Sub(u.at) > completedTTL {
		return completedUpload{}, false
	}
	return u, true
}
