package planimport

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"danchu/internal/document"
)

// class is what a section holds, read from its heading's words.
type class int

const (
	unknown class = iota // the heading says nothing: its parent decides
	tasks                // NHIỆM VỤ, GIẢI PHÁP, NỘI DUNG, TỔ CHỨC THỰC HIỆN, PHÂN CÔNG, TRÁCH NHIỆM, THỜI GIAN, TIẾN ĐỘ
	targets              // MỤC TIÊU, CHỈ TIÊU, MỤC ĐÍCH, YÊU CẦU
	neither              // KẾT QUẢ, TÌNH HÌNH, TỒN TẠI, HẠN CHẾ, NGUYÊN NHÂN, KINH PHÍ, PHẠM VI, QUAN ĐIỂM …
)

var classWords = []struct {
	c     class
	words []string
}{
	{tasks, []string{"NHIỆM VỤ", "GIẢI PHÁP", "NỘI DUNG", "TỔ CHỨC THỰC HIỆN", "PHÂN CÔNG", "TRÁCH NHIỆM", "THỜI GIAN", "TIẾN ĐỘ", "LỘ TRÌNH"}},
	{targets, []string{"MỤC TIÊU", "CHỈ TIÊU", "MỤC ĐÍCH", "YÊU CẦU"}},
	{neither, []string{"KẾT QUẢ", "TÌNH HÌNH", "TỒN TẠI", "HẠN CHẾ", "NGUYÊN NHÂN", "ĐÁNH GIÁ", "KINH PHÍ", "PHẠM VI", "ĐỐI TƯỢNG", "QUAN ĐIỂM", "SỰ CẦN THIẾT", "BỐI CẢNH", "CĂN CỨ"}},
}

// classOf is the class a heading's title names by its first words ("II.
// NHIỆM VỤ VÀ GIẢI PHÁP", "2- Mục tiêu cụ thể."); a title naming two classes
// ("MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP"), starting with none, or longer than a title
// is unknown (the section above decides).
func classOf(text string) class {
	if longer(text, 120) { // a numbered paragraph, not a title: its words name nothing
		return unknown
	}
	u := strings.ToUpper(text)
	found := unknown
	for _, cw := range classWords {
		for _, w := range cw.words {
			if strings.HasPrefix(u, w) {
				found = cw.c
			}
		}
	}
	if found == unknown {
		return unknown
	}
	for _, cw := range classWords {
		for _, w := range cw.words {
			if cw.c != found && strings.Contains(u, w) {
				return unknown // "MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP": its parts say
			}
		}
	}
	return found
}

// leadIn reports whether a paragraph announces a list of tasks ("… thực hiện
// tốt một số nhiệm vụ sau:").
func leadIn(text string) bool {
	if !strings.HasSuffix(strings.TrimSpace(text), ":") {
		return false
	}
	l := fold(text)
	return strings.Contains(l, "nhiệm vụ") || strings.Contains(l, "giải pháp")
}

// frame is an open section while walking the body.
type frame struct {
	block int // the heading's index, -1 for the whole document
	level int
	class class
}

// scope is, for each block of the body, the class of the section it sits in
// and the chain of headings above it (outermost first).
type scope struct {
	class    []class
	headings [][]int
}

func (p *parser) scopes() scope {
	body := p.d.Doc.Body
	sc := scope{class: make([]class, len(body)), headings: make([][]int, len(body))}
	stack := []frame{{block: -1, level: -1}}
	eff := func() class {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].class != unknown {
				return stack[i].class
			}
		}
		return neither
	}
	for i, b := range body {
		if b.Kind == document.Heading {
			for len(stack) > 1 && stack[len(stack)-1].level >= b.Level {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, frame{block: i, level: b.Level, class: classOf(b.Text)})
		}
		sc.class[i] = eff()
		hs := make([]int, 0, len(stack)-1)
		for _, f := range stack[1:] {
			if f.block != i {
				hs = append(hs, f.block)
			}
		}
		sc.headings[i] = hs
		if b.Kind == document.Paragraph && leadIn(b.Text) && stack[len(stack)-1].class == unknown {
			stack[len(stack)-1].class = tasks
		}
	}
	return sc
}

// section is the number path of the headings above block i and of the block
// itself when it is a heading: "II.1", "III.2.a", "P3.III.1" in a document
// in parts ("Phần thứ ba" is P3); unnumbered headings add nothing.
func (p *parser) section(sc scope, i int) string {
	body := p.d.Doc.Body
	chain := append([]int{}, sc.headings[i]...)
	if body[i].Kind == document.Heading {
		chain = append(chain, i)
	}
	var parts []string
	for _, h := range chain {
		b := body[h]
		if b.Number == "" {
			continue
		}
		n := strings.TrimRight(b.Number, " .-–):,")
		switch {
		case b.Level == 0:
			hh, _ := parseHeading(b.Number + " x")
			n = "P" + strconv.Itoa(hh.value)
		case strings.HasSuffix(n, " là"):
			n = strconv.Itoa(ordinals[strings.ToLower(strings.TrimSuffix(n, " là"))])
		case strings.Contains(n, "."):
			n = n[strings.LastIndex(n, ".")+1:]
		}
		parts = append(parts, n)
	}
	return strings.Join(parts, ".")
}

// findTasks reads the tasks. In a section whose heading names tasks (or after
// a paragraph announcing them, "… một số nhiệm vụ sau:"):
//   - a heading with no heading or item under it is a task (its paragraphs are
//     its content);
//   - an item "- …" is a task (its "+ …" items are its content);
//   - a paragraph that opens by naming a body ("Sở Nội vụ chủ trì …",
//     "Giao Ban Dân vận Tỉnh ủy …") is a task, unless it is the first
//     paragraph of a heading that is itself a task (it is that task's text).
//
// The lead is the body named at the start of the task's text, else (a heading)
// of its first paragraph, else (an item) the heading above when that heading
// is a body's name ("2. Sở Nội vụ"). With, Deadline and Recurrence are read
// from the task's text and content.
func (p *parser) findTasks() {
	body := p.d.Doc.Body
	sc := p.scopes()
	hasChild := make([]bool, len(body)) // a heading with a heading or an item under it
	for i := range body {
		if body[i].Kind == document.Paragraph {
			continue
		}
		if hs := sc.headings[i]; len(hs) > 0 {
			if body[i].Kind == document.Heading || body[i].Level == 1 {
				hasChild[hs[len(hs)-1]] = true
			}
		}
	}
	isTask := make([]bool, len(body))
	for i, b := range body {
		if sc.class[i] != tasks {
			continue
		}
		switch b.Kind {
		case document.Heading:
			isTask[i] = !hasChild[i]
		case document.Item:
			isTask[i] = b.Level == 1
		case document.Paragraph:
			if leadIn(b.Text) || leadOf(b.Text, false) == "" {
				continue
			}
			first := i > 0 && body[i-1].Kind == document.Heading && isTask[i-1]
			isTask[i] = !first
		}
	}
	for i, b := range body {
		if !isTask[i] {
			continue
		}
		// The content: the following blocks up to the next task, heading or (for an item) item or paragraph.
		content := []string{b.Text}
		for j := i + 1; j < len(body) && !isTask[j] && body[j].Kind != document.Heading; j++ {
			if b.Kind == document.Item && !(body[j].Kind == document.Item && body[j].Level > 1) {
				break
			}
			if b.Kind == document.Paragraph {
				break
			}
			content = append(content, body[j].Text)
		}
		t := Task{Block: i, Section: p.section(sc, i), Title: b.Text}
		t.Lead = leadOf(b.Text, b.Kind == document.Heading)
		if t.Lead == "" && b.Kind == document.Heading && len(content) > 1 {
			t.Lead = leadOf(content[1], false)
		}
		if t.Lead == "" && b.Kind == document.Item {
			if hs := sc.headings[i]; len(hs) > 0 {
				t.Lead = leadOf(body[hs[len(hs)-1]].Text, true)
			}
		}
		all := strings.Join(content, " ")
		for _, c := range content { // the bodies of the first block that names some
			if t.With = withOf(c); t.With != nil {
				break
			}
		}
		t.Deadline, t.Recurrence = deadlineOf(all)
		p.d.Tasks = append(p.d.Tasks, t)
	}
}

// Bodies: the words a body's name starts with. A single word that is also
// common in running text (Sở, Ban, Phòng, Cục) counts only when the next word
// is capitalised ("Sở Nội vụ"), or after "Các".
var (
	bodyHeads = []string{
		"ủy ban", "ubnd", "hđnd", "hội đồng nhân dân", "văn phòng", "đảng ủy", "đảng đoàn", "đảng bộ",
		"ban cán sự", "ban chỉ đạo", "ban thường vụ", "ban chấp hành", "btv", "huyện ủy", "thành ủy", "tỉnh ủy", "thị ủy",
		"cấp ủy", "chi bộ", "mặt trận", "mttq", "công an", "bộ chỉ huy", "liên đoàn", "tỉnh đoàn", "đoàn thanh niên",
		"công đoàn", "thủ trưởng", "chủ tịch", "giám đốc", "người đứng đầu", "trưởng", "cơ quan", "đơn vị",
		"lực lượng", "chính quyền", "bí thư", "thường trực", "hội liên hiệp", "hội nông dân", "hội cựu chiến binh",
	}
	namedHeads  = []string{"sở", "ban", "phòng", "cục", "chi cục", "trung tâm", "viện", "trường", "báo", "đài"}
	pluralHeads = []string{"tổ chức", "huyện", "xã", "phường", "đoàn thể", "cấp", "ngành", "sở", "ban", "phòng", "địa phương", "doanh nghiệp", "hội", "trường"}
	allHeads    = append(append([]string{}, pluralHeads...), bodyHeads...)
	openers     = []string{"giao cho ", "giao ", "yêu cầu ", "đề nghị "}
	// stops end a body's name: verbs and the adverbs before them, written in lower case.
	stops = []string{
		"chủ trì", "phối hợp", "tham mưu", "xây dựng", "tổ chức", "triển khai", "thực hiện", "hướng dẫn", "chỉ đạo",
		"theo dõi", "kiểm tra", "tiếp tục", "tăng cường", "rà soát", "bảo đảm", "đảm bảo", "phổ biến", "quán triệt",
		"căn cứ", "có trách nhiệm", "chịu trách nhiệm", "thường xuyên", "đẩy mạnh", "nâng cao", "tích cực", "chủ động",
		"khẩn trương", "nghiêm túc", "tập trung", "phải", "cần", "trực tiếp", "định kỳ", "đôn đốc", "tuyên truyền",
		"cụ thể hóa", "thể chế hóa", "lãnh đạo", "quan tâm", "ban hành", "giám sát", "nghiên cứu", "bố trí", "cử",
		"mở", "tổng hợp", "báo cáo", "là", "được", "hàng năm", "hằng năm", "khi", "để", "sẽ", "đã", "luôn",
		"kiện toàn", "phát huy", "vận động", "chấp hành", "đề xuất", "xem xét", "giải quyết", "tiếp nhận",
		"đánh giá", "sơ kết", "tổng kết", "cung cấp", "hỗ trợ", "ưu tiên", "làm", "nắm", "rút", "lập", "đưa",
	}
)

// fold is text for matching: lower case, "uỷ" as "ủy" (the same length in bytes).
func fold(s string) string {
	// Byte for byte as long as s: the indices found in it are used in s.
	s = strings.Map(func(r rune) rune {
		if l := unicode.ToLower(r); utf8.RuneLen(l) == utf8.RuneLen(r) {
			return l
		}
		return r
	}, s)
	return strings.ReplaceAll(s, "uỷ", "ủy")
}

func hasWordPrefix(s, w string) bool {
	if !strings.HasPrefix(s, w) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[len(w):])
	return len(s) == len(w) || !unicode.IsLetter(r)
}

// leadOf is the body the text opens by naming ("Sở Nội vụ chủ trì …" → "Sở
// Nội vụ"; "Giao Ban Dân vận Tỉnh ủy theo dõi …" → "Ban Dân vận Tỉnh ủy"): a
// body's first word, then the words up to the first verb in lower case (not
// the word right after the first, "Ban chỉ đạo"), ";", "." or ":". whole: the
// text may be a body's name only (a heading "2. Sở Nội vụ").
func leadOf(text string, whole bool) string {
	s := strings.TrimSpace(prefix(text, 1000)) // a name is at most 160 characters
	f := fold(s)
	for _, o := range openers {
		if strings.HasPrefix(f, o) {
			s, f = strings.TrimSpace(s[len(o):]), strings.TrimSpace(f[len(o):])
			break
		}
	}
	start := 0
	ok := false
	if strings.HasPrefix(f, "các ") || strings.HasPrefix(f, "mỗi ") {
		start = strings.IndexByte(f, ' ') + 1
		for _, h := range allHeads {
			if hasWordPrefix(f[start:], h) {
				ok = true
				break
			}
		}
	} else {
		for _, h := range bodyHeads {
			if hasWordPrefix(f, h) {
				ok = true
				break
			}
		}
		for _, h := range namedHeads {
			if !ok && hasWordPrefix(f, h) {
				r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s[len(h):]))
				ok = unicode.IsUpper(r)
			}
		}
	}
	if !ok {
		return ""
	}
	// Walk the words; stop at a verb in lower case (from the third word on) or at ; . :
	words, end, byVerb := 0, -1, false
	for i := 0; i < len(s) && end < 0; {
		if c := s[i]; c == ';' || c == ':' || (c == '.' && (i+1 == len(s) || s[i+1] == ' ')) {
			end = i
			break
		}
		if i == 0 || s[i-1] == ' ' {
			words++
			if words >= 3 && lowerStart(s[i:]) {
				for _, st := range stops {
					if hasWordPrefix(f[i:], st) {
						end, byVerb = i, true
						break
					}
				}
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if !byVerb && !whole {
		return ""
	}
	if end < 0 {
		end = len(s)
	}
	lead := strings.TrimRight(strings.TrimSpace(s[:end]), " ,-–")
	if utf8.RuneCountInString(lead) > 160 || lead == "" {
		return ""
	}
	return lead
}

var (
	reWith    = regexp.MustCompile(`phối hợp(?: chặt chẽ)? (?:với|cùng) `)
	withStops = append(append([]string{}, stops...), "trong", "nhằm", "theo", "về", "tại", "đối với")
)

// withOf is the bodies named after "phối hợp với" up to the next verb in
// lower case or punctuation, split at " và " and at a comma followed by a new
// name (a capital or "các"): "UBND tỉnh và các ban, sở, ngành có liên quan" →
// "UBND tỉnh", "các ban, sở, ngành có liên quan".
func withOf(text string) []string {
	loc := reWith.FindStringIndex(fold(text))
	if loc == nil {
		return nil
	}
	s := prefix(text[loc[1]:], 2000)
	f := fold(s)
	end := len(s)
	for i := 0; i < len(s); {
		if c := s[i]; c == ';' || c == ':' || c == '(' || (c == '.' && (i+1 == len(s) || s[i+1] == ' ')) {
			end = i
			break
		}
		if i > 0 && s[i-1] == ' ' && lowerStart(s[i:]) && !strings.HasPrefix(f[i:], "các ") {
			stop := false
			for _, st := range withStops {
				if hasWordPrefix(f[i:], st) {
					stop = true
					break
				}
			}
			if stop {
				end = i
				break
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	s = strings.TrimSpace(s[:end])
	var out []string
	for _, part := range strings.Split(s, " và ") {
		var cur string
		for _, piece := range strings.Split(part, ", ") {
			piece = strings.TrimSpace(piece)
			if piece == "" {
				continue
			}
			r, _ := utf8.DecodeRuneInString(piece)
			if cur != "" && (unicode.IsUpper(r) || strings.HasPrefix(piece, "các ")) {
				out = append(out, cur)
				cur = ""
			}
			if cur == "" {
				cur = piece
			} else {
				cur += ", " + piece
			}
		}
		if cur = strings.TrimRight(cur, " ,-–"); cur != "" && utf8.RuneCountInString(cur) <= 120 {
			out = append(out, cur)
		}
	}
	return out
}

// The patterns of deadlines and recurrences, in lower case, anchored: they are
// tried on fold(text) at the starts of the words they begin with (one search
// of the whole text per pattern cost more than the rest of the parse), and
// the match is cut from the text as written.
var (
	reDeadline = regexp.MustCompile(`^(?:(?:trước|chậm nhất|hạn chót)(?: ngày)? \d{1,2}/\d{1,2}(?:/\d{4})?` +
		`|(?:trước|trong|chậm nhất) (?:tháng|quý) [0-9ivx]{1,4}(?:/| năm )\d{4}` +
		`|(?:tháng|quý) [0-9ivx]{1,4}/\d{4}` +
		`|(?:trước|trong|đến|chậm nhất) năm \d{4})`)
	deadlineWords = []string{"trước", "chậm nhất", "hạn chót", "trong", "tháng", "quý", "đến"}
	reRecur       = regexp.MustCompile(`^(?:(?:hằng|hàng|mỗi) |định kỳ (?:hằng |hàng )?)(năm|quý|tháng)`)
	recurWords    = []string{"hằng", "hàng", "mỗi", "định kỳ"}
)

var recurrences = map[string]string{"năm": "yearly", "quý": "quarterly", "tháng": "monthly"}

// findAt is the first match of the anchored re at the start of a word of f
// that begins with one of words (submatch indices into f), or nil.
func findAt(f string, re *regexp.Regexp, words []string) []int {
	prevWord := false
	for i, r := range f {
		if !prevWord && unicode.IsLetter(r) {
			for _, w := range words {
				if strings.HasPrefix(f[i:], w) {
					if m := re.FindStringSubmatchIndex(prefix(f[i:], 80)); m != nil {
						for k := range m {
							if m[k] >= 0 {
								m[k] += i
							}
						}
						return m
					}
					break
				}
			}
		}
		prevWord = isWordRune(r)
	}
	return nil
}

// deadlineOf is the deadline as written (the first date a task is due by:
// "trước ngày 30/6/2024", "trong tháng 9/2021", "Quý II/2024"; else the first
// recurrence or "thường xuyên") and the recurrence: the first of "hằng năm"
// (yearly), "hằng quý" (quarterly), "hằng tháng" (monthly) the text says
// ("hàng", "mỗi", "định kỳ …" too).
func deadlineOf(text string) (deadline, recurrence string) {
	f := fold(text)
	if m := findAt(f, reRecur, recurWords); m != nil {
		deadline, recurrence = text[m[0]:m[1]], recurrences[f[m[2]:m[3]]]
	}
	if m := findAt(f, reDeadline, deadlineWords); m != nil {
		deadline = text[m[0]:m[1]]
	} else if i := strings.Index(f, "thường xuyên"); i >= 0 && deadline == "" {
		deadline = text[i : i+len("thường xuyên")]
	}
	return deadline, recurrence
}

var (
	reValue = regexp.MustCompile(`((trên|dưới|ít nhất|tối thiểu|không dưới|không quá|tối đa|đạt|hơn|từ) )?\d+([.,]\d+)?\s?%` +
		`|(ít nhất|tối thiểu|không dưới|không quá|tối đa) \d+ \pL+`)
	reTargetBy = regexp.MustCompile(`(đến|trước|trong) năm \d{4}|(đến|trước) (ngày )?\d{1,2}/\d{1,2}/\d{4}`)
)

// findTargets reads the targets: in a section whose heading names targets or
// requirements (MỤC TIÊU, CHỈ TIÊU, MỤC ĐÍCH, YÊU CẦU), each item or paragraph
// holding a measurable value ("100%", "trên 80%", "ít nhất 01 lần"). Its
// deadline is its own ("đến năm 2020") or that of the paragraph introducing
// the list ("Phấn đấu đến năm 2020 …:").
func (p *parser) findTargets() {
	body := p.d.Doc.Body
	sc := p.scopes()
	intro := ""
	for i, b := range body {
		if b.Kind == document.Heading {
			intro = ""
			continue
		}
		if sc.class[i] != targets {
			continue
		}
		f := fold(b.Text)
		loc := reValue.FindStringIndex(f)
		if loc == nil {
			if b.Kind == document.Paragraph && strings.HasSuffix(b.Text, ":") {
				intro = cutAt(b.Text, reTargetBy.FindStringIndex(f))
			}
			continue
		}
		v := b.Text[loc[0]:loc[1]]
		by := cutAt(b.Text, reTargetBy.FindStringIndex(f))
		if by == "" {
			by = intro
		}
		p.d.Targets = append(p.d.Targets, Target{Block: i, Text: b.Text, Value: v, Deadline: by})
	}
}

// prefix is s cut to at most n bytes, on a character's boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cutAt is text[loc[0]:loc[1]], or "" for no match.
func cutAt(text string, loc []int) string {
	if loc == nil {
		return ""
	}
	return text[loc[0]:loc[1]]
}
