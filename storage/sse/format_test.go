package sse

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func seal(t *testing.T, key, plain []byte) []byte {
	t.Helper()
	s, err := newSealer(bytes.NewReader(plain), key)
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// openAll decrypts a sealed stream completely.
func openAll(key, sealed []byte) ([]byte, error) {
	raw := nopCloser{bytes.NewReader(sealed)}
	st, err := openStream(raw, 0, int64(len(sealed)), 0, key)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(newContent(raw, []*stream{st}))
}

// TestSealedSizes checks the stored size of every length around package
// boundaries and that PlainSize inverts it.
func TestSealedSizes(t *testing.T) {
	key := make([]byte, 32)
	for _, n := range []int{0, 1, PackageSize - 1, PackageSize, PackageSize + 1, 2 * PackageSize, 2*PackageSize + 17} {
		plain := make([]byte, n)
		rand.Read(plain)
		sealed := seal(t, key, plain)
		if int64(len(sealed)) != SealedSize(int64(n)) {
			t.Fatalf("%d bytes sealed to %d, SealedSize says %d", n, len(sealed), SealedSize(int64(n)))
		}
		if p, ok := PlainSize(int64(len(sealed))); !ok || p != int64(n) {
			t.Fatalf("PlainSize(%d) = %d, %v, want %d", len(sealed), p, ok, n)
		}
		got, err := openAll(key, sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: open = %d bytes, %v", n, len(got), err)
		}
	}
}

// TestTamperDetected checks that a changed byte anywhere, a dropped or
// reordered package, a cut-off end and a wrong key all fail with
// ErrCorrupt instead of returning bytes.
func TestTamperDetected(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	plain := make([]byte, 3*PackageSize+100)
	rand.Read(plain)
	sealed := seal(t, key, plain)
	pkg := func(i int) []byte {
		start := headerSize + i*sealedSize
		return sealed[start:min(start+sealedSize, len(sealed))]
	}
	cases := map[string][]byte{}
	for _, off := range []int{headerSize + 5, headerSize + sealedSize + 1000, len(sealed) - 1, 10} {
		b := bytes.Clone(sealed)
		b[off] ^= 0x40
		cases["flip "+string(rune('0'+off%10))] = b
	}
	// The stream cut after a full package: every package left is whole,
	// but the last of them was not sealed as the last.
	cases["truncated"] = bytes.Clone(sealed[:headerSize+3*sealedSize])
	swapped := append(bytes.Clone(sealed[:headerSize]), pkg(1)...)
	swapped = append(swapped, pkg(0)...)
	swapped = append(swapped, pkg(2)...)
	cases["reordered"] = append(swapped, pkg(3)...)
	dropped := append(bytes.Clone(sealed[:headerSize]), pkg(0)...)
	dropped = append(dropped, pkg(2)...)
	cases["dropped"] = append(dropped, pkg(3)...)
	for name, b := range cases {
		got, err := openAll(key, b)
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("%s: open = %d bytes, %v; want ErrCorrupt", name, len(got), err)
		}
	}
	other := make([]byte, 32)
	if _, err := openAll(other, sealed); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("wrong key: %v, want ErrCorrupt", err)
	}
}

// TestSaltPerStream checks two seals of the same plaintext under the same
// data key share no ciphertext (a re-uploaded part never reuses a
// keystream).
func TestSaltPerStream(t *testing.T) {
	key := make([]byte, 32)
	plain := make([]byte, 1000)
	a, b := seal(t, key, plain), seal(t, key, plain)
	if bytes.Equal(a[headerSize:headerSize+64], b[headerSize:headerSize+64]) {
		t.Fatal("two seals under one data key produced the same ciphertext")
	}
}

// TestWriteRangeTo checks the batched range writer against the plaintext
// for ranges inside one package, across packages, across streams (parts)
// and over a whole object, and that it stops at a tampered package.
func TestWriteRangeTo(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	parts := [][]byte{make([]byte, 20*PackageSize+5), make([]byte, 3*PackageSize), make([]byte, 7)}
	var sealed []byte
	var streams []*stream
	var plainOff int64
	for _, p := range parts {
		rand.Read(p)
		s := seal(t, key, p)
		raw := nopCloser{bytes.NewReader(s)}
		st, err := openStream(raw, 0, int64(len(s)), plainOff, key)
		if err != nil {
			t.Fatal(err)
		}
		st.off = int64(len(sealed))
		streams = append(streams, st)
		sealed = append(sealed, s...)
		plainOff += int64(len(p))
	}
	whole := bytes.Join(parts, nil)
	c := newContent(nopCloser{bytes.NewReader(sealed)}, streams)
	n := int64(len(whole))
	for _, r := range [][2]int64{{0, n}, {5, 10}, {PackageSize - 3, 6}, {100, 17*PackageSize + 9}, {20*PackageSize - 1, 3*PackageSize + 4}, {n - 7, 7}, {n - 1, 1}} {
		var out bytes.Buffer
		m, err := c.WriteRangeTo(&out, r[0], r[1])
		if err != nil || m != r[1] || !bytes.Equal(out.Bytes(), whole[r[0]:r[0]+r[1]]) {
			t.Fatalf("WriteRangeTo(%d, %d) = %d, %v; bytes equal %v", r[0], r[1], m, err, bytes.Equal(out.Bytes(), whole[r[0]:r[0]+r[1]]))
		}
	}
	// io.Copy uses WriteTo, from the current position.
	if _, err := c.Seek(PackageSize+1, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var rest bytes.Buffer
	if m, err := io.Copy(&rest, c); err != nil || m != n-PackageSize-1 || !bytes.Equal(rest.Bytes(), whole[PackageSize+1:]) {
		t.Fatalf("io.Copy after Seek = %d, %v", m, err)
	}
	bad := bytes.Clone(sealed)
	bad[headerSize+5*sealedSize+10] ^= 1
	c = newContent(nopCloser{bytes.NewReader(bad)}, streams)
	var out bytes.Buffer
	m, err := c.WriteRangeTo(&out, 0, n)
	if !errors.Is(err, storage.ErrCorrupt) || m != 5*PackageSize {
		t.Fatalf("WriteRangeTo over a tampered package = %d, %v; want %d bytes then ErrCorrupt", m, err, 5*PackageSize)
	}
}
