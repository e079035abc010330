package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/legal"
)

const metricsToken = "0123456789abcdef0123456789abcdef"

// otherProcess is a second server on the same database, with services and a
// page cache of its own, as another `danchu serve` would be.
func otherProcess(t *testing.T, d *db.DB) *httptest.Server {
	t.Helper()
	b := app.New(&config.Config{DataDir: t.TempDir(), MetricsToken: metricsToken}, d, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { b.Consult.Close(); b.Decide.Close(); b.Feedback.Close() })
	h, err := b.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func anonymous(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

// cacheHits reads danchu_page_cache_hits_total from a server's /metrics.
func cacheHits(t *testing.T, srv *httptest.Server) int {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^danchu_page_cache_hits_total (\d+)`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("no page cache hits in /metrics (%d)", resp.StatusCode)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// A publication, a correction, a withdrawal and a new register show at once on
// the cached pages, of the server that wrote them and of another one.
func TestCachedPagesShowWritesAtOnce(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srvA := siteWith(t, d, &config.Config{DataDir: t.TempDir(), MetricsToken: metricsToken}, io.Discard)
		srvB := otherProcess(t, d)
		actor := officialActor(t, a, "xa@danchu.demo")
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		today := legal.Today(time.Now())
		draft := func(title string) disclosure.Draft {
			return disclosure.Draft{UnitID: commune.ID, Category: 4, Title: title, Body: "Nội dung công khai.", DecisionDate: today.AddDays(-2).String()}
		}
		x, err := a.Disclose.Publish(ctx, actor, draft("Kế hoạch bản đầu"), nil)
		if err != nil {
			t.Fatal(err)
		}
		detail, board := disclosure.URL(x.ID), "/xa/"+demo.CommuneCode+"/cong-khai"
		var second int64
		steps := []struct {
			name               string
			write              func() error
			detailHas          string
			boardHas, boardNot []string
		}{
			{"published", func() error { return nil }, "Kế hoạch bản đầu", []string{"Kế hoạch bản đầu"}, nil},
			{"amended", func() error {
				d := draft("Kế hoạch bản sửa")
				d.Reason = "Sửa tên"
				_, err := a.Disclose.Amend(ctx, actor, x.ID, d, nil, nil)
				return err
			}, "Kế hoạch bản sửa", []string{"Kế hoạch bản sửa"}, []string{"Kế hoạch bản đầu"}},
			{"another published", func() error {
				y, err := a.Disclose.Publish(ctx, actor, draft("Thông báo thứ hai"), nil)
				second = y.ID
				return err
			}, "Kế hoạch bản sửa", []string{"Kế hoạch bản sửa", "Thông báo thứ hai"}, nil},
			{"withdrawn", func() error { return a.Disclose.Withdraw(ctx, actor, x.ID, "Đăng nhầm bản dự thảo") },
				"Đăng nhầm bản dự thảo", []string{"Thông báo thứ hai"}, []string{"Kế hoạch bản sửa"}},
		}
		for _, st := range steps {
			if err := st.write(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			for _, srv := range []*httptest.Server{srvA, srvB} {
				for read := range 2 { // rendered, then from the cache
					if page := anonymous(t, srv.URL+detail); !strings.Contains(page, st.detailHas) {
						t.Errorf("%s, read %d: the disclosure's page lacks %q", st.name, read, st.detailHas)
					}
					page := anonymous(t, srv.URL+board)
					for _, s := range st.boardHas {
						if !strings.Contains(page, s) {
							t.Errorf("%s, read %d: the board lacks %q", st.name, read, s)
						}
					}
					for _, s := range st.boardNot {
						if strings.Contains(page, s) {
							t.Errorf("%s, read %d: the board still shows %q", st.name, read, s)
						}
					}
				}
			}
		}
		if second == 0 {
			t.Fatal("the second disclosure was not published")
		}

		// The commune's page counts the villages' resident households.
		village := demo.Villages[0]
		counts := func() int {
			v, err := a.Units.UnitByCode(ctx, village.Code)
			if err != nil {
				t.Fatal(err)
			}
			c, err := a.Units.HouseholdCounts(ctx, []int64{v.ID})
			if err != nil {
				t.Fatal(err)
			}
			return c[v.ID]
		}
		before := counts()
		for _, srv := range []*httptest.Server{srvA, srvB} {
			if page := anonymous(t, srv.URL+"/xa/"+demo.CommuneCode); !strings.Contains(page, fmt.Sprintf("%d hộ đang cư trú", before)) {
				t.Fatalf("the commune's page does not count %d households", before)
			}
		}
		csv := "code,head_name,address,members,representative_name\nMOI-1,Nguyễn Văn Mới,Xóm 1,3,Nguyễn Văn Mới\nMOI-2,Trần Thị Mới,Xóm 2,4,Trần Thị Mới\n"
		if _, err := a.Units.ImportHouseholds(ctx, village.Code, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		for _, srv := range []*httptest.Server{srvA, srvB} {
			for range 2 {
				if page := anonymous(t, srv.URL+"/xa/"+demo.CommuneCode); !strings.Contains(page, fmt.Sprintf("%d hộ đang cư trú", before+2)) {
					t.Errorf("after the import, the commune's page does not count %d households", before+2)
				}
			}
		}
		for name, srv := range map[string]*httptest.Server{"A": srvA, "B": srvB} {
			if hits := cacheHits(t, srv); hits < len(steps)*2+1 {
				t.Errorf("server %s answered %d pages from its cache; the test read each twice", name, hits)
			}
		}
	})
}
