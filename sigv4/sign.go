package sigv4

import (
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	amzDateFormat = "20060102T150405Z"
	scopeTerm     = "aws4_request"
	maxExpires    = 7 * 24 * time.Hour
	// maxCachedKeys bounds the derived-key cache; a server verifying many
	// keys simply rebuilds it.
	maxCachedKeys = 256
)

// keyID identifies one derived signing key.
type keyID struct{ secret, day, region, service string }

// keyCache caches derived signing keys: deriving one costs four HMACs,
// more than the rest of signing a request.
type keyCache struct {
	mu sync.RWMutex
	m  map[keyID][32]byte
	// last is the most recently used key: a client signs with one key
	// for hours, so this skips hashing four strings into the map.
	last     atomic.Pointer[cachedKey]
	lastDate atomic.Pointer[cachedDate]
}

type cachedDate struct {
	unix int64
	s    string
}

// amzDate formats t as X-Amz-Date, reusing the last result: a client
// signs many requests within the same second.
func (c *keyCache) amzDate(t time.Time) string {
	u := t.Unix()
	if d := c.lastDate.Load(); d != nil && d.unix == u {
		return d.s
	}
	d := &cachedDate{u, t.UTC().Format(amzDateFormat)}
	c.lastDate.Store(d)
	return d.s
}

type cachedKey struct {
	id  keyID
	key [32]byte
}

func (c *keyCache) get(secret, day, region, service string) [32]byte {
	id := keyID{secret, day, region, service}
	if l := c.last.Load(); l != nil && l.id == id {
		return l.key
	}
	c.mu.RLock()
	k, ok := c.m[id]
	c.mu.RUnlock()
	if ok {
		c.last.Store(&cachedKey{id, k})
		return k
	}
	k = deriveKey(secret, day, region, service)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedKeys {
		c.m = make(map[keyID][32]byte)
	}
	c.m[id] = k
	c.mu.Unlock()
	c.last.Store(&cachedKey{id, k})
	return k
}

// deriveKey computes kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, day), region), service), "aws4_request").
func deriveKey(secret, day, region, service string) [32]byte {
	var kb [4 + 60]byte
	k := hmacAny(append(append(kb[:0], "AWS4"...), secret...), day)
	k = hmacAny(k[:], region)
	k = hmacAny(k[:], service)
	return hmacAny(k[:], scopeTerm)
}

// hmacAny computes HMAC-SHA256 with a key of any length on stack buffers.
func hmacAny(key []byte, msg string) [32]byte {
	var k [32]byte
	if len(key) > 64 {
		k = sha256.Sum256(key)
		key = k[:]
	}
	var inner [64 + 128]byte
	b := inner[:64]
	var outer [96]byte
	for i := range 64 {
		var c byte
		if i < len(key) {
			c = key[i]
		}
		b[i] = c ^ 0x36
		outer[i] = c ^ 0x5c
	}
	b = append(b, msg...)
	ih := sha256.Sum256(b)
	copy(outer[64:], ih[:])
	return sha256.Sum256(outer[:])
}

// hmacSum computes HMAC-SHA256(key, msg) without heap allocation for the
// short messages SigV4 signs (strings to sign are ~150-300 bytes).
func hmacSum(key *[32]byte, msg []byte) [32]byte {
	var inner [64 + 512]byte
	b := inner[:64]
	for i := range 64 {
		var k byte
		if i < 32 {
			k = key[i]
		}
		b[i] = k ^ 0x36
	}
	b = append(b, msg...)
	ih := sha256.Sum256(b)
	var outer [96]byte
	for i := range 64 {
		var k byte
		if i < 32 {
			k = key[i]
		}
		outer[i] = k ^ 0x5c
	}
	copy(outer[64:], ih[:])
	return sha256.Sum256(outer[:])
}

func appendHex(b []byte, s []byte) []byte {
	for _, c := range s {
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

// appendScope appends "day/region/service/aws4_request".
func appendScope(b []byte, day, region, service string) []byte {
	b = append(b, day...)
	b = append(b, '/')
	b = append(b, region...)
	b = append(b, '/')
	b = append(b, service...)
	b = append(b, '/')
	return append(b, scopeTerm...)
}

// appendStringToSign appends the string to sign for a canonical request hash.
func appendStringToSign(b []byte, amzDate, region, service string, crHash *[32]byte) []byte {
	b = append(b, Algorithm...)
	b = append(b, '\n')
	b = append(b, amzDate...)
	b = append(b, '\n')
	b = appendScope(b, amzDate[:8], region, service)
	b = append(b, '\n')
	return appendHex(b, crHash[:])
}

func (in *SignInput) check() error {
	switch {
	case in.Credentials.AccessKeyID == "" || in.Credentials.SecretAccessKey == "":
		return errors.New("sigv4: missing credentials")
	case in.Region == "":
		return errors.New("sigv4: missing region")
	case in.Service == "":
		return errors.New("sigv4: missing service")
	case in.Time.IsZero():
		return errors.New("sigv4: missing signing time")
	}
	return nil
}

// headerNames collects the names of req's headers that get signed, sorted
// as their lower-case forms sort. "host" and "content-length" are added
// by the caller from req.Host and req.ContentLength.
func headerNames(dst []string, h http.Header) []string {
	for k := range h {
		if !ignoredHeader(k) {
			dst = append(dst, k)
		}
	}
	return dst
}

// signedEntry is one canonical header: its name (any case) and values,
// or one value computed from the request (host, content-length).
type signedEntry struct {
	name   string
	values []string
	one    string
}

// appendRequestHeaders appends the canonical headers of req and returns
// the buffer and the offsets of the signed-headers list written after them.
func appendRequestHeaders(b []byte, req *http.Request) ([]byte, int, int) {
	var namesArr [24]string
	names := headerNames(namesArr[:0], req.Header)
	var entArr [26]signedEntry
	ents := entArr[:0]
	ents = append(ents, signedEntry{name: "host", one: requestHost(req)})
	var num [20]byte
	if req.ContentLength > 0 {
		ents = append(ents, signedEntry{name: "content-length", one: string(strconv.AppendInt(num[:0], req.ContentLength, 10))})
	}
	for _, n := range names {
		if strings.EqualFold(n, "host") {
			continue
		}
		ents = append(ents, signedEntry{name: n, values: req.Header[n]})
	}
	slices.SortFunc(ents, func(a, c signedEntry) int { return compareFold(a.name, c.name) })
	for _, e := range ents {
		if e.values == nil {
			b = appendLower(b, e.name)
			b = append(b, ':')
			b = appendHeaderValue(b, e.one, false)
			b = append(b, '\n')
			continue
		}
		b = appendHeaderLine(b, e.name, e.values, false)
	}
	b = append(b, '\n')
	start := len(b)
	for i, e := range ents {
		if i > 0 {
			b = append(b, ';')
		}
		b = appendLower(b, e.name)
	}
	return b, start, len(b)
}

// setHeader sets a canonical-key header, reusing its one-element value
// slice when re-signing (saves an allocation per header per request).
func setHeader(h http.Header, key, value string) {
	if v := h[key]; len(v) == 1 {
		v[0] = value
		return
	}
	h[key] = []string{value}
}

// Sign adds X-Amz-Date, X-Amz-Security-Token (when there is a token),
// X-Amz-Content-Sha256 (for s3) and Authorization to req. It signs host,
// Content-Length (when req.ContentLength > 0) and every header already
// present on req, except ones AWS never signs (User-Agent, Expect,
// Transfer-Encoding, X-Amzn-Trace-Id). An empty in.PayloadHash means an
// empty body. For s3 it also rewrites req.URL's RawPath and RawQuery to the
// canonical encoding, so the wire carries exactly what was signed. It returns
// the signature, which is the seed for a streaming body.
func (s *Signer) Sign(req *http.Request, in SignInput) (signature string, err error) {
	return s.sign(req, in, nil)
}

// signDebug receives the intermediate strings (tests compare them with the
// published vectors).
type signDebug struct{ canonicalRequest, stringToSign string }

func (s *Signer) sign(req *http.Request, in SignInput, dbg *signDebug) (string, error) {
	if err := in.check(); err != nil {
		return "", err
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	s3 := in.Service == "s3"
	amzDate := s.cache.amzDate(in.Time)
	payload := in.PayloadHash
	if payload == "" {
		payload = EmptyPayloadHash
	}
	setHeader(req.Header, "X-Amz-Date", amzDate)
	if in.Credentials.SessionToken != "" {
		setHeader(req.Header, "X-Amz-Security-Token", in.Credentials.SessionToken)
	}
	if s3 {
		setHeader(req.Header, "X-Amz-Content-Sha256", payload)
	}

	var arr [1024]byte
	b := append(arr[:0], req.Method...)
	b = append(b, '\n')
	pathStart := len(b)
	b = appendCanonicalURI(b, req.URL, s3, !in.DisablePathNormalization)
	if s3 && wirePath(req.URL) != string(b[pathStart:]) && req.URL.Opaque == "" {
		req.URL.RawPath = string(b[pathStart:])
	}
	b = append(b, '\n')
	pairs, ok := canonicalQuery(req.URL.RawQuery, "")
	if !ok {
		return "", errors.New("sigv4: invalid escape in query " + strconv.Quote(req.URL.RawQuery))
	}
	qStart := len(b)
	b = appendQuery(b, pairs)
	if s3 && req.URL.RawQuery != string(b[qStart:]) {
		req.URL.RawQuery = string(b[qStart:])
	}
	b = append(b, '\n')
	b, shStart, shEnd := appendRequestHeaders(b, req)
	b = append(b, '\n')
	b = append(b, payload...)
	crHash := sha256.Sum256(b)
	signedHeaders := b[shStart:shEnd]

	var stsArr [256]byte
	sts := appendStringToSign(stsArr[:0], amzDate, in.Region, in.Service, &crHash)
	key := s.cache.get(in.Credentials.SecretAccessKey, amzDate[:8], in.Region, in.Service)
	sig := hmacSum(&key, sts)
	if dbg != nil {
		dbg.canonicalRequest, dbg.stringToSign = string(b), string(sts)
	}

	var authArr [512]byte
	a := append(authArr[:0], Algorithm+" Credential="...)
	a = append(a, in.Credentials.AccessKeyID...)
	a = append(a, '/')
	a = appendScope(a, amzDate[:8], in.Region, in.Service)
	a = append(a, ", SignedHeaders="...)
	a = append(a, signedHeaders...)
	a = append(a, ", Signature="...)
	a = appendHex(a, sig[:])
	auth := string(a)
	setHeader(req.Header, "Authorization", auth)
	return auth[len(auth)-64:], nil
}

// Presign returns req's URL with query authentication added, valid for
// expires (1 s to 7 days). Headers present on req (and host) are signed
// and must be sent with the URL. For s3 an empty in.PayloadHash means
// UNSIGNED-PAYLOAD, as every AWS SDK presigns; for other services it means
// an empty body. req itself is not modified.
func (s *Signer) Presign(req *http.Request, in SignInput, expires time.Duration) (*url.URL, error) {
	return s.presign(req, in, expires, nil)
}

func (s *Signer) presign(req *http.Request, in SignInput, expires time.Duration, dbg *signDebug) (*url.URL, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if expires < time.Second || expires > maxExpires {
		return nil, errors.New("sigv4: presign expiry must be between 1 second and 7 days")
	}
	s3 := in.Service == "s3"
	payload := in.PayloadHash
	if payload == "" {
		payload = EmptyPayloadHash
		if s3 {
			payload = UnsignedPayload
		}
	}
	amzDate := in.Time.UTC().Format(amzDateFormat)
	userPairs, ok := canonicalQuery(req.URL.RawQuery, "")
	if !ok {
		return nil, errors.New("sigv4: invalid escape in query " + strconv.Quote(req.URL.RawQuery))
	}

	// The canonical headers come first in a scratch buffer: the signed
	// header list is needed in the query before they go in the request.
	var hdrArr [512]byte
	hb, shStart, shEnd := appendRequestHeaders(hdrArr[:0], req)

	var arr [1536]byte
	b := append(arr[:0], req.Method...)
	b = append(b, '\n')
	pathStart := len(b)
	b = appendCanonicalURI(b, req.URL, s3, !in.DisablePathNormalization)
	pathEnd := len(b)
	b = append(b, '\n')
	qStart := len(b)
	b = appendPresignQuery(b, userPairs, &in, amzDate, int64(expires/time.Second), hb[shStart:shEnd])
	qEnd := len(b)
	b = append(b, '\n')
	b = append(b, hb[:shEnd]...)
	b = append(b, '\n')
	b = append(b, payload...)
	crHash := sha256.Sum256(b)

	var stsArr [256]byte
	sts := appendStringToSign(stsArr[:0], amzDate, in.Region, in.Service, &crHash)
	key := s.cache.get(in.Credentials.SecretAccessKey, amzDate[:8], in.Region, in.Service)
	sig := hmacSum(&key, sts)
	if dbg != nil {
		dbg.canonicalRequest, dbg.stringToSign = string(b), string(sts)
	}
	u := new(url.URL)
	*u = *req.URL
	if s3 && u.Opaque == "" && wirePath(u) != string(b[pathStart:pathEnd]) {
		u.RawPath = string(b[pathStart:pathEnd])
	}
	q := append(b[len(b):], b[qStart:qEnd]...)
	q = append(q, "&X-Amz-Signature="...)
	q = appendHex(q, sig[:])
	u.RawQuery = string(q)
	return u, nil
}

// appendPresignQuery appends the canonical query of a presigned request:
// the request's own parameters merged with the X-Amz-* authentication
// parameters (minus the signature), sorted.
func appendPresignQuery(b []byte, user []queryPair, in *SignInput, amzDate string, expires int64, signedHeaders []byte) []byte {
	// The authentication parameter names, already in sorted order.
	auth := [...]string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
		"X-Amz-Security-Token", "X-Amz-SignedHeaders"}
	first := true
	ui := 0
	appendUser := func(b []byte) []byte {
		if !first {
			b = append(b, '&')
		}
		first = false
		b = append(b, user[ui].key...)
		b = append(b, '=')
		b = append(b, user[ui].value...)
		ui++
		return b
	}
	for i, name := range auth {
		if i == 4 && in.Credentials.SessionToken == "" {
			continue
		}
		for ui < len(user) && user[ui].key < name {
			b = appendUser(b)
		}
		for ui < len(user) && user[ui].key == name {
			ui++ // the signer's own value wins
		}
		if !first {
			b = append(b, '&')
		}
		first = false
		b = append(b, name...)
		b = append(b, '=')
		switch i {
		case 0:
			b = append(b, Algorithm...)
		case 1:
			b = appendURIEncode(b, in.Credentials.AccessKeyID, false)
			b = append(b, "%2F"...)
			b = append(b, amzDate[:8]...)
			b = append(b, "%2F"...)
			b = appendURIEncode(b, in.Region, false)
			b = append(b, "%2F"...)
			b = appendURIEncode(b, in.Service, false)
			b = append(b, "%2F"+scopeTerm...)
		case 2:
			b = append(b, amzDate...)
		case 3:
			b = strconv.AppendInt(b, expires, 10)
		case 4:
			b = appendURIEncode(b, in.Credentials.SessionToken, false)
		case 5:
			for _, c := range signedHeaders {
				if c == ';' {
					b = append(b, "%3B"...)
				} else {
					b = append(b, c)
				}
			}
		}
	}
	for ui < len(user) {
		b = appendUser(b)
	}
	return b
}
