package s3

import (
	"testing"
)

func TestObjectURL(t *testing.T) {
	tests := []struct {
		name, endpoint, style, region, provider string
		bucket, key                             string
		want                                    string
	}{
		{name: "AWS auto is virtual", style: "auto", region: "eu-west-1", bucket: "mybucket", key: "a/b c",
			want: "https://mybucket.s3.eu-west-1.amazonaws.com/a/b%20c"},
		{name: "AWS us-east-1 global host", region: "us-east-1", bucket: "mybucket", key: "k",
			want: "https://mybucket.s3.amazonaws.com/k"},
		{name: "AWS dotted bucket falls back to path", region: "us-east-1", bucket: "my.bucket", key: "k",
			want: "https://s3.amazonaws.com/my.bucket/k"},
		{name: "AWS path style", style: "path", region: "us-west-2", bucket: "mybucket", key: "k",
			want: "https://s3.us-west-2.amazonaws.com/mybucket/k"},
		{name: "custom endpoint auto is path", endpoint: "http://localhost:9000", bucket: "mybucket", key: "k",
			want: "http://localhost:9000/mybucket/k"},
		{name: "custom endpoint virtual", endpoint: "http://localhost:9000", style: "virtual", bucket: "mybucket", key: "k",
			want: "http://mybucket.localhost:9000/k"},
		{name: "IP endpoint never virtual", endpoint: "http://127.0.0.1:9000", style: "virtual", bucket: "mybucket", key: "k",
			want: "http://127.0.0.1:9000/mybucket/k"},
		{name: "endpoint with base path", endpoint: "https://gw.example.com/s3/", bucket: "b1b", key: "k",
			want: "https://gw.example.com/s3/b1b/k"},
		{name: "bucket without key", endpoint: "http://localhost:9000", bucket: "mybucket",
			want: "http://localhost:9000/mybucket"},
		{name: "service root", endpoint: "http://localhost:9000", want: "http://localhost:9000/"},
		{name: "keys keep slashes, dots and reserved bytes", endpoint: "http://h", bucket: "bkt", key: "a//b/../c+d=e&f:g@h$i,j;k é",
			want: "http://h/bkt/a//b/../c%2Bd%3De%26f%3Ag%40h%24i%2Cj%3Bk%20%C3%A9"},
		{name: "minio provider stays path style", endpoint: "https://minio.example.com", provider: "minio", bucket: "mybucket", key: "k",
			want: "https://minio.example.com/mybucket/k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(t, tt.endpoint, func(cfg *clientConfig) {
				cfg.addressingStyle, cfg.provider = tt.style, tt.provider
				if tt.region != "" {
					cfg.region = tt.region
				}
			})
			if got := c.objectURL(tt.bucket, tt.key, nil).String(); got != tt.want {
				t.Errorf("URL = %s\nwant  %s", got, tt.want)
			}
		})
	}
}

func TestQuirksFor(t *testing.T) {
	tests := []struct {
		provider, endpoint string
		want               string
		trailers, virtual  bool
	}{
		{endpoint: "", want: "aws", trailers: true, virtual: true},
		{endpoint: "https://s3.eu-west-1.amazonaws.com", want: "aws", trailers: true, virtual: true},
		{endpoint: "http://127.0.0.1:9000", want: "unknown"},
		{provider: "MinIO", endpoint: "http://127.0.0.1:9000", want: "minio"},
		{provider: "s3kit", want: "s3kit", trailers: true},
		{provider: "garage", want: "garage"},
		{provider: "no-such-provider", endpoint: "http://x", want: "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.provider+tt.endpoint, func(t *testing.T) {
			q := QuirksFor(tt.provider, tt.endpoint)
			if q.Name != tt.want || q.Trailers != tt.trailers || q.VirtualHost != tt.virtual {
				t.Errorf("QuirksFor(%q, %q) = %+v, want %s trailers=%v virtual=%v", tt.provider, tt.endpoint, q, tt.want, tt.trailers, tt.virtual)
			}
		})
	}
}

func TestInvalidClientSettings(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*clientConfig)
	}{
		{"addressing style", func(c *clientConfig) { c.addressingStyle = "sideways" }},
		{"checksum policy", func(c *clientConfig) { c.requestChecksum = "always" }},
		{"endpoint scheme", func(c *clientConfig) { c.endpoint = "ftp://host" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := clientConfig{endpoint: "http://127.0.0.1:1"}
			tt.mod(&cfg)
			if _, err := newClient(cfg); err == nil {
				t.Error("newClient accepted an invalid setting")
			}
		})
	}
}
