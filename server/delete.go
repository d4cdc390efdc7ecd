package server

import (
	"context"

	"github.com/s3kit/s3kit/internal/s3xml"
)

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
	doc := &s3xml.DeleteResult{}
	for _, o := range d.Objects {
		if err := s.deleteOne(ctx, rq.bucket, o); err != nil {
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

func (s *Server) deleteOne(ctx context.Context, bucket string, o s3xml.ObjectIdentifier) error {
	if err := checkKey(o.Key); err != nil {
		return err
	}
	if o.Key == "" {
		return errMsg(s3xml.CodeInvalidArgument, "Object key must not be empty")
	}
	if o.VersionID != "" && o.VersionID != "null" {
		return errCode(s3xml.CodeNoSuchVersion)
	}
	return s.backend.DeleteObject(ctx, bucket, o.Key)
}
