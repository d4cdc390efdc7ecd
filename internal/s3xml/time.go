package s3xml

import (
	"fmt"
	"net/http"
	"time"
)

// TimeFormat is how S3 writes timestamps inside XML documents: UTC with
// exactly three fractional digits, e.g. 2009-10-12T17:50:30.000Z.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Time is a time.Time that marshals in S3's document format (TimeFormat).
type Time struct{ time.Time }

// NewTime returns t as a Time.
func NewTime(t time.Time) Time { return Time{Time: t} }

// MarshalText formats t in UTC as TimeFormat.
func (t Time) MarshalText() ([]byte, error) {
	return []byte(t.UTC().Format(TimeFormat)), nil
}

// UnmarshalText parses an RFC 3339 timestamp (with or without fractional
// seconds) or, as some S3-compatible servers send, an HTTP date.
func (t *Time) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		t.Time = v
		return nil
	}
	if v, err := http.ParseTime(s); err == nil {
		t.Time = v
		return nil
	}
	return fmt.Errorf("s3xml: bad timestamp %q", s)
}
