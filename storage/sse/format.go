package sse

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/s3kit/s3kit/storage"
)

// The sealed format of one stream (a single-PUT object, or one part of a
// multipart object):
//
//	header   32 bytes: "s3ke", a version byte (1), 3 zero bytes, 24 random salt bytes
//	packages PackageSize plaintext bytes each (the last may be shorter, and
//	         an empty stream has one empty package), each sealed with
//	         AES-256-GCM and followed by its 16-byte tag
//
// Each stream has its own key, HMAC-SHA256(data key, salt), so a part
// uploaded again under the same data key never reuses a (key, nonce)
// pair. Package i's nonce is 4 zero bytes then i as 8 big-endian bytes,
// and its additional data is one byte, 1 for the last package and 0
// otherwise: a package moved, dropped, or cut off the end fails to open.
// This is the STREAM construction DARE and age use; it is written here
// rather than imported so its layout is exactly what the stored sizes
// assume.
const (
	// PackageSize is the plaintext size of a package: a ranged GET
	// decrypts only the packages its range touches.
	PackageSize = 64 << 10
	headerSize  = 32
	tagSize     = 16
	sealedSize  = PackageSize + tagSize
)

var magic = [5]byte{'s', '3', 'k', 'e', 1}

// SealedSize is the stored size of a stream of n plaintext bytes.
func SealedSize(n int64) int64 {
	packages := (n + PackageSize - 1) / PackageSize
	if packages == 0 {
		packages = 1
	}
	return headerSize + n + packages*tagSize
}

// PlainSize is the plaintext size of a stream stored in n bytes; ok is
// false when no plaintext size seals to n.
func PlainSize(n int64) (size int64, ok bool) {
	m := n - headerSize
	if m < tagSize {
		return 0, false
	}
	full, rem := m/sealedSize, m%sealedSize
	switch {
	case rem == 0:
		return full * PackageSize, true
	case rem < tagSize || (full > 0 && rem == tagSize):
		// A short package must hold at least one byte unless it is the
		// only one.
		return 0, false
	}
	return full*PackageSize + rem - tagSize, true
}

// streamKey derives the AEAD of one stream from the data key and its salt.
func streamKey(dataKey, salt []byte) (cipher.AEAD, error) {
	mac := hmac.New(sha256.New, dataKey)
	mac.Write(salt)
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func nonce(i int64) []byte {
	var n [12]byte
	binary.BigEndian.PutUint64(n[4:], uint64(i))
	return n[:]
}

var (
	aadMore  = []byte{0}
	aadFinal = []byte{1}
)

// sealer is a reader of the sealed form of the plaintext it reads from r.
type sealer struct {
	r      io.Reader
	aead   cipher.AEAD
	plain  []byte // PackageSize buffer
	out    []byte // sealed bytes not yet returned
	outBuf []byte
	next   int64 // index of the next package
	// pending holds one byte read ahead, to know whether a full package
	// is the last one.
	pending []byte
	done    bool
	err     error
}

// newSealer seals r under dataKey with a fresh random salt.
func newSealer(r io.Reader, dataKey []byte) (*sealer, error) {
	var header [headerSize]byte
	copy(header[:], magic[:])
	if _, err := rand.Read(header[8:]); err != nil {
		return nil, err
	}
	aead, err := streamKey(dataKey, header[8:])
	if err != nil {
		return nil, err
	}
	s := &sealer{r: r, aead: aead, plain: make([]byte, PackageSize+1), outBuf: make([]byte, 0, sealedSize)}
	s.out = append(s.outBuf[:0:0], header[:]...)
	return s, nil
}

func (s *sealer) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		if s.done {
			return 0, io.EOF
		}
		s.fill()
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

// fill seals the next package into out.
func (s *sealer) fill() {
	buf := s.plain
	n := copy(buf, s.pending)
	s.pending = nil
	// Read one byte past the package: if it exists, this package is not
	// the last.
	m, err := io.ReadFull(s.r, buf[n:])
	n += m
	final := false
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		final = true
	default:
		s.err = err
		return
	}
	if !final {
		s.pending = append(s.pending[:0:0], buf[PackageSize])
		n = PackageSize
	}
	aad := aadMore
	if final {
		aad = aadFinal
		s.done = true
	}
	s.out = s.aead.Seal(s.outBuf[:0], nonce(s.next), buf[:n], aad)
	s.next++
}

// stream is one sealed stream inside an object's stored bytes.
type stream struct {
	off, sealed int64 // where it starts in the stored bytes, and its stored size
	plainOff    int64 // where its plaintext starts in the object
	plain       int64 // its plaintext size
	aead        cipher.AEAD
}

// openStream reads a stream's header at off in r and derives its key.
func openStream(r io.ReaderAt, off, sealed, plainOff int64, dataKey []byte) (*stream, error) {
	plain, ok := PlainSize(sealed)
	if !ok {
		return nil, fmt.Errorf("%w: sealed stream of %d bytes", storage.ErrCorrupt, sealed)
	}
	var header [headerSize]byte
	if _, err := r.ReadAt(header[:], off); err != nil {
		return nil, fmt.Errorf("read encryption header: %w", err)
	}
	if [5]byte(header[:5]) != magic {
		return nil, fmt.Errorf("%w: not an encrypted stream", storage.ErrCorrupt)
	}
	aead, err := streamKey(dataKey, header[8:])
	if err != nil {
		return nil, err
	}
	return &stream{off: off, sealed: sealed, plainOff: plainOff, plain: plain, aead: aead}, nil
}

// packages is the number of packages in the stream.
func (st *stream) packages() int64 {
	n := (st.plain + PackageSize - 1) / PackageSize
	return max(n, 1)
}

// open decrypts package i of the stream into dst (capacity sealedSize).
func (st *stream) open(r io.ReaderAt, i int64, dst []byte) ([]byte, error) {
	last := st.packages() - 1
	size := int64(sealedSize)
	if i == last {
		size = st.sealed - headerSize - i*sealedSize
	}
	buf := dst[:size]
	if _, err := r.ReadAt(buf, st.off+headerSize+i*sealedSize); err != nil {
		if err == io.EOF {
			err = fmt.Errorf("%w: stored bytes end early", storage.ErrCorrupt)
		}
		return nil, err
	}
	aad := aadMore
	if i == last {
		aad = aadFinal
	}
	out, err := st.aead.Open(buf[:0], nonce(i), buf, aad)
	if err != nil {
		return nil, fmt.Errorf("%w: encrypted package %d failed authentication", storage.ErrCorrupt, i)
	}
	return out, nil
}
