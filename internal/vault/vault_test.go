package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func keyring(t *testing.T, lines ...string) *Keyring {
	t.Helper()
	k, err := Parse([]byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := keyring(t, KeyLine(1))
	name := []byte("Nguyễn Thị Hoa, thôn Đông Phước, 0905 123 456")
	aad := []byte("case 42 identity")
	a, b := k.Seal(name, aad), k.Seal(name, aad)
	if bytes.Equal(a, b) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	for _, part := range [][]byte{name, []byte("Nguyễn Thị Hoa"), []byte("0905 123 456")} {
		if bytes.Contains(a, part) {
			t.Errorf("the sealed value holds %q in clear", part)
		}
	}
	got, err := k.Open(a, aad)
	if err != nil || !bytes.Equal(got, name) {
		t.Fatalf("Open = %q, %v; want the value sealed", got, err)
	}
	if _, err := k.Open(a, []byte("case 43 identity")); !errors.Is(err, ErrOpen) {
		t.Errorf("opened at another place: %v, want ErrOpen", err)
	}
	for i := range a { // any byte changed, the header included
		c := bytes.Clone(a)
		c[i] ^= 0x01
		if _, err := k.Open(c, aad); err == nil {
			t.Errorf("byte %d changed: opened", i)
		}
	}
	for _, cut := range []int{0, 1, headerSize, headerSize + 12, len(a) - 1} {
		if _, err := k.Open(a[:cut], aad); !errors.Is(err, ErrOpen) {
			t.Errorf("cut to %d bytes: %v, want ErrOpen", cut, err)
		}
	}
	other := keyring(t, KeyLine(1)) // the same ID, another key
	if _, err := other.Open(a, aad); !errors.Is(err, ErrOpen) {
		t.Errorf("opened with another key of the same ID: %v, want ErrOpen", err)
	}
}

// A new key seals; values sealed before open with the old key until Rotate
// seals them again; the old key dropped, an old value is ErrUnknownKey.
func TestRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.keys")
	if id, err := AppendKey(path); err != nil || id != 1 {
		t.Fatalf("first key: %d, %v", id, err)
	}
	k1, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	aad := []byte("case 7 phone")
	old := k1.Seal([]byte("0905 123 456"), aad)
	if id, err := AppendKey(path); err != nil || id != 2 {
		t.Fatalf("second key: %d, %v", id, err)
	}
	k2, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Current() != 2 || !k2.Stale(old) || k2.Stale(k2.Seal([]byte("x"), aad)) {
		t.Fatalf("current %d, old stale %v", k2.Current(), k2.Stale(old))
	}
	if got, err := k2.Open(old, aad); err != nil || string(got) != "0905 123 456" {
		t.Fatalf("old value with both keys: %q, %v", got, err)
	}
	fresh, err := k2.Rotate(old, aad)
	if err != nil || k2.Stale(fresh) {
		t.Fatalf("Rotate: stale %v, %v", k2.Stale(fresh), err)
	}
	if _, err := k2.Rotate(old, []byte("case 8 phone")); !errors.Is(err, ErrOpen) {
		t.Errorf("Rotate at another place: %v, want ErrOpen", err)
	}
	b, _ := os.ReadFile(path)
	only2 := keyring(t, strings.Split(strings.TrimSpace(string(b)), "\n")[1])
	if got, err := only2.Open(fresh, aad); err != nil || string(got) != "0905 123 456" {
		t.Errorf("rotated value with the new key alone: %q, %v", got, err)
	}
	if _, err := only2.Open(old, aad); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old value without its key: %v, want ErrUnknownKey", err)
	}
}

func TestParseRefuses(t *testing.T) {
	good := KeyLine(1)
	secret := strings.Fields(good)[1]
	for _, c := range []struct{ name, file, want string }{
		{"empty", "# only a comment\n\n", "no key"},
		{"one field", "1\n", "line 1"},
		{"zero ID", "0 " + secret, "line 1: the ID"},
		{"ID not a number", "x " + secret, "line 1: the ID"},
		{"ID too large", "4294967296 " + secret, "line 1: the ID"},
		{"twice", good + "\n# rotated\n" + good, "line 3: key 1 is given twice"},
		{"short key", "2 " + secret[:20], "line 1: key 2 is not 32 bytes"},
		{"not base64", "2 " + strings.Repeat("!", 44), "line 1: key 2 is not 32 bytes"},
		{"three fields", good + " extra", "line 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want one naming %q", err, c.want)
			}
			if strings.Contains(err.Error(), secret[:12]) {
				t.Errorf("the error prints the key: %v", err)
			}
		})
	}
	k := keyring(t, "# keys", "3 "+secret+"  # the first", "", KeyLine(9))
	if k.Current() != 9 || len(k.keys) != 2 {
		t.Errorf("current %d of %d keys, want 9 of 2 (the last line seals)", k.Current(), len(k.keys))
	}
}

func TestLoadRefusesAnOpenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.keys")
	if err := os.WriteFile(path, []byte(KeyLine(1)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a key file others may read: %v, want a refusal saying chmod 600", err)
	}
	os.Chmod(path, 0o600)
	if _, err := Load(path); err != nil {
		t.Errorf("mode 600: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing key file loaded")
	}
}

func FuzzOpen(f *testing.F) {
	k, _ := Parse([]byte("1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
	f.Add(k.Seal([]byte("Trần Văn An"), []byte("a")), []byte("a"))
	f.Add([]byte{1, 0, 0, 0, 1}, []byte(""))
	f.Fuzz(func(t *testing.T, sealed, aad []byte) {
		plain, err := k.Open(sealed, aad)
		if err != nil {
			return
		}
		// What opens was sealed for this place: sealing it again opens the same.
		if got, err := k.Open(k.Seal(plain, aad), aad); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("reseal: %q, %v", got, err)
		}
	})
}

func TestTags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.keys")
	if _, err := AppendKey(path); err != nil {
		t.Fatal(err)
	}
	k1, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := []byte("account 42"), []byte("account 43")
	if k1.Tag(a) != k1.Tag(a) || k1.Tag(a) == k1.Tag(b) || !strings.HasPrefix(k1.Tag(a), "1:") {
		t.Fatalf("tags under one key: %q %q", k1.Tag(a), k1.Tag(b))
	}
	if strings.Contains(k1.Tag(a), "42") {
		t.Errorf("tag %q shows the value", k1.Tag(a))
	}
	other := keyring(t, "1 "+strings.Repeat("A", 43)+"=")
	if other.Tag(a) == k1.Tag(a) {
		t.Errorf("a tag under another key with the same ID is the same: %q", other.Tag(a))
	}
	if _, err := AppendKey(path); err != nil {
		t.Fatal(err)
	}
	k2, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tags := k2.Tags(a)
	if len(tags) != 2 || tags[0] != k2.Tag(a) || !strings.HasPrefix(tags[0], "2:") || tags[1] != k1.Tag(a) {
		t.Errorf("tags after a rotation: %q (old %q)", tags, k1.Tag(a))
	}
}
