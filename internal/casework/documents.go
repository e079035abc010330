package casework

import (
	"strings"

	"danchu/internal/document"
	"danchu/internal/org"
)

// The documents of a case: the notices and decisions its steps are, laid out
// as the competent body issues them (Nghị định 30/2020 via internal/document),
// from the working copy only. No document names the lodger: a denouncer's
// identity is not in any export (Luật Tố cáo 2018 Art 47); the clerk adds the
// addressee's name on the copy sent to them.

// stepDoc is what the document of a step is.
type stepDoc struct {
	kind, symbol string
	summary      map[string]string // by the case's kind
}

var stepDocs = map[string]stepDoc{
	DoAccept: {"THÔNG BÁO", "TB", map[string]string{Complaint: "Về việc thụ lý giải quyết khiếu nại", Denunciation: "Về việc thụ lý tố cáo"}},
	DoRefuse: {"THÔNG BÁO", "TB", map[string]string{Complaint: "Về việc không thụ lý giải quyết khiếu nại", Denunciation: "Về việc không thụ lý tố cáo"}},
	DoNotice: {"THÔNG BÁO", "TB", map[string]string{Complaint: "Về việc tổ chức đối thoại"}},
	DoExtend: {"QUYẾT ĐỊNH", "QĐ", map[string]string{Denunciation: "Về việc gia hạn giải quyết tố cáo"}},
	DoSuspend: {"QUYẾT ĐỊNH", "QĐ", map[string]string{Complaint: "Về việc tạm đình chỉ việc giải quyết khiếu nại",
		Denunciation: "Về việc tạm đình chỉ việc giải quyết tố cáo"}},
	DoResume: {"QUYẾT ĐỊNH", "QĐ", map[string]string{Complaint: "Về việc tiếp tục giải quyết khiếu nại",
		Denunciation: "Về việc tiếp tục giải quyết tố cáo"}},
	DoDecide:   {"QUYẾT ĐỊNH", "QĐ", map[string]string{Complaint: "Về việc giải quyết khiếu nại"}},
	DoConclude: {"KẾT LUẬN", "KL", map[string]string{Denunciation: "Nội dung tố cáo"}},
}

// HasDocument reports whether a step of a case of kind is a document.
func HasDocument(kind, step string) bool {
	_, ok := stepDocs[step].summary[kind]
	return ok
}

// bases are the laws a case's documents are issued under.
var bases = map[string][]string{
	Complaint: {"Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;", "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;",
		"Căn cứ Nghị định số 124/2020/NĐ-CP ngày 19 tháng 10 năm 2020 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Khiếu nại."},
	Denunciation: {"Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;", "Căn cứ Luật Tố cáo ngày 12 tháng 6 năm 2018;",
		"Căn cứ Nghị định số 31/2019/NĐ-CP ngày 10 tháng 4 năm 2019 của Chính phủ quy định chi tiết một số điều và biện pháp tổ chức thi hành Luật Tố cáo."},
}

// StepDocument is the document of step st of case c, issued by unit (the
// competent body's people's committee); false when the step is none.
func StepDocument(c Case, st Step, unit org.Unit) (document.Doc, bool) {
	sd, ok := stepDocs[st.Step]
	summary, kindOK := sd.summary[c.Kind]
	if !ok || !kindOK || st.CaseID != c.ID {
		return document.Doc{}, false
	}
	short := unit.ShortName
	if short == "" {
		short = "UBND"
	}
	who := "người khiếu nại"
	if c.Kind == Denunciation {
		who = "người tố cáo"
	}
	if c.Kind == Complaint && st.Step == DoDecide {
		if c.Instance == 2 {
			summary += " (lần hai)"
		} else {
			summary += " (lần đầu)"
		}
	}
	p := func(text string) document.Block { return document.Block{Kind: document.Paragraph, Text: text} }
	body := []document.Block{
		p("Xét đơn của " + who + " nhận ngày " + c.Received.VN() + " (mã hồ sơ " + c.Code + "), nội dung: " + strings.TrimSpace(c.Subject) + "."),
	}
	switch st.Step {
	case DoAccept:
		body = append(body, p("Chủ tịch Ủy ban nhân dân "+unit.Name+" thông báo thụ lý giải quyết kể từ ngày "+st.On.VN()+"."))
	case DoRefuse:
		body = append(body, p("Chủ tịch Ủy ban nhân dân "+unit.Name+" thông báo không thụ lý. Lý do: "+st.Reason))
	case DoNotice:
		body = append(body, p("Mời người khiếu nại, người bị khiếu nại và người có quyền, nghĩa vụ liên quan đến đối thoại vào ngày "+st.Planned.VN()+"."))
		if st.Reason != "" {
			body = append(body, p(st.Reason))
		}
	case DoExtend:
		body = append(body, p("Gia hạn thời hạn giải quyết tố cáo (Luật Tố cáo 2018 Điều 30). Lý do: "+st.Reason))
	case DoSuspend:
		body = append(body, p("Tạm đình chỉ việc giải quyết kể từ ngày "+st.On.VN()+". Lý do: "+st.Reason))
	case DoResume:
		body = append(body, p("Tiếp tục giải quyết kể từ ngày "+st.On.VN()+". Lý do: "+st.Reason))
	case DoDecide, DoConclude:
		if st.Reason != "" {
			body = append(body, p(st.Reason))
		}
		body = append(body, p("Nội dung kết quả xác minh, căn cứ pháp luật và kết luận được ghi trong hồ sơ giải quyết "+c.Code+"."))
	}
	signer := []string{"CHỦ TỊCH"}
	if sd.kind == "THÔNG BÁO" {
		signer = []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}
	}
	d := document.Doc{Style: document.State, Issuer: "ỦY BAN NHÂN DÂN " + strings.ToUpper(unit.Name), Number: st.Number,
		Symbol: sd.symbol + "-" + short, Place: unit.PlaceName(), Date: st.On, Kind: sd.kind, Summary: summary, Bases: bases[c.Kind], Body: body,
		Recipients: []document.Recipient{{Name: strings.ToUpper(who[:1]) + who[1:], Note: "(gửi riêng)"}, {Name: "Lưu: VT, hồ sơ " + c.Code}},
		Signature:  document.Signature{Lines: signer}}
	return d, true
}
