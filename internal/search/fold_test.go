package search_test

import (
	"testing"
	"unicode"

	"danchu/internal/search"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Xã Đan Điền", "xa dan dien"},
		{"Thành phố Đà Nẵng", "thanh pho da nang"},
		{"ỨNG HÒA", "ung hoa"},
		{"  Phường   Vỹ\tDạ ", "phuong vy da"},
		{"Chân Mây - Lăng Cô", "chan may - lang co"},
		{"A Lưới 2", "a luoi 2"},
		// NFC and NFD input fold the same.
		{"Nghe\u0302\u0323 An", "nghe an"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := search.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Thừa Thiên Huế", "Đặc khu Phú Quốc", "Tổ dân phố 5", "ỷ ỹ ỵ Ỷ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := search.Fold(s)
		if twice := search.Fold(once); twice != once {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, once, twice)
		}
		for _, r := range once {
			if isVietnameseLetter(r) {
				t.Fatalf("Fold(%q) = %q keeps Vietnamese letter %q", s, once, r)
			}
		}
	})
}

// isVietnameseLetter reports whether r is a Latin letter with a Vietnamese mark or đ.
func isVietnameseLetter(r rune) bool {
	if r == 'đ' || r == 'Đ' {
		return true
	}
	for _, x := range []rune("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ") {
		if r == x || unicode.ToUpper(x) == r {
			return true
		}
	}
	return false
}
