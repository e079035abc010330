package document

import (
	"slices"
	"testing"
	"time"

	"danchu/internal/legal"
)

func TestDateLine(t *testing.T) {
	tests := []struct {
		place string
		date  legal.Date
		want  string
	}{
		{"Huế", legal.DateOf(2026, time.January, 5), "Huế, ngày 05 tháng 01 năm 2026"},
		{"Hà Nội", legal.DateOf(2023, time.August, 14), "Hà Nội, ngày 14 tháng 8 năm 2023"},
		{"Quảng Trị", legal.DateOf(2021, time.February, 5), "Quảng Trị, ngày 05 tháng 02 năm 2021"},
		{"Bắc Giang", legal.DateOf(2021, time.August, 10), "Bắc Giang, ngày 10 tháng 8 năm 2021"},
		{"Huế", legal.DateOf(2024, time.December, 9), "Huế, ngày 09 tháng 12 năm 2024"},
		{"Huế", legal.DateOf(2024, time.March, 31), "Huế, ngày 31 tháng 3 năm 2024"},
		{"Huế", legal.Date{}, "Huế, ngày" + blank + "tháng" + blank + "năm"},
		{"", legal.DateOf(2024, time.October, 1), "ngày 01 tháng 10 năm 2024"},
		{"  Thành phố\tHuế ", legal.DateOf(2022, time.August, 12), "Thành phố Huế, ngày 12 tháng 8 năm 2022"},
	}
	for _, tt := range tests {
		if got := DateLine(tt.place, tt.date); got != tt.want {
			t.Errorf("DateLine(%q, %v) = %q, want %q", tt.place, tt.date, got, tt.want)
		}
	}
}

func TestNumberLine(t *testing.T) {
	tests := []struct {
		style          Style
		number, symbol string
		want           string
	}{
		{State, "05/KH-UBND", "", "Số: 05/KH-UBND"},
		{State, "5/KH-UBND", "", "Số: 05/KH-UBND"},
		{State, "123/QĐ-UBND", "", "Số: 123/QĐ-UBND"},
		{State, "", "KH-UBND", "Số: " + blank + "/KH-UBND"},
		{State, "", "/BC-VP", "Số: " + blank + "/BC-VP"},
		{State, "", "", "Số:"},
		{Party, "09-CT/TU", "", "Số 09-CT/TU"},
		{Party, "9-CT/TU", "", "Số 09-CT/TU"},
		{Party, "162-KH/BCS", "", "Số 162-KH/BCS"},
		{Party, "", "CT/TU", "Số " + blank + "-CT/TU"},
		{Party, "", "", "Số"},
	}
	for _, tt := range tests {
		if got := NumberLine(tt.style, tt.number, tt.symbol); got != tt.want {
			t.Errorf("NumberLine(%v, %q, %q) = %q, want %q", tt.style, tt.number, tt.symbol, got, tt.want)
		}
	}
}

func TestMotto(t *testing.T) {
	if got := Motto(State); !slices.Equal(got, []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}) {
		t.Errorf("Motto(State) = %q", got)
	}
	if got := Motto(Party); !slices.Equal(got, []string{"ĐẢNG CỘNG SẢN VIỆT NAM"}) {
		t.Errorf("Motto(Party) = %q", got)
	}
}

func TestRecipientLines(t *testing.T) {
	tests := []struct {
		in   []Recipient
		want []string
	}{
		{nil, nil},
		{[]Recipient{{Name: "Lưu: VT, HCTC"}}, []string{"- Lưu: VT, HCTC."}},
		{[]Recipient{{Name: "Như trên"}, {Name: "BTV Tỉnh ủy", Note: "b/c"}, {Name: "Sở Nội vụ;"}, {Name: "Lưu: VT, CCHC."}},
			[]string{"- Như trên;", "- BTV Tỉnh ủy (b/c);", "- Sở Nội vụ;", "- Lưu: VT, CCHC."}},
		{[]Recipient{{Name: "- Sở Tư pháp,", Note: "(để báo cáo)"}, {Name: "  "}, {Name: "Lưu VT"}},
			[]string{"- Sở Tư pháp (để báo cáo);", "- Lưu VT."}},
	}
	for _, tt := range tests {
		if got := RecipientLines(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("RecipientLines(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBasisAndAddresseeLines(t *testing.T) {
	if got, want := BasisLines([]string{"Căn cứ Luật A", "", "Căn cứ Nghị định B;", "Theo đề nghị của C."}),
		[]string{"Căn cứ Luật A;", "Căn cứ Nghị định B;", "Theo đề nghị của C."}; !slices.Equal(got, want) {
		t.Errorf("BasisLines = %q, want %q", got, want)
	}
	tests := []struct {
		in   []string
		want []string
	}{
		{nil, nil},
		{[]string{"Ủy ban nhân dân tỉnh"}, []string{"Kính gửi: Ủy ban nhân dân tỉnh."}},
		{[]string{"Sở Nội vụ", "- Sở Tư pháp;"}, []string{"Kính gửi:", "- Sở Nội vụ;", "- Sở Tư pháp."}},
	}
	for _, tt := range tests {
		if got := AddresseeLines(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("AddresseeLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeadingAndItemText(t *testing.T) {
	tests := []struct {
		b    Block
		want string
	}{
		{Block{Kind: Heading, Level: 1, Number: "I.", Text: "Mục đích, yêu cầu"}, "I. MỤC ĐÍCH, YÊU CẦU"},
		{Block{Kind: Heading, Level: 2, Number: "1.", Text: "Mục đích"}, "1. Mục đích"},
		{Block{Kind: Heading, Level: 3, Number: "a)", Text: "Đối với xã"}, "a) Đối với xã"},
		{Block{Kind: Heading, Level: 2, Text: "Không số"}, "Không số"},
		{Block{Kind: Item, Level: 1, Text: "Tuyên truyền"}, "- Tuyên truyền"},
		{Block{Kind: Item, Level: 1, Text: "- Đã có dấu"}, "- Đã có dấu"},
		{Block{Kind: Item, Level: 2, Text: "Chi tiết"}, "+ Chi tiết"},
	}
	for _, tt := range tests {
		var got string
		if tt.b.Kind == Heading {
			got = HeadingText(tt.b)
		} else {
			got = ItemText(tt.b)
		}
		if got != tt.want {
			t.Errorf("%+v → %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kế hoạch", "Kế hoạch"},
		{"K\xffế \xc3", "K\uFFFDế \uFFFD"},
		{"a\x00b\x1bc\u0085d\u007f", "abc d"}, // NEL is a line break: a space
		{"dòng 1\r\ndòng\t2  ", "dòng 1 dòng 2"},
		{"nghie\u0302\u0323m", "nghiệm"}, // decomposed ệ composed
		{"a\ufffe\uffffb\u200bc\ufeff", "abc"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
