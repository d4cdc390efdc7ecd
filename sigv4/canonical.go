package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

const hexDigits = "0123456789abcdef"
const upperHex = "0123456789ABCDEF"

// isUnreserved reports whether c is an RFC 3986 unreserved character, the
// only bytes SigV4 leaves unencoded.
func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// appendURIEncode appends s with every byte except the unreserved ones (and
// '/' when keepSlash) percent-encoded with upper-case hex, as SigV4 requires.
func appendURIEncode(b []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (keepSlash && c == '/') {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upperHex[c>>4], upperHex[c&15])
	}
	return b
}

// needsURIEncode reports whether appendURIEncode would change s.
func needsURIEncode(s string, keepSlash bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isUnreserved(c) && !(keepSlash && c == '/') {
			return true
		}
	}
	return false
}

// wirePath returns the path as it goes on the wire (still percent-encoded).
// An Opaque URL of the form "//host/path" sends path literally, as
// aws-sdk-go-v2 and net/http treat it.
func wirePath(u *url.URL) string {
	if u.Opaque != "" {
		if strings.HasPrefix(u.Opaque, "//") {
			rest := u.Opaque[2:]
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				return rest[i:]
			}
			return "/"
		}
		return u.Opaque
	}
	return u.EscapedPath()
}

// decodedPath returns the decoded path of u.
func decodedPath(u *url.URL) string {
	if u.Opaque != "" {
		p, err := url.PathUnescape(wirePath(u))
		if err == nil {
			return p
		}
		return wirePath(u)
	}
	return u.Path
}

// appendCanonicalURI appends the canonical URI of u. S3 takes the decoded
// object key literally (no dot-segment removal, '//' kept) and encodes each
// byte once. Other services normalise the wire path and encode it a second
// time (so "%20" on the wire becomes "%2520").
func appendCanonicalURI(b []byte, u *url.URL, s3, normalize bool) []byte {
	if s3 {
		p := decodedPath(u)
		if p == "" {
			return append(b, '/')
		}
		return appendURIEncode(b, p, true)
	}
	p := wirePath(u)
	if normalize {
		p = normalizePath(p)
	} else if p == "" {
		p = "/"
	}
	return appendURIEncode(b, p, true)
}

// appendS3WireURI appends the S3 canonical URI of a path as received on
// the wire: each %XX escape is decoded and every byte re-encoded once, so
// "/test$file.text" and "/test%24file.text" both become
// "/test%24file.text" (the AWS documentation's example), while an encoded
// slash (%2F) stays encoded: it is part of a key, not a separator.
func appendS3WireURI(b []byte, wire string) []byte {
	if wire == "" {
		return append(b, '/')
	}
	for i := 0; i < len(wire); i++ {
		c := wire[i]
		if c == '%' && i+2 < len(wire) && isHexDigit(wire[i+1]) && isHexDigit(wire[i+2]) {
			d := unhex(wire[i+1])<<4 | unhex(wire[i+2])
			i += 2
			if isUnreserved(d) {
				b = append(b, d)
			} else {
				b = append(b, '%', upperHex[d>>4], upperHex[d&15])
			}
			continue
		}
		if isUnreserved(c) || c == '/' {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return b
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// normalizePath removes "." and ".." segments and empty segments, keeping a
// trailing slash, as botocore and aws-c-auth do for non-S3 services.
func normalizePath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") && p[0] == '/' {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	n := "/" + strings.Join(out, "/")
	last := segs[len(segs)-1]
	if (last == "" || last == "." || last == "..") && !strings.HasSuffix(n, "/") {
		n += "/"
	}
	return n
}

// queryPair is one decoded-then-re-encoded query parameter.
type queryPair struct{ key, value string }

// canonicalQuery parses rawQuery, decodes each name and value, re-encodes
// them with SigV4's rules and sorts them by name then value. A parameter
// named skip (for example X-Amz-Signature) is left out. It returns ok=false
// when rawQuery has an invalid escape.
func canonicalQuery(rawQuery, skip string) (pairs []queryPair, ok bool) {
	if rawQuery == "" {
		return nil, true
	}
	var enc []byte
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return nil, false
		}
		if skip != "" && dk == skip {
			continue
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			return nil, false
		}
		pairs = append(pairs, queryPair{key: encodeIfNeeded(&enc, dk), value: encodeIfNeeded(&enc, dv)})
	}
	slices.SortFunc(pairs, func(a, b queryPair) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	return pairs, true
}

func encodeIfNeeded(scratch *[]byte, s string) string {
	if !needsURIEncode(s, false) {
		return s
	}
	*scratch = appendURIEncode((*scratch)[:0], s, false)
	return string(*scratch)
}

func appendQuery(b []byte, pairs []queryPair) []byte {
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	return b
}

// appendLower appends s lower-cased (ASCII).
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// compareFold compares a and b as if both were lower-cased ASCII.
func compareFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := lower(a[i]), lower(b[i])
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// appendHeaderValue appends v trimmed, with inner runs of whitespace folded
// to one space (the suite's get-header-value-trim and -multiline cases).
// botocore folds tabs and newlines too (' '.join(value.split())); with
// spacesOnly only ' ' counts, as aws-sdk-go-v2's StripExcessSpaces does.
func appendHeaderValue(b []byte, v string, spacesOnly bool) []byte {
	if !needsFolding(v) {
		return append(b, v...) // the common case: nothing to trim or fold
	}
	i, j := 0, len(v)
	for i < j && foldable(v[i], spacesOnly) {
		i++
	}
	for j > i && foldable(v[j-1], spacesOnly) {
		j--
	}
	space := false
	for ; i < j; i++ {
		c := v[i]
		if foldable(c, spacesOnly) {
			space = true
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, c)
	}
	return b
}

func foldable(c byte, spacesOnly bool) bool {
	return c == ' ' || !spacesOnly && (c == '\t' || c == '\n' || c == '\r')
}

// needsFolding reports whether v has leading or trailing whitespace, a run
// of spaces, or a tab, CR or LF.
func needsFolding(v string) bool {
	if v == "" {
		return false
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' {
		return true
	}
	prevSpace := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' {
			if c != ' ' || prevSpace {
				return c == ' ' || c == '\t' || c == '\n' || c == '\r'
			}
			prevSpace = true
			continue
		}
		prevSpace = false
	}
	return false
}

// appendHeaderLine appends "name:v1,v2\n" with name lower-cased.
func appendHeaderLine(b []byte, name string, values []string, spacesOnly bool) []byte {
	b = appendLower(b, name)
	b = append(b, ':')
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendHeaderValue(b, v, spacesOnly)
	}
	return append(b, '\n')
}

// hasFoldableNonSpace reports whether v holds whitespace other than ' ',
// where botocore's and aws-sdk-go-v2's header folding disagree.
func hasFoldableNonSpace(values []string) bool {
	for _, v := range values {
		if strings.ContainsAny(v, "\t\r\n") {
			return true
		}
	}
	return false
}

// ignoredHeader reports headers that signers never sign because proxies
// and transports rewrite them (botocore's SIGNED_HEADERS_BLACKLIST plus
// Authorization and Content-Length, which comes from req.ContentLength).
func ignoredHeader(name string) bool {
	switch len(name) {
	case 6:
		return strings.EqualFold(name, "expect")
	case 10:
		return strings.EqualFold(name, "user-agent")
	case 13:
		return strings.EqualFold(name, "authorization")
	case 14:
		return strings.EqualFold(name, "content-length")
	case 15:
		return strings.EqualFold(name, "x-amzn-trace-id")
	case 17:
		return strings.EqualFold(name, "transfer-encoding")
	}
	return false
}

// requestHost returns the Host header value a request carries.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	if req.URL != nil {
		return req.URL.Host
	}
	return ""
}
