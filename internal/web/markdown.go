package web

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// Markdown renders the small Markdown subset officials write (paragraphs, line
// breaks, headings #–###, lists with - * or 1., **bold**, *italic*, and links to
// http/https addresses) as HTML. Every character of the source is escaped first,
// so raw HTML, scripts and event handlers in the text are shown as text, never run.
func Markdown(src string) template.HTML {
	var out strings.Builder
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var para []string
	list := "" // "ul" or "ol" while inside a list
	flushPara := func() {
		if len(para) > 0 {
			out.WriteString("<p>" + strings.Join(para, "<br>\n") + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			out.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	for _, raw := range lines {
		line := strings.TrimRight(raw, " \t")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flushPara()
			closeList()
		case strings.HasPrefix(trimmed, "#"):
			flushPara()
			closeList()
			level := len(trimmed) - len(strings.TrimLeft(trimmed, "#"))
			text := strings.TrimSpace(trimmed[level:])
			tag := map[int]string{1: "h2", 2: "h3"}[level]
			if tag == "" {
				tag = "h4"
			}
			out.WriteString("<" + tag + ">" + inline(text) + "</" + tag + ">\n")
		case listItem.MatchString(trimmed):
			flushPara()
			m := listItem.FindStringSubmatch(trimmed)
			kind := "ul"
			if m[1] != "-" && m[1] != "*" {
				kind = "ol"
			}
			if list != kind {
				closeList()
				out.WriteString("<" + kind + ">\n")
				list = kind
			}
			out.WriteString("<li>" + inline(m[2]) + "</li>\n")
		default:
			closeList()
			para = append(para, inline(trimmed))
		}
	}
	flushPara()
	closeList()
	return template.HTML(out.String())
}

var (
	listItem = regexp.MustCompile(`^(-|\*|\d{1,3}[.)])\s+(.*)$`)
	bold     = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	italic   = regexp.MustCompile(`\*([^*]+)\*`)
	link     = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
)

// MarkdownText is the text of Markdown src as it reads once rendered, without
// its marks (#, list markers, ** and *, link syntax), lines joined by spaces:
// for snippets and other short excerpts, which are never shown raw.
func MarkdownText(src string) string {
	var words []string
	for _, raw := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(raw)
		if m := listItem.FindStringSubmatch(t); m != nil {
			t = m[2]
		} else if strings.HasPrefix(t, "#") {
			t = strings.TrimSpace(strings.TrimLeft(t, "#"))
		}
		t = link.ReplaceAllString(t, "$1")
		t = bold.ReplaceAllString(t, "$1")
		t = italic.ReplaceAllString(t, "$1")
		if t != "" {
			words = append(words, t)
		}
	}
	return strings.Join(words, " ")
}

// MarkdownLine renders one line of Markdown source as it shows in the page:
// inline marks applied, a list item with its bullet or number, a heading in
// bold. For line-by-line views such as the comparison of two versions.
func MarkdownLine(line string) template.HTML {
	t := strings.TrimSpace(line)
	switch m := listItem.FindStringSubmatch(t); {
	case m != nil:
		marker := "•"
		if m[1] != "-" && m[1] != "*" {
			marker = template.HTMLEscapeString(m[1])
		}
		return template.HTML(marker + " " + inline(m[2]))
	case strings.HasPrefix(t, "#"):
		return template.HTML("<strong>" + inline(strings.TrimSpace(strings.TrimLeft(t, "#"))) + "</strong>")
	}
	return template.HTML(inline(t))
}

// inline escapes text and then applies bold, italic and safe links.
func inline(s string) string {
	s = template.HTMLEscapeString(s)
	s = link.ReplaceAllStringFunc(s, func(m string) string {
		p := link.FindStringSubmatch(m)
		href := template.HTMLEscapeString(strings.ReplaceAll(p[2], "&amp;", "&"))
		u, err := url.Parse(strings.ReplaceAll(p[2], "&amp;", "&"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return p[1]
		}
		return `<a href="` + href + `" rel="nofollow noopener">` + p[1] + `</a>`
	})
	s = bold.ReplaceAllString(s, "<strong>$1</strong>")
	s = italic.ReplaceAllString(s, "<em>$1</em>")
	return s
}

// Excerpt is the first words of a text of at most n characters (runes), its
// spaces collapsed, cut between words when a space falls in its second half
// (else at n characters, never inside one), with "…" when it was cut.
// Search snippets and feed summaries use it.
func Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := string(rs[:n])
	if rs[n] == ' ' { // the cut falls between two words
		return strings.TrimRight(cut, " ,;:.-–") + "…"
	}
	if i := strings.LastIndex(cut, " "); i >= len(cut)/2 {
		return strings.TrimRight(cut[:i], " ,;:.-–") + "…"
	}
	return cut + "…"
}
