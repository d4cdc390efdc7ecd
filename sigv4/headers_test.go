package sigv4

import (
	"net/textproto"
	"testing"
)

// TestCanonicalHeaderNames checks the header names spelled out to save
// allocations against textproto's canonical form.
func TestCanonicalHeaderNames(t *testing.T) {
	for i, alg := range allAlgorithms {
		if want := textproto.CanonicalMIMEHeaderKey(alg.HeaderName()); checksumHeaderKeys[i] != want {
			t.Errorf("checksumHeaderKeys[%d] = %q, want %q", i, checksumHeaderKeys[i], want)
		}
	}
	for _, n := range []string{"x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "content-type",
		"content-md5", "content-encoding", "x-amz-decoded-content-length", "x-amz-trailer", "amz-sdk-invocation-id",
		"amz-sdk-request", "x-amz-sdk-checksum-algorithm", "x-amz-checksum-crc32", "x-amz-checksum-crc32c",
		"x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256", "range", "if-match",
		"if-none-match", "x-amz-copy-source", "x-amz-meta-color", "host", "x-custom"} {
		if got, want := canonicalSigned(n), textproto.CanonicalMIMEHeaderKey(n); got != want {
			t.Errorf("canonicalSigned(%q) = %q, want %q", n, got, want)
		}
	}
}
