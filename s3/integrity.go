package s3

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// IntegrityError reports that a server acknowledged an upload (2xx) whose
// stored bytes are not the bytes sent: the ETag it returned is not the MD5
// of the body, or a checksum it returned differs from the client's. The
// object (or part) on the server must be considered corrupt; it is never
// reported as a success.
type IntegrityError struct {
	Op          string // "PutObject" or "UploadPart"
	Bucket, Key string
	PartNumber  int    // UploadPart only
	Field       string // "ETag" or the checksum header, e.g. "x-amz-checksum-crc32"
	Sent        string // what the client computed over the body it sent
	Stored      string // what the server returned
}

// Error names the object, the field and both values on one line.
func (e *IntegrityError) Error() string {
	part := ""
	if e.PartNumber > 0 {
		part = " part " + strconv.Itoa(e.PartNumber)
	}
	return fmt.Sprintf("s3: %s %s%s: the server stored other bytes than were sent: %s %s, want %s",
		e.Op, target(e.Bucket, e.Key), part, e.Field, e.Stored, e.Sent)
}

// checkStored compares an upload's response with what the client computed
// over the body: the ETag with the MD5 (when one was sent as Content-MD5 and
// the ETag is an MD5, that is not under SSE-KMS or SSE-C), and a returned
// x-amz-checksum-crc32 with the one sent in a header. Servers that verify
// what they are sent (Quirks.Verifies) make the first check unnecessary,
// so no MD5 is computed for them; everywhere else it is the guard against
// a server that accepted corrupted or misframed bytes.
func checkStored(cl *call, p *payload, resp *http.Response) error {
	fail := func(field, sent, stored string) error {
		e := &IntegrityError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Field: field, Sent: sent, Stored: stored}
		if cl.op == "UploadPart" {
			e.PartNumber, _ = strconv.Atoi(cl.query.Get("partNumber"))
		}
		return e
	}
	if p.md5 != "" && etagIsMD5(resp.Header) {
		sum, err := base64.StdEncoding.DecodeString(p.md5)
		etag := strings.Trim(strings.TrimPrefix(resp.Header.Get("Etag"), "W/"), `"`)
		if err == nil && len(sum) == 16 && isHexMD5(etag) && !strings.EqualFold(etag, hex.EncodeToString(sum)) {
			return fail("ETag", `"`+hex.EncodeToString(sum)+`"`, resp.Header.Get("Etag"))
		}
	}
	if p.checksum != "" {
		if got := resp.Header.Get("X-Amz-Checksum-Crc32"); got != "" && got != p.checksum {
			return fail("x-amz-checksum-crc32", p.checksum, got)
		}
	}
	return nil
}

// etagIsMD5 reports whether an upload response's ETag is the MD5 of the
// body.
func etagIsMD5(h http.Header) bool { return encryptionFromHeader(h).ETagIsMD5() }

// isHexMD5 reports whether s is 32 hex digits (an ETag of another shape,
// such as "…-N" or a server's opaque token, says nothing about the MD5).
func isHexMD5(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
