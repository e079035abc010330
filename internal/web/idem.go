package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"danchu/internal/db"
	"danchu/internal/random"
)

// IdemField is the hidden field of a creating form that carries its key (the
// "idem" partial writes it).
const IdemField = "key"

// FormIdem is the idempotency of a creating form's post (db.Once): the key of
// its hidden field and a fingerprint of everything else posted, every field but
// the form token and the key (names and values, in order) and each uploaded
// file's field, name and bytes (SHA-256). The service scopes it (Idem.In) with
// the actor and the action. A key that is not one (too long, not ASCII) is
// refused (400, db.err.key_format). A post without a key (a client that is not
// a browser on the form, a page from an older version) claims nothing and
// creates as before: every creating form carries the key
// (TestCreatingFormsCarryKey), so a browser's retry is always recognised.
func FormIdem(r *http.Request) (db.Idem, error) {
	key := r.PostFormValue(IdemField)
	if key == "" {
		return db.Idem{}, nil
	}
	if err := db.CheckIdemKey(key); err != nil {
		return db.Idem{}, err
	}
	fp, err := fingerprint(r.PostForm, r.MultipartForm, "csrf", IdemField)
	if err != nil {
		return db.Idem{}, err
	}
	return db.Idem{Key: key, Fingerprint: fp}, nil
}

// RequestFingerprint is the fingerprint of everything a request sent (an API's
// POST: the query and the body, r.Form) but the fields named in skip: every
// field's name and values, and each uploaded file's field, name and bytes.
func RequestFingerprint(r *http.Request, skip ...string) (string, error) {
	return fingerprint(r.Form, r.MultipartForm, skip...)
}

func fingerprint(vals url.Values, mf *multipart.Form, skip ...string) (string, error) {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		if slices.Contains(skip, k) {
			continue
		}
		// The count, so that a value cannot pass for the next field's name
		// ({a: [x, f, b, y]} is not {a: [x], b: [y]}).
		parts = append(parts, "f", k, strconv.Itoa(len(vals[k])))
		parts = append(parts, vals[k]...)
	}
	if mf != nil {
		for _, k := range slices.Sorted(maps.Keys(mf.File)) {
			for _, fh := range mf.File[k] {
				f, err := fh.Open()
				if err != nil {
					return "", err
				}
				h := sha256.New()
				_, err = io.Copy(h, f)
				f.Close()
				if err != nil {
					return "", err
				}
				parts = append(parts, "file", k, fh.Filename, hex.EncodeToString(h.Sum(nil)))
			}
		}
	}
	return db.Fingerprint(parts...), nil
}

// postedKey is the key a post carried, kept by the form shown again after an
// error (RenderStatus with a status of 400 or more: so that its retry is still
// the same post; a page answering a success, a new Open311 key, gets new keys);
// "" when there is none, it
// is not a key, or it was refused as used with other content (FailForm drops
// it: the form shown again gets a new one).
func postedKey(r *http.Request) string {
	if r.Method != http.MethodPost || r.PostForm == nil {
		return ""
	}
	k := r.PostForm.Get(IdemField)
	if db.CheckIdemKey(k) != nil {
		return ""
	}
	return k
}

// formKey is the key of the idem partial: the posted one on a form shown again,
// else a new one.
func formKey(v View) string {
	if v.postedKey != "" {
		return v.postedKey
	}
	return random.Key()
}
