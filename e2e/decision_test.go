//go:build e2e

package e2e_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"danchu/internal/demo"

	"github.com/chromedp/chromedp"
)

// TestOnlineVoteJourney: an official puts a matter (item 6) to an online vote in
// a village; a household's representative votes on a phone and gets a receipt;
// the official closes the vote; the result and the receipt list appear.
func TestOnlineVoteJourney(t *testing.T) {
	logs := &syncBuffer{}
	a, _ := startApp(t, logs)
	base := a.URL()
	ctx := context.Background()
	village, err := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
	if err != nil {
		t.Fatal(err)
	}
	var households int
	a.DB.QueryRowContext(ctx, "select count(*) from households where village_id = $1 and active", village.ID).Scan(&households)
	off := browser(t)
	officialSignIn(t, off, base)
	recovery := strings.Fields(must(chromedp.Run(off, chromedp.Text(chromedp.CSS(`ol.codes`))))(t))
	err = chromedp.Do(off,
		chromedp.Navigate(fmt.Sprintf("%s/quan-tri/don-vi/%s/quyet-dinh", base, village.OfficeKey())),
		chromedp.WaitVisible(chromedp.CSS(`select[name="subject"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="subject"]`), "6"),
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Giờ mở cửa nhà văn hóa thôn vào mùa hè"),
		chromedp.Submit(chromedp.CSS(`input[name="title"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/thong-bao"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="method"]`), "online"),
		chromedp.SetValue(chromedp.CSS(`input[name="held_on"]`), time.Now().AddDate(0, 0, 5).Format("2006-01-02")),
		chromedp.SendKeys(chromedp.CSS(`input[name="opted_in"]`), fmt.Sprint(households/2+1)),
		chromedp.SetValue(chromedp.CSS(`textarea[name="team"]`), "Nguyễn Văn An\nTrần Thị Bình\nLê Văn Cường"),
		chromedp.Submit(chromedp.CSS(`textarea[name="team"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/ket-thuc"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	office := strings.TrimSuffix(must(chromedp.Run(off, chromedp.Location()))(t), "/thong-bao")
	public := strings.Replace(office, "/quan-tri/quyet-dinh/", "/quyet-dinh/", 1)

	cit := browser(t)
	err = chromedp.Do(cit,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/cong-dan/dang-nhap"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "0912 765 432"),
		chromedp.Submit(chromedp.CSS(`input[name="address"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(cit,
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), logs.code()),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="full_name"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The village head confirms the representative (bound here directly; the claim-code flow has its own tests).
	if err := a.DB.RunInTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `update households set representative_account_id = (select id from accounts where phone = '+84912765432')
		where id = (select min(id) from households where village_id = $1 and active)`, village.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(cit,
		chromedp.Navigate(public),
		chromedp.WaitVisible(chromedp.CSS(`input[name="choice"][value="agree"]`)),
		chromedp.Click(chromedp.CSS(`input[name="choice"][value="agree"]`)),
		chromedp.Submit(chromedp.CSS(`textarea[name="opinion"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash.ok[role="status"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.receipt b`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	receipt := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`p.receipt b`))))(t)
	if len(receipt) != 9 {
		t.Fatalf("receipt = %q", receipt)
	}
	accessible(t, cit, "online ballot (representative)")

	// Closing on the day of the notice is refused: the vote runs to the end of its last day.
	err = chromedp.Do(off,
		chromedp.Navigate(office),
		chromedp.Click(chromedp.CSS(`form[action$="/ket-thuc"] input[name="confirm"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/ket-thuc"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash.err`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := must(chromedp.Run(off, chromedp.Text(chromedp.CSS(`p.flash.err`))))(t); !strings.Contains(msg, "Từ ngày") {
		t.Errorf("closing early: %q", msg)
	}
	saveShot(t, "decision-close-early-360x740.png", must(chromedp.Run(off, chromedp.FullScreenshot(100)))(t))
	// The day after the last day the sessions have expired: the official signs in again with a
	// recovery code (a TOTP code would follow the real clock, not the moved one), confirms and closes.
	later := time.Now().AddDate(0, 0, 6)
	a.DB.Now = func() time.Time { return later }
	off = browser(t)
	err = chromedp.Do(off,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/dang-nhap"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "xa@danchu.demo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), recovery[0]),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
		chromedp.Navigate(office),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/ket-thuc"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, off, "closing an online vote (confirmation)")
	err = chromedp.Do(off,
		chromedp.Click(chromedp.CSS(`form[action$="/ket-thuc"] input[name="confirm"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/ket-thuc"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash.ok`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The representative checks that the household's receipt was counted.
	err = chromedp.Do(cit,
		chromedp.Navigate(public),
		chromedp.WaitVisible(chromedp.CSS(`input[name="kiem-tra"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="kiem-tra"]`), receipt),
		chromedp.Submit(chromedp.CSS(`input[name="kiem-tra"]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.body p.flash.ok`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	result := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t)
	want := fmt.Sprintf("1/%d hộ đồng ý (cần %d)", households, households/2+1)
	if !strings.Contains(result, want) || !strings.Contains(result, "Không thông qua") || !strings.Contains(result, receipt+" có trong danh sách") {
		t.Errorf("result page lacks %q, the outcome or the receipt check for %s:\n%s", want, receipt, result)
	}
	accessible(t, cit, "vote result")
	saveShot(t, "decision-360x740.png", must(chromedp.Run(cit, chromedp.FullScreenshot(100)))(t))
}
