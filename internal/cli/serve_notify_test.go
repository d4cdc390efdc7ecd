package cli

import (
	"strings"
	"testing"
)

func TestParseWebhooks(t *testing.T) {
	got, err := parseWebhooks([]string{"a=http://127.0.0.1:1/x", "b-2=https://example.com/h?t=1"})
	if err != nil || len(got) != 2 || got["a"] != "http://127.0.0.1:1/x" || got["b-2"] != "https://example.com/h?t=1" {
		t.Fatalf("parseWebhooks = %v, %v", got, err)
	}
	for _, bad := range [][]string{
		{"a=http://x", "a=http://y"}, // a name twice
		{"noequals"},
		{"a b=http://x"},
		{"a=ftp://x"},
	} {
		if _, err := parseWebhooks(bad); err == nil {
			t.Errorf("parseWebhooks(%q) accepted", bad)
		}
	}
	if _, err := parseWebhooks([]string{"a=http://x", "a=http://y"}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate name: %v", err)
	}
}
