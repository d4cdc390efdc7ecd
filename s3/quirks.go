package s3

import (
	"net"
	"net/url"
	"strings"
)

// Quirks describes what one family of S3 implementations supports. The
// client consults a Quirks value instead of branching on provider names, so
// supporting a new server is one more row in Providers, as in rclone's
// providers table. A row is chosen by WithProvider (or the profile's
// s3kit_provider), by an AWS hostname, or by the header s3kit's own server
// sets; never by a Server header, which other servers imitate (gofakes3
// answers "Server: AmazonS3" and stores aws-chunked framing as data).
type Quirks struct {
	// Name identifies the provider ("aws", "s3kit", "minio", ...).
	Name string
	// VirtualHost is the addressing style used when the configuration says
	// "auto" (botocore's default): bucket.host for AWS, host/bucket for
	// custom endpoints, because most self-hosted servers have no wildcard DNS.
	VirtualHost bool
	// Verifies: the server is known to decode aws-chunked bodies and to
	// reject any body whose checksum (header or trailer) or Content-MD5 does
	// not match, so a verified checksum alone protects an upload. For every
	// other row the client sends Content-MD5 with a plain body and compares
	// the returned ETag with the MD5 it computed.
	Verifies bool
	// Trailers: the server accepts aws-chunked bodies with a trailing
	// x-amz-checksum-* header (STREAMING-*-TRAILER). Only rows that Verify
	// set it: a server that does not decode aws-chunked stores the framing.
	Trailers bool
	// ChecksumHeaders: the server accepts the x-amz-checksum-crc32 request
	// header with a plain body. Where it does not verify it (Verifies
	// false), Content-MD5 travels too.
	ChecksumHeaders bool
	// ChunkedSigned: the server decodes STREAMING-AWS4-HMAC-SHA256-PAYLOAD
	// bodies (signed chunks without trailer), used to stream a body of known
	// length that cannot be rewound. Elsewhere such a body is buffered.
	ChunkedSigned bool
	// HostSuffixes recognise the provider from the endpoint host.
	HostSuffixes []string
}

// Providers is the quirks table, looked up by name (WithProvider, or the
// session's endpoint) and by endpoint host suffix. Rows are facts about
// released versions of each server:
//   - AWS: everything (virtual hosts, trailers since 2022, checksum headers),
//     and it verifies all of them.
//   - s3kit: this module's server; decodes and verifies chunked trailers,
//     checksums and Content-MD5. Recognised by its X-S3kit-Integrity
//     response header.
//   - MinIO, moto: accept CRC32 headers with a plain body.
//   - SeaweedFS, Ceph RGW, Garage: Content-MD5 only; CRC headers only in
//     recent releases, so the safe choice is off.
//   - unknown: the default for a custom endpoint — path style, a plain
//     body with Content-MD5 (which every S3 server verifies) and the ETag
//     compared with the body's MD5.
func Providers() []Quirks {
	return []Quirks{
		{Name: "aws", VirtualHost: true, Verifies: true, Trailers: true, ChecksumHeaders: true, ChunkedSigned: true,
			HostSuffixes: []string{".amazonaws.com", ".amazonaws.com.cn"}},
		{Name: "s3kit", Verifies: true, Trailers: true, ChecksumHeaders: true, ChunkedSigned: true},
		{Name: "minio", ChecksumHeaders: true},
		{Name: "seaweedfs"},
		{Name: "ceph"},
		{Name: "garage"},
		{Name: "moto", ChecksumHeaders: true},
		{Name: "unknown"},
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
