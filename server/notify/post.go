package notify

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// postTimeout bounds one POST (connecting included).
const postTimeout = 10 * time.Second

// poster POSTs one target's events over one kept-alive connection, in the
// delivering goroutine. net/http's Transport runs two goroutines per
// connection and hands each request between them, which costs more CPU
// than the request itself on a small VM; a worker sends one request at a
// time, so it needs none of that. It is used by one goroutine only.
type poster struct {
	addr   string // host:port to dial
	tls    *tls.Config
	header []byte // request line and headers, up to "Content-Length: "
	conn   net.Conn
	br     *bufio.Reader
	buf    []byte
}

// newPoster prepares POSTs to raw, an http or https URL.
func newPoster(raw string) (*poster, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("want an http:// or https:// URL")
	}
	p := &poster{addr: u.Host}
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		p.addr = net.JoinHostPort(u.Hostname(), port)
	}
	if u.Scheme == "https" {
		p.tls = &tls.Config{ServerName: u.Hostname()}
	}
	h := "POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUser-Agent: s3kit\r\nContent-Type: application/json\r\n"
	if u.User != nil {
		pw, _ := u.User.Password()
		h += "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pw)) + "\r\n"
	}
	p.header = []byte(h + "Content-Length: ")
	return p, nil
}

// post sends body and reads the answer; anything but 2xx is an error. A
// kept-alive connection the receiver closed while idle is replaced and
// the event sent once more at once (delivery is at least once anyway).
func (p *poster) post(ctx context.Context, body []byte) error {
	reused := p.conn != nil
	err := p.once(ctx, body)
	if err != nil && reused && ctx.Err() == nil {
		if _, ok := err.(statusError); !ok {
			err = p.once(ctx, body)
		}
	}
	return err
}

// statusError is a receiver's answer other than 2xx.
type statusError string

func (e statusError) Error() string { return "receiver answered " + string(e) }

func (p *poster) once(ctx context.Context, body []byte) (err error) {
	defer func() {
		if err != nil {
			p.close()
		}
	}()
	if p.conn == nil {
		dctx, cancel := context.WithTimeout(ctx, postTimeout)
		defer cancel()
		var d net.Dialer
		c, err := d.DialContext(dctx, "tcp", p.addr)
		if err != nil {
			return err
		}
		if p.tls != nil {
			tc := tls.Client(c, p.tls)
			if err := tc.HandshakeContext(dctx); err != nil {
				c.Close()
				return err
			}
			c = tc
		}
		p.conn, p.br = c, bufio.NewReader(c)
	}
	conn := p.conn
	_ = conn.SetDeadline(time.Now().Add(postTimeout))
	// Close (ctx cancelled) must not wait for a receiver that hangs.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	p.buf = append(append(append(append(p.buf[:0], p.header...), strconv.Itoa(len(body))...), "\r\n\r\n"...), body...)
	if _, err := conn.Write(p.buf); err != nil {
		return err
	}
	resp, err := http.ReadResponse(p.br, nil)
	if err != nil {
		return err
	}
	// Read a little of the answer so the connection can be reused.
	n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.Close || n == 64<<10 {
		p.close()
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusError(resp.Status)
	}
	return nil
}

// close drops the connection.
func (p *poster) close() {
	if p.conn != nil {
		p.conn.Close()
		p.conn, p.br = nil, nil
	}
}
