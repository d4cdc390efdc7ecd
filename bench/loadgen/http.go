package main

import (
	"net"
	"net/http"
	"time"
)

// awsHTTPClient keeps enough idle connections for every worker, so the
// benchmark measures the server, not connection set-up.
func awsHTTPClient(workers int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        workers * 4,
		MaxIdleConnsPerHost: workers * 4,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr}
}
