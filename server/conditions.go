package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// conditionHeaders names the four conditional headers, so GET/HEAD and
// the copy-source variants share one evaluation.
type conditionHeaders struct {
	ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince string
}

func getConditions() conditionHeaders {
	return conditionHeaders{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}
}

func copyConditions() conditionHeaders {
	return conditionHeaders{s3xml.HeaderCopySourceIfMatch, s3xml.HeaderCopySourceIfNoneMatch,
		s3xml.HeaderCopySourceIfModifiedSince, s3xml.HeaderCopySourceIfUnmodified}
}

// checkConditions evaluates conditional headers against an object with
// S3's precedence: If-Match (which, when true, overrides a false
// If-Unmodified-Since) and If-Unmodified-Since fail with 412; then
// If-None-Match (which, when present, overrides If-Modified-Since) and
// If-Modified-Since answer 304 — or 412 when notModified412 is set, as for
// copy sources.
func checkConditions(h http.Header, names conditionHeaders, info storage.ObjectInfo, notModified412 bool) error {
	lm := info.LastModified.Truncate(time.Second)
	fail := func(cond string) error {
		e := errCode(s3xml.CodePreconditionFailed)
		e.Detail.Condition = cond
		return e
	}
	if v := h.Get(names.ifMatch); v != "" {
		if !etagMatches(v, info.ETag) {
			return fail(names.ifMatch)
		}
	} else if v := h.Get(names.ifUnmodifiedSince); v != "" {
		if t, err := http.ParseTime(v); err == nil && lm.After(t) {
			return fail(names.ifUnmodifiedSince)
		}
	}
	notModified := func(cond string) error {
		if notModified412 {
			return fail(cond)
		}
		return errCode(s3xml.CodeNotModified)
	}
	if v := h.Get(names.ifNoneMatch); v != "" {
		if etagMatches(v, info.ETag) {
			return notModified(names.ifNoneMatch)
		}
	} else if v := h.Get(names.ifModifiedSince); v != "" {
		if t, err := http.ParseTime(v); err == nil && !lm.After(t) {
			return notModified(names.ifModifiedSince)
		}
	}
	return nil
}

// etagMatches reports whether a comma-separated list of entity tags
// (quoted or not, weak or strong, or "*") names etag.
func etagMatches(list, etag string) bool {
	want := strings.Trim(etag, `"`)
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "W/")
		if t == "*" || strings.Trim(t, `"`) == want {
			return true
		}
	}
	return false
}

// byteRange is a satisfiable slice of an object.
type byteRange struct{ off, n int64 }

// parseRange interprets a Range header for an object of size bytes. It
// returns nil (serve everything) for headers S3 ignores: other units,
// multiple ranges, syntax errors. An unsatisfiable range is InvalidRange.
func parseRange(spec string, size int64) (*byteRange, error) {
	v, ok := strings.CutPrefix(strings.TrimSpace(spec), "bytes=")
	if !ok || strings.Contains(v, ",") {
		return nil, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(v), "-")
	if !ok {
		return nil, nil
	}
	invalid := func() error {
		e := errCode(s3xml.CodeInvalidRange)
		e.Detail.RangeRequested = spec
		e.Detail.ActualObjectSize = strconv.FormatInt(size, 10)
		return e
	}
	if first == "" { // suffix: the last N bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return nil, nil
		}
		if n == 0 || size == 0 {
			return nil, invalid()
		}
		n = min(n, size)
		return &byteRange{off: size - n, n: n}, nil
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return nil, nil
	}
	end := size - 1
	if last != "" {
		if end, err = strconv.ParseInt(last, 10, 64); err != nil || end < start {
			return nil, nil
		}
		end = min(end, size-1)
	}
	if start >= size {
		return nil, invalid()
	}
	return &byteRange{off: start, n: end - start + 1}, nil
}

func (b *byteRange) contentRange(size int64) string {
	return "bytes " + strconv.FormatInt(b.off, 10) + "-" + strconv.FormatInt(b.off+b.n-1, 10) + "/" + strconv.FormatInt(size, 10)
}

// partRange returns the slice of an object that part number pn (from the
// partNumber query parameter) covers.
func partRange(pn string, info storage.ObjectInfo) (*byteRange, error) {
	n, err := strconv.Atoi(pn)
	if err != nil || n < 1 || n > storage.MaxPartNumber {
		return nil, errArg("partNumber", pn, "Part number must be an integer between 1 and 10000, inclusive")
	}
	if len(info.PartSizes) == 0 {
		if n != 1 {
			return nil, errCode(s3xml.CodeInvalidPartNumber)
		}
		return &byteRange{off: 0, n: info.Size}, nil
	}
	if n > len(info.PartSizes) {
		return nil, errCode(s3xml.CodeInvalidPartNumber)
	}
	var off int64
	for _, sz := range info.PartSizes[:n-1] {
		off += sz
	}
	return &byteRange{off: off, n: info.PartSizes[n-1]}, nil
}
