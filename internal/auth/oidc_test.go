package auth_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/auth"
	"danchu/internal/db"
)

// provider is an OpenID Connect provider run inside the test: discovery, an
// authorisation endpoint that consents at once, a token endpoint that checks the
// client secret and the PKCE verifier, and RS256 ID tokens with its published key.
type provider struct {
	srv  *httptest.Server
	key  *rsa.PrivateKey
	mu   sync.Mutex
	code map[string]grant // code -> what was asked
	// misbehaviour, for the failure cases
	badSignature, wrongAudience, wrongNonce bool
	subject, name                           string
}

type grant struct{ challenge, nonce, redirect string }

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func newProvider(t *testing.T) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key, code: map[string]grant{}, subject: "vneid-0123456789", name: "Trần Thị Mai"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize", "token_endpoint": p.srv.URL + "/token",
			"jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "danchu-test" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
			http.Error(w, "bad authorisation request", 400)
			return
		}
		code := b64([]byte(q.Get("state")))[:10] + "c"
		p.mu.Lock()
		p.code[code] = grant{q.Get("code_challenge"), q.Get("nonce"), q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		p.mu.Lock()
		g, found := p.code[r.PostFormValue("code")]
		delete(p.code, r.PostFormValue("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if id != "danchu-test" || secret != "s3cret" || !found || b64(sum[:]) != g.challenge || r.PostFormValue("redirect_uri") != g.redirect {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		aud, nonce := "danchu-test", g.nonce
		if p.wrongAudience {
			aud = "someone-else"
		}
		if p.wrongNonce {
			nonce = "not-the-nonce"
		}
		now := time.Now()
		tok := p.sign(map[string]any{"iss": p.srv.URL, "sub": p.subject, "aud": aud, "exp": now.Add(5 * time.Minute).Unix(),
			"iat": now.Unix(), "nonce": nonce, "name": p.name})
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": tok})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) sign(claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(c)
	sum := sha256.Sum256([]byte(input))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, p.key, crypto.SHA256, sum[:])
	if p.badSignature {
		sig[10] ^= 0xff
	}
	return input + "." + b64(sig)
}

// oidcSignIn walks the browser through the code flow and returns the final response.
func oidcSignIn(t *testing.T, b *browser) (int, string, http.Header) {
	t.Helper()
	code, _, h := b.get("/cong-dan/oidc")
	if code != http.StatusSeeOther {
		t.Fatalf("start: %d", code)
	}
	authURL := h.Get("Location")
	resp, err := b.C.Get(authURL) // the provider consents and redirects back
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(back, b.Base+"/cong-dan/oidc/ve?") {
		t.Fatalf("provider answered %d → %s", resp.StatusCode, back)
	}
	return b.get(strings.TrimPrefix(back, b.Base))
}

func TestOIDCSignIn(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		p := newProvider(t)
		srv, h := f.site(t)
		h.OIDC = auth.NewOIDC(f.svc, auth.OIDCConfig{Name: "VNeID (thử)", Issuer: p.srv.URL, ClientID: "danchu-test", ClientSecret: "s3cret",
			RedirectURL: srv.URL + "/cong-dan/oidc/ve"})
		b := newBrowser(t, srv)
		if _, page, _ := b.get("/cong-dan/dang-nhap"); !strings.Contains(page, "Đăng nhập bằng VNeID (thử)") {
			t.Error("the sign-in page offers no OIDC button")
		}
		code, body, hdr := oidcSignIn(t, b)
		if code != http.StatusSeeOther || hdr.Get("Location") != "/cong-dan" {
			t.Fatalf("callback: %d %s\n%s", code, hdr.Get("Location"), body)
		}
		_, page, _ := b.get("/cong-dan")
		if !strings.Contains(page, `value="Trần Thị Mai"`) {
			t.Errorf("citizen page lacks the name from the ID token")
		}
		// The same subject signs in again to the same account.
		b2 := newBrowser(t, srv)
		if code, _, _ := oidcSignIn(t, b2); code != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", code)
		}
		var n int
		d.QueryRow("select count(*) from accounts where oidc_subject = 'vneid-0123456789'").Scan(&n)
		if n != 1 {
			t.Errorf("%d accounts for one subject", n)
		}
		// Every broken link in the chain is refused and opens no session.
		for _, tc := range []struct {
			name string
			set  func()
		}{
			{"BadSignature", func() { p.badSignature = true }},
			{"WrongAudience", func() { p.wrongAudience = true }},
			{"WrongNonce", func() { p.wrongNonce = true }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p.badSignature, p.wrongAudience, p.wrongNonce = false, false, false
				tc.set()
				b := newBrowser(t, srv)
				code, body, _ := oidcSignIn(t, b)
				if code != http.StatusBadRequest || !strings.Contains(body, "không thành công") {
					t.Fatalf("callback: %d", code)
				}
				if code, _, _ := b.get("/cong-dan"); code != http.StatusSeeOther {
					t.Errorf("signed in after a refused callback")
				}
			})
		}
		p.badSignature, p.wrongAudience, p.wrongNonce = false, false, false
		// A forged state, or a callback without the cookie, is refused.
		b3 := newBrowser(t, srv)
		b3.get("/cong-dan/oidc")
		if code, body, _ := b3.get("/cong-dan/oidc/ve?code=x&state=forged"); code != http.StatusBadRequest || !strings.Contains(body, "không thành công") {
			t.Errorf("forged state: %d", code)
		}
		if code, _, _ := b3.get("/cong-dan"); code != http.StatusSeeOther {
			t.Errorf("signed in after a forged state: %d", code)
		}
		if code, body, _ := newBrowser(t, srv).get("/cong-dan/oidc/ve?code=x&state=y"); code != http.StatusBadRequest || !strings.Contains(body, "không thành công") {
			t.Errorf("no cookie: %d", code)
		}
		// A wrong verifier is refused by the provider (PKCE), so the flow cannot be replayed elsewhere.
		start, _, hh := newBrowser(t, srv).get("/cong-dan/oidc")
		if start != http.StatusSeeOther || !strings.Contains(hh.Get("Location"), "code_challenge_method=S256") {
			t.Errorf("authorisation URL lacks PKCE: %s", hh.Get("Location"))
		}
	})
}
