package server

import (
	"context"
	"errors"
	"sync"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// deleteWorkers bounds the concurrent deletes of one DeleteObjects call.
const deleteWorkers = 16

// deleteObjects is the multi-object delete: up to 1,000 keys, each
// answered on its own; quiet mode lists only failures.
func (s *Server) deleteObjects(ctx context.Context, rq *request) (*response, error) {
	var d s3xml.Delete
	ok, err := readXML(rq, &d)
	if err != nil {
		return nil, err
	}
	if !ok || len(d.Objects) == 0 || len(d.Objects) > s3xml.MaxDeleteObjects {
		return nil, errCode(s3xml.CodeMalformedXML)
	}
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	// Keys are deleted concurrently so a durable backend can commit them in
	// groups; the answer keeps the request's order.
	errs := make([]error, len(d.Objects))
	results := make([]storage.DeleteResult, len(d.Objects))
	sem := make(chan struct{}, deleteWorkers)
	var wg sync.WaitGroup
	for i, o := range d.Objects {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i], errs[i] = s.deleteOneAllowed(ctx, rq, o)
		}()
	}
	wg.Wait()
	doc := &s3xml.DeleteResult{}
	for i, o := range d.Objects {
		if err := errs[i]; err != nil {
			e := toError(err)
			if e.StatusCode() >= 500 {
				s.log.Error("delete objects", "request_id", rq.id, "key", o.Key, "err", err)
			}
			doc.Errors = append(doc.Errors, s3xml.DeleteError{Key: o.Key, VersionID: o.VersionID, Code: e.Code, Message: e.Message})
			continue
		}
		if !d.Quiet {
			d := s3xml.DeletedObject{Key: o.Key, VersionID: o.VersionID, DeleteMarker: results[i].DeleteMarker}
			if d.DeleteMarker {
				// A new marker (no VersionId asked for) or the marker the
				// request named and removed.
				d.DeleteMarkerVersionID = results[i].VersionID
			}
			doc.Deleted = append(doc.Deleted, d)
		}
	}
	return &response{doc: doc}, nil
}

func (s *Server) deleteOne(ctx context.Context, rq *request, o s3xml.ObjectIdentifier) (storage.DeleteResult, error) {
	if err := checkKey(o.Key); err != nil {
		return storage.DeleteResult{}, err
	}
	if o.Key == "" {
		return storage.DeleteResult{}, errMsg(s3xml.CodeInvalidArgument, "Object key must not be empty")
	}
	v, versioned := s.versioner()
	if !versioned && o.VersionID != "" && o.VersionID != "null" {
		return storage.DeleteResult{}, errCode(s3xml.CodeNoSuchVersion)
	}
	ch, err := s.beginChange(ctx, rq.bucket, o.Key)
	if err != nil {
		return storage.DeleteResult{}, err
	}
	defer ch.end()
	ch.lock()
	if versioned && o.ETag == "" {
		res, err := v.DeleteObjectVersion(ctx, rq.bucket, o.Key, o.VersionID)
		if o.VersionID != "" && errors.Is(err, storage.ErrInvalidArgument) {
			// S3 reports a malformed version ID in a multi-object
			// delete as a version that does not exist.
			return res, errCode(s3xml.CodeNoSuchVersion)
		}
		if err != nil {
			return res, err
		}
		return res, ch.emit(ctx, rq, nil, removalEvent(o.VersionID, res), storage.ObjectInfo{VersionID: res.VersionID})
	}
	if o.VersionID != "" && o.VersionID != "null" {
		return storage.DeleteResult{}, errCode(s3xml.CodeNoSuchVersion)
	}
	if err := s.deleteIfMatch(ctx, rq.bucket, o.Key, o.ETag); err != nil {
		return storage.DeleteResult{}, err
	}
	return storage.DeleteResult{}, ch.emit(ctx, rq, nil, evDelete, storage.ObjectInfo{})
}

// removalEvent names the event of a delete: a DELETE without a version ID
// that left a delete marker is DeleteMarkerCreated, anything else (a
// version or a marker removed for good) is Delete.
func removalEvent(versionID string, res storage.DeleteResult) string {
	if versionID == "" && res.DeleteMarker {
		return evDeleteMarker
	}
	return evDelete
}
