package credentials

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// stsTimeout bounds one STS/SSO call (botocore's 60 s read timeout).
const stsTimeout = 60 * time.Second

// stsCredentials is the Credentials element of an AssumeRole* answer.
type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type stsResult struct {
	Credentials     stsCredentials `xml:"Credentials"`
	AssumedRoleUser struct {
		Arn string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
}

type stsResponse struct {
	AssumeRole            stsResult `xml:"AssumeRoleResult"`
	AssumeRoleWebIdentity stsResult `xml:"AssumeRoleWithWebIdentityResult"`
}

type awsErrorResponse struct {
	Error struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
}

// callSTS sends one STS Query API call. creds nil sends it unsigned (web
// identity). It returns the credentials as botocore's fetcher does.
func (c *Config) callSTS(ctx context.Context, action string, params url.Values, creds *Credentials, provider string) (Credentials, error) {
	ep, err := c.EndpointURL("sts")
	if err != nil {
		return Credentials{}, err
	}
	custom := ep != ""
	region, signRegion := c.Region, c.Region
	if c.RegionSource != "" {
		// botocore validates the region whenever it creates a client.
		if err := checkRegion(region); err != nil {
			return Credentials{}, err
		}
	}
	switch {
	case custom && region == "" && creds != nil:
		return Credentials{}, newErr(ClassNoRegion, provider, "you must specify a region (the STS endpoint %s is custom)", ep)
	case !custom && region == "":
		ep, signRegion = "https://sts.amazonaws.com", "us-east-1"
	case !custom:
		ep = "https://sts." + region + ".amazonaws.com"
	}
	if signRegion == "" {
		signRegion = "us-east-1"
	}
	params.Set("Action", action)
	params.Set("Version", "2011-06-15")
	body := params.Encode()
	u := ep
	if pu, perr := url.Parse(ep); perr == nil && pu.Path == "" {
		u = ep + "/"
	}
	ctx, cancel := context.WithTimeout(ctx, stsTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return Credentials{}, newErr(ClassValue, provider, "invalid STS endpoint %q: %v", ep, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if creds != nil {
		sum := sha256.Sum256([]byte(body))
		in := sigv4.SignInput{
			Credentials: sigv4.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken},
			Service:     "sts", Region: signRegion, Time: c.w.now().UTC(), PayloadHash: hex.EncodeToString(sum[:]),
		}
		if _, err := sigv4.NewSigner().Sign(req, in); err != nil {
			return Credentials{}, &Error{ClassName: ClassClient, Provider: provider, Msg: "signing the STS request failed", Err: err}
		}
	}
	status, _, data, err := c.send(req)
	if err != nil {
		return Credentials{}, &Error{ClassName: ClassEndpointConnection, Provider: provider,
			Msg: fmt.Sprintf("could not connect to the endpoint URL: %q", u), Err: err}
	}
	if status/100 != 2 {
		var er awsErrorResponse
		_ = xml.Unmarshal(data, &er)
		code := er.Error.Code
		if code == "" {
			code = fmt.Sprint(status)
		}
		return Credentials{}, newErr(ClassClient, provider, "an error occurred (%s) when calling the %s operation: %s", code, action, er.Error.Message)
	}
	var resp stsResponse
	if err := xml.Unmarshal(data, &resp); err != nil {
		return Credentials{}, &Error{ClassName: ClassClient, Provider: provider, Msg: "unparseable STS response", Err: err}
	}
	res := resp.AssumeRole
	if action == "AssumeRoleWithWebIdentity" {
		res = resp.AssumeRoleWebIdentity
	}
	exp, err := parseExpiry(res.Credentials.Expiration)
	if err != nil {
		return Credentials{}, newErr(ClassParser, provider, "unknown string format for Expiration: %q", res.Credentials.Expiration)
	}
	cr := Credentials{AccessKeyID: res.Credentials.AccessKeyID, SecretAccessKey: res.Credentials.SecretAccessKey,
		SessionToken: res.Credentials.SessionToken, Source: provider, CanExpire: true, Expires: exp}
	if parts := strings.SplitN(res.AssumedRoleUser.Arn, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		cr.AccountID = parts[4]
	}
	return cr, nil
}

// send performs req and reads the whole (bounded) answer.
func (c *Config) send(req *http.Request) (int, http.Header, []byte, error) {
	resp, err := c.w.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, data, err
}

// callJSON sends an unsigned JSON/REST call (SSO portal, SSO OIDC) and
// decodes a 2xx answer into out. Error answers become ClientError, whose
// code is also returned.
func (c *Config) callJSON(ctx context.Context, method, u string, hdr map[string]string, in, out any, op, provider string) (code string, err error) {
	ctx, cancel := context.WithTimeout(ctx, stsTimeout)
	defer cancel()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return "", newErr(ClassValue, provider, "invalid endpoint %q: %v", u, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header[k] = []string{v}
	}
	status, rh, data, err := c.send(req)
	if err != nil {
		return "", &Error{ClassName: ClassEndpointConnection, Provider: provider,
			Msg: fmt.Sprintf("could not connect to the endpoint URL: %q", u), Err: err}
	}
	if status/100 != 2 {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Error   string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		code = e.Type
		if t := strings.Split(code, "#"); len(t) > 1 {
			code = t[len(t)-1]
		}
		if h, _, _ := strings.Cut(rh.Get("X-Amzn-Errortype"), ":"); code == "" && h != "" {
			code = h
		}
		if code == "" {
			code = e.Error
		}
		if code == "" {
			code = statusCode(status)
		}
		return code, newErr(ClassClient, provider, "an error occurred (%s) when calling the %s operation: %s", code, op, e.Message)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return "", &Error{ClassName: ClassClient, Provider: provider, Msg: "unparseable " + op + " response", Err: err}
	}
	return "", nil
}

// statusCode maps an error status without a typed body to the code the
// SSO APIs use for it.
func statusCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "UnauthorizedException"
	case http.StatusForbidden:
		return "ForbiddenException"
	case http.StatusNotFound:
		return "ResourceNotFoundException"
	case http.StatusTooManyRequests:
		return "TooManyRequestsException"
	}
	return fmt.Sprint(status)
}
