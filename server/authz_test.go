package server_test

import (
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
)

// otherAccount is a key of a second account: its identity allows all of
// S3, yet the default account's buckets are closed to it unless their
// bucket policy opens them.
var otherAccount = server.Key{AccessKeyID: "BOBOTHERACCOUNT1", Secret: "bob-secret-0123456789", Account: "222222222222", User: "bob"}

func policyEnv(t *testing.T, bk backend) (*env, *env) {
	t.Helper()
	e := bk.env(t, s3test.WithKeys(otherAccount))
	return e, e.as(otherAccount.AccessKeyID, otherAccount.Secret)
}

func TestCrossAccountNeedsBucketPolicy(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		owner, bob := policyEnv(t, bk)
		owner.mkBucket("shared")
		owner.put("shared", "docs/a.txt", []byte("hello"), nil)

		bob.wantErr(403, "AccessDenied", "GET", "/shared/docs/a.txt", nil, nil)
		bob.wantErr(403, "AccessDenied", "PUT", "/shared/docs/b.txt", []byte("x"), nil)
		bob.wantErr(403, "AccessDenied", "GET", "/shared?list-type=2", nil, nil)
		bob.wantErr(409, "BucketAlreadyExists", "PUT", "/shared", nil, nil)
		owner.wantErr(404, "NoSuchKey", "GET", "/shared/docs/b.txt", nil, nil)
		// Bob's own bucket is his account's: the owner does not see it.
		bob.must(200, "PUT", "/bobs", nil, nil)
		var list struct {
			Names []string `xml:"Buckets>Bucket>Name"`
		}
		owner.must(200, "GET", "/", nil, nil).decode(t, &list)
		if strings.Join(list.Names, ",") != "shared" {
			t.Errorf("owner lists %v, want only shared", list.Names)
		}
		owner.wantErr(403, "AccessDenied", "GET", "/bobs?list-type=2", nil, nil)

		owner.wantErr(404, "NoSuchBucketPolicy", "GET", "/shared?policy", nil, nil)
		pol := `{"Version":"2012-10-17","Statement":[
		  {"Sid":"BobReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/bob"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::shared","arn:aws:s3:::shared/*"]},
		  {"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/secret/*"}]}`
		// Another account may not set the policy of a bucket it does not own.
		bob.wantErr(403, "AccessDenied", "PUT", "/shared?policy", []byte(pol), nil)
		owner.must(204, "PUT", "/shared?policy", []byte(pol), nil)
		if got := owner.must(200, "GET", "/shared?policy", nil, nil); string(got.body) != pol {
			t.Errorf("GetBucketPolicy: %s", got.body)
		}
		if r := bob.must(200, "GET", "/shared/docs/a.txt", nil, nil); string(r.body) != "hello" {
			t.Errorf("bob reads %q", r.body)
		}
		bob.must(200, "GET", "/shared?list-type=2", nil, nil)
		bob.wantErr(403, "AccessDenied", "PUT", "/shared/docs/b.txt", []byte("x"), nil)
		// An explicit deny wins, over the owner's own full access too.
		owner.put("shared", "secret/k", []byte("s"), nil)
		owner.wantErr(403, "AccessDenied", "GET", "/shared/secret/k", nil, nil)
		bob.wantErr(403, "AccessDenied", "GET", "/shared/secret/k", nil, nil)
		// Copying out needs s3:GetObject on the source too.
		bob.wantErr(403, "AccessDenied", "PUT", "/bobs/stolen", nil, hdr{"X-Amz-Copy-Source": "/shared/secret/k"})
		bob.must(200, "PUT", "/bobs/copied", nil, hdr{"X-Amz-Copy-Source": "/shared/docs/a.txt"})

		owner.must(204, "DELETE", "/shared?policy", nil, nil)
		bob.wantErr(403, "AccessDenied", "GET", "/shared/docs/a.txt", nil, nil)
		owner.wantErr(404, "NoSuchBucketPolicy", "GET", "/shared?policy", nil, nil)
	})
}

func TestBucketPolicyConditionsAndAnonymous(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		owner, bob := policyEnv(t, bk)
		owner.mkBucket("site")
		owner.put("site", "index.html", []byte("<h1>hi</h1>"), nil)
		owner.put("site", "private/x", []byte("p"), nil)

		if r := owner.anon("GET", "/site/index.html", nil, nil); r.status != 403 {
			t.Fatalf("anonymous GET before any policy: %d", r.status)
		}
		pol := `{"Version":"2012-10-17","Statement":[
		  {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*",
		   "Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
		  {"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::site",
		   "Condition":{"StringEquals":{"s3:prefix":"public/"}}}]}`
		owner.must(204, "PUT", "/site?policy", []byte(pol), nil)
		if r := owner.anon("GET", "/site/index.html", nil, nil); r.status != 200 || string(r.body) != "<h1>hi</h1>" {
			t.Errorf("anonymous GET of a public object: %d %s", r.status, r.body)
		}
		if r := owner.anon("PUT", "/site/defaced.html", []byte("x"), nil); r.status != 403 {
			t.Errorf("anonymous PUT: %d", r.status)
		}
		owner.wantErr(404, "NoSuchKey", "GET", "/site/defaced.html", nil, nil)
		if r := owner.anon("GET", "/site?list-type=2", nil, nil); r.status != 403 {
			t.Errorf("anonymous listing: %d", r.status)
		}
		bob.must(200, "GET", "/site?list-type=2&prefix=public/", nil, nil)
		bob.wantErr(403, "AccessDenied", "GET", "/site?list-type=2&prefix=private/", nil, nil)
		bob.wantErr(403, "AccessDenied", "GET", "/site?list-type=2", nil, nil)

		var st struct {
			XMLName  xml.Name `xml:"PolicyStatus"`
			IsPublic bool
		}
		owner.must(200, "GET", "/site?policyStatus", nil, nil).decode(t, &st)
		if st.IsPublic {
			t.Errorf("a policy limited to a source IP range is not public, got IsPublic")
		}
		open := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`
		owner.must(204, "PUT", "/site?policy", []byte(open), nil)
		owner.must(200, "GET", "/site?policyStatus", nil, nil).decode(t, &st)
		if !st.IsPublic {
			t.Errorf("a policy open to everyone is public, got not")
		}
		deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::site","arn:aws:s3:::site/*"],
		   "Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}`
		owner.must(204, "PUT", "/site?policy", []byte(deny), nil)
		owner.wantErr(403, "AccessDenied", "GET", "/site/index.html", nil, nil)
	})
}

func TestPutBucketPolicyRefusesMalformed(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("pol")
		for _, c := range []struct{ doc, msg string }{
			{`not json`, ""},
			{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}]}`, "Missing required field Principal"},
			{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`, "Policy has invalid resource"},
		} {
			r := e.wantErr(400, "MalformedPolicy", "PUT", "/pol?policy", []byte(c.doc), nil)
			if !strings.Contains(string(r.body), c.msg) {
				t.Errorf("%s: message %s, want %q", c.doc, r.body, c.msg)
			}
		}
		e.wantErr(404, "NoSuchBucketPolicy", "GET", "/pol?policy", nil, nil)
		e.wantErr(404, "NoSuchBucket", "PUT", "/nope?policy", []byte(`{}`), nil)
		if r := e.do("PUT", "/pol?policy", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}]}`), nil); r.status != http.StatusNoContent {
			t.Errorf("a valid policy: %d %s", r.status, r.body)
		}
	})
}

// TestMissingKeyTellsOnlyListers: a principal refused GetObject learns
// that a key does not exist (404) only if it may list it (s3:ListBucket
// with the key as s3:prefix), as S3 answers.
func TestMissingKeyTellsOnlyListers(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		owner, bob := policyEnv(t, bk)
		owner.mkBucket("lister")
		owner.put("lister", "public/here", []byte("x"), nil)
		owner.must(204, "PUT", "/lister?policy", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
		  "Action":"s3:ListBucket","Resource":"arn:aws:s3:::lister","Condition":{"StringLike":{"s3:prefix":"public/*"}}}]}`), nil)
		bob.wantErr(404, "NoSuchKey", "GET", "/lister/public/missing", nil, nil)
		bob.wantErr(404, "", "HEAD", "/lister/public/missing", nil, nil)
		bob.wantErr(403, "AccessDenied", "GET", "/lister/public/here", nil, nil)
		bob.wantErr(403, "AccessDenied", "GET", "/lister/private/missing", nil, nil)
		// Allowed to read but not to list: a missing key is AccessDenied.
		owner.must(204, "PUT", "/lister?policy", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
		  "Action":"s3:GetObject","Resource":"arn:aws:s3:::lister/*"}]}`), nil)
		if r := bob.must(200, "GET", "/lister/public/here", nil, nil); string(r.body) != "x" {
			t.Errorf("readable object: %q", r.body)
		}
		bob.wantErr(403, "AccessDenied", "GET", "/lister/public/missing", nil, nil)
		if r := owner.anon("GET", "/lister/public/missing", nil, nil); r.status != 403 {
			t.Errorf("anonymous GET of a missing key without ListBucket: %d", r.status)
		}
		owner.wantErr(404, "NoSuchKey", "GET", "/lister/public/missing", nil, nil)
	})
}

// TestDebugLogNamesDecidingStatement: with debug logging, a refused
// request's log says which statement decided.
func TestDebugLogNamesDecidingStatement(t *testing.T) {
	t.Parallel()
	var sink logSink
	e := newEnv(t, s3test.WithLogger(sink.logger(slog.LevelDebug)))
	e.mkBucket("logged")
	e.put("logged", "k", []byte("v"), nil)
	e.must(204, "PUT", "/logged?policy", []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"NoReadsHere","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logged/*"}]}`), nil)
	sink.take(t)
	e.wantErr(403, "AccessDenied", "GET", "/logged/k", nil, nil)
	lines, raw := sink.take(t)
	found := false
	for _, l := range lines {
		if l["msg"] == "authorization" && l["allowed"] == false && strings.Contains(fmt.Sprint(l["reason"]), "NoReadsHere") &&
			l["action"] == "s3:GetObject" && l["resource"] == "arn:aws:s3:::logged/k" {
			found = true
		}
	}
	if !found {
		t.Errorf("no debug line names the deciding statement:\n%s", raw)
	}
}

// TestExistingObjectTagCondition: a bucket policy may open objects by
// their tags (s3:ExistingObjectTag/KEY).
func TestExistingObjectTagCondition(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		owner, bob := policyEnv(t, bk)
		owner.mkBucket("tagged")
		owner.put("tagged", "pub", []byte("p"), hdr{"X-Amz-Tagging": "security=public&foo=bar"})
		owner.put("tagged", "priv", []byte("s"), hdr{"X-Amz-Tagging": "security=private"})
		owner.must(204, "PUT", "/tagged?policy", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
		  "Action":"s3:GetObject","Resource":"arn:aws:s3:::tagged/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/security":"public"}}}]}`), nil)
		if r := bob.must(200, "GET", "/tagged/pub", nil, nil); string(r.body) != "p" {
			t.Errorf("tagged public: %q", r.body)
		}
		bob.wantErr(403, "AccessDenied", "GET", "/tagged/priv", nil, nil)
	})
}
