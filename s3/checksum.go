package s3

import (
	"encoding/base64"
	"hash"
	"io"
	"strings"
)

// verifyingBody wraps a full-object GET body so that reaching EOF checks
// the checksum the server sent, in botocore's order of preference
// (CRC64NVME, CRC32C, CRC32, SHA1, SHA256). Composite checksums of
// multipart objects ("...-N") describe parts, not the bytes, and are
// skipped, as botocore skips them. Under when_required the client does not
// ask for checksums (unless GetObjectInput.ChecksumMode), but still checks
// one the server sends, as botocore does.
func (c *Client) verifyingBody(body io.ReadCloser, sums Checksums, bucket, key string) (io.ReadCloser, bool) {
	if strings.EqualFold(sums.Type, "COMPOSITE") {
		return body, false
	}
	for _, cand := range []struct{ alg, value string }{
		{"CRC64NVME", sums.CRC64NVME}, {"CRC32C", sums.CRC32C}, {"CRC32", sums.CRC32},
		{"SHA1", sums.SHA1}, {"SHA256", sums.SHA256},
	} {
		if cand.value == "" {
			continue
		}
		if strings.Contains(cand.value, "-") {
			return body, false
		}
		h, err := newHash(cand.alg)
		if err != nil {
			return body, false // an algorithm we cannot compute is not verified
		}
		return &checkedBody{rc: body, h: h, alg: cand.alg, want: cand.value, bucket: bucket, key: key}, true
	}
	return body, false
}

// checkedBody hashes what is read and compares at EOF.
type checkedBody struct {
	rc          io.ReadCloser
	h           hash.Hash
	alg, want   string
	bucket, key string
	err         error
}

// Read reads and hashes; at EOF a mismatch becomes a *ChecksumError.
func (b *checkedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.rc.Read(p)
	b.h.Write(p[:n])
	if err == io.EOF {
		got := base64.StdEncoding.EncodeToString(b.h.Sum(nil))
		if got != b.want {
			b.err = &ChecksumError{Bucket: b.bucket, Key: b.key, Algorithm: b.alg, Expected: b.want, Actual: got}
			return n, b.err
		}
	}
	return n, err
}

// Close closes the response body.
func (b *checkedBody) Close() error { return b.rc.Close() }
