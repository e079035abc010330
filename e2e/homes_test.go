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

// TestRoleHomes: the village head's page of their village and the citizen's
// "Trang của tôi", each on a phone (360×740) and a desktop (1280×800): no
// sideways scrolling on the phone, axe finds nothing serious or critical,
// and the pages show what they are for (the household list, the vote with its
// receipt).
func TestRoleHomes(t *testing.T) {
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

	// The village head puts a matter to an online vote, from the back-office home's link.
	head := browser(t)
	officialSignInAs(t, head, base, "truongthon@danchu.demo")
	page := base + village.OfficeURL("trang-thon")
	err = chromedp.Do(head,
		chromedp.Navigate(base+"/quan-tri"),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/trang-thon"]`)),
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
	public := strings.Replace(strings.TrimSuffix(must(chromedp.Run(head, chromedp.Location()))(t), "/thong-bao"), "/quan-tri/quyet-dinh/", "/quyet-dinh/", 1)

	// A citizen represents the first household and votes.
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
		chromedp.WaitVisible(chromedp.CSS(`p.receipt b`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	receipt := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`p.receipt b`))))(t)

	for _, c := range []struct {
		who  string
		ctx  context.Context
		url  string
		want []string
	}{
		{"village-head", head, page, []string{village.Name, "Hộ gia đình", "Giờ mở cửa nhà văn hóa thôn vào mùa hè", "Bảng tin của thôn"}},
		{"citizen", cit, base + "/cong-dan/dang-nhap", []string{"Trang của tôi", "Giờ mở cửa nhà văn hóa thôn vào mùa hè", receipt, "Đồng ý"}},
	} {
		for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
			steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(c.url)}
			if c.who == "citizen" { // from the header's link, as a signed-in citizen finds it
				steps = append(steps, chromedp.Navigate(base+"/"), chromedp.Click(chromedp.CSS(`nav.user a[href="/cong-dan/cua-toi"]`)))
			}
			steps = append(steps, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
			if err := chromedp.Do(c.ctx, steps...); err != nil {
				t.Fatalf("%s at %dx%d: %v", c.who, size[0], size[1], err)
			}
			text := must(chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS(`main`))))(t)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s at %dx%d lacks %q:\n%s", c.who, size[0], size[1], w, text)
				}
			}
			if width := must(chromedp.Run(c.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))(t); width > int(size[0]) {
				t.Errorf("%s at %dx%d is %d px wide: it scrolls sideways", c.who, size[0], size[1], width)
			}
			accessible(t, c.ctx, fmt.Sprintf("%s %dx%d", c.who, size[0], size[1]))
			saveShot(t, fmt.Sprintf("%s-%dx%d.png", c.who, size[0], size[1]), must(chromedp.Run(c.ctx, chromedp.FullScreenshot(100)))(t))
		}
	}
}
