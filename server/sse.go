package server

import (
	"net/http"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// requestedEncryption is the server-side encryption a write asks for in
// x-amz-server-side-encryption (nil for none). The backend must encrypt
// at rest (storage.Encrypter): a request for encryption is refused
// rather than answered 200 over plaintext storage.
func (s *Server) requestedEncryption(h http.Header) (*storage.Encryption, error) {
	v, ok := h[s3xml.HeaderSSE]
	if !ok {
		return nil, nil
	}
	if len(v) != 1 || v[0] != storage.SSEAlgorithmAES256 {
		return nil, errArg(s3xml.HeaderSSE, v[0], "The encryption method specified is not supported")
	}
	if enc, ok := s.backend.(storage.Encrypter); !ok || !enc.Encrypts(v[0]) {
		return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not encrypt at rest")
	}
	return &storage.Encryption{Algorithm: v[0]}, nil
}

// setEncryptionHeaders adds the headers S3 sends about an object's
// encryption to every answer that describes it (PUT, GET, HEAD, copies
// and the multipart steps).
func setEncryptionHeaders(h http.Header, enc *storage.Encryption) {
	if enc == nil {
		return
	}
	h[s3xml.HeaderSSE] = []string{enc.Algorithm}
}

// copyEncryption sets the encryption of a copy's destination. S3 encrypts
// a copy as its request asks, whatever the source had, so when either
// side is encrypted the copy is described by an explicit meta (meta nil
// would keep the source's encryption along with its metadata).
func copyEncryption(meta *storage.ObjectMeta, src storage.ObjectInfo, want *storage.Encryption) *storage.ObjectMeta {
	if want == nil && src.Meta.Encryption == nil {
		return meta
	}
	if meta == nil {
		m := src.Meta
		meta = &m
	}
	meta.Encryption = want
	return meta
}

// (response).encryption adds the encryption headers to r.
func (r *response) encryption(enc *storage.Encryption) {
	if enc == nil {
		return
	}
	if r.header == nil {
		r.header = http.Header{}
	}
	setEncryptionHeaders(r.header, enc)
}
