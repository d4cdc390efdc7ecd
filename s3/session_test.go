package s3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3kit/s3kit/credentials"
	"github.com/s3kit/s3kit/sigv4"
)

// fakeHome writes ~/.aws/config and ~/.aws/credentials under a temp dir.
func fakeHome(t *testing.T, config, creds string) string {
	t.Helper()
	home := t.TempDir()
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const testConfig = `[default]
region = us-west-2

[profile local]
region = eu-central-1
endpoint_url = http://127.0.0.1:9000
retry_mode = standard
max_attempts = 7
request_checksum_calculation = when_required
s3 =
    addressing_style = virtual

[profile plain]
region = ap-southeast-2
`

const testCredentials = `[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret

[local]
aws_access_key_id = AKIDLOCAL
aws_secret_access_key = local-secret

[plain]
aws_access_key_id = AKIDPLAIN
aws_secret_access_key = plain-secret
`

func TestSessionResolution(t *testing.T) {
	home := fakeHome(t, testConfig, testCredentials)
	tests := []struct {
		name         string
		env          map[string]string
		opts         []SessionOption
		clientOpts   []ClientOption
		wantEndpoint string
		wantRegion   string
		wantVirtual  bool
		wantAttempts int
		wantMode     string
		wantChecksum string
	}{
		{name: "profile endpoint_url and s3 settings", opts: []SessionOption{WithProfile("local")},
			wantEndpoint: "http://127.0.0.1:9000", wantRegion: "eu-central-1", wantVirtual: true,
			wantAttempts: 7, wantMode: RetryStandard, wantChecksum: WhenRequired},
		{name: "AWS_PROFILE selects the profile", env: map[string]string{"AWS_PROFILE": "local"},
			wantEndpoint: "http://127.0.0.1:9000", wantRegion: "eu-central-1", wantVirtual: true,
			wantAttempts: 7, wantMode: RetryStandard, wantChecksum: WhenRequired},
		{name: "AWS_ENDPOINT_URL_S3 beats the profile", opts: []SessionOption{WithProfile("local")},
			env:          map[string]string{"AWS_ENDPOINT_URL_S3": "http://s3.internal:8333", "AWS_ENDPOINT_URL": "http://other:1"},
			wantEndpoint: "http://s3.internal:8333", wantRegion: "eu-central-1", wantVirtual: true,
			wantAttempts: 7, wantMode: RetryStandard, wantChecksum: WhenRequired},
		{name: "AWS_ENDPOINT_URL for every service", opts: []SessionOption{WithProfile("plain")},
			env:          map[string]string{"AWS_ENDPOINT_URL": "http://gateway:9000"},
			wantEndpoint: "http://gateway:9000", wantRegion: "ap-southeast-2", wantAttempts: 5, wantMode: RetryLegacy, wantChecksum: WhenSupported},
		{name: "explicit endpoint and region beat everything", opts: []SessionOption{WithProfile("local"), WithRegion("us-east-2")},
			env:          map[string]string{"AWS_ENDPOINT_URL_S3": "http://s3.internal:8333"},
			clientOpts:   []ClientOption{WithEndpointURL("http://127.0.0.1:1234"), WithAddressingStyle("path"), WithRetry(2, RetryAdaptive)},
			wantEndpoint: "http://127.0.0.1:1234", wantRegion: "us-east-2", wantAttempts: 2, wantMode: RetryAdaptive, wantChecksum: WhenRequired},
		{name: "no endpoint: AWS, virtual hosted", opts: []SessionOption{WithProfile("plain")},
			wantEndpoint: "https://s3.ap-southeast-2.amazonaws.com", wantRegion: "ap-southeast-2", wantVirtual: true,
			wantAttempts: 5, wantMode: RetryLegacy, wantChecksum: WhenSupported},
		{name: "AWS_DEFAULT_REGION over the profile", opts: []SessionOption{WithProfile("plain")}, env: map[string]string{"AWS_DEFAULT_REGION": "sa-east-1"},
			wantEndpoint: "https://s3.sa-east-1.amazonaws.com", wantRegion: "sa-east-1", wantVirtual: true,
			wantAttempts: 5, wantMode: RetryLegacy, wantChecksum: WhenSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]SessionOption{WithEnv(envMap(tt.env), home)}, tt.opts...)
			sess, err := NewSession(context.Background(), opts...)
			if err != nil {
				t.Fatal(err)
			}
			c, err := sess.Client(tt.clientOpts...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Endpoint() != tt.wantEndpoint || c.Region() != tt.wantRegion || c.virtual != tt.wantVirtual {
				t.Errorf("endpoint %s region %s virtual %v; want %s %s %v", c.Endpoint(), c.Region(), c.virtual, tt.wantEndpoint, tt.wantRegion, tt.wantVirtual)
			}
			if c.retry.maxAttempts != tt.wantAttempts || c.retry.mode != tt.wantMode {
				t.Errorf("retry %d %s, want %d %s", c.retry.maxAttempts, c.retry.mode, tt.wantAttempts, tt.wantMode)
			}
			if c.reqChecksum != tt.wantChecksum {
				t.Errorf("request checksum %s, want %s", c.reqChecksum, tt.wantChecksum)
			}
		})
	}
}

func TestSessionSignsWithProfileKeys(t *testing.T) {
	var gotKey string
	v := &sigv4.Verifier{Lookup: func(_ context.Context, id string) (string, error) {
		if id == "AKIDLOCAL" {
			return "local-secret", nil
		}
		return "", sigv4.ErrUnknownAccessKey
	}, Now: fixedClock}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vr, err := v.Verify(r.Context(), r)
		if err != nil {
			w.WriteHeader(403)
			io.WriteString(w, "<Error><Code>SignatureDoesNotMatch</Code><Message>"+err.Error()+"</Message></Error>")
			return
		}
		gotKey = vr.AccessKeyID
		io.WriteString(w, `<ListAllMyBucketsResult><Buckets><Bucket><Name>one</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`)
	}))
	defer srv.Close()
	home := fakeHome(t, "[profile local]\nregion = eu-central-1\nendpoint_url = "+srv.URL+"\n", testCredentials)
	sess, err := NewSession(context.Background(), WithProfile("local"), WithEnv(envMap(nil), home), WithClock(fixedClock))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client()
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.ListBuckets(context.Background(), &ListBucketsInput{})
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	bs := out.Buckets
	if gotKey != "AKIDLOCAL" || len(bs) != 1 || bs[0].Name != "one" {
		t.Errorf("signed with %q, buckets %+v", gotKey, bs)
	}
}

func TestSessionErrors(t *testing.T) {
	home := fakeHome(t, testConfig, "")
	_, err := NewSession(context.Background(), WithProfile("nope"), WithEnv(envMap(nil), home))
	var ce *credentials.Error
	if !errors.As(err, &ce) || ce.ClassName != credentials.ClassProfileNotFound {
		t.Errorf("missing profile: %v, want ProfileNotFound", err)
	}

	// No credentials anywhere: the session loads, the first request fails
	// with botocore's NoCredentialsError before anything is sent.
	empty := fakeHome(t, "", "")
	sess, err := NewSession(context.Background(), WithEnv(envMap(map[string]string{"AWS_EC2_METADATA_DISABLED": "true"}), empty))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(WithEndpointURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListBuckets(context.Background(), &ListBucketsInput{})
	if !errors.As(err, &ce) || ce.ClassName != credentials.ClassNoCredentials {
		t.Errorf("no credentials: %v, want NoCredentialsError", err)
	}

	// botocore accepts a bad addressing_style in the session and raises
	// InvalidS3AddressingStyleError when the client is created.
	sess, err = NewSession(context.Background(), WithEnv(envMap(nil), fakeHome(t, "[default]\ns3 =\n    addressing_style = sideways\n", "")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = sess.Client()
	if !errors.As(err, &ce) || ce.ClassName != credentials.ClassInvalidAddressingStyle {
		t.Errorf("bad addressing_style: %v, want InvalidS3AddressingStyleError", err)
	}
}
