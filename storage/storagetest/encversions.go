package storagetest

import (
	"bytes"
	"io"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// testEncryptedVersions checks a backend that is both a storage.Versioner
// and a storage.Encrypter: every version of a key keeps its own
// encryption, and the version reads (GetObjectVersion, HeadObjectVersion,
// ListObjectVersions, CopyObjectVersion, PutObjectTaggingVersion) report
// and return plaintext as the unversioned ones do. With a
// storage.KeyedReader, ReadOptions.VersionID reads a version stored under
// a customer-provided key.
func testEncryptedVersions(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	v, ok := f.b.(storage.Versioner)
	if !ok {
		t.Skip("backend does not implement storage.Versioner")
	}
	if e, ok := f.b.(storage.Encrypter); !ok || !e.Encrypts(storage.SSEAlgorithmAES256) {
		t.Skip("backend does not encrypt at rest")
	}
	vf := &vFixture{fixture: f, v: v}
	vf.setState(storage.Enabled)
	sseS3 := &storage.Encryption{Algorithm: storage.SSEAlgorithmAES256}
	old := payload(21, 2*encPackage+17)
	v1, err := f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader(old), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: sseS3}})
	if err != nil {
		t.Fatal(err)
	}
	f.put("k", []byte("plain latest"))
	if v1.VersionID == "" || v1.Size != int64(len(old)) || v1.ETag != etagOf(old) {
		t.Fatalf("PutObject SSE-S3 in a versioned bucket = version %q size %d ETag %s", v1.VersionID, v1.Size, v1.ETag)
	}
	vf.wantVersion("k", v1.VersionID, old)
	vf.wantVersion("k", "", []byte("plain latest"))
	h, err := v.HeadObjectVersion(f.ctx, f.bucket, "k", v1.VersionID)
	if err != nil || h.Size != int64(len(old)) || h.ETag != v1.ETag || h.Meta.Encryption == nil {
		t.Fatalf("HeadObjectVersion of the encrypted version = %+v, %v", h, err)
	}
	o, err := v.GetObjectVersion(f.ctx, f.bucket, "k", v1.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 100)
	if _, err := o.Content.ReadAt(part, encPackage-50); err != nil || !bytes.Equal(part, old[encPackage-50:encPackage+50]) {
		t.Errorf("ReadAt across a package boundary of a version: %v", err)
	}
	o.Content.Close()
	res, err := v.ListObjectVersions(f.ctx, f.bucket, storage.ListVersionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ver := range res.Versions {
		if ver.VersionID == v1.VersionID && (ver.Size != int64(len(old)) || ver.ETag != v1.ETag) {
			t.Errorf("ListObjectVersions: %s size %d ETag %s, want %d %s", ver.VersionID, ver.Size, ver.ETag, len(old), v1.ETag)
		}
	}

	// A copy of the encrypted version: kept as it is (meta nil), in the
	// clear, and under SSE-KMS when the backend has it.
	if _, err := v.CopyObjectVersion(f.ctx, f.bucket, "k", v1.VersionID, f.bucket, "same", nil); err != nil {
		t.Fatalf("CopyObjectVersion keeping the encryption: %v", err)
	}
	if h, err := f.b.HeadObject(f.ctx, f.bucket, "same"); err != nil || h.Meta.Encryption == nil || h.Size != int64(len(old)) {
		t.Fatalf("copy keeping the encryption = %+v, %v", h, err)
	}
	f.wantContent("same", old)
	cp, err := v.CopyObjectVersion(f.ctx, f.bucket, "k", v1.VersionID, f.bucket, "clear", &storage.ObjectMeta{})
	if err != nil || cp.Meta.Encryption != nil || cp.Size != int64(len(old)) {
		t.Fatalf("CopyObjectVersion to plaintext = %+v, %v", cp, err)
	}
	f.wantContent("clear", old)
	if f.b.(storage.Encrypter).Encrypts(storage.SSEAlgorithmKMS) {
		cp, err := v.CopyObjectVersion(f.ctx, f.bucket, "k", v1.VersionID, f.bucket, "kms", &storage.ObjectMeta{Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmKMS}})
		if err != nil || cp.Meta.Encryption == nil || cp.Meta.Encryption.Algorithm != storage.SSEAlgorithmKMS || cp.Size != int64(len(old)) {
			t.Fatalf("CopyObjectVersion to SSE-KMS = %+v, %v", cp, err)
		}
		f.wantContent("kms", old)
	}
	tagged, err := v.PutObjectTaggingVersion(f.ctx, f.bucket, "k", v1.VersionID, map[string]string{"t": "1"})
	if err != nil || tagged.Size != int64(len(old)) || tagged.ETag != v1.ETag {
		t.Fatalf("PutObjectTaggingVersion of the encrypted version = %+v, %v", tagged, err)
	}
	vf.wantVersion("k", v1.VersionID, old)

	kr, ok := f.b.(storage.KeyedReader)
	if !ok {
		return
	}
	key := bytes.Repeat([]byte{0xC3}, 32)
	secret := payload(22, encPackage+3)
	c1, err := f.b.PutObject(f.ctx, f.bucket, "c", bytes.NewReader(secret), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: &storage.Encryption{CustomerAlgorithm: storage.SSEAlgorithmAES256, CustomerKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	f.put("c", []byte("plain latest"))
	_, err = v.GetObjectVersion(f.ctx, f.bucket, "c", c1.VersionID)
	wantErr(t, "GetObjectVersion of an SSE-C version without the key", err, storage.ErrEncryptionKeyRequired)
	_, err = kr.HeadObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{VersionID: c1.VersionID})
	wantErr(t, "HeadObjectWith an SSE-C version without the key", err, storage.ErrEncryptionKeyRequired)
	_, err = kr.GetObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{VersionID: "", CustomerKey: key})
	wantErr(t, "GetObjectWith the key of the plain latest version", err, storage.ErrEncryptionNotApplicable)
	if h, err := kr.HeadObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{VersionID: c1.VersionID, CustomerKey: key}); err != nil || h.Size != int64(len(secret)) || h.VersionID != c1.VersionID {
		t.Fatalf("HeadObjectWith an SSE-C version and its key = %+v, %v", h, err)
	}
	o, err = kr.GetObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{VersionID: c1.VersionID, CustomerKey: key})
	if err != nil {
		t.Fatalf("GetObjectWith an SSE-C version and its key: %v", err)
	}
	got, err := io.ReadAll(o.Content)
	o.Content.Close()
	if err != nil || !bytes.Equal(got, secret) || o.Info.VersionID != c1.VersionID {
		t.Fatalf("GetObjectWith an SSE-C version read %d bytes (version %q), %v", len(got), o.Info.VersionID, err)
	}
	_, err = v.CopyObjectVersion(f.ctx, f.bucket, "c", c1.VersionID, f.bucket, "c2", nil)
	wantErr(t, "CopyObjectVersion of an SSE-C version", err, storage.ErrEncryptionKeyRequired)
}
