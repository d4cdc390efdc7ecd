package sigv4

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"hash"
	"io"
	"strconv"
	"strings"
)

const (
	chunkPayloadAlg = "AWS4-HMAC-SHA256-PAYLOAD"
	chunkTrailerAlg = "AWS4-HMAC-SHA256-TRAILER"
	// maxChunkSize bounds a chunk's declared size. S3 clients use 8 KiB
	// to 1 MiB chunks; memory does not depend on it, since chunks larger
	// than the read buffer stream through.
	maxChunkSize = 16 << 20
	// chunkReadBuffer is the one buffer a chunked reader holds: a chunk
	// that fits (the usual 64 KiB) is verified before any of it is
	// released; a larger one streams through it.
	chunkReadBuffer = 64<<10 + 4<<10
	// maxTrailerBytes bounds the trailing headers.
	maxTrailerBytes = 16 << 10
	chunkSigPrefix  = ";chunk-signature="
)

// chunkSigner chains chunk and trailer signatures from the seed signature.
type chunkSigner struct {
	key       [32]byte
	amzDate   string
	scope     string
	accessKey string
	prev      [64]byte // hex of the previous signature (the seed at first)
}

// appendChunkSTS appends the string to sign for a chunk (alg
// chunkPayloadAlg, h = SHA-256 of the chunk data) or a trailer (alg
// chunkTrailerAlg, h = SHA-256 of the canonical trailer).
func (c *chunkSigner) appendSTS(b []byte, alg string, h *[32]byte) []byte {
	b = append(b, alg...)
	b = append(b, '\n')
	b = append(b, c.amzDate...)
	b = append(b, '\n')
	b = append(b, c.scope...)
	b = append(b, '\n')
	b = append(b, c.prev[:]...)
	b = append(b, '\n')
	if alg == chunkPayloadAlg {
		b = append(b, EmptyPayloadHash...)
		b = append(b, '\n')
	}
	return appendHex(b, h[:])
}

// sign computes the next signature in the chain and makes it the previous one.
func (c *chunkSigner) sign(alg string, h *[32]byte) [64]byte {
	var arr [320]byte
	sig := hmacSum(&c.key, c.appendSTS(arr[:0], alg, h))
	var out [64]byte
	appendHex(out[:0], sig[:])
	c.prev = out
	return out
}

// verify checks a provided chunk or trailer signature in constant time and
// advances the chain.
func (c *chunkSigner) verify(alg string, h *[32]byte, provided []byte) error {
	var arr [320]byte
	sts := c.appendSTS(arr[:0], alg, h)
	sig := hmacSum(&c.key, sts)
	var want [64]byte
	appendHex(want[:0], sig[:])
	if subtle.ConstantTimeCompare(want[:], provided) != 1 {
		return errChunkSignature(c.accessKey, string(sts), string(provided))
	}
	c.prev = want
	return nil
}

// chunkedReader decodes an aws-chunked body in fixed memory.
//
// A signed chunk that fits in the read buffer is verified before any of
// its bytes is released, so a tampered chunk never reaches the caller. A
// larger chunk streams: its bytes are hashed as they are handed over, and
// its last byte is held back until the chunk's signature has been checked
// at its end. If the check fails, Read returns the error instead of that
// byte, so a caller that stores the body sees a failed read before it has
// the whole body, and commits nothing (storage.Backend discards a put
// whose body read fails). Unsigned chunks stream through.
type chunkedReader struct {
	r        *bufio.Reader
	checks   *payloadChecks
	sig      *chunkSigner
	signed   bool
	trailers bool
	buf      []byte // verified bytes of the current signed chunk (may alias r's buffer)
	discard  int    // bytes of r to discard once buf is consumed
	off      int
	left     int64 // unread bytes of the current unsigned chunk
	// A signed chunk larger than r's buffer: sleft bytes still to stream
	// before its held-back last byte, the hash of its data so far, and
	// the signature it claims.
	sleft    int64
	held     bool // the chunk's last byte is still to read and verify
	hash     hash.Hash
	provided [64]byte
	last     [1]byte
	done     bool
	err      error
}

func newChunkedReader(body io.Reader, checks *payloadChecks, sig *chunkSigner, signed, trailers bool) *chunkedReader {
	return &chunkedReader{r: bufio.NewReaderSize(body, chunkReadBuffer), checks: checks, sig: sig, signed: signed, trailers: trailers}
}

// streamSigned returns up to max bytes of a streaming signed chunk from
// r's buffer (valid until the next read), hashed and checked; the caller
// consumes them with r.Discard(len). At the chunk's end it reads, hashes
// and verifies the held-back last byte and releases it into buf.
func (c *chunkedReader) streamSigned(max int) ([]byte, error) {
	if c.sleft > 0 {
		n := int(min(c.sleft, int64(max), int64(c.r.Size())))
		p, err := c.r.Peek(n)
		if len(p) == 0 {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if len(p) < n {
			// Hand over what is buffered; the next call reads on.
			n = len(p)
		}
		p = p[:n]
		c.hash.Write(p)
		c.checks.write(p)
		c.sleft -= int64(n)
		return p, nil
	}
	// Only the last byte is left: read it and the CRLF, verify the chunk,
	// and only then release the byte.
	c.held = false
	if _, err := io.ReadFull(c.r, c.last[:]); err != nil {
		return nil, err
	}
	c.hash.Write(c.last[:])
	var h [32]byte
	c.hash.Sum(h[:0])
	if err := c.sig.verify(chunkPayloadAlg, &h, c.provided[:]); err != nil {
		return nil, err
	}
	if err := c.readCRLF(); err != nil {
		return nil, err
	}
	c.checks.write(c.last[:])
	c.buf, c.off = c.last[:], 0
	return nil, nil
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, c.err
	}
	for {
		if c.err != nil {
			return 0, c.err
		}
		if c.off < len(c.buf) {
			n := copy(p, c.buf[c.off:])
			c.off += n
			return n, nil
		}
		if c.held {
			b, err := c.streamSigned(len(p))
			if err != nil {
				c.fail(err)
				continue
			}
			n := copy(p, b)
			if _, err := c.r.Discard(n); err != nil {
				c.fail(err)
			}
			if n > 0 {
				return n, nil
			}
			continue
		}
		if c.left > 0 {
			if int64(len(p)) > c.left {
				p = p[:c.left]
			}
			n, err := c.r.Read(p)
			c.checks.write(p[:n])
			c.left -= int64(n)
			if err == io.EOF || (err == nil && n == 0) {
				err = io.ErrUnexpectedEOF
			}
			if c.left == 0 && err == nil {
				err = c.readCRLF()
			}
			if err != nil {
				c.fail(err)
			}
			return n, nil
		}
		if c.done {
			return 0, io.EOF
		}
		c.fail(c.next())
	}
}

// WriteTo writes the decoded payload to w, handing each verified chunk
// over without another copy (io.Copy uses it). It stops at the first
// failed check with the same *Error Read would return.
func (c *chunkedReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	var scratch []byte
	for {
		switch {
		case c.off < len(c.buf) && c.err == nil:
			n, err := w.Write(c.buf[c.off:])
			c.off += n
			total += int64(n)
			if err != nil {
				return total, err
			}
		case c.held && c.err == nil:
			// Straight from r's buffer to w: no copy, fixed memory.
			b, err := c.streamSigned(c.r.Size())
			if err != nil {
				c.fail(err)
				continue
			}
			n, werr := w.Write(b)
			total += int64(n)
			if _, err := c.r.Discard(len(b)); err != nil {
				c.fail(err)
			}
			if werr != nil {
				return total, werr
			}
		case c.left > 0 && c.err == nil:
			if scratch == nil {
				scratch = make([]byte, min(c.left, 64<<10))
			}
			n, _ := c.Read(scratch)
			if _, err := w.Write(scratch[:n]); err != nil {
				return total, err
			}
			total += int64(n)
		case c.err != nil:
			return total, c.err
		case c.done:
			return total, nil
		default:
			c.fail(c.next())
		}
	}
}

// fail records the first error, mapping truncation to IncompleteBody.
func (c *chunkedReader) fail(err error) {
	if err == nil || c.err != nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errIncompleteBody("the aws-chunked body ended early")
		}
	}
	c.err = err
}

func (c *chunkedReader) readCRLF() error {
	var crlf [2]byte
	if _, err := io.ReadFull(c.r, crlf[:]); err != nil {
		return err
	}
	if crlf != [2]byte{'\r', '\n'} {
		return errInvalidRequest("aws-chunked chunk data is not followed by CRLF")
	}
	return nil
}

// readLine returns one CRLF-terminated line without the CRLF; it is valid
// until the next read.
func (c *chunkedReader) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, errInvalidRequest("aws-chunked line too long")
	}
	if err != nil {
		return nil, err
	}
	line = bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'})
	return line, nil
}

// next reads the next chunk header and, for signed chunks, the whole chunk.
func (c *chunkedReader) next() error {
	if c.discard > 0 {
		// The peeked chunk has been consumed; only now may r move on.
		if _, err := c.r.Discard(c.discard); err != nil {
			return err
		}
		c.discard = 0
	}
	c.buf, c.off = nil, 0 // consumed
	line, err := c.readLine()
	if err != nil {
		return err
	}
	sizeHex, ext, _ := bytes.Cut(line, []byte{';'})
	size, err := strconv.ParseInt(string(sizeHex), 16, 64)
	if err != nil || size < 0 || len(sizeHex) == 0 {
		return errInvalidRequest("invalid aws-chunked chunk size " + strconv.Quote(string(sizeHex)))
	}
	if size > maxChunkSize {
		return errInvalidRequest("aws-chunked chunk larger than " + strconv.Itoa(maxChunkSize) + " bytes")
	}
	var provided [64]byte
	if c.signed {
		sig, ok := bytes.CutPrefix(ext, []byte("chunk-signature="))
		if !ok || len(sig) != 64 {
			return errInvalidRequest("aws-chunked chunk without a chunk-signature")
		}
		copy(provided[:], sig)
	}
	if !c.signed {
		if size == 0 {
			return c.end()
		}
		c.left = size
		return nil
	}
	c.off = 0
	if size+2 > int64(c.r.Size()) {
		if c.hash == nil {
			c.hash = sha256.New()
		}
		c.hash.Reset()
		c.provided = provided
		c.sleft, c.held = size-1, true
		c.buf = nil
		return nil
	}
	data, err := c.readChunkData(size)
	if err != nil {
		c.buf = nil
		return err
	}
	h := sha256.Sum256(data)
	if err := c.sig.verify(chunkPayloadAlg, &h, provided[:]); err != nil {
		c.buf = nil
		return err
	}
	if size == 0 {
		return c.end()
	}
	if c.discard == 0 {
		if err := c.readCRLF(); err != nil {
			return err
		}
	}
	c.checks.write(data)
	c.buf = data // released only now that the signature checked out
	return nil
}

// readChunkData returns the size bytes of a signed chunk that fits in r's
// buffer, peeked in place with its CRLF checked, and discarded once
// consumed: no copy.
func (c *chunkedReader) readChunkData(size int64) ([]byte, error) {
	p, err := c.r.Peek(int(size) + 2)
	if err != nil {
		return nil, err
	}
	if size > 0 && (p[size] != '\r' || p[size+1] != '\n') {
		return nil, errInvalidRequest("aws-chunked chunk data is not followed by CRLF")
	}
	if size > 0 {
		c.discard = int(size) + 2
	} else {
		c.discard = 0 // the final chunk's CRLF belongs to the trailer section
	}
	return p[:size], nil
}

// end reads the trailing headers after the final chunk, checks the
// trailer signature, and runs the payload checks.
func (c *chunkedReader) end() error {
	c.done = true
	var canon []byte
	var trailerSig []byte
	total := 0
	for {
		line, err := c.readLine()
		if err == io.EOF && len(line) == 0 {
			break // tolerate a missing final CRLF
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			if c.signed && c.trailers && trailerSig == nil && len(canon) > 0 {
				// minio-go ends a signed trailer with "\n\r\n", leaving an
				// empty line before x-amz-trailer-signature.
				continue
			}
			break
		}
		total += len(line)
		if total > maxTrailerBytes {
			return errTrailer("trailer too long")
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok {
			return errTrailer("malformed trailer line")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			trailerSig = []byte(value)
			continue
		}
		if !c.trailers {
			return errTrailer("unexpected trailer " + name)
		}
		canon = append(canon, name...)
		canon = append(canon, ':')
		canon = append(canon, value...)
		canon = append(canon, '\n')
		if c.checks.trailer >= 0 && name == c.checks.sums[c.checks.trailer].alg.HeaderName() {
			c.checks.sums[c.checks.trailer].want = value
		}
	}
	if c.signed && c.trailers {
		if trailerSig == nil {
			return errTrailer("missing x-amz-trailer-signature")
		}
		h := sha256.Sum256(canon)
		if err := c.sig.verify(chunkTrailerAlg, &h, trailerSig); err != nil {
			return err
		}
	}
	return c.checks.finish()
}
