package server

import (
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// TestCustomerKeyNeedsTLSOffLoopback checks that an SSE-C key sent over
// plain HTTP from another host is refused, as S3 refuses SSE-C without
// TLS, while loopback and TLS connections may send one.
func TestCustomerKeyNeedsTLSOffLoopback(t *testing.T) {
	key := make([]byte, 32)
	sum := md5.Sum(key)
	for _, tc := range []struct {
		remote string
		tls    bool
		ok     bool
	}{
		{"127.0.0.1:5000", false, true},
		{"[::1]:5000", false, true},
		{"192.0.2.7:5000", false, false},
		{"192.0.2.7:5000", true, true},
	} {
		r := httptest.NewRequest("PUT", "/b/k", nil)
		r.RemoteAddr = tc.remote
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		r.Header.Set(s3xml.HeaderSSECAlgorithm, "AES256")
		r.Header.Set(s3xml.HeaderSSECKey, base64.StdEncoding.EncodeToString(key))
		r.Header.Set(s3xml.HeaderSSECKeyMD5, base64.StdEncoding.EncodeToString(sum[:]))
		ck, err := parseCustomerKey(r, false)
		if tc.ok && (err != nil || ck == nil) {
			t.Errorf("%s tls=%v: %v", tc.remote, tc.tls, err)
		}
		var e *Error
		if !tc.ok && (!errors.As(err, &e) || e.Code != s3xml.CodeInvalidRequest) {
			t.Errorf("%s tls=%v: %v, want InvalidRequest", tc.remote, tc.tls, err)
		}
	}
}
