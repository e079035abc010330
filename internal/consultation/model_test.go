package consultation

import (
	"testing"
)

func TestParseParts(t *testing.T) {
	got := ParseParts("Lời nói đầu\n\n## Chương I\nQuy định chung\nDòng hai\nĐiều 2. Phạm vi\nNội dung\n")
	want := []Part{{1, "Phần 1", "Lời nói đầu"}, {2, "Chương I", "Quy định chung\nDòng hai"}, {3, "Điều 2. Phạm vi", "Nội dung"}}
	if len(got) != len(want) {
		t.Fatalf("parts = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("part %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(ParseParts("  \n\n")) != 0 {
		t.Error("blank text has parts")
	}
}

func TestAgainstMajority(t *testing.T) {
	for _, tt := range []struct {
		adopted        bool
		agree, against int
		want           bool
	}{{true, 3, 5, true}, {true, 5, 3, false}, {false, 5, 3, true}, {false, 3, 5, false}, {true, 4, 4, false}} {
		if got := AgainstMajority(tt.adopted, tt.agree, tt.against); got != tt.want {
			t.Errorf("AgainstMajority(%v, %d, %d) = %v", tt.adopted, tt.agree, tt.against, got)
		}
	}
}
