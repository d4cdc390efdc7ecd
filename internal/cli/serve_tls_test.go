package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// bannerCABundle is the file the banner's AWS_CA_BUNDLE line names.
func bannerCABundle(t *testing.T, banner string) string {
	t.Helper()
	for _, l := range strings.Split(banner, "\n") {
		if v, ok := strings.CutPrefix(l, "export AWS_CA_BUNDLE="); ok {
			return strings.Trim(v, "'")
		}
	}
	t.Fatalf("no AWS_CA_BUNDLE line in the banner:\n%s", banner)
	return ""
}

// trustingClient is an HTTP client whose only root is the PEM file ca.
func trustingClient(t *testing.T, ca string) *http.Client {
	t.Helper()
	b, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("%s holds no certificate", ca)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// signedDoWith signs req for us-east-1 with payloadHash and sends it with c.
func signedDoWith(t *testing.T, c *http.Client, req *http.Request, id, secret, payloadHash string) (int, string) {
	t.Helper()
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{
		Credentials: sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret},
		Service:     "s3", Region: "us-east-1", Time: time.Now(), PayloadHash: payloadHash,
	}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("%s is not PEM", path)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestServeTLSGeneratesAndReusesACertificate(t *testing.T) {
	data := t.TempDir()
	env := serveEnv(t)
	s := startServe(t, env, "--data", data, "--tls", "--domain", "s3.test")
	certFile := filepath.Join(data, tlsCertName)
	if !strings.HasPrefix(s.Endpoint, "https://127.0.0.1:") || bannerCABundle(t, s.Banner) != certFile ||
		!strings.Contains(s.Banner, "\nca_bundle = "+certFile+"\n") || !strings.Contains(s.Banner, "(generated now)") {
		t.Fatalf("TLS banner:\n%s", s.Banner)
	}
	// The snippets carry the bundle too, or they would fail as printed.
	if !strings.Contains(s.Banner, fmt.Sprintf(`, verify=%q)`, certFile)) {
		t.Errorf("the boto3 snippet does not verify with the bundle:\n%s", s.Banner)
	}
	cert := readCert(t, certFile)
	if k, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("key %T, want ECDSA P-256", cert.PublicKey)
	}
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	slices.Sort(ips)
	if !slices.Equal(ips, []string{"127.0.0.1", "::1"}) || !slices.Equal(cert.DNSNames, []string{"*.s3.test", "localhost", "s3.test"}) {
		t.Errorf("SANs: IPs %v, names %v", ips, cert.DNSNames)
	}
	if fi, err := os.Stat(filepath.Join(data, tlsKeyName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v, want mode 0600", fi, err)
	}

	c := trustingClient(t, certFile)
	req, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/", nil)
	if code, body := signedDoWith(t, c, req, s.KeyID, s.Secret, sigv4.EmptyPayloadHash); code != http.StatusOK {
		t.Errorf("ListBuckets over TLS: %d %s", code, body)
	}
	// Virtual-host style through the wildcard name.
	host := strings.TrimPrefix(s.Endpoint, "https://")
	vc := trustingClient(t, certFile)
	vc.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, host)
	}
	_, port, _ := net.SplitHostPort(host)
	vreq, _ := http.NewRequest(http.MethodGet, "https://bucket.s3.test:"+port+"/", nil)
	if code, _ := signedDoWith(t, vc, vreq, s.KeyID, s.Secret, sigv4.EmptyPayloadHash); code != http.StatusNotFound {
		t.Errorf("virtual-host request for a missing bucket over TLS: %d, want 404 NoSuchBucket", code)
	}
	if resp, err := http.Get("http://" + host + HealthPath); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP answered 200 on the TLS port")
		}
	}
	s.stop()

	again := startServe(t, env, "--data", data, "--tls", "--domain", "s3.test")
	again.stop()
	if !strings.Contains(again.Banner, "(from an earlier start)") || !readCert(t, certFile).Equal(cert) {
		t.Errorf("the certificate was not reused:\n%s", again.Banner)
	}
	// A new domain needs a name the old certificate lacks: a new one.
	other := startServe(t, env, "--data", data, "--tls", "--domain", "other.test")
	other.stop()
	if readCert(t, certFile).Equal(cert) || !strings.Contains(other.Log.String(), "does not name") {
		t.Errorf("a certificate without the new domain was reused; log:\n%s", other.Log)
	}
}

func TestServeTLSInMemoryRemovesItsCertificate(t *testing.T) {
	s := startServe(t, serveEnv(t), "--memory", "--tls")
	ca := bannerCABundle(t, s.Banner)
	if _, err := os.Stat(ca); err != nil || !strings.Contains(s.Banner, "(temporary, removed when the server stops)") {
		t.Fatalf("temporary certificate %s: %v\n%s", ca, err, s.Banner)
	}
	resp, err := trustingClient(t, ca).Get(s.Endpoint + HealthPath)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health over TLS: %v %v", resp, err)
	}
	resp.Body.Close()
	s.stop()
	if _, err := os.Stat(filepath.Dir(ca)); !os.IsNotExist(err) {
		t.Errorf("the temporary certificate's directory is still there: %v", err)
	}
}

func TestServeTLSWithTheOperatorsCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	if _, _, err := generateCert(certFile, keyFile, []string{"127.0.0.1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, serveEnv(t), "--memory", "--tls-cert", certFile, "--tls-key", keyFile)
	if bannerCABundle(t, s.Banner) != certFile {
		t.Errorf("a self-signed operator certificate should be the CA bundle:\n%s", s.Banner)
	}
	resp, err := trustingClient(t, certFile).Get(s.Endpoint + HealthPath)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--tls-cert", certFile}, ExitUsage, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-key", keyFile}, ExitUsage, "--tls-cert and --tls-key go together"},
		{[]string{"--tls", "--tls-cert", certFile, "--tls-key", keyFile}, ExitUsage, "--tls generates a certificate"},
		{[]string{"--tls-cert", keyFile, "--tls-key", certFile}, ExitFailed, "tls: load --tls-cert"},
	} {
		code, _, errs := runCLI(t, serveEnv(t), append([]string{"serve", "--memory", "--addr", "127.0.0.1:0"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d %q, want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}

func TestServeTLSWriteProfileSetsCABundle(t *testing.T) {
	env := serveEnv(t)
	data := t.TempDir()
	s := startServe(t, env, "--data", data, "--tls", "--write-profile", "tlsdev")
	s.stop()
	conf, _ := os.ReadFile(filepath.Join(env.Home, ".aws", "config"))
	want := "[profile tlsdev]\nregion = us-east-1\nservices = s3kit-tlsdev\nca_bundle = " + filepath.Join(data, tlsCertName) + "\n"
	if !strings.HasPrefix(string(conf), want) || !strings.Contains(string(conf), "endpoint_url = "+s.Endpoint) {
		t.Errorf("config:\n%s\nwant it to start with:\n%s", conf, want)
	}
}

// awsChunkedTrailer is botocore's default upload body over HTTPS: an
// unsigned aws-chunked payload with a CRC32 trailer whose value is crc.
func awsChunkedTrailer(data []byte, crc string) string {
	return fmt.Sprintf("%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", len(data), data, crc)
}

// TestServeTLSVerifiesTrailingChecksums sends botocore's default upload
// shape over HTTPS: the server must store it when the trailing CRC32
// matches and refuse it with BadDigest, storing nothing, when it does not.
func TestServeTLSVerifiesTrailingChecksums(t *testing.T) {
	s := startServe(t, serveEnv(t), "--memory", "--tls")
	c := trustingClient(t, bannerCABundle(t, s.Banner))
	mk, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/trailer-bucket", nil)
	if code, body := signedDoWith(t, c, mk, s.KeyID, s.Secret, sigv4.EmptyPayloadHash); code != http.StatusOK {
		t.Fatalf("create bucket: %d %s", code, body)
	}
	data := []byte("bytes that must arrive intact over TLS")
	sum := make([]byte, 4)
	binary.BigEndian.PutUint32(sum, crc32.ChecksumIEEE(data))
	good := base64.StdEncoding.EncodeToString(sum)
	binary.BigEndian.PutUint32(sum, crc32.ChecksumIEEE(data)^1)
	bad := base64.StdEncoding.EncodeToString(sum)

	put := func(key, crc string) (int, string) {
		req, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/trailer-bucket/"+key, strings.NewReader(awsChunkedTrailer(data, crc)))
		req.Header.Set("Content-Encoding", "aws-chunked")
		req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(len(data)))
		req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		req.Header.Set("X-Amz-Sdk-Checksum-Algorithm", "CRC32")
		return signedDoWith(t, c, req, s.KeyID, s.Secret, sigv4.StreamingUnsignedPayloadTrailer)
	}
	if code, body := put("bad", bad); code != http.StatusBadRequest || !strings.Contains(body, "<Code>BadDigest</Code>") {
		t.Errorf("corrupted trailer: %d %s, want 400 BadDigest", code, body)
	}
	head, _ := http.NewRequest(http.MethodHead, s.Endpoint+"/trailer-bucket/bad", nil)
	if code, _ := signedDoWith(t, c, head, s.KeyID, s.Secret, sigv4.EmptyPayloadHash); code != http.StatusNotFound {
		t.Errorf("HEAD after a refused upload: %d, want 404", code)
	}
	if code, body := put("good", good); code != http.StatusOK {
		t.Fatalf("matching trailer: %d %s", code, body)
	}
	get, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/trailer-bucket/good", nil)
	if code, body := signedDoWith(t, c, get, s.KeyID, s.Secret, sigv4.EmptyPayloadHash); code != http.StatusOK || body != string(data) {
		t.Errorf("GET: %d %q", code, body)
	}
}
