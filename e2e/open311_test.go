//go:build e2e

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"danchu/internal/auth"
	"danchu/internal/demo"
	"danchu/internal/feedback"
)

// TestOpen311IndependentClient drives danchu's Open311 API with the "open311"
// client library from npm (written for other cities' servers, not for danchu):
// discovery, the service list and a definition, a new request, its token, the
// request and the open list, and a refused wrong key.
func TestOpen311IndependentClient(t *testing.T) {
	dir, _ := filepath.Abs("open311")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "open311", "open311.js")); err != nil {
		t.Fatalf("the npm open311 client is not installed: run (cd e2e/open311 && npm install) — .ci/run does: %v", err)
	}
	a, _ := startApp(t, io.Discard)
	ctx := context.Background()
	// The site requires two-step verification of officials; the key is issued
	// here as the demo commune official, whose account and role are read back.
	commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
	var id int64
	if err := a.DB.QueryRowContext(ctx, "select id from accounts where email = $1", "xa@danchu.demo").Scan(&id); err != nil {
		t.Fatal(err)
	}
	official := &auth.Actor{AccountID: id, Kind: auth.Official, Grants: []auth.Grant{{Role: auth.CommuneOfficial, UnitID: commune.ID}}}
	key, err := a.Feedback.IssueKey(ctx, official, commune.ID, "Thư viện open311 (npm)")
	if err != nil {
		t.Fatal(err)
	}
	var before int
	if err := a.DB.QueryRowContext(ctx, "select count(*) from feedback_items").Scan(&before); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "client.js"), a.URL(), key, demo.CommuneCode)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node client: %v\n%s", err, stderr)
	}
	type result struct {
		Err  any             `json:"err"`
		Data json.RawMessage `json:"data"`
	}
	var got map[string]result
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("client output: %v\n%s", err, out)
	}
	for _, k := range []string{"discovery", "services", "definition", "created", "token", "one", "open"} {
		if got[k].Err != nil {
			t.Errorf("%s: the client reported %v: %s", k, got[k].Err, got[k].Data)
		}
	}
	var services []struct {
		Code string `json:"service_code"`
		Name string `json:"service_name"`
	}
	json.Unmarshal(got["services"].Data, &services)
	if len(services) != len(feedback.DefaultCategories) || services[0].Name != "Đất đai" {
		t.Errorf("services through the client: %+v", services)
	}
	var created []struct {
		ID string `json:"service_request_id"`
	}
	json.Unmarshal(got["created"].Data, &created)
	if len(created) != 1 || !strings.HasPrefix(created[0].ID, "PA-") {
		t.Fatalf("created through the client: %s", got["created"].Data)
	}
	it, err := a.Feedback.ByCode(ctx, official, created[0].ID)
	if err != nil || it.Contact != "nguoidan@example.vn" || it.Category != "moi-truong" || it.Lat == nil {
		t.Errorf("stored from the client: %+v %v", it, err)
	}
	if !strings.Contains(string(got["token"].Data), created[0].ID) || !strings.Contains(string(got["one"].Data), `"status":"open"`) ||
		!strings.Contains(string(got["open"].Data), created[0].ID) {
		t.Errorf("reading back through the client: token %s, one %s", got["token"].Data, got["one"].Data)
	}
	if code, ok := got["refused"].Err.(float64); !ok || code != 403 {
		t.Errorf("a wrong key through the client: %v %s", got["refused"].Err, got["refused"].Data)
	}
	var stored int
	if err := a.DB.QueryRowContext(ctx, "select count(*) from feedback_items").Scan(&stored); err != nil || stored != before+1 {
		t.Errorf("%d requests stored after the client, %d before; want only the one created (%v)", stored, before, err)
	}
}

// TestOpen311SpecClient runs e2e/open311/spec.test.mjs, a GeoReport v2 client
// written from the spec with Node's fetch and node:test (no npm package, none of
// danchu's code), against the real server: discovery, services, a definition, a
// multipart POST with a photo, the request, its token, lists with comma
// filters, the 90-day error, the error format, a POST retried with its
// Idempotency-Key and the CORS preflight. Any
// failing node test, or none run, fails this test.
func TestOpen311SpecClient(t *testing.T) {
	dir, _ := filepath.Abs("open311")
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is needed for the Open311 spec client: %v", err)
	}
	a, _ := startApp(t, io.Discard)
	ctx := context.Background()
	commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
	var id int64
	if err := a.DB.QueryRowContext(ctx, "select id from accounts where email = $1", "xa@danchu.demo").Scan(&id); err != nil {
		t.Fatal(err)
	}
	official := &auth.Actor{AccountID: id, Kind: auth.Official, Grants: []auth.Grant{{Role: auth.CommuneOfficial, UnitID: commune.ID}}}
	key, err := a.Feedback.IssueKey(ctx, official, commune.ID, "Máy khách viết theo đặc tả (node:test)")
	if err != nil {
		t.Fatal(err)
	}
	count := func(table string) int {
		var n int
		if err := a.DB.QueryRowContext(ctx, "select count(*) from "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	items, photos := count("feedback_items"), count("feedback_photos")
	cmd := exec.Command("node", "--test", "--test-reporter=tap", "spec.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OPEN311_BASE="+a.URL(), "OPEN311_KEY="+key, "OPEN311_JURISDICTION="+demo.CommuneCode)
	out, err := cmd.CombinedOutput()
	summary := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		var name string
		var n int
		if _, serr := fmt.Sscanf(line, "# %s %d", &name, &n); serr == nil {
			summary[name] = n
		}
	}
	if err != nil || summary["tests"] == 0 || summary["fail"] != 0 || summary["pass"] != summary["tests"] || summary["skipped"] != 0 || summary["todo"] != 0 {
		t.Fatalf("node --test spec.test.mjs: %v, summary %v\n%s", err, summary, out)
	}
	t.Logf("the spec client passed %d tests", summary["pass"])
	// Its multipart request with a photo, and one request posted twice with one Idempotency-Key (and refused a third time with other content).
	if n, p := count("feedback_items"), count("feedback_photos"); n != items+2 || p != photos+1 {
		t.Errorf("the spec client stored %d requests and %d photos; want 2 requests (one posted twice under one key) and 1 photo", n-items, p-photos)
	}
}
