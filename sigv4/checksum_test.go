package sigv4

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

func TestChecksumCheckValues(t *testing.T) {
	// Catalogue check values (input "123456789") and S3-style base64 values.
	tests := []struct {
		alg     ChecksumAlgorithm
		in      string
		wantHex string
		wantB64 string
	}{
		{CRC32, "123456789", "cbf43926", "y/Q5Jg=="},
		{CRC32C, "123456789", "e3069283", "4waSgw=="},
		{CRC64NVME, "123456789", "ae8b14860a799888", "rosUhgp5mIg="},
		{SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d", "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="},
		{SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
		{CRC32C, "", "00000000", "AAAAAA=="},
		{CRC64NVME, "", "0000000000000000", "AAAAAAAAAAA="},
	}
	for _, tc := range tests {
		t.Run(string(tc.alg)+"/"+tc.in, func(t *testing.T) {
			h, err := NewChecksum(tc.alg)
			if err != nil {
				t.Fatal(err)
			}
			h.Write([]byte(tc.in))
			if got := hex.EncodeToString(h.Sum(nil)); got != tc.wantHex {
				t.Errorf("sum = %s, want %s", got, tc.wantHex)
			}
			if got := ChecksumBase64(h); got != tc.wantB64 {
				t.Errorf("base64 = %s, want %s", got, tc.wantB64)
			}
			if got := len(ChecksumBase64(h)); got != tc.alg.encodedLen() {
				t.Errorf("encoded length %d, want %d", got, tc.alg.encodedLen())
			}
		})
	}
}

// crc64NVMEBitwise is the textbook bit-at-a-time reflected CRC, an
// independent check of the slicing-by-8 tables.
func crc64NVMEBitwise(p []byte) uint64 {
	crc := ^uint64(0)
	for _, b := range p {
		crc ^= uint64(b)
		for range 8 {
			if crc&1 == 1 {
				crc = crc>>1 ^ crc64NVMEPoly
			} else {
				crc >>= 1
			}
		}
	}
	return ^crc
}

func TestCRC64NVMEMatchesBitwise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 63, 64, 1000, 4097} {
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = byte(r.Uint32())
		}
		h, _ := NewChecksum(CRC64NVME)
		// Write in uneven pieces: streaming must equal one-shot.
		for i := 0; i < n; {
			j := min(n, i+1+int(r.Uint32()%13))
			h.Write(buf[i:j])
			i = j
		}
		got := h.(interface{ Sum64() uint64 }).Sum64()
		if want := crc64NVMEBitwise(buf); got != want {
			t.Errorf("n=%d: %x, want %x", n, got, want)
		}
	}
}

func TestParseChecksumAlgorithm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ChecksumAlgorithm
		ok   bool
	}{
		{"crc32", CRC32, true}, {"CRC32C", CRC32C, true}, {"crc64nvme", CRC64NVME, true},
		{"sha1", SHA1, true}, {"SHA256", SHA256, true}, {"md5", "", false}, {"", "", false},
	} {
		got, err := ParseChecksumAlgorithm(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseChecksumAlgorithm(%q) = %q, %v", tc.in, got, err)
		}
	}
	if _, err := NewChecksum("MD5"); err == nil {
		t.Error("NewChecksum(MD5) succeeded")
	}
	if got := CRC32C.HeaderName(); got != "x-amz-checksum-crc32c" {
		t.Errorf("HeaderName = %q", got)
	}
}
