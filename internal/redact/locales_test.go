package redact_test

import (
	"strings"
	"testing"

	"danchu/internal/redact"
	"danchu/internal/web"
)

// The package's messages reach every catalog through the web kernel, in both
// languages, and read as text (not as their keys).
func TestMessagesInKernelCatalog(t *testing.T) {
	c, err := web.LoadCatalog(redact.Locales)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"redact.err.pdf_tools", "redact.err.no_boxes", "redact.err.image_page"} {
		for _, lang := range []string{web.LangVI, web.LangEN} {
			if got := c.T(lang, key); got == key || !strings.Contains(got, " ") {
				t.Errorf("%s in %s renders as %q", key, lang, got)
			}
		}
	}
	if got := c.T(web.LangVI, "redact.err.pdf_tools"); !strings.Contains(got, "poppler-utils") {
		t.Errorf("the message for a server without poppler does not name it: %q", got)
	}
}
