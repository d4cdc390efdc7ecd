package cli

import (
	"net"
	"strings"
	"testing"
)

func TestHealth(t *testing.T) {
	s := startServe(t, serveEnv(t), "--memory")
	code, out, errs := runCLI(t, serveEnv(t), "health", "--addr", s.Endpoint)
	if code != ExitOK || out != "healthy: "+s.Endpoint+HealthPath+"\n" {
		t.Errorf("health of a running server: exit %d, %q %q", code, out, errs)
	}
	if code, _, errs := runCLI(t, serveEnv(t), "health", "--addr", strings.TrimPrefix(s.Endpoint, "http://")); code != ExitOK {
		t.Errorf("health with HOST:PORT: exit %d %q", code, errs)
	}

	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	code, _, errs = runCLI(t, serveEnv(t), "health", "--addr", dead)
	if code != ExitFailed || !strings.Contains(errs, "health: http://"+dead+HealthPath) {
		t.Errorf("health of a closed port: exit %d %q", code, errs)
	}
}

func TestHealthOverTLS(t *testing.T) {
	s := startServe(t, serveEnv(t), "--memory", "--tls")
	ca := bannerCABundle(t, s.Banner)
	code, _, errs := runCLI(t, serveEnv(t), "health", "--addr", s.Endpoint)
	if code != ExitFailed || !strings.Contains(errs, "--ca-bundle") {
		t.Errorf("an untrusted certificate: exit %d %q, want 1 naming --ca-bundle", code, errs)
	}
	for name, run := range map[string]func() (int, string, string){
		"--ca-bundle": func() (int, string, string) {
			return runCLI(t, serveEnv(t), "health", "--addr", s.Endpoint, "--ca-bundle", ca)
		},
		"--insecure": func() (int, string, string) {
			return runCLI(t, serveEnv(t), "health", "--addr", s.Endpoint, "--insecure")
		},
		"AWS_CA_BUNDLE": func() (int, string, string) {
			env := serveEnv(t)
			env.LookupEnv = mapLookup(map[string]string{"AWS_CA_BUNDLE": ca})
			return runCLI(t, env, "health", "--addr", s.Endpoint)
		},
	} {
		if code, _, errs := run(); code != ExitOK {
			t.Errorf("%s: exit %d %q", name, code, errs)
		}
	}
}
