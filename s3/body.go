package s3

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net/http"

	"github.com/s3kit/s3kit/sigv4"
)

// payloadMode is how a request body travels.
type payloadMode int

const (
	modeEmpty   payloadMode = iota
	modeHeader              // Content-Length body; hash and checksum in headers
	modeTrailer             // aws-chunked with a trailing x-amz-checksum-crc32
	modeChunked             // aws-chunked with signed chunks, no trailer
)

// smallBody is the largest rewindable body that a loopback endpoint gets
// with its CRC32 in a header (one read to hash, one to send) rather than
// in an aws-chunked trailer (one read): a plain Content-Length body is
// cheaper for the server to receive (about a quarter less server CPU per
// 64 KiB file), while large parts are better read only once.
const smallBody = 1 << 20

// payload is a prepared request body.
type payload struct {
	mode     payloadMode
	body     io.Reader
	size     int64
	seeker   io.Seeker // non-nil when the body can be rewound for a retry
	start    int64
	hash     string // X-Amz-Content-Sha256 for modeHeader
	checksum string // base64 CRC32 header value, modeHeader only
	md5      string // base64 Content-Md5, computed or given by the caller
	signed   bool   // modeTrailer: sign chunks (plain http)
}

func (p *payload) replayable() bool { return p.mode == modeEmpty || p.seeker != nil }

func (p *payload) rewind() error {
	if p.seeker == nil {
		return nil
	}
	_, err := p.seeker.Seek(p.start, io.SeekStart)
	return err
}

// maxBufferedBody bounds how much of an unknown-length body is read into
// memory (S3's single PUT limit); larger streams need multipart uploads.
const maxBufferedBody = 5 << 30

// preparePayload decides how cl.body is sent. Every upload carries an
// integrity check the server verifies, and the client keeps what it needs
// to check the response (checkStored):
//
//   - To endpoints known to verify checksums and decode aws-chunked (AWS by
//     hostname, s3kit by its X-S3kit-Integrity header: Quirks.Verifies),
//     bodies go as botocore sends them: over https PutObject/UploadPart
//     bodies are STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer;
//     over http the body is SHA-256 signed and its CRC32 sent as a header.
//   - To any other endpoint the body is plain (Content-Length, no
//     aws-chunked framing, which such a server might store as data), with
//     Content-MD5, which every S3 server verifies, a CRC32 header where the
//     row accepts one, and the returned ETag is compared with the MD5. A
//     body that cannot be rewound is read into memory first, as one of
//     unknown length always is.
//
// One departure from botocore: a loopback endpoint (127.0.0.0/8, ::1,
// localhost) is treated like https. No network lies between the two ends,
// so signing the body's SHA-256 protects against nothing the verified
// CRC32 or Content-MD5 does not already catch, and it costs a second read
// of the body on the client and a SHA-256 pass on both sides (about a fifth
// of a local server's CPU per uploaded byte). Headers, including the
// checksum algorithm, are still signed. A body is sent with UNSIGNED-PAYLOAD
// only together with such a checksum; without one it stays SHA-256 signed.
// On loopback a rewindable body up to smallBody carries its CRC32 in a
// header; larger ones stream with the trailer.
func (c *Client) preparePayload(cl *call, signed bool) (*payload, error) {
	q := c.Quirks()
	userMD5 := cl.header.Get("Content-Md5")
	// wantMD5: the upload goes to a server not known to verify checksums,
	// or unsigned (anonymous), where Content-MD5 is the check it verifies
	// and the ETag the one the client can make.
	wantMD5 := cl.requireMD5 || (cl.checksum && (!q.Verifies || !signed))
	if userMD5 != "" {
		wantMD5 = false
	}
	if cl.body == nil {
		p := &payload{mode: modeEmpty, hash: sigv4.EmptyPayloadHash, md5: userMD5}
		if wantMD5 {
			sum := md5.Sum(nil)
			p.md5 = base64.StdEncoding.EncodeToString(sum[:])
		}
		return p, nil
	}
	p := &payload{body: cl.body, size: cl.size, md5: userMD5}
	if s, ok := cl.body.(io.Seeker); ok {
		start, err := s.Seek(0, io.SeekCurrent)
		if err == nil {
			p.seeker, p.start = s, start
			if p.size < 0 {
				end, err := s.Seek(0, io.SeekEnd)
				if err != nil {
					return nil, fmt.Errorf("measure body: %w", err)
				}
				p.size = end - start
				if _, err := s.Seek(start, io.SeekStart); err != nil {
					return nil, fmt.Errorf("measure body: %w", err)
				}
			}
		}
	}
	if p.size < 0 {
		if l, ok := cl.body.(interface{ Len() int }); ok {
			p.size = int64(l.Len())
		}
	}
	wantCRC := cl.checksum && c.reqChecksum == WhenSupported && (q.Trailers || q.ChecksumHeaders)
	https := c.endpoint.Scheme == "https"
	private := https || c.loopback
	// streams: the body may travel aws-chunked (only to servers that
	// decode it, and only when signed or with a verified trailer).
	trailer := wantCRC && q.Trailers && signed && !wantMD5
	streams := trailer || (q.ChunkedSigned && signed && !wantMD5)
	if p.seeker == nil && (p.size < 0 || !streams) {
		if err := p.buffer(cl.body); err != nil {
			return nil, err
		}
	}
	switch {
	case trailer && (p.seeker == nil || https || (c.loopback && p.size > smallBody)):
		p.mode, p.signed = modeTrailer, !private
		return p, nil
	case p.seeker != nil:
		return p, c.hashSeekable(cl, p, private, wantCRC, wantMD5)
	default: // streams: signed chunks
		p.mode = modeChunked
	}
	return p, nil
}

// buffer reads a body that cannot be rewound into memory: p.size bytes
// when known, else up to maxBufferedBody.
func (p *payload) buffer(r io.Reader) error {
	limit := int64(maxBufferedBody)
	if p.size >= 0 {
		if p.size > maxBufferedBody {
			return errors.New("a body that cannot be rewound is read into memory, and this one exceeds 5 GiB: use a multipart upload or a seekable body")
		}
		limit = p.size
	}
	buf, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	switch {
	case p.size < 0 && int64(len(buf)) > maxBufferedBody:
		return errors.New("body of unknown length exceeds 5 GiB: use a multipart upload")
	case p.size >= 0 && int64(len(buf)) != p.size:
		return fmt.Errorf("body is not its declared length of %d bytes", p.size)
	}
	rd := bytes.NewReader(buf)
	p.body, p.seeker, p.start, p.size = rd, rd, 0, int64(len(buf))
	return nil
}

// hashBufSize is the unit in which hashSeekable reads a body: a 64 KiB
// file in one read, and no 32 KiB buffer allocated per request as io.Copy
// would (a recursive upload of small files spent a tenth of its CPU in
// the garbage collector).
const hashBufSize = 256 << 10

// hashSeekable reads a rewindable body once to compute what its headers
// need (SHA-256, CRC32, MD5), then rewinds it. The payload goes unsigned
// only over a private connection and with a checksum the server verifies
// (a CRC32 to a Verifies row, or Content-MD5).
func (c *Client) hashSeekable(cl *call, p *payload, private, wantCRC, wantMD5 bool) error {
	p.mode = modeHeader
	var ws []io.Writer
	var sha, crc, sum hash.Hash
	if private && cl.checksum && (wantCRC || wantMD5 || p.md5 != "") {
		p.hash = sigv4.UnsignedPayload // botocore: TLS protects large bodies
	} else {
		sha = sha256.New()
		ws = append(ws, sha)
	}
	if wantCRC {
		crc = crc32.NewIEEE()
		ws = append(ws, crc)
	}
	if wantMD5 {
		sum = md5.New()
		ws = append(ws, sum)
	}
	if len(ws) == 0 {
		return nil
	}
	bp, _ := c.hashBufs.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, hashBufSize)
		bp = &b
	}
	n, err := io.CopyBuffer(io.MultiWriter(ws...), io.LimitReader(p.body, p.size), *bp)
	c.hashBufs.Put(bp)
	if err != nil {
		return fmt.Errorf("hash body: %w", err)
	}
	if n != p.size {
		return fmt.Errorf("body is %d bytes, shorter than its declared length %d", n, p.size)
	}
	if err := p.rewind(); err != nil {
		return fmt.Errorf("rewind body: %w", err)
	}
	if sha != nil {
		p.hash = hex.EncodeToString(sha.Sum(nil))
	}
	if crc != nil {
		p.checksum = base64.StdEncoding.EncodeToString(crc.Sum(nil))
	}
	if sum != nil {
		p.md5 = base64.StdEncoding.EncodeToString(sum.Sum(nil))
	}
	return nil
}

// sign attaches p to req and signs it (or leaves it unsigned when
// anonymous).
func (c *Client) sign(req *http.Request, p *payload, creds sigv4.Credentials, signed bool, region string) error {
	in := sigv4.SignInput{Credentials: creds, Service: "s3", Region: region, Time: c.now(), PayloadHash: p.hash}
	if p.md5 != "" {
		req.Header.Set("Content-Md5", p.md5)
	}
	var body io.Reader
	if p.mode != modeEmpty {
		body = io.LimitReader(p.body, p.size)
	}
	switch p.mode {
	case modeTrailer, modeChunked:
		if signed {
			opts := sigv4.ChunkedOptions{Signed: p.mode == modeChunked || p.signed}
			if p.mode == modeTrailer {
				opts.Trailer = sigv4.CRC32
				req.Header.Set("X-Amz-Sdk-Checksum-Algorithm", string(sigv4.CRC32))
			}
			return c.signer.SignStreaming(req, in, body, p.size, opts)
		}
		in.PayloadHash = sigv4.UnsignedPayload
	case modeHeader:
		if p.checksum != "" {
			req.Header.Set("X-Amz-Checksum-Crc32", p.checksum)
			req.Header.Set("X-Amz-Sdk-Checksum-Algorithm", string(sigv4.CRC32))
		}
	}
	req.ContentLength = p.size
	if p.mode == modeEmpty || p.size == 0 {
		req.ContentLength, req.Body = 0, http.NoBody
	} else {
		req.Body = io.NopCloser(body)
	}
	if !signed {
		return nil
	}
	_, err := c.signer.Sign(req, in)
	return err
}

// newHash returns a hasher for a response checksum algorithm.
func newHash(alg string) (hash.Hash, error) {
	switch alg {
	case "CRC32":
		return crc32.NewIEEE(), nil
	case "CRC32C":
		return crc32.New(crc32.MakeTable(crc32.Castagnoli)), nil
	case "SHA1":
		return sha1.New(), nil
	case "SHA256":
		return sha256.New(), nil
	}
	return sigv4.NewChecksum(sigv4.ChecksumAlgorithm(alg))
}
