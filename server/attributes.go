package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// getObjectAttributes is GetObjectAttributes (GET ?attributes): the
// attributes x-amz-object-attributes names, without the object's bytes.
// As on S3, the checksum of a multipart object is given without its "-N"
// suffix, and ObjectParts lists the parts (a page of them, with their
// checksums) only when the object has a COMPOSITE checksum. The count and
// the page's markers, MaxParts and IsTruncated come with every multipart
// object, listed parts or not, as S3 sends them; single-part objects have
// no ObjectParts.
func (s *Server) getObjectAttributes(ctx context.Context, rq *request) (*response, error) {
	h := rq.r.Header
	want := map[string]bool{}
	for _, v := range h.Values("X-Amz-Object-Attributes") {
		for a := range strings.SplitSeq(v, ",") {
			switch a = strings.TrimSpace(a); a {
			case "ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize":
				want[a] = true
			case "":
			default:
				return nil, errMsg(s3xml.CodeInvalidArgument, "Invalid attribute name specified.")
			}
		}
	}
	if len(want) == 0 {
		return nil, errMsg(s3xml.CodeInvalidArgument, "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	maxParts, err := headerInt(h, "X-Amz-Max-Parts", 1000)
	if err != nil {
		return nil, err
	}
	marker, err := headerInt(h, "X-Amz-Part-Number-Marker", 0)
	if err != nil {
		return nil, err
	}
	// An object under a customer-provided key answers only with its key,
	// as GET and HEAD do.
	ck, err := parseCustomerKey(rq.r, false)
	if err != nil {
		return nil, err
	}
	info, err := s.headObjectWith(ctx, rq.bucket, rq.key, rq.q.Get("versionId"), ck)
	if err != nil {
		return markerResponse(err), err
	}
	doc := s3xml.GetObjectAttributesResponse{}
	if want["ETag"] {
		doc.ETag = strings.Trim(info.ETag, `"`)
	}
	algs, typ := checksumAlgorithms(info.Meta)
	if want["Checksum"] && len(algs) > 0 {
		c := &s3xml.Checksums{ChecksumType: typ}
		for _, alg := range algs {
			v, _, _ := strings.Cut(info.Meta.Checksums[alg], "-")
			c.Set(alg, v)
		}
		doc.Checksum = c
	}
	if want["ObjectParts"] && len(info.PartSizes) > 0 {
		parts := &s3xml.ObjectAttributeParts{PartsCount: len(info.PartSizes)}
		withParts := len(algs) == 1 && typ == "COMPOSITE" && len(info.PartChecksums) == len(info.PartSizes)
		truncated := false
		next := marker
		listed := 0
		for i, size := range info.PartSizes {
			n := i + 1
			if n <= marker {
				continue
			}
			if listed == maxParts {
				truncated = true
				break
			}
			listed++
			next = n
			if withParts {
				p := s3xml.ObjectPart{PartNumber: n, Size: size}
				p.Set(algs[0], info.PartChecksums[i])
				parts.Parts = append(parts.Parts, p)
			}
		}
		parts.PartNumberMarker, parts.NextPartNumberMarker = &marker, &next
		parts.MaxParts, parts.IsTruncated = &maxParts, &truncated
		doc.ObjectParts = parts
	}
	if want["StorageClass"] {
		doc.StorageClass = "STANDARD"
	}
	if want["ObjectSize"] {
		size := info.Size
		doc.ObjectSize = &size
	}
	r := &response{doc: &doc}
	r.setVersionHeader(info)
	r.setHeader("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	return r, nil
}

// headerInt parses a non-negative integer header, def when absent.
func headerInt(h http.Header, name string, def int) (int, error) {
	v := h.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errArg(strings.ToLower(name), v, "Provided %s not an integer or within integer range", strings.ToLower(name))
	}
	return n, nil
}
