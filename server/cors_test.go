package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// corsRules are the rules of ceph/s3-tests' test_cors_origin_response plus
// a rule with headers, expose headers and a max age.
const corsRules = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*suffix</AllowedOrigin></CORSRule>
<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>start*end</AllowedOrigin></CORSRule>
<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>prefix*</AllowedOrigin></CORSRule>
<CORSRule><AllowedMethod>PUT</AllowedMethod><AllowedOrigin>*.put</AllowedOrigin></CORSRule>
<CORSRule><ID>app</ID><AllowedHeader>Content-*</AllowedHeader><AllowedHeader>x-amz-meta-owner</AllowedHeader>
 <AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedOrigin>https://app.example</AllowedOrigin>
 <ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>
<CORSRule><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin><ExposeHeader>Content-Length</ExposeHeader></CORSRule>
</CORSConfiguration>`

// TestCORSConfig checks Put/Get/DeleteBucketCors: a bucket starts without
// rules (404 NoSuchCORSConfiguration), the rules come back as stored, in
// order, and a delete removes them.
func TestCORSConfig(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.wantErr(404, s3xml.CodeNoSuchCORSConfiguration, "GET", "/bkt?cors", nil, nil)
		e.must(200, "PUT", "/bkt?cors", []byte(corsRules), nil)
		var got s3xml.CORSConfiguration
		e.must(200, "GET", "/bkt?cors", nil, nil).decode(t, &got)
		if len(got.Rules) != 6 {
			t.Fatalf("%d rules, want 6: %+v", len(got.Rules), got.Rules)
		}
		app := got.Rules[4]
		if app.ID != "app" || strings.Join(app.AllowedMethods, ",") != "PUT,POST" || strings.Join(app.AllowedHeaders, ",") != "Content-*,x-amz-meta-owner" ||
			strings.Join(app.ExposeHeaders, ",") != "ETag,x-amz-request-id" || app.MaxAgeSeconds == nil || *app.MaxAgeSeconds != 600 {
			t.Errorf("rule 5 = %+v", app)
		}
		if got.Rules[0].AllowedOrigins[0] != "*suffix" || got.Rules[0].MaxAgeSeconds != nil {
			t.Errorf("rule 1 = %+v", got.Rules[0])
		}
		e.must(204, "DELETE", "/bkt?cors", nil, nil)
		e.wantErr(404, s3xml.CodeNoSuchCORSConfiguration, "GET", "/bkt?cors", nil, nil)
		e.wantErr(404, s3xml.CodeNoSuchBucket, "PUT", "/nobkt?cors", []byte(corsRules), nil)
		e.wantErr(404, s3xml.CodeNoSuchBucket, "GET", "/nobkt?cors", nil, nil)
	})
}

// TestCORSConfigInvalid checks that PutBucketCors refuses what S3 refuses,
// with S3's codes and messages, and keeps the rules it had.
func TestCORSConfigInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkBucket("bkt")
	e.must(200, "PUT", "/bkt?cors", []byte(corsRules), nil)
	rule := func(inner string) string {
		return `<CORSConfiguration><CORSRule>` + inner + `</CORSRule></CORSConfiguration>`
	}
	tooMany := "<CORSConfiguration>" + strings.Repeat("<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>", 101) + "</CORSConfiguration>"
	tests := []struct {
		name, doc, code, msg string
	}{
		{"no rules", `<CORSConfiguration></CORSConfiguration>`, s3xml.CodeMalformedXML, ""},
		{"not XML", `<CORSConfiguration><CORSRule>`, s3xml.CodeMalformedXML, ""},
		{"no origin", rule(`<AllowedMethod>GET</AllowedMethod>`), s3xml.CodeMalformedXML, ""},
		{"no method", rule(`<AllowedOrigin>*</AllowedOrigin>`), s3xml.CodeMalformedXML, ""},
		{"OPTIONS", rule(`<AllowedMethod>OPTIONS</AllowedMethod><AllowedOrigin>*</AllowedOrigin>`), s3xml.CodeInvalidRequest,
			"Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS"},
		{"lower-case get", rule(`<AllowedMethod>get</AllowedMethod><AllowedOrigin>*</AllowedOrigin>`), s3xml.CodeInvalidRequest,
			"Found unsupported HTTP method in CORS config. Unsupported method is get"},
		{"two wildcards", rule(`<AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://*.*.example</AllowedOrigin>`), s3xml.CodeInvalidRequest,
			`AllowedOrigin "https://*.*.example" can not have more than one wildcard.`},
		{"101 rules", tooMany, s3xml.CodeInvalidRequest, "The number of CORS rules should not exceed allowed limit of 100 rules."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := e.sub(t)
			r := e.wantErr(400, tc.code, "PUT", "/bkt?cors", []byte(tc.doc), nil)
			var doc s3xml.Error
			r.decode(t, &doc)
			if tc.msg != "" && doc.Message != tc.msg {
				t.Errorf("message %q, want %q", doc.Message, tc.msg)
			}
			var got s3xml.CORSConfiguration
			e.must(200, "GET", "/bkt?cors", nil, nil).decode(t, &got)
			if len(got.Rules) != 6 {
				t.Errorf("a refused PUT changed the rules: %d rules", len(got.Rules))
			}
		})
	}
}

// corsCase is one request and the CORS headers its answer must carry
// (origin "" means none).
type corsCase struct {
	method, path string
	h            hdr
	status       int
	origin       string
	methods      string
}

func checkCORSHeaders(t *testing.T, r result, tc corsCase) {
	t.Helper()
	if r.status != tc.status {
		t.Errorf("status %d, want %d\n%s", r.status, tc.status, r.body)
	}
	if got := r.header.Get("Access-Control-Allow-Origin"); got != tc.origin {
		t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.origin)
	}
	if got := r.header.Get("Access-Control-Allow-Methods"); got != tc.methods {
		t.Errorf("Access-Control-Allow-Methods %q, want %q", got, tc.methods)
	}
}

// TestCORSPreflight checks unsigned OPTIONS requests against the rules:
// the first rule matching origin, method and every requested header
// decides; wildcards match; nothing matching is 403 AccessForbidden; a
// missing Origin or method is 400.
func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.mkBucket("plain")
		e.must(200, "PUT", "/bkt?cors", []byte(corsRules), nil)
		get := func(origin string) hdr { return hdr{"Origin": origin, "Access-Control-Request-Method": "GET"} }
		tests := []corsCase{
			{"OPTIONS", "/bkt/obj", get("foo.suffix"), 200, "foo.suffix", "GET"},
			{"OPTIONS", "/bkt", get("foo.bar"), 403, "", ""},
			{"OPTIONS", "/bkt", get("foo.suffix.get"), 403, "", ""},
			{"OPTIONS", "/bkt", get("startend"), 200, "startend", "GET"},
			{"OPTIONS", "/bkt", get("start12end"), 200, "start12end", "GET"},
			{"OPTIONS", "/bkt", get("0start12end"), 403, "", ""},
			{"OPTIONS", "/bkt", get("prefix"), 200, "prefix", "GET"},
			{"OPTIONS", "/bkt", get("prefix.suffix"), 200, "prefix.suffix", "GET"},
			{"OPTIONS", "/bkt", get("bla.prefix"), 403, "", ""},
			{"OPTIONS", "/bkt", get("foo.put"), 403, "", ""},
			{"OPTIONS", "/bkt", hdr{"Origin": "foo.put", "Access-Control-Request-Method": "PUT"}, 200, "foo.put", "PUT"},
			// Headers: every requested one must be allowed, case-insensitively.
			{"OPTIONS", "/bkt/a/b", hdr{"Origin": "https://app.example", "Access-Control-Request-Method": "PUT",
				"Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Owner"}, 200, "https://app.example", "PUT, POST"},
			{"OPTIONS", "/bkt/a/b", hdr{"Origin": "https://app.example", "Access-Control-Request-Method": "PUT",
				"Access-Control-Request-Headers": "content-type,x-amz-meta-other"}, 403, "", ""},
			{"OPTIONS", "/bkt/k", hdr{"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"}, 403, "", ""},
			// "*" answers "*".
			{"OPTIONS", "/bkt/k", hdr{"Origin": "https://any.example", "Access-Control-Request-Method": "HEAD"}, 200, "*", "HEAD"},
			// Missing pieces, and a bucket without rules or without existence.
			{"OPTIONS", "/bkt", nil, 400, "", ""},
			{"OPTIONS", "/bkt", hdr{"Origin": "foo.suffix"}, 400, "", ""},
			{"OPTIONS", "/bkt", hdr{"Origin": "foo.suffix", "Access-Control-Request-Method": "PATCH"}, 400, "", ""},
			{"OPTIONS", "/plain/k", get("foo.suffix"), 403, "", ""},
			{"OPTIONS", "/nobkt/k", get("foo.suffix"), 403, "", ""},
		}
		for i, tc := range tests {
			t.Run(fmt.Sprint(i, tc.h), func(t *testing.T) {
				r := e.sub(t).anon(tc.method, tc.path, nil, tc.h)
				checkCORSHeaders(t, r, tc)
				if r.status == 403 {
					checkErr(t, r, 403, s3xml.CodeAccessForbidden, false)
				}
				if r.status == 400 {
					checkErr(t, r, 400, s3xml.CodeBadRequest, false)
				}
			})
		}
		// The full answer of a rule with everything.
		r := e.anon("OPTIONS", "/bkt/a/b", nil, hdr{"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "Content-Type"})
		want := map[string]string{
			"Access-Control-Allow-Origin":      "https://app.example",
			"Access-Control-Allow-Methods":     "PUT, POST",
			"Access-Control-Allow-Headers":     "content-type",
			"Access-Control-Expose-Headers":    "ETag, x-amz-request-id",
			"Access-Control-Max-Age":           "600",
			"Access-Control-Allow-Credentials": "true",
			"Vary":                             "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
		}
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %q, want %q", k, got, v)
			}
		}
		// "*" never comes with credentials, which browsers refuse together.
		r = e.anon("OPTIONS", "/bkt/k", nil, hdr{"Origin": "https://any.example", "Access-Control-Request-Method": "HEAD"})
		if got := r.header.Get("Access-Control-Allow-Credentials"); got != "" {
			t.Errorf("Access-Control-Allow-Credentials with \"*\": %q", got)
		}
		var doc s3xml.Error
		r = e.anon("OPTIONS", "/plain/k", nil, get("foo.suffix"))
		r.decode(t, &doc)
		if doc.Message != "CORSResponse: CORS is not enabled for this bucket." {
			t.Errorf("no rules: message %q", doc.Message)
		}
		// A preflight changes nothing: no bucket, no object.
		e.wantErr(404, s3xml.CodeNoSuchKey, "GET", "/bkt/obj", nil, nil)
	})
}

// TestCORSActualRequests checks that signed requests with an allowed Origin
// get the rule's headers, errors included, that others get none, and that
// unsigned requests are still refused.
func TestCORSActualRequests(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.must(200, "PUT", "/bkt?cors", []byte(corsRules), nil)
		e.put("bkt", "k", []byte("hello"), nil)
		tests := []corsCase{
			{"GET", "/bkt", nil, 200, "", ""},
			{"GET", "/bkt", hdr{"Origin": "foo.suffix"}, 200, "foo.suffix", "GET"},
			{"GET", "/bkt", hdr{"Origin": "foo.bar"}, 200, "", ""},
			{"GET", "/bkt/k", hdr{"Origin": "start1end"}, 200, "start1end", "GET"},
			{"GET", "/bkt/missing", hdr{"Origin": "foo.suffix"}, 404, "foo.suffix", "GET"},
			{"PUT", "/bkt/new", hdr{"Origin": "foo.put"}, 200, "foo.put", "PUT"},
			{"PUT", "/bkt/new2", hdr{"Origin": "foo.suffix"}, 200, "", ""},
			{"PUT", "/bkt/new3", hdr{"Origin": "https://app.example"}, 200, "https://app.example", "PUT, POST"},
			{"HEAD", "/bkt/k", hdr{"Origin": "https://x.example"}, 200, "*", "HEAD"},
		}
		for i, tc := range tests {
			t.Run(fmt.Sprint(i, tc.method, tc.h), func(t *testing.T) {
				checkCORSHeaders(t, e.sub(t).do(tc.method, tc.path, nil, tc.h), tc)
			})
		}
		r := e.do("PUT", "/bkt/etag", []byte("x"), hdr{"Origin": "https://app.example"})
		if got := r.header.Get("Access-Control-Expose-Headers"); got != "ETag, x-amz-request-id" || r.header.Get("ETag") == "" {
			t.Errorf("PUT: Access-Control-Expose-Headers %q, ETag %q", got, r.header.Get("ETag"))
		}
		// Anonymous requests stay refused, but a browser can read why.
		r = e.anon("GET", "/bkt/k", nil, hdr{"Origin": "foo.suffix"})
		checkErr(t, r, http.StatusForbidden, s3xml.CodeAccessDenied, false)
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "foo.suffix" {
			t.Errorf("refused GET: Access-Control-Allow-Origin %q", got)
		}
	})
}
