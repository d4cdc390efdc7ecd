package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

// TestDownloadMultipartChecksums downloads multipart objects whose GET
// carries a checksum: a COMPOSITE one ("...-2", a checksum of part
// checksums) is never taken for the bytes' CRC, a FULL_OBJECT one is the
// bytes' CRC and verifies the download.
func TestDownloadMultipartChecksums(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "mpsums")
	data := make([]byte, transfer.MinPartSize+4321)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	// upload stores data in two parts, each sent with the client's CRC32.
	upload := func(key, typ string) {
		t.Helper()
		mpu, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: "mpsums", Key: key,
			ChecksumAlgorithm: "CRC32", ChecksumType: typ})
		if err != nil {
			t.Fatal(err)
		}
		id := mpu.UploadID
		var done []s3.CompletedPart
		for i, p := range [][]byte{data[:transfer.MinPartSize], data[transfer.MinPartSize:]} {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: "mpsums", Key: key, UploadID: id, PartNumber: i + 1,
				Body: bytes.NewReader(p), ContentLength: int64(len(p))})
			if err != nil {
				t.Fatal(err)
			}
			done = append(done, s3.CompletedPart{PartNumber: i + 1, ETag: out.ETag, Checksums: out.Checksums})
		}
		out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: "mpsums", Key: key, UploadID: id, Parts: done})
		if err != nil {
			t.Fatal(err)
		}
		if out.Checksums.CRC32 == "" || out.Checksums.Type != typ {
			t.Fatalf("%s: Complete checksums %+v, want a %s CRC32", key, out.Checksums, typ)
		}
	}
	upload("composite", "COMPOSITE")
	upload("full", "FULL_OBJECT")

	for _, tc := range []struct {
		key      string
		verified bool
	}{{"composite", false}, {"full", true}} {
		t.Run(tc.key, func(t *testing.T) {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: "mpsums", Key: tc.key})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("GetObject body: %d bytes, %v", len(got), err)
			}
			if out.ChecksumVerified != tc.verified || strings.Contains(out.Checksums.CRC32, "-") == tc.verified {
				t.Fatalf("GetObject: ChecksumVerified %v with CRC32 %q (%s)", out.ChecksumVerified, out.Checksums.CRC32, out.Checksums.Type)
			}
			// One whole GET (a part size above the object's), then ranged
			// GETs (a part size below it): both write the object.
			for _, ps := range []int64{2 * transfer.MinPartSize, transfer.MinPartSize} {
				m := transfer.New(c, transfer.Options{PartSize: ps, VerifyLarge: true})
				dst := filepath.Join(t.TempDir(), "dst")
				res, err := m.DownloadFile(ctx, "mpsums", tc.key, dst)
				if err != nil {
					t.Fatalf("part size %d: %v", ps, err)
				}
				if res.Size != int64(len(data)) {
					t.Fatalf("part size %d: size %d", ps, res.Size)
				}
				if ps > int64(len(data)) && res.Verified != tc.verified {
					t.Errorf("whole download: Verified %v, want %v (by the FULL_OBJECT CRC only)", res.Verified, tc.verified)
				}
				if got, err := os.ReadFile(dst); err != nil || !bytes.Equal(got, data) {
					t.Fatalf("part size %d: file holds %d bytes, %v", ps, len(got), err)
				}
			}
		})
	}
}
