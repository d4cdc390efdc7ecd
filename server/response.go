package server

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// serverName is the Server response header on every answer. s3kit's
// client recognises this server by s3xml.HeaderIntegrity instead, since
// other servers copy Server headers (gofakes3 says "AmazonS3").
const serverName = "s3kit"

// response is what a handler answers: a status (200 when 0), headers, and
// either an XML document or a byte stream.
type response struct {
	status int
	header http.Header
	// doc, when set, is marshalled as the XML body.
	doc any
	// body, when set, is streamed; size is its length (-1 unknown).
	body io.Reader
	size int64
	// closer is closed once the response is written.
	closer io.Closer
}

// setHeader sets a response header, creating the map on first use.
func (r *response) setHeader(name, value string) {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(name, value)
}

// write is the one place responses and errors are encoded. It returns the
// status sent, the error code ("" on success) and the body bytes written.
func (s *Server) write(w http.ResponseWriter, rq *request, resp *response, err error) (int, string, int64) {
	h := w.Header()
	h.Set("Server", serverName)
	h.Set(s3xml.HeaderIntegrity, s3xml.IntegrityVerified)
	h.Set(s3xml.HeaderRequestID, rq.id)
	h.Set(s3xml.HeaderID2, newHostID())
	if resp != nil {
		if resp.closer != nil {
			defer resp.closer.Close()
		}
		for k, v := range resp.header {
			h[k] = v
		}
	}
	if err != nil {
		return s.writeError(w, rq, err)
	}
	if resp == nil {
		resp = &response{}
	}
	status := resp.status
	if status == 0 {
		status = http.StatusOK
	}
	head := rq.r.Method == http.MethodHead
	switch {
	case resp.doc != nil:
		b, merr := s3xml.Marshal(resp.doc)
		if merr != nil {
			s.log.Error("s3 response document", "request_id", rq.id, "err", merr)
			return s.writeError(w, rq, merr)
		}
		h.Set("Content-Type", "application/xml")
		h.Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(status)
		if !head {
			n, _ := w.Write(b)
			return status, "", int64(n)
		}
	case resp.body != nil:
		if resp.size >= 0 {
			h.Set("Content-Length", strconv.FormatInt(resp.size, 10))
		}
		w.WriteHeader(status)
		if !head {
			n, cerr := io.Copy(w, resp.body)
			if cerr != nil {
				// The status is sent: all that is left is to say why the
				// body stopped short.
				level := slog.LevelWarn
				if clientGone(rq.r, cerr) {
					level = slog.LevelDebug
				}
				s.log.Log(rq.r.Context(), level, "s3 response body interrupted", "request_id", rq.id, "err", cerr)
			}
			return status, "", n
		}
	default:
		if status != http.StatusNoContent && status != http.StatusNotModified && h.Get("Content-Length") == "" {
			h.Set("Content-Length", "0")
		}
		w.WriteHeader(status)
	}
	return status, "", 0
}

// writeError sends err as an S3 error document (headers only for HEAD and
// 304, as S3 does). It returns what write does.
func (s *Server) writeError(w http.ResponseWriter, rq *request, err error) (int, string, int64) {
	e := toError(err)
	status := e.StatusCode()
	h := w.Header()
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return status, e.Code, 0
	}
	doc := e.Detail
	doc.Code, doc.Message, doc.RequestID = e.Code, e.Message, rq.id
	doc.HostID = h.Get(s3xml.HeaderID2)
	doc.Resource = rq.r.URL.Path
	switch e.Code {
	case s3xml.CodeNoSuchKey:
		if doc.Key == "" {
			doc.Key = rq.key
		}
	case s3xml.CodeNoSuchBucket, s3xml.CodeBucketNotEmpty, s3xml.CodeBucketAlreadyOwnedByYou, s3xml.CodeInvalidBucketName,
		s3xml.CodeNoSuchBucketPolicy, s3xml.CodeNoSuchCORSConfiguration, s3xml.CodeNoSuchLifecycleConfiguration,
		s3xml.CodeNoSuchWebsiteConfiguration, s3xml.CodeReplicationConfigurationNotFound, s3xml.CodeObjectLockConfigurationNotFound:
		if doc.BucketName == "" {
			doc.BucketName = rq.bucket
		}
	case s3xml.CodeNoSuchUpload:
		if doc.UploadID == "" {
			doc.UploadID = rq.q.Get("uploadId")
		}
	}
	// Even when the client has gone (its context is cancelled, the body
	// read failed) the error status is written: returning without one
	// would let net/http answer 200 for work that was not done, and a
	// client that only half-closed its socket still reads the answer.
	b, merr := s3xml.Marshal(&doc)
	if merr != nil {
		b = nil
	}
	for _, k := range []string{"Content-Length", "Content-Range", "Accept-Ranges", "Last-Modified", "ETag", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires"} {
		h.Del(k)
	}
	h.Set("Content-Type", "application/xml")
	if rq.r.Method == http.MethodHead {
		w.WriteHeader(status)
		return status, e.Code, 0
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	n, _ := w.Write(b)
	return status, e.Code, int64(n)
}
