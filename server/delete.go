package server

import (
	"context"
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
	sem := make(chan struct{}, deleteWorkers)
	var wg sync.WaitGroup
	for i, o := range d.Objects {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = s.deleteOne(ctx, rq, o)
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
			doc.Deleted = append(doc.Deleted, s3xml.DeletedObject{Key: o.Key, VersionID: o.VersionID})
		}
	}
	return &response{doc: doc}, nil
}

func (s *Server) deleteOne(ctx context.Context, rq *request, o s3xml.ObjectIdentifier) error {
	if err := checkKey(o.Key); err != nil {
		return err
	}
	if o.Key == "" {
		return errMsg(s3xml.CodeInvalidArgument, "Object key must not be empty")
	}
	if o.VersionID != "" && o.VersionID != "null" {
		return errCode(s3xml.CodeNoSuchVersion)
	}
	ch, err := s.beginChange(ctx, rq.bucket, o.Key)
	if err != nil {
		return err
	}
	defer ch.end()
	ch.lock()
	if err := s.deleteIfMatch(ctx, rq.bucket, o.Key, o.ETag); err != nil {
		return err
	}
	return ch.emit(ctx, rq, nil, evDelete, storage.ObjectInfo{})
}
