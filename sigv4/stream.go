package sigv4

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

const (
	defaultChunkSize = 64 << 10
	trailerSigName   = "x-amz-trailer-signature"
)

// SignStreaming prepares req to send body (decoded length size, -1 if
// unknown) as an aws-chunked stream: it sets Content-Encoding,
// X-Amz-Decoded-Content-Length, X-Amz-Trailer and req.ContentLength, signs the
// headers with the matching streaming payload hash (in.PayloadHash is
// ignored), and sets req.Body to a reader that frames (and, when
// opts.Signed, signs) each chunk and the trailer. The body cannot be
// replayed: to retry, call SignStreaming again with a fresh body.
func (s *Signer) SignStreaming(req *http.Request, in SignInput, body io.Reader, size int64, opts ChunkedOptions) error {
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = defaultChunkSize
	}
	if opts.ChunkSize > maxChunkSize {
		return errors.New("sigv4: chunk size above " + strconv.Itoa(maxChunkSize))
	}
	var sum hash.Hash
	if opts.Trailer != "" {
		h, err := NewChecksum(opts.Trailer)
		if err != nil {
			return err
		}
		sum = h
	}
	switch {
	case opts.Signed && sum == nil:
		in.PayloadHash = StreamingPayload
	case opts.Signed:
		in.PayloadHash = StreamingPayloadTrailer
	case sum != nil:
		in.PayloadHash = StreamingUnsignedPayloadTrailer
	default:
		return errors.New("sigv4: an unsigned aws-chunked body needs a trailing checksum")
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if ce := req.Header.Get("Content-Encoding"); ce == "" {
		req.Header.Set("Content-Encoding", "aws-chunked")
	} else if !strings.Contains(ce, "aws-chunked") {
		req.Header.Set("Content-Encoding", "aws-chunked,"+ce)
	}
	if size >= 0 {
		req.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(size, 10))
		req.ContentLength = EncodedLength(size, opts)
	} else {
		req.Header.Del("X-Amz-Decoded-Content-Length")
		req.ContentLength = -1
	}
	if sum != nil {
		req.Header.Set("X-Amz-Trailer", opts.Trailer.HeaderName())
	} else {
		req.Header.Del("X-Amz-Trailer")
	}
	seed, err := s.Sign(req, in)
	if err != nil {
		return err
	}
	chunk := opts.ChunkSize
	if size >= 0 && size < int64(chunk) {
		chunk = max(int(size), 1) // a small body needs no full-size buffer
	}
	enc := &chunkEncoder{src: body, want: size, chunk: make([]byte, chunk), sum: sum, alg: opts.Trailer}
	if size >= 0 {
		enc.src = io.LimitReader(body, size+1)
	}
	if opts.Signed {
		amzDate := req.Header.Get("X-Amz-Date")
		key := s.cache.get(in.Credentials.SecretAccessKey, amzDate[:8], in.Region, in.Service)
		enc.signer = &chunkSigner{key: key, amzDate: amzDate,
			scope: string(appendScope(nil, amzDate[:8], in.Region, in.Service))}
		copy(enc.signer.prev[:], seed)
	}
	req.Body = io.NopCloser(enc)
	req.GetBody = nil
	return nil
}

// EncodedLength returns the aws-chunked wire length of a decoded body of
// size bytes sent with opts (the Content-Length SignStreaming sets).
func EncodedLength(size int64, opts ChunkedOptions) int64 {
	cs := int64(opts.ChunkSize)
	if cs <= 0 {
		cs = defaultChunkSize
	}
	sigLen := int64(0)
	if opts.Signed {
		sigLen = int64(len(chunkSigPrefix) + 64)
	}
	chunk := func(n int64) int64 {
		l := int64(len(strconv.FormatInt(n, 16))) + sigLen + 2
		if n > 0 {
			l += n + 2
		}
		return l
	}
	total := (size / cs) * chunk(cs)
	if r := size % cs; r > 0 {
		total += chunk(r)
	}
	total += chunk(0)
	if opts.Trailer != "" {
		total += int64(len(opts.Trailer.HeaderName())+1+opts.Trailer.encodedLen()) + 2
		if opts.Signed {
			total += int64(len(trailerSigName)+1+64) + 2
		}
	}
	return total + 2
}

// chunkEncoder frames a body as aws-chunked, one chunk at a time. A
// chunk goes out as three pieces (framing before, the data itself, framing
// after), so the data is never copied into a second buffer.
type chunkEncoder struct {
	src    io.Reader
	want   int64 // decoded size promised, -1 if unknown
	read   int64
	chunk  []byte
	head   []byte // chunk-size line (and signature) before the data
	tail   []byte // CRLF after the data, or the final chunk and trailer
	out    [3][]byte
	signer *chunkSigner // nil for unsigned chunks
	sum    hash.Hash
	alg    ChecksumAlgorithm
	done   bool
	err    error
}

// Read implements io.Reader. One call fills p across the pieces of the
// current chunk, so a caller's write is never just the framing.
func (e *chunkEncoder) Read(p []byte) (int, error) {
	for {
		n := 0
		for i := range e.out {
			k := copy(p[n:], e.out[i])
			e.out[i] = e.out[i][k:]
			n += k
		}
		if n > 0 || len(p) == 0 {
			return n, nil
		}
		if e.err != nil {
			return 0, e.err
		}
		if e.done {
			return 0, io.EOF
		}
		e.err = e.fill()
	}
}

// fill encodes the next chunk (or the final chunk and trailer) into out.
func (e *chunkEncoder) fill() error {
	n, err := io.ReadFull(e.src, e.chunk)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	data := e.chunk[:n]
	e.read += int64(n)
	if e.want >= 0 && e.read > e.want {
		return errors.New("sigv4: body longer than the declared " + strconv.FormatInt(e.want, 10) + " bytes")
	}
	if n > 0 {
		if e.sum != nil {
			e.sum.Write(data)
		}
		e.head = e.appendChunkHeader(e.head[:0], data)
		e.tail = append(e.tail[:0], "\r\n"...)
		e.out = [3][]byte{e.head, data, e.tail}
		return nil
	}
	if e.want >= 0 && e.read != e.want {
		return errors.New("sigv4: body shorter than the declared " + strconv.FormatInt(e.want, 10) + " bytes")
	}
	e.done = true
	out := e.appendChunkHeader(e.tail[:0], nil)
	if e.sum != nil {
		start := len(out)
		out = append(out, e.alg.HeaderName()...)
		out = append(out, ':')
		out = append(out, ChecksumBase64(e.sum)...)
		out = append(out, '\n')
		var sig [64]byte
		if e.signer != nil {
			// The trailer signature covers "name:value\n".
			h := sha256.Sum256(out[start:])
			sig = e.signer.sign(chunkTrailerAlg, &h)
		}
		out[len(out)-1] = '\r'
		out = append(out, '\n')
		if e.signer != nil {
			out = append(out, trailerSigName+":"...)
			out = append(out, sig[:]...)
			out = append(out, "\r\n"...)
		}
	}
	out = append(out, "\r\n"...)
	e.tail = out
	e.out = [3][]byte{out}
	return nil
}

// appendChunkHeader appends the size line of a chunk holding data (with
// its signature when chunks are signed).
func (e *chunkEncoder) appendChunkHeader(b, data []byte) []byte {
	b = strconv.AppendInt(b, int64(len(data)), 16)
	if e.signer != nil {
		h := sha256.Sum256(data)
		sig := e.signer.sign(chunkPayloadAlg, &h)
		b = append(b, chunkSigPrefix...)
		b = append(b, sig[:]...)
	}
	return append(b, "\r\n"...)
}
