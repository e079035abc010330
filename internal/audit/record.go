// Package audit keeps the two logs every capability writes to: the audit log of
// officials' actions (who, which role and unit, what, hashes of the object before
// and after, when, from where) and the public record, an append-only chain of
// public acts in which each entry carries the SHA-256 of the one before it, so that
// anyone can check that nothing was changed or removed.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// GenesisHash is the previous hash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Record is one entry of the public record.
type Record struct {
	Seq        int64           `json:"seq"`
	At         int64           `json:"at"` // milliseconds since 1970 (UTC)
	UnitID     int64           `json:"unit"`
	Kind       string          `json:"kind"` // e.g. "disclosure.posted"
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Summary    string          `json:"summary"`
	Data       json.RawMessage `json:"data,omitempty"`

	Content     string `json:"-"` // the canonical JSON the hashes cover
	ContentHash string `json:"-"`
	PrevHash    string `json:"-"`
	Hash        string `json:"-"`
	UnitName    string `json:"-"` // read with the entry, for display
}

// canonical is the content of r: its fields as JSON in a fixed order. What is stored
// is exactly these bytes, so checking never depends on re-encoding.
func canonical(r Record) (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode public record entry: %w", err)
	}
	return string(b), nil
}

// Sum is the hex SHA-256 of s.
func Sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// ChainHash is an entry's hash: SHA-256 of the previous entry's hash, a newline and
// its own content hash (`printf '%s\n%s' PREV CONTENT_HASH | sha256sum`).
func ChainHash(prev, contentHash string) string { return Sum(prev + "\n" + contentHash) }

// seal fills the content and hashes of r, the entry after prev.
func seal(r Record, prev string) (Record, error) {
	c, err := canonical(r)
	if err != nil {
		return r, err
	}
	r.Content, r.ContentHash, r.PrevHash = c, Sum(c), prev
	r.Hash = ChainHash(prev, r.ContentHash)
	return r, nil
}

// check reports what is wrong with stored entry r, the one after prev (nothing
// when it is sound): every reason, not only the first.
func check(r Record, prevSeq int64, prev string) []string {
	var whys []string
	if r.Seq != prevSeq+1 {
		whys = append(whys, fmt.Sprintf("số thứ tự %d đứng sau %d: thiếu mục / sequence %d follows %d: an entry is missing", r.Seq, prevSeq, r.Seq, prevSeq))
	}
	if r.PrevHash != prev {
		whys = append(whys, "mã băm mục trước không khớp / previous hash does not match the entry before")
	}
	if Sum(r.Content) != r.ContentHash {
		whys = append(whys, "nội dung đã bị sửa: mã băm nội dung không khớp / content was altered: content hash does not match")
	}
	if ChainHash(r.PrevHash, r.ContentHash) != r.Hash {
		whys = append(whys, "mã băm của mục không khớp / entry hash does not match")
	}
	for _, col := range []struct{ name, v string }{{"content", r.Content}, {"kind", r.Kind}, {"object_type", r.ObjectType},
		{"object_id", r.ObjectID}, {"summary", r.Summary}} {
		if !utf8.ValidString(col.v) {
			whys = append(whys, fmt.Sprintf("cột %s chứa byte không phải UTF-8 / column %s holds bytes that are not UTF-8", col.name, col.name))
		}
	}
	var c Record
	if err := json.Unmarshal([]byte(r.Content), &c); err != nil {
		return append(whys, "nội dung không đọc được / content is not valid JSON")
	}
	if c.Seq != r.Seq || c.At != r.At || c.UnitID != r.UnitID || c.Kind != r.Kind || c.ObjectType != r.ObjectType ||
		c.ObjectID != r.ObjectID || c.Summary != r.Summary {
		whys = append(whys, "các cột khác với nội dung đã băm / columns differ from the hashed content")
	}
	return whys
}

// HashOf is the hex SHA-256 of v's JSON encoding ("" for nil): what the audit log
// keeps of an object before and after an action.
func HashOf(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "unencodable:" + err.Error()
	}
	return Sum(string(b))
}
