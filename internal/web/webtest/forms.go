package webtest

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Form is a form of a page as a browser reads it.
type Form struct {
	Action, Method string
	Fields         []Field
}

// Field is one input, select, textarea or button of a form.
type Field struct {
	Tag   string            // input, select, textarea, button
	Attrs map[string]string // every attribute as written (min, max, required, pattern, maxlength, type…)
	Value string            // input: value; textarea: its text; select: the selected option's value
	// Options of a select, in order, and whether each is selected.
	Options []Option
	// Label is the text of the label around the field (or for=), whitespace collapsed.
	Label string
}

// Option is an option of a select.
type Option struct {
	Value, Text string
	Selected    bool
}

// Name is the field's name.
func (f Field) Name() string { return f.Attrs["name"] }

// Has reports whether the field carries attribute a (required, checked…).
func (f Field) Has(a string) bool { _, ok := f.Attrs[a]; return ok }

// Field is the first field named name ("" when the form has none).
func (f Form) Field(name string) (Field, bool) {
	for _, x := range f.Fields {
		if x.Name() == name {
			return x, true
		}
	}
	return Field{}, false
}

// Values is what the form sends as it stands: text fields, checked boxes and
// radios, selected options (buttons left out).
func (f Form) Values() url.Values {
	v := url.Values{}
	for _, x := range f.Fields {
		n := x.Name()
		if n == "" || x.Tag == "button" {
			continue
		}
		switch t := x.Attrs["type"]; {
		case x.Tag == "input" && (t == "checkbox" || t == "radio"):
			if x.Has("checked") {
				v.Add(n, x.Value)
			}
		case x.Tag == "input" && (t == "submit" || t == "file"):
		default:
			v.Add(n, x.Value)
		}
	}
	return v
}

// Forms reads every form of a page.
func Forms(page string) []Form {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil
	}
	var forms []Form
	var walk func(n *html.Node, form *Form, label string)
	walk = func(n *html.Node, form *Form, label string) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			switch n.Data {
			case "form":
				forms = append(forms, Form{Action: attrs["action"], Method: strings.ToLower(attrs["method"])})
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c, &forms[len(forms)-1], label)
				}
				return
			case "label":
				label = collapse(text(n))
			case "input", "select", "textarea", "button":
				if form != nil {
					f := Field{Tag: n.Data, Attrs: attrs, Value: attrs["value"], Label: label}
					switch n.Data {
					case "textarea":
						f.Value = text(n)
					case "select":
						f.Value = ""
						for _, o := range options(n) {
							f.Options = append(f.Options, o)
							if o.Selected || f.Value == "" && len(f.Options) == 1 {
								f.Value = o.Value
							}
						}
					}
					form.Fields = append(form.Fields, f)
				}
				if n.Data != "button" {
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, form, label)
		}
	}
	walk(doc, nil, "")
	return forms
}

// FormTo is the first form of page posting to action, and whether there is one.
func FormTo(page, action string) (Form, bool) {
	for _, f := range Forms(page) {
		if f.Action == action {
			return f, true
		}
	}
	return Form{}, false
}

func options(sel *html.Node) []Option {
	var out []Option
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "option" {
			o := Option{Text: collapse(text(n))}
			o.Value = o.Text
			for _, a := range n.Attr {
				switch a.Key {
				case "value":
					o.Value = a.Val
				case "selected":
					o.Selected = true
				}
			}
			out = append(out, o)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(sel)
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
