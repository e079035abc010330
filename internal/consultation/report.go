package consultation

import (
	"context"
	"fmt"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/sheet"
)

// Report writes the synthesis report (báo cáo tổng hợp) as a workbook: the
// counts per part and stance with the decision, then every comment with its
// answer. The public copy (staff false) shows hidden comments by their reason
// only and leaves out officials' notes on offline sources.
func (s *Service) Report(ctx context.Context, c Consultation, staff bool) ([]byte, error) {
	t, err := s.Count(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	names := partNames(c)
	sum := sheet.Table{Name: "Tổng hợp", Title: "BÁO CÁO TỔNG HỢP Ý KIẾN — " + strings.ToUpper(c.Title),
		Note: fmt.Sprintf("Lấy ý kiến từ %s đến %s; %d ý kiến, đã trả lời %d; %d ý kiến bị ẩn trên trang công khai (vẫn được tính và trả lời).",
			c.OpensOn.VN(), c.ClosesOn.VN(), c.Comments, c.Answered, c.Hidden),
		Head: []string{"Phần dự thảo", "Đồng ý", "Không đồng ý", "Góp ý sửa đổi", "Tổng"}, Widths: []float64{40, 12, 14, 14, 10}}
	for n := 0; n <= len(c.Parts); n++ {
		p := t.ByPart[n]
		sum.Rows = append(sum.Rows, []any{names[n], p[Agree], p[Disagree], p[Suggest], p[Agree] + p[Disagree] + p[Suggest]})
	}
	sum.Rows = append(sum.Rows, []any{"Tổng cộng", t.Agree, t.Against, t.Suggest, t.Agree + t.Against + t.Suggest}, []any{})
	if c.Status == Synthesized {
		sum.Rows = append(sum.Rows, []any{"Quyết định", c.Decision})
		if c.AgainstReason != "" {
			sum.Rows = append(sum.Rows, []any{"Lý do không theo ý kiến đa số (Điều 28 khoản 4)", c.AgainstReason})
		}
	} else {
		sum.Rows = append(sum.Rows, []any{"Quyết định", "(chưa công bố kết quả tổng hợp)"})
	}

	list := sheet.Table{Name: "Ý kiến", Title: "Ý KIẾN VÀ TRẢ LỜI — " + strings.ToUpper(c.Title),
		Head:   []string{"STT", "Phần", "Ý kiến", "Người góp ý", "Nguồn", "Nội dung", "Thời gian", "Trả lời", "Nội dung trả lời"},
		Widths: []float64{6, 24, 14, 22, 14, 60, 16, 14, 50}}
	if staff {
		list.Head = append(list.Head, "Ghi chú nguồn", "Ẩn vì")
		list.Widths = append(list.Widths, 24, 20)
	}
	var after int64
	for {
		page, err := s.Comments(ctx, c.ID, after, 1000, false)
		if err != nil {
			return nil, err
		}
		for _, v := range page {
			body := v.Body
			if v.HiddenReason != "" && !staff {
				body = "(Đã ẩn: " + HideReasons[v.HiddenReason] + ")"
			}
			row := []any{len(list.Rows) + 1, names[v.Part], StanceNames[v.Stance], v.DisplayName, SourceNames[v.Source], body,
				sheet.Millis(v.CreatedAt), AnswerNames[v.AnswerKind], v.AnswerBody}
			if staff {
				row = append(row, v.SourceNote, HideReasons[v.HiddenReason])
			}
			list.Rows = append(list.Rows, row)
		}
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	b, err := sheet.XLSX(sum, list)
	if err != nil {
		return nil, fmt.Errorf("synthesis report %d: %w", c.ID, err)
	}
	return b, nil
}

// PublicReport is the report anyone may download once the synthesis is published.
func (s *Service) PublicReport(ctx context.Context, a *auth.Actor, id int64) (Consultation, []byte, error) {
	c, err := s.Get(ctx, a, id)
	if err != nil {
		return c, nil, err
	}
	if c.Status != Synthesized {
		return c, nil, apperr.New(apperr.CodeNotFound, "consultation.err.no_synthesis")
	}
	b, err := s.Report(ctx, c, false)
	return c, b, err
}
