package server

import (
	"io"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// accessLog formats Config.AccessLog's lines. The line is appended by
// hand into a pooled buffer rather than built by slog's JSON handler:
// slog's attributes, reflection-free as they are, cost about as much
// server CPU as the rest of a small GET, and this line's fields are fixed.
type accessLog struct {
	w    io.Writer
	bufs sync.Pool // *[]byte, one line's worth
}

func newAccessLog(w io.Writer) *accessLog {
	return &accessLog{w: w, bufs: sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}}
}

// line writes one request's line in a single Write. The fields and their
// order are those slog's JSON handler wrote for the same record, so
// tools reading the log see no difference.
func (a *accessLog) line(t time.Time, rq *request, keyID string, status int, code string, in, out int64, d time.Duration) {
	bp := a.bufs.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `{"time":"`...)
	b = t.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"s3 access","remote":`...)
	b = appendJSONString(b, rq.r.RemoteAddr)
	b = append(b, `,"access_key_id":`...)
	b = appendJSONString(b, keyID)
	b = append(b, `,"op":`...)
	b = appendJSONString(b, rq.op)
	b = append(b, `,"method":`...)
	b = appendJSONString(b, rq.r.Method)
	b = append(b, `,"bucket":`...)
	b = appendJSONString(b, rq.bucket)
	b = append(b, `,"key":`...)
	b = appendJSONString(b, rq.key)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"error_code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"bytes_in":`...)
	b = strconv.AppendInt(b, in, 10)
	b = append(b, `,"bytes_out":`...)
	b = strconv.AppendInt(b, out, 10)
	b = append(b, `,"duration_ms":`...)
	b = appendMillis(b, d)
	b = append(b, `,"request_id":`...)
	b = appendJSONString(b, rq.id)
	b = append(b, "}\n"...)
	// A failed write (disk full) loses the line: the access log must
	// never fail the request it describes.
	_, _ = a.w.Write(b)
	*bp = b
	a.bufs.Put(bp)
}

// appendMillis appends d in milliseconds with microsecond precision, as a
// JSON number ("1.234").
func appendMillis(b []byte, d time.Duration) []byte {
	us := d.Microseconds()
	if us < 0 {
		b = append(b, '-')
		us = -us
	}
	b = strconv.AppendInt(b, us/1000, 10)
	frac := us % 1000
	return append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Quotes, backslashes and
// control characters are escaped as JSON requires, U+2028 and U+2029 too
// (JavaScript reads them as line ends), and each byte of invalid UTF-8
// becomes \ufffd: object keys are arbitrary bytes, and a line must stay
// one valid JSON object whatever a client names its objects.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
