package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig names an OpenID Connect provider citizens may sign in with: the
// national identity provider (VNeID) or a province's single sign-on.
type OIDCConfig struct {
	Name         string // shown on the button, e.g. "VNeID"
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // BaseURL + "/cong-dan/oidc/ve"
}

// OIDC signs citizens in through one provider with the authorisation code flow,
// PKCE (S256), a state and a nonce, and checks the ID token's signature against
// the provider's published keys. Discovery happens on first use, so a provider
// that is down at start does not stop the server.
type OIDC struct {
	cfg  OIDCConfig
	svc  *Service
	http *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
}

// NewOIDC returns the sign-in through cfg's provider.
func NewOIDC(svc *Service, cfg OIDCConfig) *OIDC {
	return &OIDC{cfg: cfg, svc: svc, http: &http.Client{Timeout: 15 * time.Second}}
}

// Name is the provider's display name.
func (o *OIDC) Name() string { return o.cfg.Name }

func (o *OIDC) ready(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return nil
	}
	ctx = oidc.ClientContext(ctx, o.http)
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return fmt.Errorf("oidc discovery %s: %w", o.cfg.Issuer, err)
	}
	o.provider = p
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
	o.oauth = &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: o.cfg.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "profile", "email", "phone"}}
	return nil
}

// Start is the first step: it returns the provider's URL to send the browser to,
// and the state, nonce and PKCE verifier to keep (in a cookie) until it returns.
func (o *OIDC) Start(ctx context.Context) (authURL string, pending OIDCPending, err error) {
	if err := o.ready(ctx); err != nil {
		return "", pending, err
	}
	state, _ := newToken()
	nonce, _ := newToken()
	pending = OIDCPending{State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier()}
	return o.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(pending.Verifier), oidc.Nonce(nonce)), pending, nil
}

// OIDCPending is what is kept between the redirect and the callback.
type OIDCPending struct {
	State, Nonce, Verifier string
}

func (p OIDCPending) String() string { return p.State + "." + p.Nonce + "." + p.Verifier }

// ParsePending reads the value written by String.
func ParsePending(s string) (OIDCPending, bool) {
	f := strings.Split(s, ".")
	if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
		return OIDCPending{}, false
	}
	return OIDCPending{f[0], f[1], f[2]}, true
}

var errOIDC = apperr.New(apperr.CodeInvalid, "auth.err.oidc_failed").Mark("oidc")

// Finish checks the callback (state, code), exchanges the code with the PKCE
// verifier, verifies the ID token and its nonce, and opens a citizen session
// for the person (created on first sign-in, found by issuer and subject after).
func (o *OIDC) Finish(ctx context.Context, pending OIDCPending, state, code, ip, ua string) (string, error) {
	if err := o.ready(ctx); err != nil {
		return "", err
	}
	if state == "" || state != pending.State || code == "" {
		return "", errOIDC
	}
	ctx = oidc.ClientContext(ctx, o.http)
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(pending.Verifier))
	if err != nil {
		return "", fmt.Errorf("%w (%v)", errOIDC, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", fmt.Errorf("%w (no id_token)", errOIDC)
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("%w (%v)", errOIDC, err)
	}
	if idt.Nonce != pending.Nonce {
		return "", fmt.Errorf("%w (nonce)", errOIDC)
	}
	var claims struct {
		Name          string `json:"name"`
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Phone         string `json:"phone_number"`
		PhoneVerified bool   `json:"phone_number_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("%w (%v)", errOIDC, err)
	}
	return o.svc.citizenFromOIDC(ctx, idt.Issuer, idt.Subject, claims.Name, ip, ua)
}

// citizenFromOIDC finds or creates the citizen with this issuer and subject and
// opens a session.
func (s *Service) citizenFromOIDC(ctx context.Context, issuer, subject, name, ip, ua string) (string, error) {
	if name, _ = CheckName(name); name == "" {
		name = ""
	}
	var token string
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		acc, err := accountByOIDC(ctx, tx, issuer, subject)
		if apperr.CodeOf(err) == apperr.CodeNotFound {
			acc = Account{ID: s.db.NewID(), Kind: Citizen, FullName: name, Status: Active}
			if err = insertAccount(ctx, tx, acc, s.db.NowMillis()); err == nil {
				err = setOIDC(ctx, tx, acc.ID, issuer, subject)
			}
		}
		if err != nil {
			return err
		}
		if acc.Status != Active || acc.Kind != Citizen {
			return apperr.New(apperr.CodeForbidden, "auth.err.oidc_refused")
		}
		if token, err = s.newSession(ctx, tx, acc, StageFull, ip, ua); err != nil {
			return err
		}
		return s.audit.Log(ctx, tx, s.guard.entry(ctx, &Actor{AccountID: acc.ID, Name: acc.FullName, Kind: Citizen}, "citizen",
			"auth.citizen_sign_in", 0, "account", fmt.Sprint(acc.ID), nil, nil, audit.OK, "oidc "+issuer))
	})
	return token, err
}

// IsOIDCFailure reports whether err is a refused OpenID Connect sign-in.
func IsOIDCFailure(err error) bool { return errors.Is(err, errOIDC) }
