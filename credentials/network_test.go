package credentials

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// imdsStub is an IMDSv2 server; requireToken rejects tokenless reads.
func imdsStub(t *testing.T, expiration string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var log []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, r.Method+" "+r.URL.Path+" token="+r.Header.Get("x-aws-ec2-metadata-token"))
		mu.Unlock()
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			if r.Header.Get("x-aws-ec2-metadata-token-ttl-seconds") != "21600" {
				w.WriteHeader(400)
				return
			}
			io.WriteString(w, "TOKEN1")
		case r.Header.Get("x-aws-ec2-metadata-token") != "TOKEN1":
			w.WriteHeader(401)
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			io.WriteString(w, "role1")
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/role1":
			fmt.Fprintf(w, `{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"S","Token":"T","Expiration":%q}`, expiration)
		default:
			w.WriteHeader(404)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &log
}

func TestIMDS(t *testing.T) {
	srv, log := imdsStub(t, fixedNow.Add(6*time.Hour).Format("2006-01-02T15:04:05Z"))
	o := testWorld{env: map[string]string{"AWS_EC2_METADATA_DISABLED": "<unset>", "AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.URL}}.options(t)
	creds, err := resolve(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Source != "iam-role" || creds.AccessKeyID != "ASIAIMDS" || creds.SessionToken != "T" || !creds.Expires.Equal(fixedNow.Add(6*time.Hour)) {
		t.Errorf("got %+v", creds)
	}
	if (*log)[0] != "PUT /latest/api/token token=" {
		t.Errorf("first request %q, want the token PUT", (*log)[0])
	}
}

func TestIMDSStaticStability(t *testing.T) {
	srv, _ := imdsStub(t, "2020-01-01T00:00:00Z")
	o := testWorld{env: map[string]string{"AWS_EC2_METADATA_DISABLED": "<unset>", "AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.URL}}.options(t)
	creds, err := resolve(t, o)
	if err != nil {
		t.Fatal(err)
	}
	left := creds.Expires.Sub(fixedNow)
	if left < 17*time.Minute || left > 25*time.Minute {
		t.Errorf("expired IMDS credentials extended by %v, want 15 min + 2..10 min", left)
	}
}

func TestIMDSDisabledCaseInsensitive(t *testing.T) {
	for _, tc := range []struct {
		value    string
		disabled bool
	}{{"TRUE", true}, {"true", true}, {"1", false}} {
		t.Run(tc.value, func(t *testing.T) {
			srv, log := imdsStub(t, fixedNow.Add(time.Hour).Format("2006-01-02T15:04:05Z"))
			o := testWorld{env: map[string]string{"AWS_EC2_METADATA_DISABLED": tc.value, "AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.URL}}.options(t)
			_, err := resolve(t, o)
			if tc.disabled != (ClassOf(err) == ClassNoCredentials) || tc.disabled != (len(*log) == 0) {
				t.Errorf("AWS_EC2_METADATA_DISABLED=%s: err %v, %d requests", tc.value, err, len(*log))
			}
		})
	}
}

// TestIMDSOffCloudFailsFast: an endpoint that accepts connections but never
// answers must end the chain within botocore's 1 s timeout: one timeout,
// not two (the bound leaves a busy machine most of a second of margin).
func TestIMDSOffCloudFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	o := testWorld{env: map[string]string{"AWS_EC2_METADATA_DISABLED": "<unset>",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://" + ln.Addr().String() + "/"}}.options(t)
	start := time.Now()
	_, err = resolve(t, o)
	took := time.Since(start)
	if ClassOf(err) != ClassNoCredentials {
		t.Fatalf("error %v, want NoCredentialsError", err)
	}
	if took > 1900*time.Millisecond {
		t.Errorf("resolution ending at a silent IMDS took %v, want one 1 s timeout (< 1.9s)", took)
	}
	if !strings.Contains(err.Error(), "iam-role") {
		t.Errorf("no-credentials error does not list IMDS: %v", err)
	}
}

func TestIMDSv1DisabledWithoutToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }))
	t.Cleanup(srv.Close)
	o := testWorld{env: map[string]string{"AWS_EC2_METADATA_DISABLED": "<unset>", "AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.URL,
		"AWS_EC2_METADATA_V1_DISABLED": "true"}}.options(t)
	if _, err := resolve(t, o); ClassOf(err) != ClassMetadataRetrieval {
		t.Fatalf("error %v, want MetadataRetrievalError", err)
	}
}

func TestContainer(t *testing.T) {
	var gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		fmt.Fprintf(w, `{"AccessKeyId":"ASIACONT","SecretAccessKey":"S","Token":"T","Expiration":%q,"AccountId":"123"}`,
			fixedNow.Add(time.Hour).Format(time.RFC3339))
	}))
	t.Cleanup(srv.Close)
	o := testWorld{files: map[string]string{"~/tok": "file-token"}, env: map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": srv.URL + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "~/tok"}}.options(t)
	creds, err := resolve(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Source != "container-role" || creds.AccessKeyID != "ASIACONT" || creds.AccountID != "123" || gotAuth != "file-token" {
		t.Errorf("got %+v auth %q", creds, gotAuth)
	}
}

// stsStub answers AssumeRole and AssumeRoleWithWebIdentity and records the
// form and Authorization header of each call.
type stsStub struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []url.Values
	auth  []string
}

func newSTSStub(t *testing.T) *stsStub {
	s := &stsStub{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		s.mu.Lock()
		s.calls = append(s.calls, form)
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		if strings.Contains(form.Get("RoleArn"), "denied") {
			w.WriteHeader(403)
			io.WriteString(w, `<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>`)
			return
		}
		act := form.Get("Action")
		fmt.Fprintf(w, `<%[1]sResponse><%[1]sResult><Credentials><AccessKeyId>ASIA%[2]d</AccessKeyId><SecretAccessKey>S</SecretAccessKey>`+
			`<SessionToken>T</SessionToken><Expiration>%[3]s</Expiration></Credentials>`+
			`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn></AssumedRoleUser></%[1]sResult></%[1]sResponse>`,
			act, len(s.calls), fixedNow.Add(time.Hour).Format(time.RFC3339))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func TestAssumeRole(t *testing.T) {
	sts := newSTSStub(t)
	config := "[default]\nregion = us-west-2\nrole_arn = arn:aws:iam::1:role/outer\nsource_profile = mid\nduration_seconds = 1800\nexternal_id = ext\n" +
		"[profile mid]\nrole_arn = arn:aws:iam::1:role/inner\nsource_profile = base\nrole_session_name = named\n" +
		"[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SBASE\naws_session_token = TBASE\n"
	o := testWorld{files: map[string]string{"~/.aws/config": config}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.srv.URL}}.options(t)
	creds, err := resolve(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Source != "assume-role" || creds.AccessKeyID != "ASIA2" || creds.AccountID != "111122223333" {
		t.Errorf("got %+v", creds)
	}
	if len(sts.calls) != 2 {
		t.Fatalf("%d STS calls, want 2 (inner then outer)", len(sts.calls))
	}
	inner, outer := sts.calls[0], sts.calls[1]
	if inner.Get("RoleArn") != "arn:aws:iam::1:role/inner" || inner.Get("RoleSessionName") != "named" {
		t.Errorf("inner call %v", inner)
	}
	if !strings.Contains(sts.auth[0], "Credential=AKIDBASE/") || !strings.Contains(sts.auth[0], "/us-west-2/sts/aws4_request") {
		t.Errorf("inner call signed as %q, want the base keys in us-west-2", sts.auth[0])
	}
	if !strings.Contains(sts.auth[1], "Credential=ASIA1/") {
		t.Errorf("outer call signed as %q, want the inner role's keys", sts.auth[1])
	}
	if outer.Get("DurationSeconds") != "1800" || outer.Get("ExternalId") != "ext" ||
		outer.Get("RoleSessionName") != fmt.Sprintf("botocore-session-%d", fixedNow.Unix()) {
		t.Errorf("outer call %v", outer)
	}
}

func TestAssumeRoleErrors(t *testing.T) {
	sts := newSTSStub(t)
	tests := []struct {
		name, config string
		env          map[string]string
		want         string
	}{
		{"access denied is ClientError", "[default]\nregion = us-east-1\nrole_arn = denied\nsource_profile = b\n[profile b]\naws_access_key_id = A\naws_secret_access_key = S\n",
			map[string]string{"AWS_ENDPOINT_URL_STS": sts.srv.URL}, ClassClient},
		{"custom endpoint without region", "[default]\nrole_arn = r\nsource_profile = b\n[profile b]\naws_access_key_id = A\naws_secret_access_key = S\n",
			map[string]string{"AWS_ENDPOINT_URL_STS": sts.srv.URL}, ClassNoRegion},
		{"profile endpoint_url also receives STS", "[default]\nregion = us-east-1\nendpoint_url = " + sts.srv.URL + "\nrole_arn = denied\nsource_profile = b\n[profile b]\naws_access_key_id = A\naws_secret_access_key = S\n",
			nil, ClassClient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := testWorld{files: map[string]string{"~/.aws/config": tc.config}, env: tc.env}.options(t)
			if _, err := resolve(t, o); ClassOf(err) != tc.want {
				t.Errorf("error %v (%s), want %s", err, ClassOf(err), tc.want)
			}
		})
	}
}

func TestWebIdentity(t *testing.T) {
	sts := newSTSStub(t)
	o := testWorld{files: map[string]string{"~/token": "jwt-token\n"}, env: map[string]string{
		"AWS_ENDPOINT_URL_STS": sts.srv.URL, "AWS_WEB_IDENTITY_TOKEN_FILE": "~/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/web",
		"AWS_ACCESS_KEY_ID": "", "AWS_ROLE_SESSION_NAME": "sess"}}.options(t)
	creds, err := resolve(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Source != "assume-role-with-web-identity" || creds.AccessKeyID != "ASIA1" {
		t.Errorf("got %+v", creds)
	}
	call := sts.calls[0]
	if call.Get("WebIdentityToken") != "jwt-token\n" || call.Get("RoleSessionName") != "sess" || sts.auth[0] != "" {
		t.Errorf("call %v auth %q: want the token verbatim, unsigned", call, sts.auth[0])
	}
}

func TestSSOLegacy(t *testing.T) {
	var gotToken, gotQuery string
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotToken, gotQuery = r.Header.Get("x-amz-sso_bearer_token"), r.URL.RawQuery
		if gotToken == "bad" {
			w.Header().Set("x-amzn-ErrorType", "UnauthorizedException:http://internal")
			w.WriteHeader(401)
			io.WriteString(w, `{"message":"expired"}`)
			return
		}
		fmt.Fprintf(w, `{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"S","sessionToken":"T","expiration":%d}}`,
			fixedNow.Add(time.Hour).UnixMilli())
	}))
	t.Cleanup(portal.Close)
	start := "https://example.awsapps.com/start"
	sum := sha1.Sum([]byte(start))
	cache := "~/.aws/sso/cache/" + hex.EncodeToString(sum[:]) + ".json"
	config := "[default]\nsso_start_url = " + start + "\nsso_region = us-east-1\nsso_account_id = 111\nsso_role_name = Dev\n"
	for _, tc := range []struct {
		name, token, expires, want string
	}{
		{"valid token", "good", "2026-11-27T13:00:00Z", ""},
		{"expired token fails locally", "good", "2026-11-27T11:00:00Z", ClassUnauthorizedSSOToken},
		{"portal rejects token", "bad", "2026-11-27T13:00:00Z", ClassUnauthorizedSSOToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gotToken = ""
			o := testWorld{files: map[string]string{"~/.aws/config": config,
				cache: fmt.Sprintf(`{"accessToken": %q, "expiresAt": %q}`, tc.token, tc.expires)},
				env: map[string]string{"AWS_ENDPOINT_URL_SSO": portal.URL}}.options(t)
			creds, err := resolve(t, o)
			if ClassOf(err) != tc.want {
				t.Fatalf("error %v, want class %q", err, tc.want)
			}
			if tc.want == "" && (creds.Source != "sso" || creds.AccessKeyID != "ASIASSO" || creds.AccountID != "111" ||
				gotQuery != "account_id=111&role_name=Dev") {
				t.Errorf("got %+v, query %q", creds, gotQuery)
			}
			if tc.name == "expired token fails locally" && gotToken != "" {
				t.Error("expired token reached the portal")
			}
		})
	}
}

// TestCancelledContext: a cancelled context stops a network provider.
func TestCancelledContext(t *testing.T) {
	o := testWorld{env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/"}}.options(t)
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err == nil {
		t.Fatal("retrieve with a cancelled context succeeded")
	}
}

func TestAssumeRoleMFA(t *testing.T) {
	sts := newSTSStub(t)
	config := "[default]\nregion = us-east-1\nrole_arn = r\nsource_profile = b\nmfa_serial = arn:aws:iam::1:mfa/me\n" +
		"[profile b]\naws_access_key_id = A\naws_secret_access_key = S\n"
	o := testWorld{files: map[string]string{"~/.aws/config": config}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.srv.URL}}.options(t)
	if _, err := resolve(t, o); ClassOf(err) != ClassRefreshWithMFA {
		t.Fatalf("without an MFA source: %v, want RefreshWithMFAUnsupportedError", err)
	}
	var asked string
	o.MFAToken = func(_ context.Context, serial string) (string, error) { asked = serial; return "123456\n", nil }
	if _, err := resolve(t, o); err != nil {
		t.Fatal(err)
	}
	call := sts.calls[len(sts.calls)-1]
	if asked != "arn:aws:iam::1:mfa/me" || call.Get("SerialNumber") != asked || call.Get("TokenCode") != "123456" {
		t.Errorf("asked %q, call %v", asked, call)
	}
}

// TestIMDSv1FallbackWhenTokenHangs: a token request that never answers
// (an IMDS hop limit too small for containers) falls back to IMDSv1 like
// botocore, but within one timeout instead of two.
func TestIMDSv1FallbackWhenTokenHangs(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut:
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			io.WriteString(w, "role1")
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/role1":
			fmt.Fprintf(w, `{"AccessKeyId":"ASIAV1","SecretAccessKey":"S","Token":"T","Expiration":%q}`,
				fixedNow.Add(6*time.Hour).Format("2006-01-02T15:04:05Z"))
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	o := testWorld{env: map[string]string{"AWS_EC2_METADATA_DISABLED": "<unset>", "AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.URL}}.options(t)
	start := time.Now()
	creds, err := resolve(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "ASIAV1" {
		t.Errorf("got %+v", creds)
	}
	// Two timeouts would take 2 s; the rest is margin for a busy machine.
	if took := time.Since(start); took > 1900*time.Millisecond {
		t.Errorf("took %v, want one 1 s timeout (< 1.9s)", took)
	}
}

func TestExplainAssumeRoleNamesItsSource(t *testing.T) {
	sts := newSTSStub(t)
	config := "[default]\nregion = us-east-1\nrole_arn = arn:aws:iam::1:role/outer\nsource_profile = mid\n" +
		"[profile mid]\nrole_arn = arn:aws:iam::1:role/inner\nsource_profile = base\n" +
		"[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SBASE\n"
	o := testWorld{files: map[string]string{"~/.aws/config": config}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.srv.URL}}.options(t)
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	e, err := cfg.Explain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	chosen, _ := e.Chosen()
	want := "role arn:aws:iam::1:role/inner assumed with config-file credentials of source profile base, then role arn:aws:iam::1:role/outer assumed with assume-role credentials"
	if chosen.Source != "assume-role" || !strings.Contains(chosen.Reason, want) {
		t.Errorf("chosen %s: %q\nwant it to contain %q", chosen.Source, chosen.Reason, want)
	}
}
