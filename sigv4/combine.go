package sigv4

import (
	"encoding/binary"
	"fmt"
	"sync"
)

// crcParams describes a reflected CRC with init and xorout all ones, the
// shape of all three CRCs S3 offers.
type crcParams struct {
	width int    // bits: 32 or 64
	poly  uint64 // reflected polynomial
	x2n   func() *[64]uint64
}

var crcs = map[ChecksumAlgorithm]*crcParams{
	CRC32:     newCRCParams(32, 0xedb88320),
	CRC32C:    newCRCParams(32, 0x82f63b78),
	CRC64NVME: newCRCParams(64, crc64NVMEPoly),
}

func newCRCParams(width int, poly uint64) *crcParams {
	p := &crcParams{width: width, poly: poly}
	p.x2n = sync.OnceValue(func() *[64]uint64 {
		// t[k] = x^(2^k) mod poly.
		var t [64]uint64
		v := uint64(1) << (width - 2) // x^1
		for k := range t {
			t[k] = v
			v = p.mulmod(v, v)
		}
		return &t
	})
	return p
}

// mulmod returns a(x)·b(x) mod poly in the reflected representation, where
// the top bit is x^0 (zlib's multmodp, for either width).
func (p *crcParams) mulmod(a, b uint64) uint64 {
	var prod uint64
	for m := uint64(1) << (p.width - 1); m != 0; m >>= 1 {
		if a&m != 0 {
			prod ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ p.poly
		} else {
			b >>= 1
		}
	}
	return prod
}

// shift returns crc multiplied by x^(8·n) mod poly: crc as if n zero
// bytes had followed the data it covers, before the final xor.
func (p *crcParams) shift(crc uint64, n int64) uint64 {
	t := p.x2n()
	for k := 3; n != 0; k++ {
		if n&1 != 0 {
			crc = p.mulmod(t[k%64], crc)
		}
		n >>= 1
	}
	return crc
}

// CombineChecksum returns the checksum of the concatenation A‖B from the
// checksum of A, the checksum of B and B's length, without the data (zlib's
// crc32_combine). Sums are big-endian bytes as NewChecksum's Sum returns
// them. Only the CRCs combine; SHA1 and SHA256 are an error. S3 computes a
// multipart upload's FULL_OBJECT checksum this way from its parts'.
func CombineChecksum(alg ChecksumAlgorithm, a, b []byte, lenB int64) ([]byte, error) {
	p, ok := crcs[alg]
	if !ok {
		return nil, fmt.Errorf("sigv4: %s checksums do not combine", alg)
	}
	if size := p.width / 8; len(a) != size || len(b) != size {
		return nil, fmt.Errorf("sigv4: %s checksums are %d bytes, got %d and %d", alg, size, len(a), len(b))
	}
	if lenB < 0 {
		return nil, fmt.Errorf("sigv4: negative length %d", lenB)
	}
	if p.width == 32 {
		c := p.shift(uint64(binary.BigEndian.Uint32(a)), lenB) ^ uint64(binary.BigEndian.Uint32(b))
		return binary.BigEndian.AppendUint32(nil, uint32(c)), nil
	}
	c := p.shift(binary.BigEndian.Uint64(a), lenB) ^ binary.BigEndian.Uint64(b)
	return binary.BigEndian.AppendUint64(nil, c), nil
}
