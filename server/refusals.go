package server

import (
	"sync"
	"time"
)

// Refusal is one refused request, as the admin API reports it: what was
// asked, the S3 error it got and why, and the key it claimed (an access
// key ID only, never a secret).
type Refusal struct {
	Time        time.Time `json:"time"`
	Op          string    `json:"op,omitempty"`
	Method      string    `json:"method"`
	Bucket      string    `json:"bucket,omitempty"`
	Key         string    `json:"key,omitempty"`
	Code        string    `json:"code"`
	Reason      string    `json:"reason"`
	AccessKeyID string    `json:"access_key_id,omitempty"`
	Remote      string    `json:"remote"`
}

// maxRefusals is how many recent refusals the server keeps for the
// admin API: enough to find a client's failing signature among others.
const maxRefusals = 50

// maxRefusalField bounds the client-chosen text a refusal keeps (a key,
// say), so a hostile client cannot make the ring hold megabytes.
const maxRefusalField = 256

// refusals is a ring of the most recent refusals.
type refusals struct {
	mu   sync.Mutex
	ring []Refusal
	next int
}

func (r *refusals) add(f Refusal) {
	for _, s := range []*string{&f.Op, &f.Bucket, &f.Key, &f.AccessKeyID, &f.Reason} {
		if len(*s) > maxRefusalField {
			*s = (*s)[:maxRefusalField]
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ring) < maxRefusals {
		r.ring = append(r.ring, f)
		return
	}
	r.ring[r.next] = f
	r.next = (r.next + 1) % maxRefusals
}

// recent returns the refusals kept, newest first.
func (r *refusals) recent() []Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Refusal, 0, len(r.ring))
	for i := range r.ring {
		out = append(out, r.ring[(r.next+len(r.ring)-1-i)%len(r.ring)])
	}
	return out
}
