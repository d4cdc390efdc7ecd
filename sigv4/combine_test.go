package sigv4

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestCombineChecksumMatchesWholeData(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 70000)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	sum := func(alg ChecksumAlgorithm, p []byte) []byte {
		h, err := NewChecksum(alg)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(p)
		return h.Sum(nil)
	}
	for _, alg := range []ChecksumAlgorithm{CRC32, CRC32C, CRC64NVME} {
		t.Run(string(alg), func(t *testing.T) {
			// Splits include empty halves and lengths with many bits set.
			for _, cut := range []int{0, 1, 7, 8, 4096, 65535, len(data) - 1, len(data)} {
				got, err := CombineChecksum(alg, sum(alg, data[:cut]), sum(alg, data[cut:]), int64(len(data)-cut))
				if err != nil {
					t.Fatal(err)
				}
				if want := sum(alg, data); !bytes.Equal(got, want) {
					t.Errorf("cut at %d: combined %x, want %x", cut, got, want)
				}
			}
			// Many parts folded left to right, as a multipart upload's.
			acc := sum(alg, data[:1000])
			for off := 1000; off < len(data); off += 9999 {
				end := min(off+9999, len(data))
				var err error
				if acc, err = CombineChecksum(alg, acc, sum(alg, data[off:end]), int64(end-off)); err != nil {
					t.Fatal(err)
				}
			}
			if want := sum(alg, data); !bytes.Equal(acc, want) {
				t.Errorf("folded parts: %x, want %x", acc, want)
			}
		})
	}
}

func TestCombineChecksumRefusesHashes(t *testing.T) {
	for _, alg := range []ChecksumAlgorithm{SHA1, SHA256, "MD5"} {
		if _, err := CombineChecksum(alg, nil, nil, 0); err == nil {
			t.Errorf("%s: combined without error", alg)
		}
	}
	if _, err := CombineChecksum(CRC32, []byte{1, 2, 3}, []byte{1, 2, 3, 4}, 1); err == nil {
		t.Error("short CRC32 sum accepted")
	}
}
