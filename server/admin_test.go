package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/policy"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
)

// TestAdminStatus: the admin API's status answers a key with full access
// with what the server knows (address, region, uptime) and what its
// Config.Status adds; every other caller is refused as S3 refuses, and a
// virtual-host style request's path stays an object key.
func TestAdminStatus(t *testing.T) {
	c := newClock()
	e := newEnvClock(t, c,
		s3test.WithRegion("eu-west-3"), s3test.WithDomain("s3.test"),
		s3test.WithKeys(server.Key{AccessKeyID: "READONLYKEY0000000001", Secret: "readonly-secret-0123456789", ReadOnly: true},
			server.Key{AccessKeyID: "ONEBUCKETKEY000000001", Secret: "onebucket-secret-0123456789", Buckets: []string{"b"}},
			// Keys of s3kit serve carry their access as identity policies.
			server.Key{AccessKeyID: "READPOLICYKEY00000001", Secret: "readpolicy-secret-0123456789", Policies: []*policy.Policy{mustIdentityPolicy(t,
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)}},
			server.Key{AccessKeyID: "BUCKETPOLICYKEY000001", Secret: "bucketpolicy-secret-0123456789", Policies: []*policy.Policy{mustIdentityPolicy(t,
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`)}},
			server.Key{AccessKeyID: "FULLPOLICYKEY00000001", Secret: "fullpolicy-secret-0123456789", Policies: []*policy.Policy{mustIdentityPolicy(t,
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}}),
		s3test.WithConfig(func(cfg *server.Config) {
			cfg.Status = func(context.Context) server.Status {
				return server.Status{Version: "v9.9.9", DataDir: "/srv/s3kit", DiskTotal: 1000, DiskFree: 400}
			}
		}))
	c.Advance(90 * time.Second)
	r := e.must(http.StatusOK, http.MethodGet, server.AdminStatusPath, nil, nil)
	var st server.Status
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	host := strings.TrimPrefix(e.srv.URL, "http://")
	if st.Version != "v9.9.9" || st.DataDir != "/srv/s3kit" || st.DiskFree != 400 || st.Address != host ||
		st.Region != "eu-west-3" || st.UptimeSeconds != 90 || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("status %s (%s), want the configured fields, address %s, region eu-west-3 and 90 s of uptime", r.body, r.header.Get("Content-Type"), host)
	}
	if strings.Contains(string(r.body), e.srv.SecretAccessKey) {
		t.Error("the status shows a secret")
	}

	e.as("READONLYKEY0000000001", "readonly-secret-0123456789").wantErr(403, s3xml.CodeAccessDenied, http.MethodGet, server.AdminStatusPath, nil, nil)
	e.as("ONEBUCKETKEY000000001", "onebucket-secret-0123456789").wantErr(403, s3xml.CodeAccessDenied, http.MethodGet, server.AdminStatusPath, nil, nil)
	e.as("READPOLICYKEY00000001", "readpolicy-secret-0123456789").wantErr(403, s3xml.CodeAccessDenied, http.MethodGet, server.AdminStatusPath, nil, nil)
	e.as("BUCKETPOLICYKEY000001", "bucketpolicy-secret-0123456789").wantErr(403, s3xml.CodeAccessDenied, http.MethodGet, server.AdminStatusPath, nil, nil)
	e.as("FULLPOLICYKEY00000001", "fullpolicy-secret-0123456789").must(http.StatusOK, http.MethodGet, server.AdminStatusPath, nil, nil)
	e.as(e.srv.AccessKeyID, "not-the-secret-of-this-key").wantErr(403, s3xml.CodeSignatureDoesNotMatch, http.MethodGet, server.AdminStatusPath, nil, nil)
	checkErr(t, e.anon(http.MethodGet, server.AdminStatusPath, nil, nil), 403, s3xml.CodeAccessDenied, false)
	e.wantErr(405, s3xml.CodeMethodNotAllowed, http.MethodDelete, server.AdminStatusPath, nil, nil)
	e.wantErr(501, s3xml.CodeNotImplemented, http.MethodGet, server.AdminPath+"keys", nil, nil)

	// On a virtual-host style host the path is a key of that bucket.
	e.mkBucket("photos")
	e.wantErr(404, s3xml.CodeNoSuchKey, http.MethodGet, server.AdminStatusPath, nil, hdr{"Host": "photos.s3.test"})
}

// TestAdminRecentRefusals: the status lists recent refused requests,
// newest first, with the S3 error, the reason and the claimed key ID,
// never a secret; the ring keeps only the latest ones.
func TestAdminRecentRefusals(t *testing.T) {
	e := newEnv(t)
	e.mkBucket("bkt")
	e.as(e.srv.AccessKeyID, "not-the-secret-of-this-key-at-all").wantErr(403, s3xml.CodeSignatureDoesNotMatch, http.MethodGet, "/bkt/k", nil, nil)
	e.as("AKIANOSUCHKEY0000001", "whatever-secret-0123456789").wantErr(403, s3xml.CodeInvalidAccessKeyID, http.MethodPut, "/bkt/x", []byte("x"), nil)
	status := func() server.Status {
		var st server.Status
		if err := json.Unmarshal(e.must(200, http.MethodGet, server.AdminStatusPath, nil, nil).body, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := status()
	if len(st.Refusals) != 2 {
		t.Fatalf("%d refusals, want 2: %+v", len(st.Refusals), st.Refusals)
	}
	newest, oldest := st.Refusals[0], st.Refusals[1]
	if newest.Code != s3xml.CodeInvalidAccessKeyID || newest.AccessKeyID != "AKIANOSUCHKEY0000001" || newest.Method != "PUT" || newest.Key != "x" || newest.Op != "PutObject" {
		t.Errorf("newest refusal %+v", newest)
	}
	if oldest.Code != s3xml.CodeSignatureDoesNotMatch || oldest.AccessKeyID != e.srv.AccessKeyID || oldest.Bucket != "bkt" || oldest.Reason == "" || oldest.Remote == "" {
		t.Errorf("oldest refusal %+v", oldest)
	}
	for range 60 {
		checkErr(t, e.anon(http.MethodGet, "/bkt/anon", nil, nil), 403, s3xml.CodeAccessDenied, false)
	}
	st = status()
	if len(st.Refusals) != 50 || st.Refusals[49].Key != "anon" || !strings.HasPrefix(st.Refusals[0].Reason, "anonymous request") {
		t.Errorf("after 62 refusals the status keeps %d, oldest %+v", len(st.Refusals), st.Refusals[len(st.Refusals)-1])
	}
}

func mustIdentityPolicy(t *testing.T, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.ParseIdentityPolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
