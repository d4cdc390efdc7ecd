package storagetest

import (
	"bytes"
	"crypto/md5"
	"io"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// encPackage is the package size the encrypting backends in this module
// use; sizes around its multiples are where a package mapping goes wrong.
// The cases hold for any package size.
const encPackage = 64 << 10

// testEncryption checks a storage.Encrypter backend: objects written with
// ObjectMeta.Encryption read back as their plaintext, with plaintext
// sizes and S3's ETags, through every read path (whole, ranges, listing,
// multipart, copy, tagging), and Content-MD5 and If-Match keep their
// meaning.
func testEncryption(t *testing.T, nb func(t *testing.T) storage.Backend) {
	probe := nb(t)
	if e, ok := probe.(storage.Encrypter); !ok || !e.Encrypts(storage.SSEAlgorithmAES256) {
		t.Skip("backend does not encrypt at rest")
	}
	sse := func() *storage.Encryption { return &storage.Encryption{Algorithm: storage.SSEAlgorithmAES256} }
	t.Run("RoundTrip", func(t *testing.T) {
		f := newFixture(t, nb)
		for i, n := range []int{0, 1, encPackage - 1, encPackage, encPackage + 1, 3*encPackage + 5} {
			data := payload(int64(i), n)
			key := "k" + string(rune('a'+i))
			info, err := f.b.PutObject(f.ctx, f.bucket, key, bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: sse(), ContentType: "text/x"}})
			if err != nil {
				t.Fatalf("PutObject(%d bytes): %v", n, err)
			}
			if info.ETag != etagOf(data) || info.Size != int64(n) {
				t.Fatalf("PutObject(%d bytes) = ETag %s size %d, want %s %d", n, info.ETag, info.Size, etagOf(data), n)
			}
			if info.Meta.Encryption == nil || info.Meta.Encryption.Algorithm != storage.SSEAlgorithmAES256 {
				t.Fatalf("PutObject: Meta.Encryption = %+v", info.Meta.Encryption)
			}
			f.wantContent(key, data)
			h, err := f.b.HeadObject(f.ctx, f.bucket, key)
			if err != nil || h.Size != int64(n) || h.ETag != etagOf(data) || h.Meta.Encryption == nil || h.Meta.ContentType != "text/x" {
				t.Fatalf("HeadObject = %+v, %v", h, err)
			}
			if n > 0 {
				wantRanges(t, f, key, data)
			}
		}
		res, err := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Objects {
			h, _ := f.b.HeadObject(f.ctx, f.bucket, o.Key)
			if o.Size != h.Size || o.ETag != h.ETag {
				t.Errorf("listing %s: size %d ETag %s, HEAD says %d %s", o.Key, o.Size, o.ETag, h.Size, h.ETag)
			}
		}
	})
	t.Run("ContentMD5AndIfMatch", func(t *testing.T) {
		f := newFixture(t, nb)
		data := payload(7, 2*encPackage+9)
		sum := md5.Sum(data)
		bad := md5.Sum([]byte("other"))
		_, err := f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: sse()}, ContentMD5: bad[:]})
		wantErr(t, "PutObject with a wrong Content-MD5", err, storage.ErrBadDigest)
		if _, _, err := f.tryGet("k"); err == nil {
			t.Fatal("a put refused for its Content-MD5 left an object")
		}
		if _, err := f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: sse()}, ContentMD5: sum[:]}); err != nil {
			t.Fatalf("PutObject with the right Content-MD5: %v", err)
		}
		_, err = f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader([]byte("x")), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: sse()}, IfMatch: etagOf([]byte("nope"))})
		wantErr(t, "PutObject If-Match another ETag", err, storage.ErrPreconditionFailed)
		if _, err := f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader([]byte("x")), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: sse()}, IfMatch: etagOf(data)}); err != nil {
			t.Fatalf("PutObject If-Match the plaintext ETag: %v", err)
		}
		f.wantContent("k", []byte("x"))
		if cd, ok := f.b.(storage.ConditionalDeleter); ok {
			wantErr(t, "DeleteObjectIfMatch another ETag", cd.DeleteObjectIfMatch(f.ctx, f.bucket, "k", etagOf(data)), storage.ErrPreconditionFailed)
			if err := cd.DeleteObjectIfMatch(f.ctx, f.bucket, "k", etagOf([]byte("x"))); err != nil {
				t.Fatalf("DeleteObjectIfMatch the plaintext ETag: %v", err)
			}
		}
		_, err = f.b.PutObject(f.ctx, f.bucket, "u", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: &storage.Encryption{Algorithm: "ROT13"}}})
		wantErr(t, "PutObject with an unknown algorithm", err, storage.ErrInvalidArgument)
	})
	t.Run("KMS", func(t *testing.T) {
		f := newFixture(t, nb)
		if !f.b.(storage.Encrypter).Encrypts(storage.SSEAlgorithmKMS) {
			t.Skip("backend does not encrypt with KMS keys")
		}
		data := payload(31, encPackage+5)
		const ctx = "eyJhIjoiYiJ9" // {"a":"b"}
		info, err := f.b.PutObject(f.ctx, f.bucket, "kms", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{
			Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmKMS, Context: ctx, BucketKey: true}}})
		if err != nil {
			t.Fatalf("PutObject aws:kms with the default key: %v", err)
		}
		enc := info.Meta.Encryption
		if enc == nil || enc.Algorithm != storage.SSEAlgorithmKMS || enc.KMSKeyID == "" || enc.Context != ctx || !enc.BucketKey {
			t.Fatalf("PutObject aws:kms: Encryption = %+v", enc)
		}
		if info.ETag == etagOf(data) {
			t.Fatalf("aws:kms ETag %s is the plaintext's MD5", info.ETag)
		}
		f.wantContent("kms", data)
		// The key the first object got is named by the ARN recorded.
		if _, err := f.b.PutObject(f.ctx, f.bucket, "kms2", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{
			Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmKMS, KMSKeyID: enc.KMSKeyID}}}); err != nil {
			t.Fatalf("PutObject naming the key by its ARN: %v", err)
		}
		f.wantContent("kms2", data)
		_, err = f.b.PutObject(f.ctx, f.bucket, "nokey", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{
			Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmKMS, KMSKeyID: "alias/no-such-key"}}})
		wantErr(t, "PutObject with an unknown KMS key", err, storage.ErrNoSuchKMSKey)
		if _, _, err := f.tryGet("nokey"); err == nil {
			t.Fatal("a put refused for its KMS key left an object")
		}
	})
	t.Run("Multipart", func(t *testing.T) {
		f := newFixture(t, nb)
		mp, ok := f.b.(storage.Multipart)
		if !ok {
			t.Skip("no multipart")
		}
		u, err := mp.CreateMultipartUpload(f.ctx, f.bucket, "mp", storage.ObjectMeta{Encryption: sse()})
		if err != nil {
			t.Fatal(err)
		}
		parts := [][]byte{payload(1, storage.MinPartSize+3), payload(2, storage.MinPartSize), payload(3, 1000)}
		var cps []storage.CompletePart
		for i, p := range parts {
			// Part 2 is uploaded twice: the second (kept) must not reuse
			// the first's keystream, and reads must see only it.
			if i == 1 {
				if _, err := mp.UploadPart(f.ctx, f.bucket, "mp", u.UploadID, 2, bytes.NewReader(payload(9, len(p))), storage.PartOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			pi, err := mp.UploadPart(f.ctx, f.bucket, "mp", u.UploadID, i+1, bytes.NewReader(p), storage.PartOptions{})
			if err != nil {
				t.Fatalf("UploadPart(%d): %v", i+1, err)
			}
			if pi.Size != int64(len(p)) || pi.ETag != etagOf(p) {
				t.Fatalf("UploadPart(%d) = size %d ETag %s, want %d %s", i+1, pi.Size, pi.ETag, len(p), etagOf(p))
			}
			cps = append(cps, cp(i+1, pi.ETag))
		}
		lp, err := mp.ListParts(f.ctx, f.bucket, "mp", u.UploadID, storage.ListPartsOptions{})
		if err != nil || len(lp.Parts) != 3 || lp.Parts[0].Size != int64(len(parts[0])) {
			t.Fatalf("ListParts = %+v, %v", lp.Parts, err)
		}
		info, err := mp.CompleteMultipartUpload(f.ctx, f.bucket, "mp", u.UploadID, cps, storage.CompleteOptions{})
		if err != nil {
			t.Fatalf("Complete: %v", err)
		}
		whole := bytes.Join(parts, nil)
		if info.Size != int64(len(whole)) || info.Meta.Encryption == nil || info.ETag != compositeETag(parts...) {
			t.Fatalf("Complete = size %d ETag %s encryption %+v, want %d %s AES256", info.Size, info.ETag, info.Meta.Encryption, len(whole), compositeETag(parts...))
		}
		for i, n := range info.PartSizes {
			if n != int64(len(parts[i])) {
				t.Fatalf("PartSizes = %v", info.PartSizes)
			}
		}
		f.wantContent("mp", whole)
		wantRanges(t, f, "mp", whole)

		// A part below the minimum is refused on its plaintext size,
		// though its stored (sealed) size is larger.
		u2, _ := mp.CreateMultipartUpload(f.ctx, f.bucket, "small", storage.ObjectMeta{Encryption: sse()})
		p1, err := mp.UploadPart(f.ctx, f.bucket, "small", u2.UploadID, 1, bytes.NewReader(payload(4, storage.MinPartSize-1)), storage.PartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p2, _ := mp.UploadPart(f.ctx, f.bucket, "small", u2.UploadID, 2, bytes.NewReader([]byte("end")), storage.PartOptions{})
		_, err = mp.CompleteMultipartUpload(f.ctx, f.bucket, "small", u2.UploadID, []storage.CompletePart{cp(1, p1.ETag), cp(2, p2.ETag)}, storage.CompleteOptions{})
		wantErr(t, "Complete with a small encrypted part", err, storage.ErrEntityTooSmall)
	})
	t.Run("Copy", func(t *testing.T) {
		f := newFixture(t, nb)
		c, ok := f.b.(storage.Copier)
		if !ok {
			t.Skip("no copier")
		}
		plain := payload(5, encPackage+100)
		f.put("plain", plain)
		if _, err := f.b.PutObject(f.ctx, f.bucket, "enc", bytes.NewReader(plain), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: sse()}}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			src, dst string
			meta     *storage.ObjectMeta
			wantEnc  bool
		}{
			{"plain", "p2e", &storage.ObjectMeta{Encryption: sse()}, true},
			{"enc", "e2p", &storage.ObjectMeta{}, false},
			{"enc", "e2e", &storage.ObjectMeta{Encryption: sse(), ContentType: "a/b"}, true},
			{"enc", "keep", nil, true},
		} {
			info, err := c.CopyObject(f.ctx, f.bucket, tc.src, f.bucket, tc.dst, tc.meta)
			if err != nil {
				t.Fatalf("copy %s to %s: %v", tc.src, tc.dst, err)
			}
			if (info.Meta.Encryption != nil) != tc.wantEnc || info.Size != int64(len(plain)) || info.ETag != etagOf(plain) {
				t.Fatalf("copy %s to %s = size %d ETag %s encryption %+v", tc.src, tc.dst, info.Size, info.ETag, info.Meta.Encryption)
			}
			f.wantContent(tc.dst, plain)
		}
		if tg, ok := f.b.(storage.Tagger); ok {
			info, err := tg.PutObjectTagging(f.ctx, f.bucket, "enc", map[string]string{"a": "b"})
			if err != nil || info.Size != int64(len(plain)) || info.Meta.Encryption == nil {
				t.Fatalf("PutObjectTagging = %+v, %v", info, err)
			}
			f.wantContent("enc", plain)
		}
	})
}

// wantRanges reads key at offsets around package boundaries and compares
// with data.
func wantRanges(t *testing.T, f *fixture, key string, data []byte) {
	t.Helper()
	o, err := f.b.GetObject(f.ctx, f.bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Content.Close()
	n := int64(len(data))
	for _, r := range [][2]int64{{0, 1}, {n - 1, 1}, {encPackage - 3, 7}, {encPackage, 1}, {n / 2, n / 3}, {storage.MinPartSize - 5, 10}, {1, n - 2}} {
		off, ln := r[0], r[1]
		if off < 0 || ln <= 0 || off+ln > n {
			continue
		}
		got := make([]byte, ln)
		if _, err := o.Content.ReadAt(got, off); err != nil && err != io.EOF {
			t.Fatalf("ReadAt(%d, %d): %v", off, ln, err)
		}
		if !bytes.Equal(got, data[off:off+ln]) {
			t.Fatalf("ReadAt(%d, %d) differs from the plaintext", off, ln)
		}
	}
	if _, err := o.Content.Seek(max(n-3, 0), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	tail, err := io.ReadAll(o.Content)
	if err != nil || !bytes.Equal(tail, data[max(n-3, 0):]) {
		t.Fatalf("Seek and read the tail = %q, %v", tail, err)
	}
}

// testCustomerKeys checks SSE-C on a backend that is a storage.KeyedReader:
// the key is needed to read and to add parts, a wrong key and a key for an
// object not stored under one are refused with their errors, the key is
// not kept in the object's record, and the ETag is not the plaintext's MD5.
func testCustomerKeys(t *testing.T, nb func(t *testing.T) storage.Backend) {
	probe := nb(t)
	if _, ok := probe.(storage.KeyedReader); !ok {
		t.Skip("backend does not take customer-provided keys")
	}
	keyA, keyB := bytes.Repeat([]byte{0xA5}, 32), bytes.Repeat([]byte{0x5B}, 32)
	ssec := func(k []byte) *storage.Encryption {
		return &storage.Encryption{CustomerAlgorithm: storage.SSEAlgorithmAES256, CustomerKey: k}
	}
	f := newFixture(t, nb)
	kr := f.b.(storage.KeyedReader)
	data := payload(11, 2*encPackage+3)
	info, err := f.b.PutObject(f.ctx, f.bucket, "c", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: ssec(keyA)}})
	if err != nil {
		t.Fatalf("PutObject SSE-C: %v", err)
	}
	if info.Meta.Encryption == nil || info.Meta.Encryption.CustomerAlgorithm != storage.SSEAlgorithmAES256 || info.Meta.Encryption.CustomerKey != nil {
		t.Fatalf("PutObject SSE-C: Encryption = %+v", info.Meta.Encryption)
	}
	if info.ETag == etagOf(data) || info.Size != int64(len(data)) {
		t.Fatalf("PutObject SSE-C = ETag %s (the plaintext MD5 is %s) size %d", info.ETag, etagOf(data), info.Size)
	}
	_, err = f.b.GetObject(f.ctx, f.bucket, "c")
	wantErr(t, "GetObject without the key", err, storage.ErrEncryptionKeyRequired)
	_, err = kr.GetObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{CustomerKey: keyB})
	wantErr(t, "GetObjectWith another key", err, storage.ErrEncryptionKeyMismatch)
	_, err = kr.HeadObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{})
	wantErr(t, "HeadObjectWith no key", err, storage.ErrEncryptionKeyRequired)
	_, err = kr.HeadObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{CustomerKey: keyB})
	wantErr(t, "HeadObjectWith another key", err, storage.ErrEncryptionKeyMismatch)
	if h, err := kr.HeadObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{CustomerKey: keyA}); err != nil || h.ETag != info.ETag || h.Size != info.Size {
		t.Fatalf("HeadObjectWith the key = %+v, %v", h, err)
	}
	o, err := kr.GetObjectWith(f.ctx, f.bucket, "c", storage.ReadOptions{CustomerKey: keyA})
	if err != nil {
		t.Fatalf("GetObjectWith the key: %v", err)
	}
	got, err := io.ReadAll(o.Content)
	o.Content.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("GetObjectWith the key read %d bytes, %v", len(got), err)
	}
	f.put("plain", []byte("plain"))
	_, err = kr.GetObjectWith(f.ctx, f.bucket, "plain", storage.ReadOptions{CustomerKey: keyA})
	wantErr(t, "GetObjectWith a key for a plain object", err, storage.ErrEncryptionNotApplicable)
	if c, ok := f.b.(storage.Copier); ok {
		_, err = c.CopyObject(f.ctx, f.bucket, "c", f.bucket, "c2", nil)
		wantErr(t, "CopyObject of an SSE-C object", err, storage.ErrEncryptionKeyRequired)
	}
	bad := md5.Sum([]byte("x"))
	_, err = f.b.PutObject(f.ctx, f.bucket, "d", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: ssec(keyA)}, ContentMD5: bad[:]})
	wantErr(t, "PutObject SSE-C with a wrong Content-MD5", err, storage.ErrBadDigest)
	good := md5.Sum(data)
	if _, err := f.b.PutObject(f.ctx, f.bucket, "d", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: ssec(keyA)}, ContentMD5: good[:]}); err != nil {
		t.Fatalf("PutObject SSE-C with the plaintext's Content-MD5: %v", err)
	}

	mp, ok := f.b.(storage.Multipart)
	if !ok {
		return
	}
	u, err := mp.CreateMultipartUpload(f.ctx, f.bucket, "m", storage.ObjectMeta{Encryption: ssec(keyA)})
	if err != nil {
		t.Fatal(err)
	}
	p1 := payload(12, storage.MinPartSize)
	_, err = mp.UploadPart(f.ctx, f.bucket, "m", u.UploadID, 1, bytes.NewReader(p1), storage.PartOptions{})
	wantErr(t, "UploadPart without the key", err, storage.ErrEncryptionKeyRequired)
	_, err = mp.UploadPart(f.ctx, f.bucket, "m", u.UploadID, 1, bytes.NewReader(p1), storage.PartOptions{CustomerKey: keyB})
	wantErr(t, "UploadPart with another key", err, storage.ErrEncryptionKeyMismatch)
	first, err := mp.UploadPart(f.ctx, f.bucket, "m", u.UploadID, 1, bytes.NewReader(p1), storage.PartOptions{CustomerKey: keyA})
	if err != nil {
		t.Fatal(err)
	}
	// The same part again keeps its ETag, so a client completing with
	// the first answer's ETag still succeeds.
	again, err := mp.UploadPart(f.ctx, f.bucket, "m", u.UploadID, 1, bytes.NewReader(p1), storage.PartOptions{CustomerKey: keyA})
	if err != nil || again.ETag != first.ETag {
		t.Fatalf("UploadPart again = %s, %v; first was %s", again.ETag, err, first.ETag)
	}
	p2 := payload(13, 77)
	second, err := mp.UploadPart(f.ctx, f.bucket, "m", u.UploadID, 2, bytes.NewReader(p2), storage.PartOptions{CustomerKey: keyA})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mp.CompleteMultipartUpload(f.ctx, f.bucket, "m", u.UploadID, []storage.CompletePart{cp(1, first.ETag), cp(2, second.ETag)}, storage.CompleteOptions{}); err != nil {
		t.Fatalf("Complete SSE-C: %v", err)
	}
	o, err = kr.GetObjectWith(f.ctx, f.bucket, "m", storage.ReadOptions{CustomerKey: keyA})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Content.Close()
	whole := append(bytes.Clone(p1), p2...)
	tail := make([]byte, 100)
	if _, err := o.Content.ReadAt(tail, int64(len(whole)-100)); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if !bytes.Equal(tail, whole[len(whole)-100:]) || o.Info.Size != int64(len(whole)) {
		t.Fatalf("SSE-C multipart object reads wrong across its parts (size %d)", o.Info.Size)
	}
}

// testBucketEncryption checks a storage.BucketEncryptionStore: the
// default encryption is kept, replaced, removed, dropped with its bucket,
// and, on a backend that encrypts, applied to every write that names no
// encryption of its own (PUT, multipart, copy).
func testBucketEncryption(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	bs, ok := f.b.(storage.BucketEncryptionStore)
	if !ok {
		t.Skip("backend keeps no default encryption")
	}
	if enc, err := bs.GetBucketEncryption(f.ctx, f.bucket); err != nil || enc != nil {
		t.Fatalf("GetBucketEncryption of a new bucket = %+v, %v", enc, err)
	}
	def := &storage.BucketEncryption{Algorithm: storage.SSEAlgorithmAES256, BucketKey: true}
	if err := bs.PutBucketEncryption(f.ctx, f.bucket, def); err != nil {
		t.Fatal(err)
	}
	def.BucketKey = false // the store keeps its own copy
	if enc, err := bs.GetBucketEncryption(f.ctx, f.bucket); err != nil || enc == nil || enc.Algorithm != storage.SSEAlgorithmAES256 || !enc.BucketKey {
		t.Fatalf("GetBucketEncryption = %+v, %v", enc, err)
	}
	wantErr(t, "PutBucketEncryption of a missing bucket", bs.PutBucketEncryption(f.ctx, "missing", def), storage.ErrNoSuchBucket)
	_, err := bs.GetBucketEncryption(f.ctx, "missing")
	wantErr(t, "GetBucketEncryption of a missing bucket", err, storage.ErrNoSuchBucket)

	if e, ok := f.b.(storage.Encrypter); ok && e.Encrypts(storage.SSEAlgorithmAES256) {
		data := payload(21, encPackage+1)
		info := f.put("by-default", data)
		if info.Meta.Encryption == nil || info.Meta.Encryption.Algorithm != storage.SSEAlgorithmAES256 {
			t.Fatalf("PUT into a bucket with default encryption: Encryption = %+v", info.Meta.Encryption)
		}
		f.wantContent("by-default", data)
		if mp, ok := f.b.(storage.Multipart); ok {
			u, err := mp.CreateMultipartUpload(f.ctx, f.bucket, "mp", storage.ObjectMeta{})
			if err != nil || u.Meta.Encryption == nil {
				t.Fatalf("CreateMultipartUpload under a default: %+v, %v", u.Meta.Encryption, err)
			}
			mp.AbortMultipartUpload(f.ctx, f.bucket, "mp", u.UploadID)
		}
		if c, ok := f.b.(storage.Copier); ok {
			if err := f.b.CreateBucket(f.ctx, "plain", storage.CreateBucketOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.b.PutObject(f.ctx, "plain", "src", bytes.NewReader(data), storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			info, err := c.CopyObject(f.ctx, "plain", "src", f.bucket, "copied", nil)
			if err != nil || info.Meta.Encryption == nil {
				t.Fatalf("copy into a bucket with default encryption: %+v, %v", info.Meta.Encryption, err)
			}
			f.wantContent("copied", data)
		}
	}

	if err := bs.PutBucketEncryption(f.ctx, f.bucket, nil); err != nil {
		t.Fatal(err)
	}
	if enc, err := bs.GetBucketEncryption(f.ctx, f.bucket); err != nil || enc != nil {
		t.Fatalf("after removal: %+v, %v", enc, err)
	}
	if err := f.b.CreateBucket(f.ctx, "again", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := bs.PutBucketEncryption(f.ctx, "again", &storage.BucketEncryption{Algorithm: storage.SSEAlgorithmAES256}); err != nil {
		t.Fatal(err)
	}
	if err := f.b.DeleteBucket(f.ctx, "again"); err != nil {
		t.Fatal(err)
	}
	if err := f.b.CreateBucket(f.ctx, "again", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if enc, err := bs.GetBucketEncryption(f.ctx, "again"); err != nil || enc != nil {
		t.Fatalf("a re-created bucket has default encryption %+v, %v", enc, err)
	}
}
