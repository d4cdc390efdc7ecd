package server

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
)

// Checksum types of a multipart upload, as x-amz-checksum-type spells them.
const (
	checksumComposite  = "COMPOSITE"
	checksumFullObject = "FULL_OBJECT"
)

// uploadChecksumType applies S3's rules to CreateMultipartUpload's
// x-amz-checksum-type for algorithm alg: COMPOSITE by default, except
// CRC64NVME, which is only FULL_OBJECT; FULL_OBJECT only for the CRCs,
// whose part checksums combine into the whole object's.
func uploadChecksumType(alg sigv4.ChecksumAlgorithm, typ string) (string, error) {
	switch typ = strings.ToUpper(typ); typ {
	case "":
		if alg == sigv4.CRC64NVME {
			return checksumFullObject, nil
		}
		return checksumComposite, nil
	case checksumComposite, checksumFullObject:
	default:
		return "", errMsg(s3xml.CodeInvalidRequest, "Value for %s header is invalid.", strings.ToLower(s3xml.HeaderChecksumType))
	}
	crc := alg == sigv4.CRC32 || alg == sigv4.CRC32C || alg == sigv4.CRC64NVME
	if (typ == checksumFullObject && !crc) || (typ == checksumComposite && alg == sigv4.CRC64NVME) {
		return "", errMsg(s3xml.CodeInvalidRequest, "The %s checksum type cannot be used with the %s checksum algorithm.", typ, strings.ToLower(string(alg)))
	}
	return typ, nil
}

// partChecksummer applies S3's rules for an UploadPart's checksum to an
// upload created with algorithm alg ("" for none) and checksum type typ,
// and returns the checksummer for the part's body (cs, the request's own,
// or nil):
//   - a part that sends a checksum (an x-amz-checksum-* header or one
//     announced in x-amz-trailer) must send it in the upload's algorithm;
//   - a part of a COMPOSITE upload must send one, since the object's
//     checksum is made of the parts' and Complete must list them;
//   - a part of a FULL_OBJECT upload may come without: S3 then computes
//     the part's checksum itself (and does not echo it), so that Complete
//     can combine the parts' CRCs.
//
// x-amz-sdk-checksum-algorithm alone is no checksum: S3 ignores it. A
// refusal is InvalidRequest "Checksum Type mismatch occurred, expected
// checksum Type: crc32, actual checksum Type: null" (algorithms in lower
// case, null for none), the answer AWS gives; see OpenStack Swift's
// s3api checksum tests (test_mpu_upload_part_requires_checksum_*,
// *_diff_algo_*), which run against AWS, and the AWS SDKs' InvalidRequest
// documentation.
func partChecksummer(alg, typ string, cs *checksummer) (*checksummer, error) {
	if alg == "" {
		return cs, nil
	}
	if cs != nil && cs.sent {
		if cs.alg != alg {
			return nil, checksumTypeMismatch(alg, cs.alg)
		}
		return cs, nil
	}
	if typ != checksumFullObject {
		return nil, checksumTypeMismatch(alg, "")
	}
	h, err := sigv4.NewChecksum(sigv4.ChecksumAlgorithm(alg))
	if err != nil {
		return nil, err
	}
	return &checksummer{alg: alg, h: h}, nil
}

// checksumTypeMismatch is S3's answer to a part whose checksum algorithm
// (got, "" for none) is not its upload's (want).
func checksumTypeMismatch(want, got string) error {
	if got == "" {
		got = "null"
	}
	return errMsg(s3xml.CodeInvalidRequest, "Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s",
		strings.ToLower(want), strings.ToLower(got))
}

// completeChecksum is what a CompleteMultipartUpload request says about
// the object's checksum, and the part checksums its XML lists.
type completeChecksum struct {
	typ        string // x-amz-checksum-type, upper case ("" when absent)
	alg, value string // an x-amz-checksum-* header ("" when absent)
	listed     []s3xml.CompletedPart
}

// parseCompleteChecksum reads a Complete request's checksum headers. A
// value that is not a well-formed checksum of its algorithm (base64 of the
// right size, "-N" allowed for a composite) is InvalidRequest, as S3
// answers.
func parseCompleteChecksum(h http.Header, listed []s3xml.CompletedPart) (*completeChecksum, error) {
	cc := &completeChecksum{typ: strings.ToUpper(h.Get(s3xml.HeaderChecksumType)), listed: listed}
	switch cc.typ {
	case "", checksumComposite, checksumFullObject:
	default:
		return nil, errMsg(s3xml.CodeInvalidRequest, "Value for %s header is invalid.", strings.ToLower(s3xml.HeaderChecksumType))
	}
	for _, c := range checksumHeaders {
		v := h[c.key]
		if len(v) == 0 || v[0] == "" {
			continue
		}
		if cc.alg != "" {
			return nil, errMsg(s3xml.CodeInvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		cc.alg, cc.value = c.alg, v[0]
		if !wellFormedChecksum(sigv4.ChecksumAlgorithm(c.alg), v[0]) {
			return nil, errMsg(s3xml.CodeInvalidRequest, "Value for %s header is invalid.", strings.ToLower(s3xml.HeaderChecksumPrefix+c.alg))
		}
	}
	return cc, nil
}

// wellFormedChecksum reports whether v is a base64 checksum of alg's size,
// optionally followed by "-N" (a composite over N parts).
func wellFormedChecksum(alg sigv4.ChecksumAlgorithm, v string) bool {
	sum, parts, composite := strings.Cut(v, "-")
	if composite {
		if n, err := strconv.Atoi(parts); err != nil || n < 1 || n > storage.MaxPartNumber || strconv.Itoa(n) != parts {
			return false
		}
	}
	raw, err := base64.StdEncoding.DecodeString(sum)
	if err != nil {
		return false
	}
	h, err := sigv4.NewChecksum(alg)
	return err == nil && len(raw) == h.Size()
}

// beforeCommit is the CompleteOptions.BeforeCommit of a Complete request:
// it checks the part checksums the request lists against the stored ones
// (a mismatch is InvalidPart), checks the request's checksum type against
// the upload's, computes the object's checksum from the parts' (COMPOSITE:
// the checksum of the concatenated raw part checksums, suffixed "-N";
// FULL_OBJECT: the parts' CRCs combined into the CRC of the whole object,
// without reading the data) and compares it with the one the request
// sent, if any (BadDigest). An upload without an algorithm, or whose parts
// lack checksums, gets none.
func (cc *completeChecksum) beforeCommit(meta *storage.ObjectMeta, parts []storage.PartInfo) error {
	for i, p := range cc.listed {
		for _, alg := range s3xml.ChecksumAlgorithms() {
			if v := p.Get(alg); v != "" && parts[i].Checksums[alg] != v {
				return errCode(s3xml.CodeInvalidPart)
			}
		}
	}
	var alg string
	for a := range meta.Checksums {
		alg = a
	}
	if len(meta.Checksums) != 1 {
		return nil
	}
	if cc.typ != "" && cc.typ != meta.ChecksumType {
		return errMsg(s3xml.CodeInvalidRequest, "The upload was created using the %s checksum mode. The complete request must use the same checksum mode.", meta.ChecksumType)
	}
	if meta.ChecksumType == checksumComposite {
		// S3 requires the part checksums a composite checksum is made of.
		for _, p := range cc.listed {
			if p.Get(alg) == "" {
				return errMsg(s3xml.CodeInvalidRequest, "The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.", strings.ToLower(alg), p.PartNumber)
			}
		}
	}
	sum, err := objectChecksum(sigv4.ChecksumAlgorithm(alg), meta.ChecksumType, parts)
	if err != nil || sum == "" {
		return err
	}
	if cc.alg == alg && cc.value != sum {
		return errMsg(s3xml.CodeBadDigest, "The %s you specified did not match the calculated checksum.", alg)
	}
	meta.Checksums[alg] = sum
	return nil
}

// objectChecksum computes a multipart object's checksum of type typ from
// its parts' checksums in alg; "" when a part has none.
func objectChecksum(alg sigv4.ChecksumAlgorithm, typ string, parts []storage.PartInfo) (string, error) {
	raws := make([][]byte, len(parts))
	for i, p := range parts {
		raw, err := base64.StdEncoding.DecodeString(p.Checksums[string(alg)])
		if err != nil || len(raw) == 0 {
			return "", nil
		}
		raws[i] = raw
	}
	if typ == checksumFullObject {
		acc := raws[0]
		for i := 1; i < len(raws); i++ {
			var err error
			if acc, err = sigv4.CombineChecksum(alg, acc, raws[i], parts[i].Size); err != nil {
				// A stored part checksum of the wrong size: no checksum
				// rather than a wrong one.
				return "", nil
			}
		}
		return base64.StdEncoding.EncodeToString(acc), nil
	}
	h, err := sigv4.NewChecksum(alg)
	if err != nil {
		return "", nil
	}
	for _, raw := range raws {
		h.Write(raw)
	}
	return sigv4.ChecksumBase64(h) + "-" + strconv.Itoa(len(parts)), nil
}
