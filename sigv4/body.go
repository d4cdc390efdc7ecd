package sigv4

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// allAlgorithms lists the checksum algorithms in a fixed order.
var allAlgorithms = [...]ChecksumAlgorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256}

// checksumHeaderKeys are allAlgorithms' header names in canonical form, so
// looking them up in an http.Header allocates nothing.
var checksumHeaderKeys = [len(allAlgorithms)]string{"X-Amz-Checksum-Crc32", "X-Amz-Checksum-Crc32c",
	"X-Amz-Checksum-Crc64nvme", "X-Amz-Checksum-Sha1", "X-Amz-Checksum-Sha256"}

// checksumWant is a checksum the request promised for its decoded payload.
type checksumWant struct {
	alg  ChecksumAlgorithm
	h    hash.Hash
	want string // base64; "" until the trailer supplies it
}

// payloadChecks accumulates everything a request claims about its decoded
// payload and checks it when the payload ends.
type payloadChecks struct {
	sha     hash.Hash
	wantSHA [32]byte
	md5     hash.Hash
	wantMD5 []byte
	sums    []checksumWant
	trailer int // index into sums of the trailing checksum, -1 if none
	n       int64
	wantN   int64 // -1 when unknown
}

func (c *payloadChecks) write(p []byte) {
	c.n += int64(len(p))
	if c.sha != nil {
		c.sha.Write(p)
	}
	if c.md5 != nil {
		c.md5.Write(p)
	}
	for i := range c.sums {
		c.sums[i].h.Write(p)
	}
}

// finish compares the computed values with the promised ones, the order S3
// reports them in: length, payload hash, Content-MD5, then checksums.
func (c *payloadChecks) finish() error {
	if c.wantN >= 0 && c.n != c.wantN {
		return errIncompleteBody("You did not provide the number of bytes specified by the " +
			"x-amz-decoded-content-length (or Content-Length) header: want " +
			strconv.FormatInt(c.wantN, 10) + ", got " + strconv.FormatInt(c.n, 10))
	}
	if c.sha != nil {
		var got [32]byte
		c.sha.Sum(got[:0])
		if subtle.ConstantTimeCompare(got[:], c.wantSHA[:]) != 1 {
			return newError(CodeXAmzContentSHA256Mismatch, http.StatusBadRequest,
				"The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
	}
	if c.md5 != nil {
		if subtle.ConstantTimeCompare(c.md5.Sum(nil), c.wantMD5) != 1 {
			return errBadDigest("The Content-MD5 you specified did not match what we received.")
		}
	}
	for _, s := range c.sums {
		if s.want == "" {
			return errTrailer("missing trailing " + s.alg.HeaderName())
		}
		if ChecksumBase64(s.h) != s.want {
			// S3 answers BadDigest for a wrong x-amz-checksum-* value, with
			// this message (see aws/aws-sdk-ruby#3322).
			return errBadDigest("The " + string(s.alg) + " you specified did not match the calculated checksum.")
		}
	}
	return nil
}

// newChecks reads Content-MD5, x-amz-checksum-* (unless skipSums) and
// x-amz-trailer from req.
func newChecks(req *http.Request, payloadHash string, streaming, skipSums bool) (*payloadChecks, error) {
	c := &payloadChecks{trailer: -1, wantN: -1}
	if isHex64(payloadHash) {
		if _, err := hex.Decode(c.wantSHA[:], []byte(payloadHash)); err != nil {
			return nil, errInvalidRequest("invalid x-amz-content-sha256")
		}
		c.sha = sha256.New()
	}
	if v := req.Header.Get("Content-Md5"); v != "" {
		d, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(d) != md5.Size {
			return nil, newError(CodeInvalidDigest, http.StatusBadRequest, "The Content-MD5 you specified was invalid.")
		}
		c.md5, c.wantMD5 = md5.New(), d
	}
	for i, alg := range allAlgorithms {
		v := headerGet(req.Header, checksumHeaderKeys[i])
		if v == "" || skipSums {
			continue
		}
		h, _ := NewChecksum(alg)
		if d, err := base64.StdEncoding.DecodeString(v); err != nil || len(v) != alg.encodedLen() || len(d) != h.Size() {
			return nil, errInvalidRequest("Value for " + alg.HeaderName() + " header is invalid.")
		}
		c.sums = append(c.sums, checksumWant{alg: alg, h: h, want: v})
	}
	if t := req.Header.Get("X-Amz-Trailer"); t != "" {
		if !streaming {
			return nil, errInvalidRequest("x-amz-trailer requires an aws-chunked STREAMING-*-TRAILER payload")
		}
		name := strings.ToLower(strings.TrimSpace(t))
		alg, err := ParseChecksumAlgorithm(strings.TrimPrefix(name, "x-amz-checksum-"))
		if err != nil || !strings.HasPrefix(name, "x-amz-checksum-") {
			return nil, errInvalidRequest("the value specified in the x-amz-trailer header is not supported: " + t)
		}
		h, _ := NewChecksum(alg)
		c.trailer = len(c.sums)
		c.sums = append(c.sums, checksumWant{alg: alg, h: h})
	}
	return c, nil
}

// newPayloadReader wraps req.Body according to its payload hash. seed
// chains a streaming payload's signatures; it is nil for anonymous
// requests and for payloads that are not streamed. skipSums leaves
// x-amz-checksum-* headers unchecked (see checksumsDescribePayload).
func newPayloadReader(req *http.Request, payloadHash string, seed *chunkSigner, skipSums bool) (io.Reader, int64, error) {
	body := req.Body
	if body == nil {
		body = http.NoBody
	}
	if payloadHash == "" {
		payloadHash = req.Header.Get("X-Amz-Content-Sha256")
		if !isHex64(payloadHash) {
			payloadHash = UnsignedPayload
		}
	}
	streaming := payloadHash == StreamingPayload || payloadHash == StreamingPayloadTrailer ||
		payloadHash == StreamingUnsignedPayloadTrailer
	checks, err := newChecks(req, payloadHash, streaming, skipSums)
	if err != nil {
		return nil, 0, err
	}
	if !streaming {
		checks.wantN = req.ContentLength
		if checks.sha == nil && checks.md5 == nil && len(checks.sums) == 0 {
			return body, req.ContentLength, nil
		}
		return &plainReader{r: body, checks: checks}, req.ContentLength, nil
	}
	if seed == nil {
		return nil, 0, errInvalidRequest("a streaming payload requires a signed request")
	}
	if v := req.Header.Get("X-Amz-Decoded-Content-Length"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, 0, errInvalidRequest("invalid x-amz-decoded-content-length")
		}
		checks.wantN = n
	}
	if payloadHash != StreamingPayload && checks.trailer < 0 {
		return nil, 0, errInvalidRequest("a " + payloadHash + " payload requires an x-amz-trailer header")
	}
	cr := newChunkedReader(body, checks, seed, payloadHash != StreamingUnsignedPayloadTrailer,
		payloadHash != StreamingPayload)
	return cr, checks.wantN, nil
}

// plainReader checks a non-chunked payload as it streams by; the verdict
// comes with EOF.
type plainReader struct {
	r      io.Reader
	checks *payloadChecks
	err    error
}

func (p *plainReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.r.Read(b)
	p.checks.write(b[:n])
	if err == io.EOF {
		if cerr := p.checks.finish(); cerr != nil {
			p.err = cerr
			return n, cerr
		}
		p.err = io.EOF
	} else if err != nil {
		p.err = err
	}
	return n, err
}

// ContentEncoding returns h's Content-Encoding without the aws-chunked
// token: aws-chunked describes the upload framing, not the object, so S3
// stores (and later returns) only the rest ("aws-chunked,gzip" → "gzip").
func ContentEncoding(h http.Header) string {
	var keep []string
	for _, v := range h.Values("Content-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			if p := strings.TrimSpace(part); p != "" && !strings.EqualFold(p, "aws-chunked") {
				keep = append(keep, p)
			}
		}
	}
	return strings.Join(keep, ",")
}

// headerGet is h.Get for a name already in canonical form.
func headerGet(h http.Header, canonical string) string {
	if v := h[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}
