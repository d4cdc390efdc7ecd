package sigv4

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// costlyRequest builds the kind of request an attacker sends to make
// verification expensive: signed headers x-amz-meta-s* present when it
// was signed, then extra x-amz-meta-x* headers (about 24 bytes each on
// the wire, so 43,000 make 1 MB) added afterwards and, when listExtra,
// named in SignedHeaders too.
func costlyRequest(t testing.TB, creds Credentials, signed, extra int, listExtra bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/b/k", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range signed {
		req.Header.Set(fmt.Sprintf("x-amz-meta-s%07d", i), "v")
	}
	in := SignInput{Credentials: creds, Service: "s3", Region: "us-east-1", Time: testTime, PayloadHash: EmptyPayloadHash}
	if _, err := NewSigner().Sign(req, in); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, extra)
	for i := range extra {
		name := fmt.Sprintf("x-amz-meta-x%07d", i)
		req.Header[canonicalSigned(name)] = []string{"v"}
		names = append(names, name)
	}
	if listExtra {
		auth := req.Header.Get("Authorization")
		i := strings.Index(auth, "SignedHeaders=host;") + len("SignedHeaders=host;")
		req.Header.Set("Authorization", auth[:i]+strings.Join(names, ";")+";"+auth[i:])
	}
	return req
}

func verifyCode(t *testing.T, req *http.Request, code string) *Error {
	t.Helper()
	_, err := testVerifier(testTime).Verify(context.Background(), req)
	var e *Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("Verify: %v, want %s", err, code)
	}
	return e
}

func TestUnknownKeyRefusedBeforeHeaderChecks(t *testing.T) {
	// The request also carries unsigned x-amz-* headers: it is refused
	// for its unknown key, before any look at them.
	req := costlyRequest(t, Credentials{AccessKeyID: "FAKEKEY", SecretAccessKey: "x"}, 0, 2000, false)
	verifyCode(t, req, CodeInvalidAccessKeyID)
}

func TestSignedHeadersBounded(t *testing.T) {
	e := verifyCode(t, costlyRequest(t, testCreds, 0, maxSignedHeaders, true), CodeAuthorizationHeaderMalformed)
	if !strings.Contains(e.Message, "SignedHeaders") {
		t.Errorf("message %q does not say what is wrong", e.Message)
	}
	// A request signing many headers, below the bound, is accepted.
	if _, err := testVerifier(testTime).Verify(context.Background(), costlyRequest(t, testCreds, 200, 0, false)); err != nil {
		t.Fatalf("200 signed headers: %v", err)
	}
}

func TestUnsignedHeadersListedBriefly(t *testing.T) {
	e := verifyCode(t, costlyRequest(t, testCreds, 1, 1000, false), CodeAccessDenied)
	if !strings.Contains(e.Message, "x-amz-meta-x") || !strings.HasSuffix(e.Message, ", ...") || strings.Count(e.Message, ",") != maxUnsignedListed || len(e.Message) > 400 {
		t.Errorf("message (%d bytes) %.200q", len(e.Message), e.Message)
	}
}

func TestServiceMustMatch(t *testing.T) {
	for _, presign := range []bool{false, true} {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/b/k", nil)
		in := SignInput{Credentials: testCreds, Service: "iam", Region: "us-east-1", Time: testTime, PayloadHash: EmptyPayloadHash}
		if presign {
			u, err := NewSigner().Presign(req, in, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			req, _ = http.NewRequest(http.MethodGet, u.String(), nil)
		} else {
			req.Header.Set("X-Amz-Content-Sha256", EmptyPayloadHash)
			if _, err := NewSigner().Sign(req, in); err != nil {
				t.Fatal(err)
			}
		}
		v := testVerifier(testTime)
		if _, err := v.Verify(context.Background(), req); err != nil {
			t.Fatalf("presign=%v: a Verifier without Service refused iam: %v", presign, err)
		}
		v.Service = "s3"
		_, err := v.Verify(context.Background(), req)
		want := CodeAuthorizationHeaderMalformed
		if presign {
			want = CodeAuthorizationQueryParamsError
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != want || !strings.Contains(e.Message, `incorrect service "iam"`) {
			t.Errorf("presign=%v: %v, want %s naming the service", presign, err, want)
		}
	}
}

// BenchmarkVerifyCostly measures what refusing a 1 MB header section costs:
// an unknown key naming 43,000 signed headers, a real key naming as many,
// and a real key with 43,000 unsigned x-amz-* headers.
func BenchmarkVerifyCostly(b *testing.B) {
	cases := []struct {
		name      string
		creds     Credentials
		listExtra bool
		code      string
	}{
		{"unknown-key-43k-signed", Credentials{AccessKeyID: "FAKEKEY", SecretAccessKey: "x"}, true, CodeAuthorizationHeaderMalformed},
		{"unknown-key-43k-unsigned", Credentials{AccessKeyID: "FAKEKEY", SecretAccessKey: "x"}, false, CodeInvalidAccessKeyID},
		{"real-key-43k-signed", testCreds, true, CodeAuthorizationHeaderMalformed},
		{"real-key-43k-unsigned", testCreds, false, CodeAccessDenied},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := costlyRequest(b, c.creds, 0, 43000, c.listExtra)
			v := testVerifier(testTime)
			b.ReportAllocs()
			for b.Loop() {
				_, err := v.Verify(context.Background(), req)
				var e *Error
				if !errors.As(err, &e) || e.Code != c.code {
					b.Fatalf("Verify: %v, want %s", err, c.code)
				}
			}
		})
	}
}

func TestPresignedExpiresMessages(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/b/k", nil)
	u, err := NewSigner().Presign(req, testInput(""), 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for from, want := range map[string]string{
		"X-Amz-Expires=604801": "X-Amz-Expires must be less than a week (in seconds) that is; 604800",
		"X-Amz-Expires=-1":     "X-Amz-Expires must be non-negative",
		"X-Amz-Expires=soon":   "X-Amz-Expires should be a number",
	} {
		r, _ := http.NewRequest(http.MethodGet, strings.Replace(u.String(), "X-Amz-Expires=604800", from, 1), nil)
		_, err := testVerifier(testTime).Verify(context.Background(), r)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeAuthorizationQueryParamsError || e.Message != want {
			t.Errorf("%s: %v, want %q", from, err, want)
		}
	}
}
