package server

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// Every string, including arbitrary bytes, comes out as one JSON string
// that encoding/json reads back as the same text, invalid bytes as U+FFFD.
func TestAppendJSONString(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := []string{"", "plain", `"\`, "\x00\x1f\x7f", "\u2028\u2029", "héllo wörld ☃ 𝄞", "\xff", "a\xc3", "\xed\xa0\x80"}
	for range 2000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		out := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q: %s: %v", s, out, err)
		}
		want := []rune{}
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			want = append(want, r)
			i += n
		}
		if got != string(want) {
			t.Fatalf("%q: %s reads back as %q, want %q", s, out, got, string(want))
		}
		for _, c := range out {
			if c < 0x20 {
				t.Fatalf("%q: raw control byte in %q", s, out)
			}
		}
	}
}

// BenchmarkAccessLogLine is one access-log line's server CPU, formatted
// and appended to a file in 32 KiB writes as serve does; it must allocate
// nothing.
func BenchmarkAccessLogLine(b *testing.B) {
	r, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/bkt/dir/some%20key", nil)
	r.RemoteAddr = "127.0.0.1:40000"
	rq := &request{r: r, op: "GetObject", bucket: "bkt", key: "dir/some key", id: "18C2F0A1B2C3D4E5"}
	f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 32<<10)
	defer f.Close()
	a := newAccessLog(w)
	b.ReportAllocs()
	cpu := rusageCPU()
	for b.Loop() {
		a.line(time.Now(), rq, "AKIABENCH00000000000", 200, "", 0, 4096, 1234*time.Microsecond)
	}
	// Process CPU: other processes on a shared machine stretch the wall
	// time, not this.
	b.ReportMetric(float64(rusageCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// rusageCPU is the CPU time this process has used, user and system.
func rusageCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
