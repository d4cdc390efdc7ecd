package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/policy"
)

// AdminPath is the prefix of the server's small admin API. Its requests
// are signed with SigV4 like any S3 request (service "s3") and verified
// by the same verifier; only a key with full access (not read-only, not
// limited to buckets) may use it. Errors are S3 error documents.
const AdminPath = "/-/admin/"

// AdminStatusPath answers GET with the server's Status as JSON.
const AdminStatusPath = AdminPath + "status"

// Status is what the admin API reports about a running server. The
// fields the server cannot know itself come from Config.Status.
type Status struct {
	// Version is the release the server runs.
	Version string `json:"version,omitempty"`
	// Address is where the request reached the server (its Host).
	Address string `json:"address"`
	// Region is the region the server reports.
	Region string `json:"region"`
	// DataDir is the data directory ("" when the data is in memory).
	DataDir string `json:"data_dir,omitempty"`
	// InMemory means nothing is written to disk.
	InMemory bool `json:"in_memory"`
	// DiskTotal and DiskFree are the data directory's file system's size
	// and the bytes available to the server (0 when unknown).
	DiskTotal uint64 `json:"disk_total,omitempty"`
	DiskFree  uint64 `json:"disk_free,omitempty"`
	// Started is when the server started; UptimeSeconds how long ago.
	Started       time.Time `json:"started"`
	UptimeSeconds int64     `json:"uptime_seconds"`
	// Refusals are the most recent refused requests, newest first.
	Refusals []Refusal `json:"recent_refusals"`
}

// isAdmin reports whether r is for the admin API: its path on a
// path-style host (a bucket name cannot start with "-").
func (s *Server) isAdmin(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, AdminPath) && s.virtualBucket(r.Host) == ""
}

// serveAdmin authenticates and answers an admin API request.
func (s *Server) serveAdmin(ctx context.Context, rq *request) (string, *response, error) {
	const op = "AdminStatus"
	if rq.r.URL.Path != AdminStatusPath {
		return "Admin", nil, errMsg(s3xml.CodeNotImplemented, "no such admin operation")
	}
	if err := s.authenticate(ctx, rq); err != nil {
		rq.refused = toError(err).StatusCode() < 500
		return op, nil, err
	}
	if !s.hasFullAccess(rq) {
		rq.refused, rq.refusedWhy = true, "the admin API needs a key with full access"
		return op, nil, errMsg(s3xml.CodeAccessDenied, "The admin API needs a key with full access (not read-only, not limited to buckets).")
	}
	if rq.r.Method != http.MethodGet {
		return op, nil, errCode(s3xml.CodeMethodNotAllowed)
	}
	var st Status
	if s.status != nil {
		st = s.status(ctx)
	}
	now := s.now()
	st.Address, st.Region, st.Started = rq.r.Host, s.region, s.started
	st.UptimeSeconds = int64(now.Sub(s.started) / time.Second)
	st.Refusals = s.refusals.recent()
	b, err := json.Marshal(st)
	if err != nil {
		return op, nil, err
	}
	return op, &response{body: bytes.NewReader(b), size: int64(len(b)),
		header: http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}}, nil
}

// hasFullAccess reports whether the request's key may do everything in S3
// by its own identity policy: it is asked for the action "s3:*" on the
// resource "*", which only a statement allowing every action on every
// resource matches (a read-only or bucket-limited policy does not), and
// no Deny may apply. A read-only key never has it.
func (s *Server) hasFullAccess(rq *request) bool {
	return !rq.k.ReadOnly && s.allowedEverywhere(rq, "s3:*")
}

// allowedEverywhere reports whether rq's key may do action on every
// resource: signed, not limited to some buckets, and with no identity
// policies (full access) or ones allowing action on the resource "*".
func (s *Server) allowedEverywhere(rq *request, action string) bool {
	if rq.anonymous || len(rq.k.Buckets) > 0 {
		return false
	}
	if len(rq.k.Policies) == 0 {
		return true // a key without identity policies has full access
	}
	r := policy.Request{Action: action, Resource: "*", SourceIP: remoteIP(rq.r), SecureTransport: rq.r.TLS != nil, CurrentTime: s.now()}
	s.principalOf(rq, &r.Principal)
	r.OwnerAccount = r.Principal.Account
	return policy.Evaluate(&r, &policy.Policies{Identity: rq.k.Policies}).Allowed
}
