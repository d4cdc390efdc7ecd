package credentials

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"
)

const (
	containerHost     = "169.254.170.2"
	containerTimeout  = 2 * time.Second
	containerAttempts = 3
	containerSleep    = time.Second
)

// containerStep is §6.10: ECS task roles and EKS Pod Identity.
func (c *Config) containerStep() *step {
	w := c.w
	return &step{tag: SourceContainer,
		probe: func() (bool, string, error) {
			if v, ok := w.env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); ok {
				return true, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set: http://" + containerHost + v, nil
			}
			if v, ok := w.env("AWS_CONTAINER_CREDENTIALS_FULL_URI"); ok {
				return true, "AWS_CONTAINER_CREDENTIALS_FULL_URI is set: " + v, nil
			}
			return false, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set", nil
		},
		fetch: func(ctx context.Context) (Credentials, error) { return containerCredentials(ctx, w) },
	}
}

func containerCredentials(ctx context.Context, w *world) (Credentials, error) {
	var u string
	if v, ok := w.env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); ok {
		u = "http://" + containerHost + v
	} else if v, ok := w.env("AWS_CONTAINER_CREDENTIALS_FULL_URI"); ok {
		u = v
	} else {
		return Credentials{}, notConfigured("no container credentials endpoint")
	}
	auth, hasAuth, err := containerAuth(w)
	if err != nil {
		return Credentials{}, err
	}
	if err := checkContainerURL(u); err != nil {
		return Credentials{}, err
	}
	var doc map[string]any
	var lastErr string
	for attempt := 0; attempt < containerAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-time.After(containerSleep):
			case <-ctx.Done():
				return Credentials{}, ctx.Err()
			}
		}
		doc, lastErr = containerGet(ctx, w, u, auth, hasAuth)
		if doc != nil {
			break
		}
	}
	if doc == nil {
		return Credentials{}, newErr(ClassCredentialRetrieval, SourceContainer, "error when retrieving credentials from container-role: %s", lastErr)
	}
	cr := Credentials{Source: SourceContainer, CanExpire: true}
	fields := []struct {
		key string
		dst *string
	}{{"AccessKeyId", &cr.AccessKeyID}, {"SecretAccessKey", &cr.SecretAccessKey}, {"Token", &cr.SessionToken}}
	for _, f := range fields {
		v, ok := doc[f.key]
		if !ok {
			return Credentials{}, newErr("KeyError", SourceContainer, "container credentials response has no %q", f.key)
		}
		*f.dst, _ = v.(string)
	}
	exp, ok := doc["Expiration"].(string)
	if !ok {
		return Credentials{}, newErr("KeyError", SourceContainer, "container credentials response has no \"Expiration\"")
	}
	if cr.Expires, err = parseExpiry(exp); err != nil {
		return Credentials{}, newErr(ClassParser, SourceContainer, "unknown string format for Expiration: %q", exp)
	}
	cr.AccountID, _ = doc["AccountId"].(string)
	return cr, nil
}

// containerAuth reads the Authorization value: the token file (read on
// every fetch, not trimmed) wins over the token variable. CR or LF in the
// value is a ValueError.
func containerAuth(w *world) (string, bool, error) {
	var tok string
	if p, ok := w.env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); ok {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", false, newErr(ClassFileNotFound, SourceContainer, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s", p)
		}
		tok = string(b)
	} else if v, ok := w.env("AWS_CONTAINER_AUTHORIZATION_TOKEN"); ok {
		tok = v
	} else {
		return "", false, nil
	}
	if strings.ContainsAny(tok, "\r\n") {
		return "", false, newErr(ClassValue, SourceContainer, "auth token value is not a legal header value")
	}
	return tok, true, nil
}

var containerAllowedHosts = map[string]bool{containerHost: true, "169.254.170.23": true, "fd00:ec2::23": true, "localhost": true}

// checkContainerURL is botocore's allow-list: https anywhere, else a
// loopback IP literal or one of the fixed container hosts; no DNS.
func checkContainerURL(u string) error {
	if i := strings.IndexByte(u, ':'); i > 0 && strings.EqualFold(u[:i], "https") {
		return nil
	}
	host, _ := urlHostname(u)
	if a, err := netip.ParseAddr(host); err == nil && !a.Is4In6() && a.IsLoopback() {
		return nil
	}
	if containerAllowedHosts[host] {
		return nil
	}
	return newErr(ClassValue, SourceContainer,
		"unsupported host %q: can only retrieve metadata from a loopback address or one of %s, 169.254.170.23, fd00:ec2::23, localhost", host, containerHost)
}

// containerGet is one attempt; it returns the JSON document or why not.
func containerGet(ctx context.Context, w *world, u, auth string, hasAuth bool) (map[string]any, string) {
	ctx, cancel := context.WithTimeout(ctx, containerTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err.Error()
	}
	req.Header.Set("Accept", "application/json")
	if hasAuth {
		req.Header["Authorization"] = []string{auth}
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, "request failed: " + err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, "reading response: " + err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Sprintf("received non 200 response %d from container metadata", resp.StatusCode)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, "unable to parse JSON returned from container metadata services"
	}
	return doc, ""
}
