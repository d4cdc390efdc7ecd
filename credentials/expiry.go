package credentials

import (
	"fmt"
	"strings"
	"time"
)

var expiryLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	time.RFC1123,
	time.RFC1123Z,
}

// parseExpiry parses an expiration leniently (botocore uses dateutil):
// RFC 3339 / ISO-8601 with offset or Z, naive timestamps as UTC.
func parseExpiry(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	for _, l := range expiryLayouts {
		if v, err := time.Parse(l, t); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format %q", s)
}
