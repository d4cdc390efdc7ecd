package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// healthOptions are the flags of "s3kit health".
type healthOptions struct {
	Addr     string
	CABundle string
	Insecure bool
	Timeout  time.Duration
}

// newHealthCmd builds "s3kit health": a client for the server's health
// check that needs nothing but the binary, for container HEALTHCHECKs on
// images without curl or wget (distroless, scratch).
func newHealthCmd(env Env) *cobra.Command {
	var o healthOptions
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Check that an s3kit server is up (exit 0) or not (exit 1), for container health checks",
		Long: "GET " + HealthPath + " on the server at --addr and exit 0 when it answers 200, 1\n" +
			"otherwise, saying why on stderr. Over https the server's certificate is\n" +
			"verified against --ca-bundle (default $AWS_CA_BUNDLE, else the system's CAs)\n" +
			"unless --insecure is given; the check sends no credentials.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHealth(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Addr, "addr", "http://127.0.0.1:9000", "the server: a URL (http:// or https://) or HOST:PORT for http")
	f.StringVar(&o.CABundle, "ca-bundle", "", "trust the certificates in this PEM `FILE` for https (default $AWS_CA_BUNDLE)")
	f.BoolVar(&o.Insecure, "insecure", false, "for https, do not verify the server's certificate")
	f.DurationVar(&o.Timeout, "timeout", 5*time.Second, "give up after this long")
	return cmd
}

func runHealth(ctx context.Context, env Env, o healthOptions) error {
	base := o.Addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	url := strings.TrimSuffix(base, "/") + HealthPath
	fail := func(err error) error {
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("health: %s: %w", url, err)}
	}
	// No proxy: the server is local to the check (a container's own). The
	// check sends no secret, so --insecure only risks a wrong answer.
	tr := &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{InsecureSkipVerify: o.Insecure}}
	bundle := o.CABundle
	if bundle == "" {
		bundle = env.Getenv("AWS_CA_BUNDLE")
	}
	if bundle != "" && !o.Insecure {
		pem, err := os.ReadFile(bundle)
		if err != nil {
			return fail(fmt.Errorf("CA bundle: %w", err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fail(fmt.Errorf("CA bundle %s holds no PEM certificate", bundle))
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usageError(fmt.Errorf("health: --addr %q: %w", o.Addr, err))
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		var unknown x509.UnknownAuthorityError
		if errors.As(err, &unknown) {
			err = fmt.Errorf("%w (pass --ca-bundle with the server's certificate, or --insecure)", err)
		}
		return fail(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("status %s", resp.Status))
	}
	fmt.Fprintf(env.Stdout, "healthy: %s\n", url)
	return nil
}
