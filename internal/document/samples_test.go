package document

import (
	"fmt"
	"time"

	"danchu/internal/legal"
)

// stateSample is seed 002 (Văn phòng UBND tỉnh Quảng Trị, a plan) written by
// hand as a Doc: a state body's plan with sections, tasks, recipients and a
// signature on behalf of the chief of office.
func stateSample() Doc {
	return Doc{
		Style:   State,
		Parent:  "UBND TỈNH QUẢNG TRỊ",
		Issuer:  "VĂN PHÒNG",
		Number:  "05/KH-UBND",
		Place:   "Quảng Trị",
		Date:    legal.DateOf(2026, time.January, 5),
		Kind:    "Kế hoạch",
		Summary: "Thực hiện công tác Dân chủ ở cơ sở, Dân vận chính quyền năm 2024",
		Bases: []string{
			"Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022",
			"Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ quy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở;",
		},
		Body: []Block{
			{Kind: Paragraph, Text: "Thực hiện Kế hoạch số 88/KH-UBND ngày 24/04/2023 của UBND tỉnh triển khai thi hành Luật Thực hiện dân chủ cơ sở, Kế hoạch số 25/KH-UBND ngày 05/02/2021 của UBND tỉnh về thực hiện công tác dân vận chính quyền giai đoạn 2021-2025, Văn phòng UBND tỉnh ban hành Kế hoạch thực hiện công tác dân chủ ở cơ sở, dân vận chính quyền năm 2024 với các nội dung sau:"},
			{Kind: Heading, Level: 1, Number: "I.", Text: "Mục đích, yêu cầu"},
			{Kind: Heading, Level: 2, Number: "1.", Text: "Mục đích"},
			{Kind: Paragraph, Text: "Nâng cao nhận thức của công chức, viên chức và người lao động (CCVC) về vai trò, vị trí, tầm quan trọng; vai trò, trách nhiệm của người đứng đầu trong việc thực hiện dân chủ ở cơ sở, công tác dân vận chính quyền."},
			{Kind: Paragraph, Text: "Tăng cường sự đoàn kết, thống nhất và dân chủ, nâng cao tinh thần trách nhiệm của CCVC trong thực hiện nhiệm vụ, tham gia giám sát các hoạt động của cơ quan."},
			{Kind: Heading, Level: 2, Number: "2.", Text: "Yêu cầu"},
			{Kind: Item, Level: 1, Text: "Phát huy tinh thần chủ động, sáng tạo, phối hợp thực hiện có hiệu quả các nhiệm vụ để thực hiện tốt dân chủ cơ sở, dân vận chính quyền; gắn việc \"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh\" với thực hiện quy chế dân chủ cơ sở."},
			{Kind: Item, Level: 1, Text: "Chỉ đạo triển khai một cách thường xuyên, toàn diện, đồng thời có trọng tâm, trọng điểm; tăng cường sự phối hợp giữa các cấp ủy Đảng, cơ quan, đơn vị với các tổ chức đoàn thể."},
			{Kind: Heading, Level: 1, Number: "II.", Text: "Nội dung"},
			{Kind: Heading, Level: 2, Number: "1.", Text: "Công tác chỉ đạo điều hành"},
			{Kind: Paragraph, Text: "Các cấp ủy Đảng, Lãnh đạo Văn phòng UBND tỉnh (Văn phòng), Trưởng các phòng, ban, đơn vị (đơn vị) thường xuyên quan tâm chỉ đạo và tổ chức thực hiện tốt quy chế dân chủ cơ sở, công tác dân vận chính quyền theo thẩm quyền; tăng cường công tác kiểm tra, giám sát, đôn đốc, chấn chỉnh, sơ kết, tổng kết việc thực hiện theo quy định."},
			{Kind: Heading, Level: 2, Number: "2.", Text: "Công tác tuyên truyền, quán triệt"},
			{Kind: Paragraph, Text: "Thường xuyên thực hiện công tác tuyên truyền, quán triệt các chủ trương, chính sách của Đảng và pháp luật của Nhà nước về công tác dân chủ cơ sở, dân vận chính quyền, văn hóa công vụ đến toàn thể CCVC-NLĐ trong Văn phòng; những nội dung cơ bản của Luật Thực hiện dân chủ ở cơ sở, Nghị định số 04/2015/NĐ-CP ngày 09/01/2015 của Chính phủ."},
			{Kind: Heading, Level: 1, Number: "III.", Text: "Tổ chức thực hiện"},
			{Kind: Paragraph, Text: "1. Các phòng, ban, đơn vị căn cứ Kế hoạch này chủ động triển khai thực hiện; Phòng Hành chính - Tổ chức tham mưu tổ chức triển khai, theo dõi, tổng hợp, báo cáo kết quả; Phòng Quản trị - Tài vụ bảo đảm kinh phí theo quy định./."},
		},
		Recipients: []Recipient{
			{Name: "ĐUK CQ&DN tỉnh", Note: "b/c"},
			{Name: "Sở Nội vụ", Note: "b/c"},
			{Name: "CVP, các PVP UBND tỉnh"},
			{Name: "Các phòng, ban, đơn vị"},
			{Name: "Các tổ chức đoàn thể thuộc VP"},
			{Name: "Lưu: VT, HCTC"},
		},
		Signature: Signature{Lines: []string{"KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"}, Name: "Nguyễn Cửu"},
	}
}

// partySample is seed 004 (Tỉnh ủy Bắc Giang, Chỉ thị 09-CT/TU) as a Doc.
func partySample() Doc {
	return Doc{
		Style:   Party,
		Issuer:  "TỈNH ỦY BẮC GIANG",
		Number:  "09-CT/TU",
		Place:   "Bắc Giang",
		Date:    legal.DateOf(2021, time.August, 10),
		Kind:    "Chỉ thị",
		Summary: "của Ban Thường vụ Tỉnh ủy tiếp tục đẩy mạnh, nâng cao chất lượng, hiệu quả việc thực hiện quy chế dân chủ ở cơ sở",
		Body: []Block{
			{Kind: Paragraph, Text: "Thời gian qua, việc xây dựng và thực hiện quy chế dân chủ ở cơ sở trên địa bàn tỉnh đã đạt được những kết quả quan trọng; quyền làm chủ của Nhân dân được phát huy, góp phần tăng cường khối đại đoàn kết toàn dân trong xây dựng và phát triển địa phương."},
			{Kind: Paragraph, Text: "Tuy nhiên, việc thực hiện quy chế dân chủ còn một số hạn chế, chất lượng thực hiện ở các loại hình chưa đồng đều; dân chủ trong cơ quan, đơn vị doanh nghiệp chưa được quan tâm đúng mức. Hoạt động của ban chỉ đạo quy chế dân chủ ở một số địa phương, đơn vị còn hình thức."},
			{Kind: Paragraph, Text: "1. Tiếp tục tuyên truyền, quán triệt, nâng cao nhận thức cho cán bộ, đảng viên, công chức, viên chức, người lao động và Nhân dân về chủ trương, quan điểm chỉ đạo của Đảng, trọng tâm là Chỉ thị số 30-CT/TW ngày 18/02/1998 và Kết luận số 120-KL/TW ngày 07/01/2016 của Bộ Chính trị."},
			{Kind: Paragraph, Text: "2. Cấp ủy đảng các cấp rà soát, củng cố, thường xuyên kiện toàn ban chỉ đạo thực hiện quy chế dân chủ; các huyện ủy, thành ủy phân công trưởng ban chỉ đạo là bí thư hoặc phó bí thư cấp ủy."},
			{Kind: Heading, Level: 2, Number: "8.", Text: "Tổ chức thực hiện"},
			{Kind: Item, Text: "Ủy ban nhân dân tỉnh xây dựng kế hoạch thực hiện Chỉ thị, xong trong tháng 9/2021; chỉ đạo các sở, cơ quan trực thuộc rà soát, ban hành quy định thực hiện dân chủ trong ngành, lĩnh vực."},
			{Kind: Item, Text: "Ban Dân vận Tỉnh ủy hướng dẫn tổ chức, hoạt động của ban chỉ đạo quy chế dân chủ cấp huyện và cơ sở."},
			{Kind: Paragraph, Text: "Chỉ thị này phổ biến đến chi bộ./."},
		},
		Recipients: []Recipient{
			{Name: "Ban Bí thư Trung ương Đảng", Note: "báo cáo"},
			{Name: "Ban Chỉ đạo Trung ương về QCDC", Note: "báo cáo"},
			{Name: "Các đảng đoàn, ban cán sự đảng"},
			{Name: "Ủy ban MTTQ và các đoàn thể tỉnh"},
			{Name: "Các đồng chí Tỉnh ủy viên"},
			{Name: "Lưu Văn phòng Tỉnh ủy"},
		},
		Signature: Signature{Lines: []string{"T/M BAN THƯỜNG VỤ", "BÍ THƯ"}, Name: "Dương Văn Thái"},
	}
}

// longPlan is a plan of about ten pages: the state sample's body repeated
// under numbered sections.
func longPlan() Doc {
	d := stateSample()
	base := d.Body
	d.Body = nil
	roman := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
	for i := range 7 {
		d.Body = append(d.Body, Block{Kind: Heading, Level: 1, Number: roman[i] + ".", Text: fmt.Sprintf("Nhiệm vụ trọng tâm số %d", i+1)})
		d.Body = append(d.Body, base...)
	}
	return d
}

// reportSample is a report not yet numbered nor dated (the clerk fills both
// in), sent to two addressees.
func reportSample() Doc {
	return Doc{
		Style:      State,
		Parent:     "UBND TỈNH QUẢNG TRỊ",
		Issuer:     "VĂN PHÒNG",
		Symbol:     "BC-VP",
		Place:      "Quảng Trị",
		Kind:       "Báo cáo",
		Summary:    "Kết quả thực hiện dân chủ ở cơ sở năm 2025",
		Addressees: []string{"Ủy ban nhân dân tỉnh", "Sở Nội vụ"},
		Body: []Block{
			{Kind: Heading, Level: 1, Number: "I.", Text: "Kết quả đạt được"},
			{Kind: Heading, Level: 3, Number: "a)", Text: "Công khai thông tin"},
			{Kind: Paragraph, Text: "Niêm yết công khai đủ các nội dung theo Điều 11 Luật Thực hiện dân chủ ở cơ sở."},
			{Kind: Heading, Level: 4, Text: "Những tồn tại"},
			{Kind: Item, Level: 2, Text: "Một số thôn chưa cập nhật kịp thời."},
		},
		Recipients: []Recipient{{Name: "Như trên"}, {Name: "Lưu: VT"}},
		Signature:  Signature{Lines: []string{"CHÁNH VĂN PHÒNG"}, Name: "Lê Văn Dũng"},
	}
}

var reportText = []string{
	"Số: /BC-VP", "Quảng Trị, ngày tháng năm", "BÁO CÁO", "Kết quả thực hiện dân chủ ở cơ sở năm 2025",
	"Kính gửi:", "- Ủy ban nhân dân tỉnh;", "- Sở Nội vụ.", "I. KẾT QUẢ ĐẠT ĐƯỢC", "a) Công khai thông tin",
	"Những tồn tại", "+ Một số thôn chưa cập nhật kịp thời.", "- Như trên;", "- Lưu: VT.", "CHÁNH VĂN PHÒNG", "Lê Văn Dũng",
}
