package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/db"
	"danchu/internal/notify"
	"danchu/internal/org"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// UnitDirectory is what identity needs of the units: the tree, and lookups by code.
type UnitDirectory interface {
	Units
	UnitByCode(ctx context.Context, code string) (org.Unit, error)
	HouseholdByID(ctx context.Context, id int64) (org.Household, error)
}

// Service is identity and access: accounts, roles, sessions, second factor.
type Service struct {
	*Store
	db     *db.DB
	units  UnitDirectory
	audit  *audit.Service
	guard  *Guard
	policy Policy
	mail   notify.Mailer
	sms    notify.SMS
	outbox *notify.Outbox // every message identity sends: links and codes

	households interface {
		HouseholdByID(ctx context.Context, id int64) (org.Household, error)
	}
	codeLimits CodeLimits
	sessions   sessionCache
}

// NewService returns the service. mail and sms deliver links and codes.
func NewService(d *db.DB, units UnitDirectory, a *audit.Service, p Policy, mail notify.Mailer, sms notify.SMS) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, audit: a, guard: NewGuard(units, a), policy: p, mail: mail, sms: sms,
		outbox:     notify.NewOutbox(d, mail, sms, p.BaseURL, slog.New(slog.DiscardHandler)),
		households: units, codeLimits: DefaultCodeLimits}
}

// SetOutbox makes identity queue its messages through o (the program's outbox,
// whose worker it wakes after each commit). Messages are queued in the
// transaction of what they report, so that no answer depends on delivery: a
// dead mail server makes "forgot password" answer as it does for an unknown
// address.
func (s *Service) SetOutbox(o *notify.Outbox) { s.outbox = o }

// SetCodeLimits changes how many sign-in codes are sent per address and per IP.
func (s *Service) SetCodeLimits(l CodeLimits) { s.codeLimits = l }

// Guard is the permission checker every capability uses.
func (s *Service) Guard() *Guard { return s.guard }

// Policy is the service's policy.
func (s *Service) Policy() Policy { return s.policy }

// NewOfficial is what an administrator gives to create an official's account.
type NewOfficial struct {
	FullName string
	Email    string
	Phone    string
	Role     Role
	UnitCode string // the unit by its official code (the command line), or
	UnitID   int64  // by ID (agencies and enterprises have no code); both empty: the whole country
}

// Created is the result of CreateOfficial.
type Created struct {
	Account Account
	Grant   Grant // the role given, or offered when Invitation is set
	// Invitation is the ID of the role offer made instead of a role, when the
	// caller's scope does not cover every role the account already holds.
	Invitation int64
	// ActivationLink is the first activation link of an account this call
	// created, for the caller to hand over ("" otherwise: no link is ever
	// shown to someone other than its owner).
	ActivationLink string
	// Mailed: a new activation link was queued for the owner of an existing,
	// not yet activated account (the older links no longer work).
	Mailed bool
}

// system is the actor of command-line actions.
var system = &Actor{Name: "danchu (dòng lệnh / command line)", Kind: Official, Grants: []Grant{{Role: SysAdmin}}}

// CreateOfficial creates an official's account with one role and returns its
// first activation link (mailed to the person as well when by is a person; by
// nil is the command line, whose operator hands the link over). If the e-mail
// already belongs to an official, the caller may change that account only when
// their scope covers every role it holds: then the role is added (and, if the
// account is still pending, a new activation link is mailed to its owner, never
// shown); otherwise the role becomes an invitation the holder accepts or
// declines after signing in.
func (s *Service) CreateOfficial(ctx context.Context, by *Actor, in NewOfficial) (Created, error) {
	var res Created
	name, err := CheckName(in.FullName)
	if err != nil {
		return res, err
	}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return res, err
	}
	phone := ""
	if strings.TrimSpace(in.Phone) != "" {
		if phone, err = NormalizePhone(in.Phone); err != nil {
			return res, err
		}
	}
	if !in.Role.Valid() {
		return res, apperr.New(apperr.CodeInvalid, "auth.err.role_unknown", string(in.Role), roleList()).Mark("role")
	}
	g := Grant{Role: in.Role}
	var unitType org.Type
	t, err := s.units.Tree(ctx)
	if err != nil {
		return res, err
	}
	switch {
	case in.UnitCode != "":
		u, err := s.units.UnitByCode(ctx, in.UnitCode)
		if err != nil {
			return res, apperr.New(apperr.CodeNotFound, "auth.err.unit_code_unknown", in.UnitCode)
		}
		g.UnitID, unitType = u.ID, u.Type
	case in.UnitID != 0:
		u, ok := t.Unit(in.UnitID)
		if !ok || !u.Current() {
			return res, apperr.New(apperr.CodeNotFound, "auth.err.unit_unknown")
		}
		g.UnitID, unitType = u.ID, u.Type
	}
	switch {
	case in.Role.BindsTo(unitType):
	case unitType == "":
		return res, apperr.New(apperr.CodeInvalid, "auth.err.role_not_national", in.Role.Label()).Mark("unit")
	default:
		return res, apperr.New(apperr.CodeInvalid, "auth.err.role_not_on", in.Role.Label(), strings.ToLower(unitType.Label())).Mark("unit")
	}
	actor := by
	if actor == nil {
		actor = system
	}
	if err := s.guard.Can(ctx, actor, ManageUsers, g.UnitID); err != nil {
		return res, err
	}
	now := s.db.Now()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		res = Created{}
		created := false
		acc, err := officialByEmail(ctx, tx, email)
		switch {
		case apperr.CodeOf(err) == apperr.CodeNotFound:
			acc = Account{ID: s.db.NewID(), Kind: Official, FullName: name, Email: email, Phone: phone, Status: Pending}
			if err := insertAccount(ctx, tx, acc, now.UnixMilli()); err != nil {
				if db.IsUniqueViolation(err) {
					return apperr.New(apperr.CodeConflict, "auth.err.phone_taken", phone)
				}
				return err
			}
			created = true
		case err != nil:
			return err
		}
		have, err := grantsOf(ctx, tx, acc.ID)
		if err != nil {
			return err
		}
		covers := true
		for _, h := range have {
			if h.Role == g.Role && h.UnitID == g.UnitID {
				return apperr.New(apperr.CodeConflict, "auth.err.role_held", acc.Email, g.Role.Label())
			}
			if d, _ := Decide(t, actor.Grants, ManageUsers, h.UnitID); d != Allowed {
				covers = false
			}
		}
		res.Account, res.Grant = acc, g
		if !covers {
			id, err := s.invite(ctx, tx, actor, acc, g, t)
			res.Invitation = id
			return err
		}
		g.ID = s.db.NewID()
		res.Grant = g
		if err := insertGrant(ctx, tx, g.ID, acc.ID, g, actor.AccountID, now.UnixMilli()); err != nil {
			return err
		}
		if err := s.changedSessions(ctx, tx, acc.ID); err != nil { // the grants are cached with the session
			return err
		}
		if acc.Status == Pending {
			token, err := s.issueLink(ctx, tx, acc.ID, "activate", s.policy.ActivationTTL)
			if err != nil {
				return err
			}
			link := s.policy.BaseURL + "/kich-hoat/" + token
			if created {
				res.ActivationLink = link
			}
			if !created || by != nil {
				res.Mailed = true
				if err := s.outbox.Add(ctx, tx, s.activationNote(acc, g.Role, link)); err != nil {
					return err
				}
			}
		}
		return s.guard.Record(ctx, tx, actor, ManageUsers, g.UnitID, "account", fmt.Sprint(acc.ID), nil,
			map[string]any{"email": email, "role": g.Role, "unit": g.UnitID, "link_shown": res.ActivationLink != "", "link_mailed": res.Mailed})
	})
	if err == nil {
		s.forgetLocal(res.Account.ID)
		s.outbox.Wake()
	}
	return res, err
}

// activationNote is the mail that carries an activation link to its owner.
func (s *Service) activationNote(acc Account, role Role, link string) notify.Note {
	return notify.Note{Kind: "auth.activation", AccountID: acc.ID, Channel: notify.Email, Address: acc.Email, Subject: "Kích hoạt tài khoản danchu",
		Text: fmt.Sprintf("Chào %s,\n\nBạn được giao vai trò “%s” trên danchu. Mở đường liên kết sau trong %d giờ để đặt mật khẩu và bắt đầu dùng:\n\n%s\n\n"+
			"Đường liên kết chỉ dùng được một lần; đường liên kết gửi trước đó không còn dùng được. Nếu bạn không chờ thư này, hãy báo quản trị viên của đơn vị.\n",
			acc.FullName, role.Label(), int(s.policy.ActivationTTL.Hours()), link)}
}

// issueLink makes a new link token of purpose (activate, reset) for the account
// and kills every older one not yet used: only the newest link works.
func (s *Service) issueLink(ctx context.Context, tx *sql.Tx, accountID int64, purpose string, ttl time.Duration) (string, error) {
	now := s.db.Now()
	if err := killLinks(ctx, tx, accountID, purpose); err != nil {
		return "", fmt.Errorf("kill older links: %w", err)
	}
	token, hash := newToken()
	if err := insertToken(ctx, tx, hash, accountID, purpose, now.Add(ttl).UnixMilli(), now.UnixMilli()); err != nil {
		return "", err
	}
	return token, nil
}

func roleList() string {
	var s []string
	for _, r := range Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// Activate sets the first password of an account from its activation link.
func (s *Service) Activate(ctx context.Context, token, password string) error {
	return s.setPasswordByToken(ctx, token, "activate", password)
}

func (s *Service) setPasswordByToken(ctx context.Context, token, purpose, password string) error {
	now := s.db.NowMillis()
	var id int64
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = useToken(ctx, tx, token, purpose, now)
		if err != nil {
			return err
		}
		acc, err := accountByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if acc.Status == Disabled {
			return apperr.New(apperr.CodeForbidden, "auth.err.disabled")
		}
		if err := CheckPassword(password, acc.FullName, acc.Email); err != nil {
			return err
		}
		// From the status read: a lock committed meanwhile is not undone.
		ok, err := setPassword(ctx, tx, id, HashPassword(password), Active, now, acc.Status)
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "auth.err.changed_by_admin")
		}
		// Its use kills every other link of the account (activation and reset).
		if err := killAllLinks(ctx, tx, id); err != nil {
			return fmt.Errorf("kill older links: %w", err)
		}
		// The owner proved their mailbox: their password failures from every source are forgotten.
		if err := clearFailures(ctx, tx, subjectOf(acc.Email), factorPassword, "*"); err != nil {
			return err
		}
		// A new password ends every session opened with the old one.
		if err := deleteSessionsOf(ctx, tx, id); err != nil {
			return err
		}
		if err := s.changedSessions(ctx, tx, id); err != nil {
			return err
		}
		return s.logAccount(ctx, tx, id, acc.FullName, "auth."+purpose, audit.OK, "")
	})
	if err == nil {
		s.forgetLocal(id)
	}
	return err
}

// badCredentials is the one answer to a wrong e-mail or a wrong password (the
// same as countFailure's before any wait).
func badCredentials() error {
	return apperr.New(apperr.CodeInvalid, "auth.err.bad_credentials").Mark("password")
}

// SignInResult is a session opened by a password.
type SignInResult struct {
	Token string
	Stage string
}

// SignIn checks an official's e-mail and password. Failures are counted per
// account and source (see attempts.go): they slow down and then lock that source
// only. An unknown e-mail goes through the same hash, counter and answers.
func (s *Service) SignIn(ctx context.Context, email, password, ip, ua string) (SignInResult, error) {
	email, err := NormalizeEmail(email)
	if err != nil || len(password) > 4*MaxPasswordLength {
		PasswordMatches(dummyHash, password)
		return SignInResult{}, badCredentials()
	}
	subject := subjectOf(email)
	if err := s.throttle(ctx, subject, factorPassword, ip); err != nil {
		return SignInResult{}, err
	}
	acc, err := officialByEmail(ctx, s.db, email)
	if err != nil && apperr.CodeOf(err) != apperr.CodeNotFound {
		return SignInResult{}, err
	}
	known := err == nil && acc.PasswordHash != ""
	hash := dummyHash
	if known {
		hash = acc.PasswordHash
	}
	if !PasswordMatches(hash, password) || !known {
		return SignInResult{}, s.countFailure(ctx, subject, factorPassword, ip, acc.ID, acc.FullName)
	}
	if acc.Status == Disabled {
		return SignInResult{}, apperr.New(apperr.CodeForbidden, "auth.err.signin_disabled")
	}
	grants, err := grantsOf(ctx, s.db, acc.ID)
	if err != nil {
		return SignInResult{}, err
	}
	stage := StageFull
	switch {
	case acc.TOTPEnabled:
		stage = StageSecondFactor
	case s.needs2FA(grants):
		stage = StageEnrol
	}
	var res SignInResult
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := clearFailures(ctx, tx, subject, factorPassword, ip); err != nil {
			return err
		}
		token, err := s.newSession(ctx, tx, acc, stage, ip, ua)
		if err != nil {
			return err
		}
		res = SignInResult{Token: token, Stage: stage}
		return s.logAccount(ctx, tx, acc.ID, acc.FullName, "auth.sign_in", audit.OK, "stage="+stage)
	})
	return res, err
}

func (s *Service) needs2FA(grants []Grant) bool {
	if !s.policy.Require2FA {
		return false
	}
	for _, g := range grants {
		if g.Role.Decides() {
			return true
		}
	}
	return false
}

// Account returns an account by ID.
func (s *Service) Account(ctx context.Context, id int64) (Account, error) {
	return accountByID(ctx, s.db, id)
}

// OfficialID is the ID of the official account with e-mail (false: none).
func (s *Service) OfficialID(ctx context.Context, email string) (int64, bool, error) {
	a, err := officialByEmail(ctx, s.db, strings.ToLower(strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) || apperr.CodeOf(err) == apperr.CodeNotFound {
		return 0, false, nil
	}
	return a.ID, err == nil, err
}

// Enrolment is a second factor being set up: the secret, and the same as an
// otpauth:// URL and a QR code (PNG as a data: URL) for an authenticator app.
type Enrolment struct {
	Secret string
	URL    string
	QR     template.URL // made here from our own PNG, so safe in an img src
}

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// BeginEnrolment makes a new TOTP secret for the account of a session that is
// signing in or already signed in, and stores it until it is confirmed.
func (s *Service) BeginEnrolment(ctx context.Context, ss *Session) (Enrolment, error) {
	acc, err := s.Account(ctx, ss.AccountID)
	if err != nil {
		return Enrolment{}, err
	}
	if acc.TOTPEnabled {
		return Enrolment{}, apperr.New(apperr.CodeConflict, "auth.err.totp_on")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "danchu", AccountName: acc.Email, Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, fmt.Errorf("totp secret: %w", err)
	}
	if err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		return setTOTPSecret(ctx, tx, acc.ID, key.Secret(), s.db.NowMillis())
	}); err != nil {
		return Enrolment{}, fmt.Errorf("store totp secret: %w", err)
	}
	return enrolmentOf(key)
}

func enrolmentOf(key *otp.Key) (Enrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, fmt.Errorf("totp qr: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes()))}, nil
}

// PendingEnrolment returns the enrolment begun for the session's account, if any.
func (s *Service) PendingEnrolment(ctx context.Context, ss *Session) (Enrolment, bool, error) {
	acc, err := s.Account(ctx, ss.AccountID)
	if err != nil || acc.TOTPSecret == "" || acc.TOTPEnabled {
		return Enrolment{}, false, err
	}
	key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/danchu:%s?secret=%s&issuer=danchu&period=30&digits=6&algorithm=SHA1", acc.Email, acc.TOTPSecret))
	if err != nil {
		return Enrolment{}, false, err
	}
	e, err := enrolmentOf(key)
	return e, err == nil, err
}

// totpStep returns the time step whose code is code (the current one or the one
// either side, for clocks a little off), or -1.
func totpStep(secret, code string, now time.Time) int64 {
	step := now.Unix() / 30
	for _, d := range []int64{0, -1, 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((step+d)*30, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step + d
		}
	}
	return -1
}

// ConfirmEnrolment checks the first code from the app, turns the second factor
// on, and returns ten single-use recovery codes (shown once) and a new session
// token with the full stage.
func (s *Service) ConfirmEnrolment(ctx context.Context, ss *Session, code, ip, ua string) (codes []string, token string, err error) {
	acc, err := s.Account(ctx, ss.AccountID)
	if err != nil {
		return nil, "", err
	}
	subject := subjectOf(acc.Email)
	if err := s.throttle(ctx, subject, factorSecond, ""); err != nil {
		return nil, "", err
	}
	code = strings.TrimSpace(code)
	step := int64(-1)
	if acc.TOTPSecret != "" && !acc.TOTPEnabled {
		step = totpStep(acc.TOTPSecret, code, s.db.Now())
	}
	if step < 0 {
		return nil, "", s.countFailure(ctx, subject, factorSecond, "", acc.ID, acc.FullName)
	}
	codes = make([]string, 10)
	for i := range codes {
		codes[i] = recoveryCode()
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := enableTOTP(ctx, tx, acc.ID, step, s.db.NowMillis()); err != nil {
			return err
		}
		if err := clearFailures(ctx, tx, subject, factorSecond, ""); err != nil {
			return err
		}
		hashes := make([]string, len(codes))
		for i, c := range codes {
			hashes[i] = tokenHash(normRecovery(c))
		}
		if err := replaceRecoveryCodes(ctx, tx, acc.ID, hashes); err != nil {
			return err
		}
		if token, err = s.rotate(ctx, tx, ss, acc, StageFull, ip, ua); err != nil {
			return err
		}
		return s.logAccount(ctx, tx, acc.ID, acc.FullName, "auth.totp_enrolled", audit.OK, "")
	})
	return codes, token, err
}

// SecondFactor checks a TOTP code (each works once) or an unused recovery code
// for a session waiting for it, and returns the new full session token.
func (s *Service) SecondFactor(ctx context.Context, ss *Session, code, ip, ua string) (string, error) {
	if ss.Stage != StageSecondFactor {
		return "", apperr.New(apperr.CodeConflict, "auth.err.no_second_factor")
	}
	acc, err := s.Account(ctx, ss.AccountID)
	if err != nil {
		return "", err
	}
	subject := subjectOf(acc.Email)
	if err := s.throttle(ctx, subject, factorSecond, ""); err != nil {
		return "", err
	}
	code = strings.TrimSpace(code)
	var token string
	ok := false
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok = false
		if step := totpStep(acc.TOTPSecret, code, s.db.Now()); step > acc.TOTPLast {
			var err error
			if ok, err = useTOTPStep(ctx, tx, acc.ID, step); err != nil {
				return err
			}
		} else if len(code) > 6 {
			var err error
			if ok, err = useRecoveryCode(ctx, tx, acc.ID, tokenHash(normRecovery(code)), s.db.NowMillis()); err != nil {
				return err
			}
		}
		if !ok {
			return nil
		}
		if err := clearFailures(ctx, tx, subject, factorSecond, ""); err != nil {
			return err
		}
		var err error
		if token, err = s.rotate(ctx, tx, ss, acc, StageFull, ip, ua); err != nil {
			return err
		}
		return s.logAccount(ctx, tx, acc.ID, acc.FullName, "auth.second_factor", audit.OK, "")
	})
	if err != nil {
		return "", err
	}
	if !ok {
		return "", s.countFailure(ctx, subject, factorSecond, "", acc.ID, acc.FullName)
	}
	return token, nil
}

// recoveryAlphabet avoids letters that look alike (0/O, 1/I/L).
const recoveryAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func recoveryCode() string {
	b := make([]byte, 10)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(recoveryAlphabet))))
		b[i] = recoveryAlphabet[n.Int64()]
	}
	return string(b[:5]) + "-" + string(b[5:])
}

func normRecovery(c string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(c))
}

// RequestReset queues, in one transaction, a password-reset link for an active
// official with that e-mail (killing older reset links), and answers the same
// whether or not there is one: the mail goes through the outbox, so a dead mail
// server changes nothing here. Both ways write an audit entry.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	acc, err := officialByEmail(ctx, s.db, email)
	if err != nil && apperr.CodeOf(err) != apperr.CodeNotFound {
		return err
	}
	send := err == nil && acc.Status == Active
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if !send {
			return s.logAccount(ctx, tx, 0, "", "auth.reset_requested", audit.Denied, "no active account")
		}
		token, err := s.issueLink(ctx, tx, acc.ID, "reset", s.policy.ResetTTL)
		if err != nil {
			return err
		}
		link := s.policy.BaseURL + "/dat-lai-mat-khau/" + token
		if err := s.outbox.Add(ctx, tx, notify.Note{Kind: "auth.reset", AccountID: acc.ID, Channel: notify.Email, Address: acc.Email, Subject: "Đặt lại mật khẩu danchu",
			Text: fmt.Sprintf("Chào %s,\n\nCó yêu cầu đặt lại mật khẩu cho tài khoản %s. Mở đường liên kết sau trong %d phút để đặt mật khẩu mới:\n\n%s\n\n"+
				"Đường liên kết gửi trước đó không còn dùng được. Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu cũ vẫn dùng được.\n",
				acc.FullName, acc.Email, int(s.policy.ResetTTL.Minutes()), link)}); err != nil {
			return err
		}
		return s.logAccount(ctx, tx, acc.ID, acc.FullName, "auth.reset_requested", audit.OK, "")
	})
	if err == nil {
		s.outbox.Wake()
	}
	return err
}

// ResetPassword sets a new password from a reset link and ends every session.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	return s.setPasswordByToken(ctx, token, "reset", password)
}

// OfficialRole is an official's role in force, as the officials page lists it.
type OfficialRole struct {
	ID, AccountID                   int64  // the role's ID, the official's account
	Name, Email, Status, Role, Unit string // Unit "": the whole country (the page names it in its language)
}

// OfficialsUnder lists the officials holding a role on u or below it (u zero:
// everywhere), with the role and its unit.
func (s *Service) OfficialsUnder(ctx context.Context, u org.Unit) ([]OfficialRole, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	held, err := rolesInForce(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []OfficialRole
	for _, h := range held {
		if u.ID != 0 && !t.Within(h.UnitID, u.ID) {
			continue
		}
		o := OfficialRole{ID: h.ID, AccountID: h.AccountID, Name: h.Name, Email: h.Email, Status: h.Status, Role: h.Role.Label()}
		if uu, ok := t.Unit(h.UnitID); ok {
			o.Unit = uu.Name
		}
		out = append(out, o)
	}
	return out, nil
}

// logAccount writes an event of an official's own account (sign-in, second
// factor, password) to the audit log under the unit of the account's first
// role, so that the officials of that unit see it in their log.
func (s *Service) logAccount(ctx context.Context, tx *sql.Tx, id int64, name, action, outcome, detail string) error {
	var q querier = s.db
	if tx != nil {
		q = tx
	}
	grants, err := grantsOf(ctx, q, id)
	if err != nil {
		return err
	}
	unit := int64(0)
	if len(grants) > 0 {
		unit = grants[0].UnitID
	}
	return s.audit.Log(ctx, tx, s.guard.entry(ctx, &Actor{AccountID: id, Name: name, Grants: grants}, "", Action(action), unit,
		"account", fmt.Sprint(id), nil, nil, outcome, detail))
}

var errNoRole = apperr.New(apperr.CodeNotFound, "auth.err.no_role")

// RevokeRole ends a role (roles.revoked_at): what it allowed stops at once in this
// process and within SessionMaxAge in the others (the session change log). A role
// outside the actor's scopes is "not found"; no one revokes their own.
func (s *Service) RevokeRole(ctx context.Context, by *Actor, roleID int64) (Role, error) {
	account, role, unit, err := s.roleInForce(ctx, roleID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNoRole
	}
	if err != nil {
		return "", fmt.Errorf("role %d: %w", roleID, err)
	}
	if err := s.guard.Can(ctx, by, ManageUsers, unit); err != nil {
		return "", err
	}
	if by.AccountID == account {
		return "", apperr.New(apperr.CodeConflict, "auth.err.revoke_own")
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok, err := revokeRole(ctx, tx, roleID, s.db.NowMillis())
		if err != nil {
			return fmt.Errorf("revoke role %d: %w", roleID, err)
		}
		if !ok {
			return errNoRole
		}
		if err := s.changedSessions(ctx, tx, account); err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, by, ManageUsers, unit, "role", fmt.Sprint(roleID),
			map[string]any{"account": account, "role": role, "unit": unit}, "revoked")
	})
	if err != nil {
		return "", err
	}
	s.forgetLocal(account)
	return role, nil
}

// SetLocked locks an official's account (status disabled: every session ends, at
// once here and within SessionMaxAge elsewhere, and signing in is refused) or
// unlocks it. The actor must manage users over every unit where the account holds
// a role; otherwise the account is "not found". No one locks their own.
func (s *Service) SetLocked(ctx context.Context, by *Actor, accountID int64, locked bool) (Account, error) {
	acc, err := officialByID(ctx, s.db, accountID)
	if err != nil {
		return Account{}, err
	}
	grants, err := grantsOf(ctx, s.db, accountID)
	if err != nil {
		return Account{}, err
	}
	if len(grants) == 0 {
		return Account{}, apperr.New(apperr.CodeNotFound, "auth.err.not_found")
	}
	for _, g := range grants {
		if err := s.guard.Can(ctx, by, ManageUsers, g.UnitID); err != nil {
			return Account{}, err
		}
	}
	if by.AccountID == accountID {
		return Account{}, apperr.New(apperr.CodeConflict, "auth.err.lock_own")
	}
	from, to := Active, Disabled
	if !locked {
		from, to = Disabled, Active
	}
	switch {
	case acc.Status == to:
		return Account{}, apperr.New(apperr.CodeConflict, "auth.err.lock_same", acc.Email)
	case acc.Status != from: // pending: not activated yet
		return Account{}, apperr.New(apperr.CodeConflict, "auth.err.lock_pending", acc.Email)
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok, err := setStatus(ctx, tx, accountID, from, to, s.db.NowMillis())
		if err != nil {
			return fmt.Errorf("lock account %d: %w", accountID, err)
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "auth.err.changed_meanwhile")
		}
		if locked {
			if err := deleteSessionsOf(ctx, tx, accountID); err != nil {
				return fmt.Errorf("end sessions of %d: %w", accountID, err)
			}
		}
		if err := s.changedSessions(ctx, tx, accountID); err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, by, ManageUsers, grants[0].UnitID, "account", fmt.Sprint(accountID), from, to)
	})
	if err != nil {
		return Account{}, err
	}
	s.forgetLocal(accountID)
	acc.Status = to
	return acc, nil
}
