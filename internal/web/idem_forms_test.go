package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// postForm is a form sent by post, to its action or, without one, to its page.
var postForm = regexp.MustCompile(`(?s)<form method="post"[^>]*>.*?</form>`)

// formAction is the action of a form's opening tag ("" when it posts to its page).
var formAction = regexp.MustCompile(`\baction="((?:[^"{]|\{\{[^}]*\}\})*)"`)

// judged is every post form of every template, by its template and action,
// judged creating (it must carry the idem partial, or the name="key" field its
// room writes by hand) or not, with why. A new form fails the test until it
// is judged here.
var judged = []struct {
	file, action string // action: a regular expression on the form's action ("^$": posts to its page)
	creating     bool
	why          string
}{
	{"disclosure/templates/manage.html", `^$`, true, "publishes a disclosure: a permanent public record entry"},
	{"disclosure/templates/edit.html", `/sua$`, true, "a new version of a disclosure"},
	{"disclosure/templates/edit.html", `/(go|rut)$`, false, "archiving and withdrawal move the status once (a retry is refused as done)"},
	{"consultation/templates/manage.html", `^$`, true, "opens a consultation"},
	{"consultation/templates/office.html", `/(truc-tiep|tra-loi)$`, true, "offline opinions; an answer (with its notifications)"},
	{"consultation/templates/office.html", `/tong-hop$`, false, "the synthesis closes the consultation once"},
	{"consultation/templates/office.html", `/an$`, false, "hiding a comment sets its reason"},
	{"consultation/templates/edit.html", `^$`, false, "a citizen's correction of their own comment"},
	{"consultation/templates/detail.html", `/gop-y$`, true, "a comment (its own key field, the group commit's row key)"},
	{"decision/templates/manage.html", `^$`, true, "proposes a matter"},
	{"decision/templates/office.html", `/(sua-ket-qua|ket-qua|cong-nhan|gui|huy-bo|thong-bao|ket-thuc)$`, false, "counts, recognition, minutes, annulment, notice and closing move a matter or vote once"},
	{"decision/templates/detail.html", `^/bieu-quyet/`, false, "a ballot: one per household (the vote's own unique key)"},
	{"calendar/templates/calendar.html", `^/quan-tri/lich\?`, true, "adds days to the calendar"},
	{"calendar/templates/calendar.html", `/xoa\?`, false, "deletes a day"},
	{"feedback/templates/unit.html", `/phan-anh$`, true, "a feedback item (its own key field, the group commit's row key)"},
	{"feedback/templates/keys.html", `OfficeURL "open311"\}\}$`, true, "issues an Open311 key"},
	{"feedback/templates/keys.html", `"thu-hoi"`, false, "revokes a key"},
	{"feedback/templates/track.html", `/(danh-gia|mo-lai)$`, false, "a rating (once per item) and a reopening (once per answer)"},
	{"feedback/templates/item.html", `^/quan-tri/phan-anh/`, false, "handling steps move an item's status (a retry is refused by its status)"},
	{"feedback/templates/queue.html", `"dieu-phoi"`, false, "routing rules are saved whole"},
	{"feedback/templates/settings.html", `^$`, false, "settings are saved whole"},
	{"plans/templates/list.html", `"doc"\}\}$`, false, "reads the pasted text and shows it for correction: nothing is stored"},
	{"plans/templates/preview.html", `"ke-hoach"\}\}$`, true, "saves a plan (also unique by its number and symbol)"},
	{"plans/templates/plan.html", `/giao$`, true, "assigns a task (a unit assigned keeps its one assignment)"},
	{"plans/templates/assignment.html", `^$`, true, "a progress report: each one is kept"},
	{"office/templates/officials.html", `^$`, false, "an account is unique by e-mail: a retry is refused as the role held, and the activation link it showed once cannot be shown again"},
	{"office/templates/officials.html", `"(thu-hoi|khoa|mo-khoa)"`, false, "revoking a role, locking and unlocking set a state"},
	{"office/templates/households.html", `"ma-nhan"`, false, "a claim code is a secret shown once: a retry shows a new one (the lost one was never seen; it expires)"},
	{"office/templates/households.html", `"dai-dien"`, false, "confirms a representative (sets a state)"},
	{"office/templates/bodies.html", `^$`, true, "adds a body to the unit register"},
	{"office/templates/bodies.html", `"to-chuc" \.ID\}\}$`, false, "a body's name and short name are saved whole"},
	{"office/templates/home.html", `^/quan-tri/loi-moi/`, false, "accepting or declining an invitation answers it once"},
	{"office/templates/home.html", `^/dang-xuat/moi-noi$`, false, "signs out"},
	{"steering/templates/committee.html", `^$`, true, "sets up a unit's steering committee"},
	{"steering/templates/committee.html", `"thanh-vien"\}\}$`, true, "a new member (and its line in the history)"},
	{"steering/templates/member.html", `^$`, false, "a change carries the version it was read at: a retry is refused as changed"},
	{"steering/templates/member.html", `"thoi"\}\}$`, false, "a member leaves once (a retry is refused: already left)"},
	{"steering/templates/regulation.html", `^$`, false, "the regulation is saved whole, at the version it was read at"},
	{"steering/templates/meetings.html", `^$`, true, "records a meeting"},
	{"steering/templates/meeting.html", `^$`, false, "corrects a meeting at the version it was read at"},
	{"casework/templates/lodge.html", `^$`, true, "a citizen lodges a complaint or a denunciation"},
	{"casework/templates/enter.html", `^$`, true, "an official enters a case received on paper"},
	{"casework/templates/case.html", `"buoc"\}\}$`, false, "a step carries the version it was read at and moves the status once: a retry is refused"},
	{"casework/templates/case.html", `"danh-tinh"\}\}$`, false, "reads the vault (each read is logged: a retry is another read)"},
	{"casework/templates/case.html", `"ban-lam-viec"\}\}$`, false, "the working copy is made again whole, at the version it was read at"},
	{"casework/templates/case.html", `"(quyen-danh-tinh|nguoi-xac-minh)"\}\}$`, false, "names a person once (a retry is refused: already named)"},
	{"casework/templates/vault.html", `"ban-goc" \.ID\}\}$`, false, "downloads an original (logged), writes nothing else"},
	{"reception/templates/office.html", `"buoi"\}\}$`, true, "plans a reception session"},
	{"reception/templates/office.html", `"lanh-dao"\}\}$`, true, "adds a leader to the reception schedule"},
	{"reception/templates/office.html", `"noi-tiep"\}\}$`, false, "the reception office's address and hours are saved whole"},
	{"reception/templates/leader.html", `"trang-thai"\}\}$`, false, "takes a leader off the schedule or back (sets a state)"},
	{"reception/templates/session.html", `^$`, false, "what became of a session carries its version and is recorded once: a retry is refused"},
	{"reception/templates/enter.html", `"so"\}\}$`, true, "an entry of the reception book (a booking is received once)"},
	{"reception/templates/visit.html", `^$`, false, "the answer to an entry is given once, at the version it was read at"},
	{"reception/templates/booking.html", `^$`, true, "a citizen books a slot"},
	{"reception/templates/booking.html", `^/tiep-cong-dan/dat-lich/`, true, "books the next session with room, the form as typed"},
	{"reception/templates/meetings.html", `^$`, true, "plans a dialogue or a conference"},
	{"reception/templates/meeting.html", `^$`, false, "what a meeting held records is saved whole, at the version it was read at"},
	{"reception/templates/meeting.html", `"viec"\}\}$`, true, "records a question or a commitment"},
	{"reception/templates/meeting.html", `"viec" \.ID\}\}$`, false, "marks an item done once (a retry is refused: done)"},
	{"reception/templates/track.html", `^/tiep-cong-dan/huy$`, false, "cancels a booking once (a retry is refused like a wrong code)"},
	{"supervision/templates/office.html", `^$`, true, "creates a supervision board"},
	{"supervision/templates/board.html", `"thanh-vien" \.ID "thoi"\}\}$`, false, "a member leaves once (a retry finds no member: 404)"},
	{"supervision/templates/board.html", `"thanh-vien"\}\}$`, true, "adds a member to a board"},
	{"supervision/templates/board.html", `"cong-nhan"\}\}$`, false, "recognises a board once (a retry is refused: recognised already)"},
	{"supervision/templates/board.html", `"thong-bao"\}\}$`, false, "sets the day the investor was told"},
	{"supervision/templates/board.html", `"giai-the"\}\}$`, false, "dissolves a board once (a retry is refused)"},
	{"supervision/templates/board.html", `"ke-hoach"\}\}$`, true, "files a board's plan"},
	{"supervision/templates/board.html", `"van-ban" \.ID "cong-bo"\}\}$`, false, "publishes a draft once (a retry is refused: published)"},
	{"supervision/templates/board.html", `"van-ban"\}\}$`, true, "writes a conclusion or a report"},
	{"supervision/templates/board.html", `"kien-nghi"\}\}$`, true, "sends a recommendation, whose 15 days start"},
	{"supervision/templates/answer.html", `^$`, false, "a recommendation is answered once (a retry is refused: answered)"},
	{"survey/templates/office.html", `^$`, true, "builds a survey"},
	{"survey/templates/manage.html", `"trang-thai"\}\}$`, false, "opens or closes a survey once (a retry is refused: changed)"},
	{"survey/templates/answer.html", `^$`, false, "a citizen's answers are counted once (a retry is refused: answered)"},
	{"survey/templates/rate.html", `^$`, false, "an interaction is rated once (a retry is refused: rated)"},
	{"web/templates/base.html", `^/dang-xuat$`, false, "signs out"},
	{"auth/templates/", `^(/dang-nhap|/dang-nhap/ma|/dang-nhap/bao-mat|/quen-mat-khau|/cong-dan/dang-nhap|/cong-dan/dang-nhap/ma|)$`, false, "sign-in, codes, second factor, passwords: sessions and secrets, not records"},
	{"auth/templates/citizen.html", `^/cong-dan/(ten|nhan-ho)$`, false, "a citizen's name; a claim code binds once (the code is the key)"},
}

// TestCreatingFormsCarryKey reads every template of every room: each post
// form that creates something carries its idempotency key, so that a retried
// post (its answer lost) is answered with what the first one created.
func TestCreatingFormsCarryKey(t *testing.T) {
	creating := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(path), "/templates/") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(filepath.ToSlash(path), "../")
		src := spellActions(string(b))
		for _, m := range postForm.FindAllStringIndex(src, -1) {
			form := src[m[0]:m[1]]
			open := form[:strings.Index(form, ">")+1]
			action := ""
			if a := formAction.FindStringSubmatch(open); a != nil {
				action = a[1]
			}
			line := strings.Count(src[:m[0]], "\n") + 1
			var matched []int
			for i, j := range judged {
				if strings.HasPrefix(rel, j.file) && regexp.MustCompile(j.action).MatchString(action) {
					matched = append(matched, i)
				}
			}
			if len(matched) != 1 {
				t.Errorf("%s:%d: the form to %q matches %d judgements, want 1: judge it in `judged`", rel, line, action, len(matched))
				continue
			}
			hasKey := strings.Contains(form, `{{template "idem" `) || strings.Contains(form, `name="key"`)
			j := judged[matched[0]]
			switch {
			case j.creating && !hasKey:
				t.Errorf("%s:%d: the form to %q creates (%s) but carries no key: add {{template \"idem\" $}}", rel, line, action, j.why)
			case !j.creating && hasKey:
				t.Errorf("%s:%d: the form to %q carries a key but is judged not creating (%s)", rel, line, action, j.why)
			}
			if j.creating {
				creating++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if creating < 10 {
		t.Errorf("found %d creating forms; the walk missed some", creating)
	}
}
