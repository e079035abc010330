package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// noticeCookie carries what a successful post did to the page it redirects to
// (post-redirect-get): a locale key and whole-number arguments, never text.
const noticeCookie = "danchu_notice"

// noticeAge is how long a notice waits for its page (seconds): the redirect is
// followed at once; a notice never read is not shown a minute later.
const noticeAge = 60

// noticeKey is the shape of a notice's locale key: "room.done.what". Only
// such keys of the catalog are shown, so a forged cookie can choose among the
// site's own success messages and nothing else.
var noticeKey = regexp.MustCompile(`^[a-z0-9_]+\.done\.[a-z0-9_]+$`)

// maxNoticeArgs bounds the numbers a notice carries ("Đã trả lời 3 ý kiến").
const maxNoticeArgs = 3

// Done answers a successful post: a 303 to target (a path on this site: it
// goes through SafeNext) that shows, once, the notice key (a "room.done.what"
// key of the catalog, with whole-number arguments) at the top of the next
// page, in role="status". A reload of that page does not post again and does
// not show the notice again. One way for every room:
//
//	h.web.Done(w, r, URL(m.ID), "decision.done.noticed")
func (s *Server) Done(w http.ResponseWriter, r *http.Request, target, key string, args ...int) {
	if !noticeKey.MatchString(key) || len(args) > maxNoticeArgs || !s.catalog.has(key) || verbs(s.catalog[LangVI][key]) != len(args) {
		// A programming error (the room's tests see no notice): the post is done all the same.
		s.log.Error("notice is not a room.done.what key of the catalog", "key", key, "path", logPath(r.URL.Path, r.Pattern))
		http.Redirect(w, r, SafeNext(target), http.StatusSeeOther)
		return
	}
	v := key
	for _, a := range args {
		v += "." + strconv.Itoa(a)
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: v, Path: "/", MaxAge: noticeAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || strings.HasPrefix(s.Public, "https://")})
	http.Redirect(w, r, SafeNext(target), http.StatusSeeOther)
}

// takeNotice reads the notice a redirect left for this page, in the request's
// language, and clears it (a reload does not show it again); "" when there is
// none or it is not a notice of the catalog. Only a GET page takes it.
func (s *Server) takeNotice(w http.ResponseWriter, r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	c, err := r.Cookie(noticeCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || strings.HasPrefix(s.Public, "https://")})
	w.Header().Set("Cache-Control", "no-store") // the page carries this visitor's notice
	key, args := parseNotice(c.Value)
	if key == "" || !s.catalog.has(key) || verbs(s.catalog[LangVI][key]) != len(args) {
		return ""
	}
	return s.catalog.T(requestLang(r), key, args...)
}

// parseNotice splits a notice cookie into its key and numbers ("" when it is
// not a well-formed notice).
func parseNotice(v string) (string, []any) {
	parts := strings.Split(v, ".")
	if len(parts) < 3 || len(parts) > 3+maxNoticeArgs {
		return "", nil
	}
	key := strings.Join(parts[:3], ".")
	if !noticeKey.MatchString(key) {
		return "", nil
	}
	var args []any
	for _, p := range parts[3:] {
		// As Done writes a whole number (strconv.Itoa): digits only, no sign, no leading zero.
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 9 || strconv.Itoa(n) != p {
			return "", nil
		}
		args = append(args, n)
	}
	return key, args
}

// verbs counts the arguments a catalog text takes.
func verbs(text string) int { return strings.Count(text, "%") - 2*strings.Count(text, "%%") }
