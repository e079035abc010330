package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"danchu/internal/auth"
	"danchu/internal/casework"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/vault"
)

// Key rotation as docs/OPERATIONS.md tells it: a case lodged under key 1
// (its identity, texts, an original file, the lodger's tag, sealed notes);
// `danchu vault-key` adds key 2; vault-rotate seals everything again; then a
// key file holding key 2 alone still opens all of it, and a second run
// changes nothing.
func TestVaultRotate(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, _ := caseSite(t, d, logs, false)
		keyFile := filepath.Join(t.TempDir(), "vault.key")
		if _, err := vault.AppendKey(keyFile); err != nil {
			t.Fatal(err)
		}
		load := func() *vault.Keyring {
			k, err := vault.Load(keyFile)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		a.SetVault(load())
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		cit := &auth.Actor{AccountID: 4242, Name: "Công dân", Kind: auth.Citizen}
		png := smallPNG(t)
		c, err := a.Cases.Lodge(ctx, cit, casework.Draft{Kind: casework.Denunciation, UnitID: commune.ID, Subject: "Tố cáo", Body: "Nội dung tố cáo",
			Identity: casework.Identity{Name: "Võ Thị Xoay Khóa", Address: "số 1 ngõ Khóa", Email: "xoay.khoa@example.vn"}},
			[]files.Upload{{Name: "anh.png", R: bytes.NewReader(png)}}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		xa := officialActor(t, a, "xa@danchu.demo")
		if err := a.Cases.GrantVault(ctx, xa, c.ID, xa.AccountID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.ConfirmWorkingCopy(ctx, xa, c.ID, casework.Redaction{}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.Act(ctx, xa, c.ID, casework.StepDraft{Step: casework.DoAccept, Number: "01/TB-UBND", On: legal.Today(a.DB.Now())}); err != nil {
			t.Fatal(err)
		}

		// Key 2, the server restarted with it, then vault-rotate.
		if _, err := vault.AppendKey(keyFile); err != nil {
			t.Fatal(err)
		}
		a.SetVault(load())
		n, err := a.Cases.Reseal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		notes, err := a.Outbox.Reseal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Values < 4 || n.Files != 1 || n.Tags != 1 || notes < 1 { // identity, subject, body, the file's name
			t.Fatalf("resealed %+v and %d notes", n, notes)
		}

		// Key 1 leaves the file: everything opens under key 2 alone.
		b, err := os.ReadFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		only2, err := vault.Parse([]byte(lines[len(lines)-1] + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		a.SetVault(only2)
		o, err := a.Cases.ReadVault(ctx, xa, c.ID, "Kiểm tra sau khi đổi khóa")
		if err != nil || o.Identity.Name != "Võ Thị Xoay Khóa" || o.Body != "Nội dung tố cáo" || len(o.Files) != 1 || o.Files[0].Name != "anh.png" {
			t.Fatalf("the vault under key 2 alone: %+v %v", o, err)
		}
		_, orig, err := a.Cases.Original(ctx, xa, c.ID, o.Files[0].ID, "Kiểm tra tệp gốc")
		if err != nil || !bytes.Equal(orig, png) {
			t.Fatalf("the original under key 2 alone: %d bytes, %v", len(orig), err)
		}
		if mine, err := a.Cases.Mine(ctx, cit, 10); err != nil || len(mine) != 1 || mine[0].ID != c.ID {
			t.Fatalf("the lodger's cases under key 2 alone: %v %v", mine, err)
		}
		bodies, err := db.All(ctx, d, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) }, "select body from outbox where address = '' and body like 'sealed:%'")
		if err != nil || len(bodies) == 0 {
			t.Fatalf("sealed notes: %d, %v", len(bodies), err)
		}
		for _, body := range bodies {
			raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(body, "sealed:"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := only2.Open(raw, []byte("danchu outbox note")); err != nil {
				t.Errorf("a sealed note does not open under key 2 alone: %v", err)
			}
		}
		// Run again: nothing left to change.
		if n, err := a.Cases.Reseal(ctx); err != nil || n != (casework.Resealed{}) {
			t.Errorf("a second run: %+v %v", n, err)
		}
		if notes, err := a.Outbox.Reseal(ctx); err != nil || notes != 0 {
			t.Errorf("a second run of the outbox: %d %v", notes, err)
		}
	})
}

// The command: refused without the key file (exit 2, saying what is
// missing); with it, on a database with nothing sealed yet, it runs and says
// what it changed.
func TestVaultRotateCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbFlag := "--db=sqlite:" + filepath.Join(dir, "x.db")
	if code, _, errs := run(t, ctx, "vault-rotate", dbFlag, "--data-dir="+dir); code != 2 || !strings.Contains(errs, "--vault-key") {
		t.Errorf("without a key file: %d %q", code, errs)
	}
	keyFile := filepath.Join(t.TempDir(), "vault.key")
	if _, err := vault.AppendKey(keyFile); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, ctx, "vault-rotate", dbFlag, "--data-dir="+dir, "--vault-key="+keyFile)
	if code != 0 || !strings.Contains(out, "0 giá trị / values, 0 tệp / files, 0 thẻ người gửi / lodger tags, 0 thông báo / outbox notes") {
		t.Errorf("vault-rotate: %d %q %q", code, out, errs)
	}
}
