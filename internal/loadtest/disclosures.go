package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strings"

	"danchu/internal/db"
	"danchu/internal/org"
	"danchu/internal/search"
)

// Dataset is what the scenarios pick their requests from.
type Dataset struct {
	IDs      []int64  // disclosures on public boards, oldest first
	Communes []string // commune codes
}

var (
	subjects = []string{"Dự toán ngân sách xã", "Quyết toán ngân sách", "Kế hoạch phát triển kinh tế - xã hội", "Quy chế dân chủ ở cơ sở",
		"Danh sách hộ nghèo, hộ cận nghèo", "Thu hồi đất làm đường giao thông nông thôn", "Quy hoạch sử dụng đất đai",
		"Mức đóng góp xây dựng nhà văn hóa thôn", "Hỗ trợ khắc phục thiệt hại do bão lũ", "Danh sách công dân nhập ngũ",
		"Kết quả thanh tra việc quản lý tài sản công", "Phí, lệ phí chứng thực", "Thủ tục hành chính đăng ký hộ tịch",
		"Kế hoạch lấy ý kiến Nhân dân về dự thảo hương ước", "Quỹ phòng chống thiên tai", "Kiên cố hóa kênh mương nội đồng"}
	qualifiers = []string{"năm 2025", "năm 2026", "quý I", "quý II", "quý III", "quý IV", "đợt 1", "đợt 2", "sửa đổi, bổ sung", "thôn Đông",
		"thôn Tây", "khu dân cư số 3", "tổ dân phố 5", "giai đoạn 2026-2030"}
	sentences = []string{"Ủy ban nhân dân xã thông báo để Nhân dân biết, theo dõi và giám sát.",
		"Mọi ý kiến đóng góp xin gửi về bộ phận một cửa của xã hoặc qua trưởng thôn.",
		"Nội dung chi tiết xem tệp đính kèm và niêm yết tại nhà văn hóa các thôn.",
		"Thời gian niêm yết tối thiểu 30 ngày liên tục kể từ ngày đăng.",
		"Căn cứ Luật Thực hiện dân chủ ở cơ sở năm 2022 và các văn bản hướng dẫn thi hành.",
		"Kinh phí thực hiện từ ngân sách xã và nguồn đóng góp tự nguyện của Nhân dân.",
		"Danh sách gồm họ tên chủ hộ, địa chỉ và mức hỗ trợ được hưởng.",
		"Đề nghị các hộ gia đình kiểm tra thông tin và phản ánh nếu có sai sót."}
)

// SearchWords are the queries of the search scenario: typed without diacritics.
var SearchWords = []string{"quy che dan chu", "dat dai", "ngan sach", "ho ngheo", "nha van hoa", "thien tai", "nhap ngu", "tai san cong",
	"le phi", "ho tich", "huong uoc", "kenh muong", "bao lu", "quyet toan", "dong gop"}

// GenerateDisclosures writes n synthetic disclosures spread over every commune of
// the database (which must hold the official list), with their first version.
func GenerateDisclosures(ctx context.Context, d *db.DB, units *org.Service, n int, progress func(done, total int)) (Dataset, error) {
	communes, err := units.UnitsOfTypes(ctx, org.Commune, org.Ward, org.SpecialZone)
	if err != nil {
		return Dataset{}, err
	}
	if len(communes) == 0 {
		return Dataset{}, fmt.Errorf("no communes: import the official list first")
	}
	ds := Dataset{}
	for _, c := range communes {
		ds.Communes = append(ds.Communes, c.Code)
	}
	r := rand.New(rand.NewPCG(2026, 11))
	const batch = 5000
	base := d.NowMillis() - int64(n)*60_000
	for done := 0; done < n; done += batch {
		m := min(batch, n-done)
		type row struct {
			id, unit          int64
			cat               int
			title, body, date string
			at                int64
			status            string
		}
		rows := make([]row, m)
		for i := range rows {
			c := communes[r.IntN(len(communes))]
			title := subjects[r.IntN(len(subjects))] + " " + qualifiers[r.IntN(len(qualifiers))]
			var body strings.Builder
			for range 3 + r.IntN(4) {
				body.WriteString(sentences[r.IntN(len(sentences))])
				body.WriteString("\n")
			}
			status := "posted"
			if r.IntN(10) == 0 {
				status = "archived"
			}
			day := 1 + r.IntN(28)
			rows[i] = row{id: d.NewID(), unit: c.ID, cat: 1 + r.IntN(14), title: title, body: body.String(),
				date: fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(10), day), at: base + int64(done+i)*60_000, status: status}
			ds.IDs = append(ds.IDs, rows[i].id)
		}
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			err := d.InsertBatches(ctx, tx, "disclosures", []string{"id", "unit_id", "board_id", "staff_only", "category", "status", "version",
				"title", "body", "decision_date", "due_date", "posting_start", "min_end", "late", "search_text", "published_at", "updated_at",
				"withdraw_reason", "created_by"}, m, func(i int) []any {
				x := rows[i]
				return []any{x.id, x.unit, x.unit, false, x.cat, x.status, 1, x.title, x.body, x.date, x.date, x.date, "", false,
					search.IndexText(x.title, x.body), x.at, x.at, "", 0}
			}, nil)
			if err != nil {
				return err
			}
			return d.InsertBatches(ctx, tx, "disclosure_versions", []string{"disclosure_id", "version", "title", "body", "reason", "created_by", "created_at"},
				m, func(i int) []any { x := rows[i]; return []any{x.id, 1, x.title, x.body, "", 0, x.at} }, nil)
		})
		if err != nil {
			return Dataset{}, fmt.Errorf("generate disclosures: %w", err)
		}
		if progress != nil {
			progress(done+m, n)
		}
	}
	if err := d.RunInTx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, "analyze"); return err }); err != nil {
		return Dataset{}, err
	}
	return ds, nil
}

// Popularity models which disclosures readers open.
const (
	Uniform = "uniform" // every disclosure alike
	Zipf    = "zipf"    // most reads go to the newest (ZipfS over rank = newness)
)

// ZipfS is the exponent of the popularity model: with s = 1.1 over 100,000
// disclosures the newest 1,000 take about three reads in four, as a
// commune's readers open this month's notices, not last year's.
const ZipfS = 1.1

// PopularDetail is the disclosure page under the Zipf popularity model: the
// newest disclosure is rank 0, the most read; rank k is read about
// (k+1)^-ZipfS as often (math/rand/v2's Zipf).
func PopularDetail(ds Dataset) Scenario {
	n := uint64(len(ds.IDs) - 1)
	return Scenario{Name: "disclosure detail zipf", Next: func(r *rand.Rand) string {
		rank := rand.NewZipf(r, ZipfS, 1, n).Uint64()
		return fmt.Sprintf("/cong-khai/%d", ds.IDs[n-rank])
	}}
}

// ZipfShare is the share of the reads of PopularDetail that go to the top
// newest disclosures of n (the model's cumulative weight), for the report.
func ZipfShare(top, n int) float64 {
	var head, all float64
	for k := range n {
		w := math.Pow(float64(k+1), -ZipfS)
		all += w
		if k < top {
			head += w
		}
	}
	return head / all
}

// DisclosureScenarios are the read paths of the disclosure board.
func DisclosureScenarios(ds Dataset) []Scenario {
	return []Scenario{
		{Name: "disclosure detail", Next: func(r *rand.Rand) string { return fmt.Sprintf("/cong-khai/%d", ds.IDs[r.IntN(len(ds.IDs))]) }},
		{Name: "commune board", Next: func(r *rand.Rand) string { return "/xa/" + ds.Communes[r.IntN(len(ds.Communes))] + "/cong-khai" }},
		{Name: "search", Next: func(r *rand.Rand) string {
			return "/cong-khai/tim?q=" + url.QueryEscape(SearchWords[r.IntN(len(SearchWords))])
		}},
	}
}
