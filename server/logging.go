package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// logRefusal is the one line about a refused request: what was refused,
// why, which key it claimed (never a secret) and where it came from, so
// an operator can tell a misconfigured client from an attack.
func (s *Server) logRefusal(rq *request, attrs []any, err error) {
	e := toError(err)
	reason := e.Message
	switch {
	case rq.refusedWhy != "":
		reason = rq.refusedWhy
	case e.Code == s3xml.CodeAccessDenied && rq.v == nil && claimedKeyID(rq.r) == "":
		reason = "anonymous request"
	case e.Code == s3xml.CodeAccessDenied && rq.v != nil && rq.k.ReadOnly:
		reason = "read-only key"
	case e.Code == s3xml.CodeAccessDenied && rq.v != nil && rq.bucket != "" && !rq.k.CanUseBucket(rq.bucket):
		reason = "key may not use bucket " + rq.bucket
	}
	id := claimedKeyID(rq.r)
	if rq.v != nil {
		id = rq.v.AccessKeyID
	}
	s.log.Info("s3 request refused", append(attrs, "reason", reason, "access_key_id", id, "remote", rq.r.RemoteAddr)...)
	s.refusals.add(Refusal{Time: s.now(), Op: stringAttr(attrs, "op"), Method: rq.r.Method, Bucket: rq.bucket, Key: rq.key,
		Code: e.Code, Reason: reason, AccessKeyID: id, Remote: rq.r.RemoteAddr})
}

// maxLoggedKeyID bounds the claimed key ID logged: it is the client's
// text, and a log line is no place for a kilobyte of it.
const maxLoggedKeyID = 128

// claimedKeyID is the access key ID a request says it is signed with:
// the Credential of a SigV4 Authorization header or X-Amz-Credential, or
// a SigV2 header's or query's key ID. Only the ID part is taken, never
// anything after it.
func claimedKeyID(r *http.Request) string {
	var id string
	auth := r.Header.Get("Authorization")
	q := r.URL.Query()
	switch {
	case strings.HasPrefix(auth, "AWS4-"):
		if _, cred, ok := strings.Cut(auth, "Credential="); ok {
			id, _, _ = strings.Cut(cred, "/")
			id, _, _ = strings.Cut(id, ",")
		}
	case strings.HasPrefix(auth, "AWS "):
		id, _, _ = strings.Cut(strings.TrimPrefix(auth, "AWS "), ":")
	case q.Has("X-Amz-Credential"):
		id, _, _ = strings.Cut(q.Get("X-Amz-Credential"), "/")
	case q.Has("AWSAccessKeyId"):
		id = q.Get("AWSAccessKeyId")
	}
	id = strings.TrimSpace(id)
	if len(id) > maxLoggedKeyID {
		id = id[:maxLoggedKeyID] + "..."
	}
	return id
}

// clientGone reports whether writing a response failed because the client
// went away (s3kit's cp closes a download it no longer needs): that is
// the client's choice, not the server's problem.
func clientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, http.ErrAbortHandler)
}

// logAuth writes, at Debug, how a request was authenticated and whether
// it was allowed: the key, the signature form, the region it was signed
// for and the key's limits, or why it was refused. For a signature that
// did not match it includes the string to sign and canonical request the
// server computed (AWS sends both back to the client, and neither holds a
// secret), never the signature the client sent.
func (s *Server) logAuth(ctx context.Context, rq *request, op string, err error) {
	if !s.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.String("request_id", rq.id), slog.String("op", op)}
	form := "sigv4-header"
	switch auth := rq.r.Header.Get("Authorization"); {
	case strings.HasPrefix(auth, "AWS "):
		form = "sigv2-header"
	case auth == "" && rq.q.Has("X-Amz-Credential"):
		form = "sigv4-presigned"
	case auth == "" && rq.q.Has("AWSAccessKeyId"):
		form = "sigv2-presigned"
	case auth == "":
		form = "anonymous"
	}
	attrs = append(attrs, slog.String("auth", form))
	if rq.v != nil {
		attrs = append(attrs, slog.String("access_key_id", rq.v.AccessKeyID), slog.String("region", rq.v.Region),
			slog.Bool("read_only", rq.k.ReadOnly), slog.Any("key_buckets", rq.k.Buckets))
	} else {
		attrs = append(attrs, slog.String("access_key_id", claimedKeyID(rq.r)))
	}
	if err == nil {
		s.log.LogAttrs(ctx, slog.LevelDebug, "s3 auth allowed", attrs...)
		return
	}
	e := toError(err)
	attrs = append(attrs, slog.String("code", e.Code), slog.String("reason", e.Message))
	var se *sigv4.Error
	if errors.As(err, &se) && se.CanonicalRequest != "" {
		attrs = append(attrs, slog.String("string_to_sign", se.StringToSign), slog.String("canonical_request", se.CanonicalRequest))
	}
	s.log.LogAttrs(ctx, slog.LevelDebug, "s3 auth refused", attrs...)
}

// stringAttr is the string value of the named attribute in a slog
// key-value list ("" when absent).
func stringAttr(attrs []any, name string) string {
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i] == name {
			v, _ := attrs[i+1].(string)
			return v
		}
	}
	return ""
}
