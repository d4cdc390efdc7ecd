package server_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/sigv4"
)

// postField is one form field, in order.
type postField struct{ name, value string }

// postForm builds a browser-form upload: fields in order, then the file,
// then trailing fields (which S3 ignores).
type postForm struct {
	fields   []postField
	filename string
	file     []byte
	after    []postField
}

func (f postForm) body(t testing.TB) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, fl := range f.fields {
		if err := w.WriteField(fl.name, fl.value); err != nil {
			t.Fatal(err)
		}
	}
	if f.file != nil {
		fw, err := w.CreateFormFile("file", f.filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(f.file)
	}
	for _, fl := range f.after {
		w.WriteField(fl.name, fl.value)
	}
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// policyDoc returns the base64 policy with conditions, expiring at exp.
func policyDoc(t testing.TB, exp time.Time, conds ...any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"expiration": exp.UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conds})
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// v4Fields signs policy for e's key and returns the SigV4 form fields; the
// policy's conditions must name the x-amz-* fields (v4Conds).
func (e *env) v4Fields(policy string) []postField {
	now := e.clock.Now().UTC()
	day := now.Format("20060102")
	return []postField{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"},
		{"x-amz-credential", e.creds.AccessKeyID + "/" + day + "/" + e.srv.Region + "/s3/aws4_request"},
		{"x-amz-date", now.Format("20060102T150405Z")},
		{"policy", policy},
		{"x-amz-signature", sigv4.PolicySignature(e.creds.SecretAccessKey, day, e.srv.Region, "s3", policy)},
	}
}

// v4Conds are the conditions on the SigV4 fields, as boto3 writes them.
func (e *env) v4Conds() []any {
	now := e.clock.Now().UTC()
	return []any{
		map[string]string{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
		map[string]string{"x-amz-credential": e.creds.AccessKeyID + "/" + now.Format("20060102") + "/" + e.srv.Region + "/s3/aws4_request"},
		map[string]string{"x-amz-date": now.Format("20060102T150405Z")},
	}
}

// post sends the form unsigned, as a browser does, without following a
// redirect.
func (e *env) post(t *testing.T, bucket string, f postForm) result {
	t.Helper()
	body, ct := f.body(t)
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(e.request(http.MethodPost, "/"+bucket, body, hdr{"Content-Type": ct}))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

// wantMsg checks an error answer's code and message.
func wantMsg(t *testing.T, r result, status int, code, msg string) {
	t.Helper()
	checkErr(t, r, status, code, false)
	var doc s3xml.Error
	r.decode(t, &doc)
	if msg != "" && doc.Message != msg {
		t.Errorf("message %q, want %q", doc.Message, msg)
	}
}

// TestPostObject checks browser-form uploads signed with SigV4: the file
// is stored with the form's metadata and MD5 ETag, and each
// success_action_* field gets S3's answer.
func TestPostObject(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		exp := e.clock.Now().Add(time.Hour)
		conds := append(e.v4Conds(), map[string]string{"bucket": "bkt"}, []any{"starts-with", "$key", "uploads/"},
			[]any{"starts-with", "$Content-Type", "text/"}, []any{"starts-with", "$x-amz-meta-owner", ""},
			[]any{"content-length-range", 1, 1 << 20}, []any{"eq", "$success_action_status", "201"})
		policy := policyDoc(t, exp, conds...)
		data := []byte("hello, form")
		sum := md5.Sum(data)
		etag := `"` + hex.EncodeToString(sum[:]) + `"`
		f := postForm{fields: append([]postField{{"key", "uploads/${filename}"}, {"Content-Type", "text/plain"},
			{"x-amz-meta-owner", "ann"}, {"success_action_status", "201"}}, e.v4Fields(policy)...),
			filename: "greeting.txt", file: data, after: []postField{{"x-amz-meta-late", "ignored"}}}
		r := e.post(t, "bkt", f)
		if r.status != http.StatusCreated {
			t.Fatalf("status %d\n%s", r.status, r.body)
		}
		var pr s3xml.PostResponse
		r.decode(t, &pr)
		if pr.Bucket != "bkt" || pr.Key != "uploads/greeting.txt" || pr.ETag != etag || pr.Location != e.srv.URL+"/bkt/uploads/greeting.txt" {
			t.Errorf("PostResponse %+v, ETag want %s", pr, etag)
		}
		if r.header.Get("ETag") != etag {
			t.Errorf("ETag header %q", r.header.Get("ETag"))
		}
		g := e.must(200, "GET", "/bkt/uploads/greeting.txt", nil, nil)
		if !bytes.Equal(g.body, data) || g.header.Get("Content-Type") != "text/plain" || g.header.Get("X-Amz-Meta-Owner") != "ann" ||
			g.header.Get("ETag") != etag || g.header.Get("X-Amz-Meta-Late") != "" {
			t.Errorf("stored object: %q %v", g.body, g.header)
		}

		// success_action_status other than 201, and redirects.
		base := append(e.v4Conds(), map[string]string{"bucket": "bkt"}, []any{"starts-with", "$key", ""},
			[]any{"starts-with", "$success_action_status", ""}, []any{"starts-with", "$success_action_redirect", ""})
		policy = policyDoc(t, exp, base...)
		for _, tc := range []struct {
			status, redirect string
			want             int
		}{{"200", "", 200}, {"204", "", 204}, {"404", "", 204}, {"", "", 204}, {"", "https://app.example/done?x=1", 303}} {
			key := "s/" + tc.status + fmt.Sprint(tc.want)
			fields := []postField{{"key", key}}
			if tc.status != "" {
				fields = append(fields, postField{"success_action_status", tc.status})
			}
			if tc.redirect != "" {
				fields = append(fields, postField{"success_action_redirect", tc.redirect})
			}
			r := e.post(t, "bkt", postForm{fields: append(fields, e.v4Fields(policy)...), filename: "f", file: []byte("x")})
			if r.status != tc.want || (tc.want != 201 && len(r.body) != 0) {
				t.Errorf("success_action_status %q: status %d body %q", tc.status, r.status, r.body)
			}
			if tc.want == 303 {
				want := "https://app.example/done?x=1&bucket=bkt&key=" + url.QueryEscape(key) + "&etag=%229dd4e461268c8034f5c8564e155c67a6%22"
				if got := r.header.Get("Location"); got != want {
					t.Errorf("redirect Location %q, want %q", got, want)
				}
			}
			e.must(200, "HEAD", "/bkt/"+key, nil, nil)
		}
	})
}

// TestPostObjectSigV2 checks a form signed the SigV2 way (AWSAccessKeyId,
// signature = base64 HMAC-SHA1 of the policy), and refused signatures.
func TestPostObjectSigV2(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkBucket("bkt")
	policy := policyDoc(t, e.clock.Now().Add(time.Hour), map[string]string{"bucket": "bkt"}, []any{"starts-with", "$key", ""})
	sign := func(secret string) string {
		m := hmac.New(sha1.New, []byte(secret))
		m.Write([]byte(policy))
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	form := func(id, sig string) postForm {
		return postForm{fields: []postField{{"key", "v2"}, {"AWSAccessKeyId", id}, {"policy", policy}, {"signature", sig}}, file: []byte("two")}
	}
	wantMsg(t, e.post(t, "bkt", form(e.creds.AccessKeyID, sign("wrong"))), 403, s3xml.CodeSignatureDoesNotMatch, "")
	wantMsg(t, e.post(t, "bkt", form("NOSUCHKEY", sign(e.creds.SecretAccessKey))), 403, s3xml.CodeInvalidAccessKeyID, "")
	wantMsg(t, e.post(t, "bkt", form(e.creds.AccessKeyID, "")), 400, s3xml.CodeInvalidArgument, "")
	e.wantErr(404, s3xml.CodeNoSuchKey, "GET", "/bkt/v2", nil, nil)
	if r := e.post(t, "bkt", form(e.creds.AccessKeyID, sign(e.creds.SecretAccessKey))); r.status != 204 {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	if r := e.must(200, "GET", "/bkt/v2", nil, nil); string(r.body) != "two" {
		t.Errorf("body %q", r.body)
	}
}

// TestPostObjectRefused checks S3's answers to forms the policy or the
// key does not allow; none stores anything.
func TestPostObjectRefused(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithKeys(server.Key{AccessKeyID: "READONLY", Secret: "ro-secret", ReadOnly: true},
			server.Key{AccessKeyID: "OTHERBKT", Secret: "other-secret", Buckets: []string{"other"}}))
		e.mkBucket("bkt")
		exp := e.clock.Now().Add(time.Hour)
		std := func(extra ...any) string {
			return policyDoc(t, exp, append(append(e.v4Conds(), map[string]string{"bucket": "bkt"},
				[]any{"starts-with", "$key", "uploads/"}, []any{"content-length-range", 2, 10}), extra...)...)
		}
		form := func(e *env, policy string, data []byte, fields ...postField) postForm {
			return postForm{fields: append(append([]postField{{"key", "uploads/k"}}, fields...), e.v4Fields(policy)...), filename: "f", file: data}
		}
		tests := []struct {
			name   string
			f      postForm
			status int
			code   string
			msg    string
		}{
			{"extra field", form(e, std(), []byte("abc"), postField{"x-amz-meta-extra", "1"}), 403, s3xml.CodeAccessDenied,
				"Invalid according to Policy: Extra input fields: x-amz-meta-extra"},
			{"key condition", postForm{fields: append([]postField{{"key", "elsewhere/k"}}, e.v4Fields(std())...), file: []byte("abc")}, 403,
				s3xml.CodeAccessDenied, `Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/"]`},
			{"eq condition", form(e, std([]any{"eq", "$Content-Type", "image/png"}), []byte("abc"), postField{"Content-Type", "text/html"}), 403,
				s3xml.CodeAccessDenied, `Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/png"]`},
			{"no bucket condition", form(e, policyDoc(t, exp, append(e.v4Conds(), []any{"starts-with", "$key", ""})...), []byte("abc")), 403,
				s3xml.CodeAccessDenied, "Invalid according to Policy: Extra input fields: bucket"},
			{"expired", form(e, policyDoc(t, e.clock.Now().Add(-time.Second), append(e.v4Conds(), map[string]string{"bucket": "bkt"},
				[]any{"starts-with", "$key", ""})...), []byte("abc")), 403, s3xml.CodeAccessDenied, "Invalid according to Policy: Policy expired."},
			{"too large", form(e, std(), bytes.Repeat([]byte("x"), 11)), 400, s3xml.CodeEntityTooLarge, ""},
			{"much too large", form(e, std(), bytes.Repeat([]byte("x"), 3<<20)), 400, s3xml.CodeEntityTooLarge, ""},
			{"too small", form(e, std(), []byte("x")), 400, s3xml.CodeEntityTooSmall, ""},
			{"no file", postForm{fields: append([]postField{{"key", "uploads/k"}}, e.v4Fields(std())...)}, 400,
				s3xml.CodeIncorrectNumberOfFilesInPostRequest, ""},
			{"no key", postForm{fields: e.v4Fields(std()), file: []byte("abc")}, 400, s3xml.CodeInvalidArgument,
				"Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."},
			{"bad policy", form(e, base64.StdEncoding.EncodeToString([]byte(`{"conditions":[]}`)), []byte("abc")), 400,
				s3xml.CodeInvalidPolicyDocument, "Invalid Policy: Policy missing expiration."},
			{"bad content-length-range", form(e, policyDoc(t, exp, []any{"content-length-range", 5}), []byte("abc")), 400,
				s3xml.CodeInvalidPolicyDocument, ""},
			{"wrong signature", form(e.as(e.creds.AccessKeyID, "not-the-secret"), std(), []byte("abc")), 403, s3xml.CodeSignatureDoesNotMatch, ""},
			{"read-only key", form(e.as("READONLY", "ro-secret"), policyDoc(t, exp, append(e.as("READONLY", "ro-secret").v4Conds(),
				map[string]string{"bucket": "bkt"}, []any{"starts-with", "$key", ""})...), []byte("abc")), 403, s3xml.CodeAccessDenied, "Access Denied"},
			{"other bucket's key", form(e.as("OTHERBKT", "other-secret"), policyDoc(t, exp, append(e.as("OTHERBKT", "other-secret").v4Conds(),
				map[string]string{"bucket": "bkt"}, []any{"starts-with", "$key", ""})...), []byte("abc")), 403, s3xml.CodeAccessDenied, "Access Denied"},
			{"bad checksum", form(e, std([]any{"starts-with", "$key", ""}), []byte("abc"), postField{"x-amz-checksum-sha256", base64.StdEncoding.EncodeToString(make([]byte, 32))}),
				400, s3xml.CodeBadDigest, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantMsg(t, e.sub(t).post(t, "bkt", tc.f), tc.status, tc.code, tc.msg)
				e.sub(t).wantErr(404, s3xml.CodeNoSuchKey, "HEAD", "/bkt/uploads/k", nil, nil)
			})
		}
		wantMsg(t, e.post(t, "nobkt", form(e, std(), []byte("abc"))), 404, s3xml.CodeNoSuchBucket, "")
	})
}

// TestPostObjectChecksumAndTags checks the fields a PUT would send as
// headers: a matching x-amz-checksum-* is stored and returned, tags come
// from the tagging field's XML.
func TestPostObjectChecksumAndTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkBucket("bkt")
	data := []byte("checked")
	sum := sha256.Sum256(data)
	policy := policyDoc(t, e.clock.Now().Add(time.Hour), append(e.v4Conds(), map[string]string{"bucket": "bkt"},
		[]any{"eq", "$key", "k"}, []any{"starts-with", "$tagging", ""})...)
	f := postForm{fields: append([]postField{{"key", "k"}, {"x-amz-checksum-sha256", base64.StdEncoding.EncodeToString(sum[:])},
		{"tagging", "<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag></TagSet></Tagging>"}}, e.v4Fields(policy)...), file: data}
	if r := e.post(t, "bkt", f); r.status != 204 {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	r := e.must(200, "HEAD", "/bkt/k", nil, hdr{"x-amz-checksum-mode": "ENABLED"})
	if got := r.header.Get("X-Amz-Checksum-Sha256"); got != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("checksum %q", got)
	}
	var tg s3xml.Tagging
	e.must(200, "GET", "/bkt/k?tagging", nil, nil).decode(t, &tg)
	if len(tg.TagSet) != 1 || tg.TagSet[0].Key != "team" || tg.TagSet[0].Value != "blue" {
		t.Errorf("tags %+v", tg.TagSet)
	}
	if !strings.Contains(string(e.must(200, "GET", "/bkt/k", nil, nil).body), "checked") {
		t.Error("body")
	}
}

// TestPostObjectTruncated checks that a form whose file part never ends
// (the body stops before the closing boundary) is MalformedPOSTRequest and
// stores nothing.
func TestPostObjectTruncated(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		policy := policyDoc(t, e.clock.Now().Add(time.Hour), append(e.v4Conds(), map[string]string{"bucket": "bkt"}, []any{"eq", "$key", "cut"})...)
		body, ct := postForm{fields: append([]postField{{"key", "cut"}}, e.v4Fields(policy)...), file: bytes.Repeat([]byte("y"), 100<<10)}.body(t)
		cut := body[:len(body)-200] // inside the file part
		r := e.anon(http.MethodPost, "/bkt", cut, hdr{"Content-Type": ct})
		wantMsg(t, r, 400, s3xml.CodeMalformedPOSTRequest, "")
		e.wantErr(404, s3xml.CodeNoSuchKey, "HEAD", "/bkt/cut", nil, nil)
		// Not multipart at all.
		r = e.anon(http.MethodPost, "/bkt", []byte("key=cut"), hdr{"Content-Type": "multipart/form-data"})
		wantMsg(t, r, 400, s3xml.CodeMalformedPOSTRequest, "")
	})
}

// TestPostObjectEncryption checks that a form's encryption fields encrypt
// as a PUT's headers do: SSE-S3 and SSE-C objects are stored encrypted
// and answered with their encryption headers, an SSE-C object needs its
// key to be read, and an unknown algorithm stores nothing.
func TestPostObjectEncryption(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		key := bytes.Repeat([]byte("k"), 32)
		ssec := ssecHeaders("x-amz-", key)
		conds := append(e.v4Conds(), map[string]string{"bucket": "bkt"}, []any{"starts-with", "$key", ""})
		for name := range ssec {
			conds = append(conds, []any{"starts-with", "$" + name, ""})
		}
		conds = append(conds, []any{"starts-with", "$x-amz-server-side-encryption", ""})
		policy := policyDoc(t, e.clock.Now().Add(time.Hour), conds...)
		data := []byte("form secret")
		post := func(k string, enc ...postField) result {
			return e.post(t, "bkt", postForm{fields: append(append([]postField{{"key", k}}, enc...), e.v4Fields(policy)...), filename: "f", file: data})
		}

		r := post("s3", postField{"x-amz-server-side-encryption", "AES256"})
		if r.status != 204 || r.header.Get("X-Amz-Server-Side-Encryption") != "AES256" {
			t.Fatalf("SSE-S3 form: status %d, headers %v\n%s", r.status, r.header, r.body)
		}
		g := e.must(200, "GET", "/bkt/s3", nil, nil)
		if !bytes.Equal(g.body, data) || g.header.Get("X-Amz-Server-Side-Encryption") != "AES256" {
			t.Errorf("SSE-S3 form object: %q %v", g.body, g.header)
		}

		var fields []postField
		for name, v := range ssec {
			fields = append(fields, postField{name, v})
		}
		r = post("c", fields...)
		if r.status != 204 || r.header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "AES256" {
			t.Fatalf("SSE-C form: status %d, headers %v\n%s", r.status, r.header, r.body)
		}
		e.wantErr(400, "InvalidRequest", "GET", "/bkt/c", nil, nil)
		if g := e.must(200, "GET", "/bkt/c", nil, ssec); !bytes.Equal(g.body, data) {
			t.Errorf("SSE-C form object read with its key: %q", g.body)
		}

		r = post("bad", postField{"x-amz-server-side-encryption", "AES128"})
		checkErr(t, r, 400, "InvalidArgument", false)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/bad", nil, nil)
	})
}
