package s3

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// FuzzResponseError feeds arbitrary bodies to the error parser: it must
// never panic, always produce a code, and keep Error() on one line.
func FuzzResponseError(f *testing.F) {
	f.Add(404, "<Error><Code>NoSuchKey</Code><Message>m</Message></Error>")
	f.Add(500, "<html>oops</html>")
	f.Add(400, "<Error><Code>A\nB</Code><Message>x\r\ny</Message><RequestId>r\n</RequestId></Error>")
	f.Add(503, "")
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 300 || status > 599 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
		e := newResponseError("GetObject", "b", "k", resp)
		if e.Code == "" {
			t.Fatalf("empty code for status %d body %q", status, body)
		}
		if s := e.Error(); strings.ContainsAny(s, "\r\n") {
			t.Fatalf("Error() spans lines: %q", s)
		}
	})
}
