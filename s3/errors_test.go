package s3

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestResponseError(t *testing.T) {
	tests := []struct {
		name       string
		op         string
		status     int
		header     http.Header
		body       string
		wantCode   string
		wantMsg    string
		wantReqID  string
		wantIs     []Code
		wantNotIs  []Code
		wantString string
	}{
		{
			name: "NoSuchKey from XML", status: 404,
			body:     "<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>R1</RequestId><HostId>H1</HostId></Error>",
			wantCode: "NoSuchKey", wantMsg: "The specified key does not exist.", wantReqID: "R1",
			wantIs: []Code{NoSuchKey, NotFound}, wantNotIs: []Code{NoSuchBucket},
			wantString: "s3: GetObject s3://b/k: NoSuchKey: The specified key does not exist. (status 404, request id R1)",
		},
		{
			name: "HEAD 404 without body", status: 404, header: http.Header{"X-Amz-Request-Id": {"R2"}},
			wantCode: "NotFound", wantMsg: "Not Found", wantReqID: "R2",
			wantIs: []Code{NotFound}, wantNotIs: []Code{NoSuchKey},
		},
		{name: "HeadObject 404 is also NoSuchKey", op: "HeadObject", status: 404, wantCode: "NotFound",
			wantIs: []Code{NotFound, NoSuchKey}, wantNotIs: []Code{NoSuchBucket}},
		{name: "HeadBucket 404 is also NoSuchBucket", op: "HeadBucket", status: 404, wantCode: "NotFound",
			wantIs: []Code{NotFound, NoSuchBucket}, wantNotIs: []Code{NoSuchKey}},
		{name: "304 without body", status: 304, wantCode: "NotModified", wantIs: []Code{NotModified}},
		{name: "412 without body", status: 412, wantCode: "PreconditionFailed", wantIs: []Code{PreconditionFailed}},
		{name: "403 without body", status: 403, wantCode: "Forbidden", wantNotIs: []Code{NotFound}},
		{name: "HTML from a proxy", status: 502, body: "<html><body>Bad Gateway</body></html>", wantCode: "BadGateway"},
		{
			name: "multi-line message is one line", status: 400,
			body:     "<Error><Code>InvalidArgument</Code><Message>first\nsecond</Message></Error>",
			wantCode: "InvalidArgument", wantMsg: "first\nsecond",
			wantString: "s3: GetObject s3://b/k: InvalidArgument: first second (status 400)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			resp := &http.Response{StatusCode: tt.status, Header: h, Body: io.NopCloser(strings.NewReader(tt.body))}
			op := tt.op
			if op == "" {
				op = "GetObject"
			}
			err := error(newResponseError(op, "b", "k", resp))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %T", err)
			}
			if e.Code != tt.wantCode || e.StatusCode != tt.status || e.Bucket != "b" || e.Key != "k" {
				t.Errorf("got %+v, want code %s status %d", e, tt.wantCode, tt.status)
			}
			if tt.wantMsg != "" && e.Message != tt.wantMsg {
				t.Errorf("Message = %q, want %q", e.Message, tt.wantMsg)
			}
			if e.RequestID != tt.wantReqID {
				t.Errorf("RequestID = %q, want %q", e.RequestID, tt.wantReqID)
			}
			for _, c := range tt.wantIs {
				if !errors.Is(err, c) {
					t.Errorf("errors.Is(err, %s) = false", c)
				}
			}
			for _, c := range tt.wantNotIs {
				if errors.Is(err, c) {
					t.Errorf("errors.Is(err, %s) = true", c)
				}
			}
			s := err.Error()
			if strings.ContainsAny(s, "<\n") {
				t.Errorf("Error() = %q: want one line without XML", s)
			}
			if tt.wantString != "" && s != tt.wantString {
				t.Errorf("Error() = %q\nwant      %q", s, tt.wantString)
			}
		})
	}
}

func TestErrorIn200(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"
	resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	_, err := bufferAndCheck200(&call{op: "CompleteMultipartUpload", bucket: "b", key: "k"}, resp)
	var e *Error
	if !errors.As(err, &e) || e.Code != "InternalError" || e.StatusCode != 200 {
		t.Fatalf("got %v, want InternalError in a 200", err)
	}
	if !retryableError(t.Context(), err) {
		t.Error("an InternalError reported in a 200 should be retried")
	}
	ok := `<CompleteMultipartUploadResult><ETag>"x-2"</ETag></CompleteMultipartUploadResult>`
	resp = &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(ok))}
	r, err := bufferAndCheck200(&call{op: "CompleteMultipartUpload"}, resp)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r.Body); string(b) != ok {
		t.Errorf("body after check = %q, want it unchanged", b)
	}
}
