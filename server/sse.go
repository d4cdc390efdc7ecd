package server

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// customerKey is an SSE-C key from a request, with the MD5 the client
// sent for it (S3 echoes the MD5 in its answers; the key itself is never
// logged, stored or sent back).
type customerKey struct {
	key []byte
	md5 string
}

// parseCustomerKey reads the SSE-C headers (for the copy source when
// copySource is set); nil when there are none. The checks and messages
// are S3's. Over plain HTTP the key is accepted only from a loopback
// peer: S3 refuses SSE-C without TLS because the key crosses the network
// in the clear, which a loopback connection does not (s3kit serve and
// the conformance tests usually run on http://127.0.0.1).
func parseCustomerKey(r *http.Request, copySource bool) (*customerKey, error) {
	algName, keyName, md5Name := s3xml.HeaderSSECAlgorithm, s3xml.HeaderSSECKey, s3xml.HeaderSSECKeyMD5
	if copySource {
		algName, keyName, md5Name = s3xml.HeaderCopySourceSSECAlgorithm, s3xml.HeaderCopySourceSSECKey, s3xml.HeaderCopySourceSSECKeyMD5
	}
	h := r.Header
	alg, hasAlg := h[algName]
	key, hasKey := h[keyName]
	sum, hasMD5 := h[md5Name]
	if !hasAlg && !hasKey && !hasMD5 {
		return nil, nil
	}
	if r.TLS == nil && !loopbackPeer(r.RemoteAddr) {
		return nil, errMsg(s3xml.CodeInvalidRequest, "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.")
	}
	switch {
	case !hasAlg:
		return nil, errArg(algName, "", "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.")
	case alg[0] != storage.SSEAlgorithmAES256:
		e := errCode(s3xml.CodeInvalidEncryptionAlgorithmError)
		e.Detail.ArgumentName, e.Detail.ArgumentValue = algName, alg[0]
		return nil, e
	case !hasKey || key[0] == "":
		return nil, errArg(keyName, "", "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.")
	}
	raw, err := base64.StdEncoding.DecodeString(key[0])
	if err != nil || len(raw) != 32 {
		// The value is a secret: it is not echoed.
		return nil, errArg(keyName, "", "The secret key was invalid for the specified algorithm.")
	}
	if !hasMD5 || sum[0] == "" {
		return nil, errArg(md5Name, "", "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.")
	}
	want, err := base64.StdEncoding.DecodeString(sum[0])
	got := md5.Sum(raw)
	if err != nil || !bytes.Equal(want, got[:]) {
		return nil, errArg(md5Name, sum[0], "The calculated MD5 hash of the key did not match the hash that was provided.")
	}
	return &customerKey{key: raw, md5: sum[0]}, nil
}

// loopbackPeer reports whether addr (host:port) is a loopback address.
func loopbackPeer(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readOptions is the ReadOptions for version id with a request's SSE-C
// key (none when ck is nil).
func (ck *customerKey) readOptions(id string) storage.ReadOptions {
	if ck == nil {
		return storage.ReadOptions{VersionID: id}
	}
	return storage.ReadOptions{CustomerKey: ck.key, VersionID: id}
}

// bytes is the key, nil when there is none.
func (ck *customerKey) bytes() []byte {
	if ck == nil {
		return nil
	}
	return ck.key
}

// requestedEncryption is the server-side encryption a write asks for:
// x-amz-server-side-encryption (SSE-S3) or the SSE-C headers (nil for
// none). The backend must encrypt at rest (storage.Encrypter, and
// storage.KeyedReader for SSE-C): a request for encryption is refused
// rather than answered 200 over plaintext storage.
func (s *Server) requestedEncryption(r *http.Request) (*storage.Encryption, *customerKey, error) {
	h := r.Header
	ck, err := parseCustomerKey(r, false)
	if err != nil {
		return nil, nil, err
	}
	v, ok := h[s3xml.HeaderSSE]
	enc, _ := s.backend.(storage.Encrypter)
	kmsKey, hasKMSKey := h[s3xml.HeaderSSEKMSKeyID]
	kmsCtx, hasCtx := h[s3xml.HeaderSSEContext]
	switch {
	case ok && ck != nil:
		return nil, nil, errArg(s3xml.HeaderSSE, v[0], "Server Side Encryption with Customer provided key is incompatible with the encryption method specified")
	case (hasKMSKey || hasCtx) && (!ok || v[0] != storage.SSEAlgorithmKMS):
		// S3 takes a KMS key or context only with aws:kms.
		return nil, nil, errArg(s3xml.HeaderSSEKMSKeyID, "", "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")
	case ck != nil:
		if _, keyed := s.backend.(storage.KeyedReader); !keyed || enc == nil || !enc.Encrypts(storage.SSEAlgorithmAES256) {
			return nil, nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not encrypt at rest")
		}
		return &storage.Encryption{CustomerAlgorithm: storage.SSEAlgorithmAES256, CustomerKey: ck.key}, ck, nil
	case !ok:
		return nil, nil, nil
	case len(v) != 1 || (v[0] != storage.SSEAlgorithmAES256 && v[0] != storage.SSEAlgorithmKMS):
		return nil, nil, errArg(s3xml.HeaderSSE, v[0], "The encryption method specified is not supported")
	case enc == nil || !enc.Encrypts(v[0]):
		return nil, nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not encrypt at rest with %s", v[0])
	}
	e := &storage.Encryption{Algorithm: v[0]}
	if v[0] == storage.SSEAlgorithmKMS {
		if hasKMSKey {
			if kmsKey[0] == "" {
				return nil, nil, errArg(s3xml.HeaderSSEKMSKeyID, "", "The KMS key ID must not be empty")
			}
			e.KMSKeyID = kmsKey[0]
		}
		if hasCtx {
			if !validKMSContext(kmsCtx[0]) {
				return nil, nil, errArg(s3xml.HeaderSSEContext, kmsCtx[0], "The encryption context must be base64-encoded JSON with string values")
			}
			e.Context = kmsCtx[0]
		}
		e.BucketKey = strings.EqualFold(h.Get(s3xml.HeaderSSEBucketKeyEnabled), "true")
	}
	return e, nil, nil
}

// validKMSContext reports whether v is an SSE-KMS encryption context as
// S3 takes it: base64 of a JSON object whose values are strings.
func validKMSContext(v string) bool {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return false
	}
	var m map[string]string
	return json.Unmarshal(b, &m) == nil && m != nil
}

// refuseEncryptionOnRead answers a GET or HEAD that carries
// x-amz-server-side-encryption or a KMS key ID: S3 refuses them on reads
// (400) rather than ignoring them; the object's own encryption decides.
func refuseEncryptionOnRead(h http.Header) error {
	for _, name := range []string{s3xml.HeaderSSE, s3xml.HeaderSSEKMSKeyID} {
		if v, ok := h[name]; ok {
			return errArg(name, v[0], "x-amz-server-side-encryption header is not supported for this operation.")
		}
	}
	return nil
}

// setEncryptionHeaders adds the headers S3 sends about an object's
// encryption to every answer that describes it (PUT, GET, HEAD, copies
// and the multipart steps).
func setEncryptionHeaders(h http.Header, enc *storage.Encryption) {
	switch {
	case enc == nil:
	case enc.CustomerAlgorithm != "":
		h[s3xml.HeaderSSECAlgorithm] = []string{enc.CustomerAlgorithm}
	default:
		h[s3xml.HeaderSSE] = []string{enc.Algorithm}
		if enc.KMSKeyID != "" {
			h[s3xml.HeaderSSEKMSKeyID] = []string{enc.KMSKeyID}
		}
		if enc.BucketKey {
			h[s3xml.HeaderSSEBucketKeyEnabled] = []string{"true"}
		}
	}
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

// encryption adds the encryption headers to r: the object's, and the
// MD5 of the request's SSE-C key when it gave one.
func (r *response) encryption(enc *storage.Encryption, ck *customerKey) {
	if enc == nil {
		return
	}
	if r.header == nil {
		r.header = http.Header{}
	}
	setEncryptionHeaders(r.header, enc)
	if ck != nil && enc.CustomerAlgorithm != "" {
		r.header[s3xml.HeaderSSECKeyMD5] = []string{ck.md5}
	}
}

// getObjectWith and headObjectWith read version id of key ("" for the
// latest) with the request's SSE-C key when the backend takes one. A
// backend without versioning has only the "null" version.
func (s *Server) getObjectWith(ctx context.Context, bucket, key, id string, ck *customerKey) (*storage.Object, error) {
	kr, ok := s.backend.(storage.KeyedReader)
	if !ok {
		if ck != nil {
			return nil, errCode(s3xml.CodeNotImplemented)
		}
		return s.openVersion(ctx, bucket, key, id)
	}
	if _, ok := s.versioner(); !ok && id != "" && id != storage.NullVersionID {
		return nil, errCode(s3xml.CodeNoSuchVersion)
	}
	obj, err := kr.GetObjectWith(ctx, bucket, key, ck.readOptions(id))
	return obj, versionIDErr(err, id)
}

func (s *Server) headObjectWith(ctx context.Context, bucket, key, id string, ck *customerKey) (storage.ObjectInfo, error) {
	kr, ok := s.backend.(storage.KeyedReader)
	if !ok {
		if ck != nil {
			return storage.ObjectInfo{}, errCode(s3xml.CodeNotImplemented)
		}
		return s.headVersion(ctx, bucket, key, id)
	}
	if _, ok := s.versioner(); !ok && id != "" && id != storage.NullVersionID {
		return storage.ObjectInfo{}, errCode(s3xml.CodeNoSuchVersion)
	}
	info, err := kr.HeadObjectWith(ctx, bucket, key, ck.readOptions(id))
	return info, versionIDErr(err, id)
}

// encryptionError maps storage's errors about encryption keys onto S3's
// answers: a missing or misplaced key is 400 InvalidRequest, a wrong key
// 403 AccessDenied (as S3 answers it; the object's existence is already
// known to the caller, what it lacks is the key).
func encryptionError(err error) *Error {
	var e *Error
	switch {
	case errors.Is(err, storage.ErrEncryptionKeyRequired):
		e = errMsg(s3xml.CodeInvalidRequest, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")
	case errors.Is(err, storage.ErrEncryptionNotApplicable):
		e = errMsg(s3xml.CodeInvalidRequest, "The encryption parameters are not applicable to this object.")
	case errors.Is(err, storage.ErrEncryptionKeyMismatch):
		e = errCode(s3xml.CodeAccessDenied)
	case errors.Is(err, storage.ErrNoSuchKMSKey):
		e = errMsg(s3xml.CodeKMSNotFound, "Invalid keyId %s", strings.TrimPrefix(err.Error(), storage.ErrNoSuchKMSKey.Error()+": "))
	default:
		return nil
	}
	e.Err = err
	return e
}

// partKeyError answers a part whose SSE-C key is not its upload's as S3
// does: 400 InvalidRequest, not the 403 a read with a wrong key gets.
func partKeyError(err error) error {
	if errors.Is(err, storage.ErrEncryptionKeyMismatch) {
		e := errMsg(s3xml.CodeInvalidRequest, "The provided encryption parameters did not match the ones used originally.")
		e.Err = err
		return e
	}
	return err
}
