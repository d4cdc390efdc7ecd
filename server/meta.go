package server

import (
	"crypto/md5"
	"encoding/base64"
	"hash"
	"mime"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
)

// maxUserMeta is S3's limit on the size of user-defined metadata (names
// plus values).
const maxUserMeta = 2 << 10

// maxKeyLen is S3's limit on key length in bytes.
const maxKeyLen = 1024

// defaultContentType is what S3 stores when an upload names none.
const defaultContentType = "binary/octet-stream"

func checkKey(key string) error {
	if len(key) > maxKeyLen {
		return errCode(s3xml.CodeKeyTooLongError)
	}
	return nil
}

// metaFromHeaders collects what a PUT (or a REPLACE copy, or a multipart
// create) sets on an object.
func metaFromHeaders(h http.Header) (storage.ObjectMeta, error) {
	m := storage.ObjectMeta{
		ContentType:        h.Get("Content-Type"),
		ContentEncoding:    h.Get("Content-Encoding"),
		ContentDisposition: h.Get("Content-Disposition"),
		ContentLanguage:    h.Get("Content-Language"),
		CacheControl:       h.Get("Cache-Control"),
		Expires:            h.Get("Expires"),
	}
	if m.ContentType == "" {
		m.ContentType = defaultContentType
	}
	// aws-chunked is a transfer framing, not a property of the object.
	m.ContentEncoding = stripAWSChunked(m.ContentEncoding)
	size := 0
	for name, vals := range h {
		if !strings.HasPrefix(name, s3xml.HeaderMetaPrefix) || len(vals) == 0 {
			continue
		}
		if m.UserMeta == nil {
			m.UserMeta = map[string]string{}
		}
		k := strings.ToLower(name[len(s3xml.HeaderMetaPrefix):])
		v := decodeMetaValue(strings.Join(vals, ","))
		m.UserMeta[k] = v
		size += len(k) + len(v)
	}
	if size > maxUserMeta {
		return m, errCode(s3xml.CodeMetadataTooLarge)
	}
	tags, err := tagsFromHeader(h.Get(s3xml.HeaderTagging))
	if err != nil {
		return m, err
	}
	m.Tags = tags
	return m, nil
}

// User metadata travels in HTTP headers, which carry only ASCII reliably.
// S3 decodes a value sent as RFC 2047 encoded-words ("=?UTF-8?B?w6k=?=")
// before storing it, and returns any value holding non-ASCII characters
// encoded that way, so that what a client sent encoded comes back as it
// was sent, and raw non-ASCII bytes come back in a form every HTTP stack
// passes unchanged.

// decodeMetaValue is the value S3 stores for a metadata header: RFC 2047
// encoded-words decoded (charsets UTF-8, ISO-8859-1, US-ASCII), and raw
// bytes that are not UTF-8 read as ISO-8859-1, which is what HTTP header
// octets mean (Python's http.client sends "é" as the one byte 0xE9).
func decodeMetaValue(v string) string {
	if strings.Contains(v, "=?") {
		var d mime.WordDecoder
		if dv, err := d.DecodeHeader(v); err == nil {
			v = dv
		}
	}
	return latin1IfNotUTF8(v)
}

// latin1IfNotUTF8 returns v, read as ISO-8859-1 when it is not UTF-8.
func latin1IfNotUTF8(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	r := make([]rune, len(v))
	for i := 0; i < len(v); i++ {
		r[i] = rune(v[i])
	}
	return string(r)
}

// encodeMetaValue is how S3 returns a stored metadata value: as is when
// it is printable ASCII, otherwise as one RFC 2047 "B" encoded-word of its
// UTF-8 bytes.
func encodeMetaValue(v string) string {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= 0x7f || c < 0x20 && c != '\t' {
			return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(latin1IfNotUTF8(v))) + "?="
		}
	}
	return v
}

// stripAWSChunked removes the aws-chunked coding from a Content-Encoding
// list and leaves the rest as the client wrote it, spacing included: S3
// returns "deflate, gzip" for "aws-chunked,deflate, gzip", and clients
// compare the header byte for byte.
func stripAWSChunked(enc string) string {
	if enc == "" {
		return ""
	}
	var keep []string
	for _, p := range strings.Split(enc, ",") {
		if t := strings.TrimSpace(p); t != "" && !strings.EqualFold(t, "aws-chunked") {
			keep = append(keep, p)
		}
	}
	return strings.TrimSpace(strings.Join(keep, ","))
}

// setObjectHeaders writes an object's description as GET and HEAD answer
// it. Checksums are included only when asked for and the response covers
// the whole object, as S3 does.
func setObjectHeaders(h http.Header, info storage.ObjectInfo, withChecksums bool) {
	m := info.Meta
	// Names are in canonical form: assigning skips h.Set's canonicalising.
	h["Last-Modified"] = []string{info.LastModified.UTC().Format(http.TimeFormat)}
	h["Etag"] = []string{info.ETag}
	h["Accept-Ranges"] = []string{"bytes"}
	ct := m.ContentType
	if ct == "" {
		ct = defaultContentType
	}
	h["Content-Type"] = []string{ct}
	for _, f := range [...]struct{ name, v string }{
		{"Content-Encoding", m.ContentEncoding}, {"Content-Disposition", m.ContentDisposition},
		{"Content-Language", m.ContentLanguage}, {"Cache-Control", m.CacheControl}, {"Expires", m.Expires},
	} {
		if f.v != "" {
			h[f.name] = []string{f.v}
		}
	}
	for k, v := range m.UserMeta {
		// Lower-case, as S3 sends them: botocore keeps the name's case
		// in the Metadata dict.
		h["x-amz-meta-"+k] = []string{encodeMetaValue(v)}
	}
	if withChecksums {
		sent := false
		for alg, v := range m.Checksums {
			if v != "" {
				h.Set(s3xml.HeaderChecksumPrefix+alg, v)
				sent = true
			}
		}
		if sent && m.ChecksumType != "" {
			h.Set(s3xml.HeaderChecksumType, m.ChecksumType)
		}
	}
	if len(info.PartSizes) > 0 {
		h.Set(s3xml.HeaderMPPartsCount, strconv.Itoa(len(info.PartSizes)))
	}
	if len(m.Tags) > 0 {
		h.Set(s3xml.HeaderTaggingCount, strconv.Itoa(len(m.Tags)))
	}
	setEncryptionHeaders(h, m.Encryption)
}

// checksummer computes the checksum a request declares (in an
// x-amz-checksum-* header, announced in x-amz-trailer, or asked for with
// x-amz-sdk-checksum-algorithm) over the decoded body, so that it can be
// stored and, for the header form, compared.
type checksummer struct {
	alg  string
	h    hash.Hash
	want string
	// sent is set when the request carries the checksum (a header or a
	// trailer), not only x-amz-sdk-checksum-algorithm, which S3 ignores.
	sent bool
}

// newChecksummer returns nil when the request declares no checksum.
// checksumHeaders pairs each checksum algorithm with its header's
// canonical name (indexing an http.Header with it allocates nothing).
var checksumHeaders = func() (hs []struct{ alg, key string }) {
	for _, a := range s3xml.ChecksumAlgorithms() {
		hs = append(hs, struct{ alg, key string }{a, textproto.CanonicalMIMEHeaderKey(s3xml.HeaderChecksumPrefix + a)})
	}
	return hs
}()

func newChecksummer(h http.Header) (*checksummer, error) {
	var alg, want string
	for _, c := range checksumHeaders {
		if v := h[c.key]; len(v) > 0 && v[0] != "" {
			if alg != "" {
				return nil, errMsg(s3xml.CodeInvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
			}
			alg, want = c.alg, v[0]
		}
	}
	if alg == "" {
		if t := h.Get(s3xml.HeaderTrailer); t != "" {
			name, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(t)), "x-amz-checksum-")
			if !ok {
				return nil, errMsg(s3xml.CodeInvalidRequest, "The value specified in the x-amz-trailer header is not supported")
			}
			alg = strings.ToUpper(name)
		}
	}
	sent := alg != ""
	if alg == "" {
		alg = strings.ToUpper(h.Get(s3xml.HeaderSDKChecksumAlgorithm))
	}
	if alg == "" {
		return nil, nil
	}
	hh, err := sigv4.NewChecksum(sigv4.ChecksumAlgorithm(alg))
	if err != nil {
		return nil, errMsg(s3xml.CodeInvalidRequest, "Checksum algorithm %q is not supported.", alg)
	}
	return &checksummer{alg: alg, h: hh, want: want, sent: sent}, nil
}

// sum checks the computed checksum against the declared one.
func (c *checksummer) sum() (string, error) {
	got := sigv4.ChecksumBase64(c.h)
	if c.want != "" && got != c.want {
		return "", errMsg(s3xml.CodeBadDigest, "The %s you specified did not match the calculated checksum.", c.alg)
	}
	return got, nil
}

// beforePut is PutOptions.BeforeCommit.
func (c *checksummer) beforePut(m *storage.ObjectMeta) error {
	v, err := c.sum()
	if err != nil {
		return err
	}
	m.Checksums = map[string]string{c.alg: v}
	m.ChecksumType = "FULL_OBJECT"
	return nil
}

// beforePart is PartOptions.BeforeCommit.
func (c *checksummer) beforePart(sums map[string]string) error {
	v, err := c.sum()
	if err != nil {
		return err
	}
	sums[c.alg] = v
	return nil
}

// contentMD5 decodes Content-MD5 (nil when absent); a value that is not a
// base64 MD5, including an empty one, is InvalidDigest, as on S3.
func contentMD5(h http.Header) ([]byte, error) {
	vs, ok := h["Content-Md5"]
	if !ok {
		return nil, nil
	}
	v := ""
	if len(vs) > 0 {
		v = strings.TrimSpace(vs[0])
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != md5.Size {
		// S3's wording, which the body verifier uses too.
		return nil, errMsg(s3xml.CodeInvalidDigest, "The Content-MD5 you specified was invalid.")
	}
	return b, nil
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
