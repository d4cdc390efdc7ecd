package s3

import (
	"net"
	"net/url"
	"strings"
)

// Quirks describes what one family of S3 implementations supports. The
// client consults a Quirks value instead of branching on provider names, so
// supporting a new server is one more row in Providers, as in rclone's
// providers table.
type Quirks struct {
	// Name identifies the provider ("aws", "s3kit", "minio", ...).
	Name string
	// VirtualHost is the addressing style used when the configuration says
	// "auto" (botocore's default): bucket.host for AWS, host/bucket for
	// custom endpoints, because most self-hosted servers have no wildcard DNS.
	VirtualHost bool
	// Trailers: the server accepts aws-chunked bodies with a trailing
	// x-amz-checksum-* header (STREAMING-*-TRAILER). Without it, checksums
	// go in headers and unknown-length bodies are buffered.
	Trailers bool
	// ChecksumHeaders: the server accepts (and ideally verifies) the
	// x-amz-checksum-crc32 request header. When false the client sends
	// Content-MD5 where the API requires integrity and nothing otherwise,
	// the rule servers predating the 2025 checksum defaults need.
	ChecksumHeaders bool
	// ChunkedSigned: the server accepts STREAMING-AWS4-HMAC-SHA256-PAYLOAD
	// bodies (signed chunks without trailer), used to stream a body of known
	// length that cannot be rewound.
	ChunkedSigned bool
	// HostSuffixes recognise the provider from the endpoint host.
	HostSuffixes []string
	// ServerHeaders recognise the provider from the prefix of a response's
	// Server header, for endpoints the host does not identify.
	ServerHeaders []string
}

// Providers is the quirks table, looked up by name (WithProvider, or the
// session's endpoint) and by endpoint host suffix. Rows are facts about
// released versions of each server:
//   - AWS: everything (virtual hosts, trailers since 2022, checksum headers).
//   - s3kit: this module's server; verifies chunked trailers and checksums.
//   - MinIO: trailers and CRC32 headers in releases since 2023 (botocore's
//     2025 defaults work against them), path style by default.
//   - SeaweedFS, Ceph RGW, Garage: signed chunked uploads yes; trailers and
//     CRC headers only in recent releases, so the safe choice is off.
//   - moto: parses trailers and checksum headers (exercised by this
//     package's tests).
//   - unknown: the safe default for a custom endpoint — path style, no
//     trailers, no checksum headers, Content-MD5 where the API demands it.
func Providers() []Quirks {
	return []Quirks{
		{Name: "aws", VirtualHost: true, Trailers: true, ChecksumHeaders: true, ChunkedSigned: true,
			HostSuffixes: []string{".amazonaws.com", ".amazonaws.com.cn"}, ServerHeaders: []string{"AmazonS3"}},
		{Name: "s3kit", Trailers: true, ChecksumHeaders: true, ChunkedSigned: true, ServerHeaders: []string{"s3kit"}},
		{Name: "minio", Trailers: true, ChecksumHeaders: true, ChunkedSigned: true, ServerHeaders: []string{"MinIO"}},
		{Name: "seaweedfs", ChunkedSigned: true, ServerHeaders: []string{"SeaweedFS"}},
		{Name: "ceph", ChunkedSigned: true, ServerHeaders: []string{"Ceph"}},
		{Name: "garage", ChunkedSigned: true, ServerHeaders: []string{"Garage"}},
		{Name: "moto", Trailers: true, ChecksumHeaders: true, ChunkedSigned: true},
		{Name: "unknown", ChunkedSigned: true},
	}
}

// QuirksFor returns the row for provider (case-insensitive) when it is not
// empty, else the row whose host suffix matches endpoint, else the AWS row
// when endpoint is empty, else "unknown".
func QuirksFor(provider, endpoint string) Quirks {
	rows := Providers()
	if provider != "" {
		for _, q := range rows {
			if strings.EqualFold(q.Name, provider) {
				return q
			}
		}
	}
	if endpoint == "" {
		return rows[0]
	}
	host := endpoint
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	host = strings.ToLower(host)
	for _, q := range rows {
		for _, s := range q.HostSuffixes {
			if strings.HasSuffix(host, s) {
				return q
			}
		}
	}
	return rows[len(rows)-1]
}

// quirksForServer returns the row whose ServerHeaders prefix matches a
// response's Server header.
func quirksForServer(server string) (Quirks, bool) {
	if server == "" {
		return Quirks{}, false
	}
	for _, q := range Providers() {
		for _, p := range q.ServerHeaders {
			if strings.HasPrefix(strings.ToLower(server), strings.ToLower(p)) {
				return q, true
			}
		}
	}
	return Quirks{}, false
}

// virtualHostable reports whether bucket can be a DNS label in front of
// host, botocore's rule: lowercase letters, digits and hyphens, 3–63
// characters, no dots (they break TLS wildcards), and not an IP address
// endpoint.
func virtualHostable(bucket, host string) bool {
	if len(bucket) < 3 || len(bucket) > 63 {
		return false
	}
	if net.ParseIP(host) != nil {
		return false
	}
	for i := 0; i < len(bucket); i++ {
		c := bucket[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(bucket)-1:
		default:
			return false
		}
	}
	return true
}
