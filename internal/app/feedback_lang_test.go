package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"
	"danchu/internal/web/webtest"
)

// Feedback's refusals speak the language of the page: the citizens' form (a
// service error, a photo refused by internal/files), the officials' forms, the
// error page and the Open311 API, in English on an English page and in
// Vietnamese on a Vietnamese one, with what was typed kept on the form.
func TestFeedbackErrorsInRequestLanguage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		code, err := a.Feedback.Submit(ctx, nil, feedback.Submission{Kind: feedback.Feedback, Category: "moi-truong", UnitID: commune.ID,
			Description: "Rác thải đổ cạnh cầu", IdemKey: "lang"})
		if err != nil {
			t.Fatal(err)
		}
		it, err := a.Feedback.ByCode(ctx, officialActor(t, a, "xa@danchu.demo"), code)
		if err != nil {
			t.Fatal(err)
		}
		page := "/xa/" + demo.CommuneCode + "/phan-anh"
		item := fmt.Sprintf("/quan-tri/phan-anh/%d", it.ID)
		queue := fmt.Sprintf("/quan-tri/don-vi/%s/phan-anh", commune.OfficeKey())
		keys := fmt.Sprintf("/quan-tri/don-vi/%s/open311", commune.OfficeKey())
		settings := fmt.Sprintf("/quan-tri/don-vi/%s/phan-anh/linh-vuc", officeKey(t, a, commune.ParentID))
		send := func(desc string, files ...webtest.File) func(b *webtest.Browser) (int, string, http.Header) {
			return func(b *webtest.Browser) (int, string, http.Header) {
				return b.PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"moi-truong"}, "description": {desc},
					"address": {"Typed address 7"}, "key": {"k-" + desc}}, files...)
			}
		}
		notImage := webtest.File{Field: "photos", Name: "anh.jpg", Content: []byte("%PDF-1.4\n1 0 obj <<>> endobj\n")}
		type want struct {
			status int
			texts  []string // the message and what was typed
		}
		for _, tt := range []struct {
			name   string
			email  string // "" for a visitor
			post   func(b *webtest.Browser) (int, string, http.Header)
			en, vi want
		}{
			{"EmptyDescription", "", send(" "),
				want{400, []string{"Describe what your feedback or petition is about.", `value="Typed address 7"`, `required aria-invalid="true">`}},
				want{400, []string{"Hãy mô tả nội dung phản ánh, kiến nghị.", `value="Typed address 7"`, `required aria-invalid="true">`}}},
			{"PhotoNotAnImage", "", send("Typed description 8", notImage),
				want{400, []string{"is not a JPEG or PNG image (checked by its content, not its name); only photos can be sent.", "Typed description 8"}},
				want{400, []string{"không phải ảnh JPEG hay PNG (kiểm tra theo nội dung tệp, không theo tên); chỉ gửi được ảnh.", "Typed description 8"}}},
			{"FindMalformedCode", "", func(b *webtest.Browser) (int, string, http.Header) { return b.Get("/phan-anh?ma=Typed-9") },
				want{404, []string{"The tracking code is not in the right form; a code looks like PA-7K3Q-9MXD.", `value="Typed-9"`}},
				want{404, []string{"Mã theo dõi không đúng dạng; mã có dạng PA-7K3Q-9MXD.", `value="Typed-9"`}}},
			{"RateAsVisitor", "", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(page, feedback.TrackURL(code)+"/danh-gia", url.Values{"stars": {"5"}})
			}, want{403, []string{"Sign in with the account that sent this feedback."}},
				want{403, []string{"Hãy đăng nhập bằng tài khoản đã gửi phản ánh này."}}},
			{"TransferNowhere", "xa@danchu.demo", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(item, item, url.Values{"action": {"transfer"}, "to": {"99999"}, "note": {"Không thuộc thẩm quyền"}})
			}, want{400, []string{"Choose the receiving body or unit (a commune, ward, agency or the province), other than the unit handling it now.", `value="99999"`}},
				want{400, []string{"Hãy chọn cơ quan, đơn vị nhận (xã, phường, cơ quan hoặc cấp tỉnh), khác đơn vị đang xử lý.", `value="99999"`}}},
			{"RouteToUnknownUnit", "xa@danchu.demo", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(queue, queue+"/dieu-phoi", url.Values{"category": {"moi-truong"}, "to": {"99999"}})
			}, want{400, []string{"There is no unit with the code &#34;99999&#34;."}},
				want{400, []string{"Không có đơn vị mã &#34;99999&#34;."}}},
			{"KeyWithoutName", "xa@danchu.demo", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(keys, keys, url.Values{"name": {" "}})
			}, want{400, []string{"Write the name of the application that will use the key (at most 100 characters)."}},
				want{400, []string{"Hãy ghi tên ứng dụng dùng khóa (tối đa 100 ký tự)."}}},
			{"BadCategoryList", "tinh@danchu.demo", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(settings, settings, url.Values{"categories": {"moi-truong | Môi trường | 10\nngap | Ngập | 3 | khong-co\nMoi | Mới | 0"}, "hot_n": {"5"}, "hot_days": {"7"}})
			}, want{400, []string{"The list of categories is not right — please correct these lines:",
				"<li>line 2: the parent category &#34;khong-co&#34; is not on a line above</li><li>line 3: the code &#34;Moi&#34; may have only",
				"khong-co\nMoi | Mới | 0</textarea>"}},
				want{400, []string{"Danh sách lĩnh vực chưa đúng — hãy sửa các dòng sau:",
					"<li>dòng 2: lĩnh vực cha &#34;khong-co&#34; chưa có ở các dòng trên</li><li>dòng 3: mã &#34;Moi&#34; chỉ gồm",
					"khong-co\nMoi | Mới | 0</textarea>"}}},
			{"Open311Format", "", func(b *webtest.Browser) (int, string, http.Header) { return b.Get("/open311/v2/services.html") },
				want{400, []string{`"description":"The format must be .json or .xml."`}},
				want{400, []string{`"description":"Định dạng phải là .json hoặc .xml."`}}},
			{"Open311NoKey", "", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post("", "/open311/v2/requests.json", url.Values{"service_code": {"moi-truong"}, "description": {"x"}})
			}, want{403, []string{`"description":"api_key is missing; keys are issued by commune and ward officials."`}},
				want{403, []string{`"description":"Thiếu api_key; khóa do cán bộ xã, phường cấp."`}}},
		} {
			for _, lang := range []string{"en", "vi"} {
				t.Run(tt.name+"/"+lang, func(t *testing.T) {
					w := tt.vi
					if lang == "en" {
						w = tt.en
					}
					b := webtest.New(t, srv.URL)
					if tt.email != "" {
						b = signIn(t, srv, tt.email, demo.Password)
					}
					status, body, _ := tt.post(inLanguage(t, b, lang))
					if status != w.status {
						t.Errorf("status %d, want %d", status, w.status)
					}
					for _, s := range w.texts {
						if !strings.Contains(body, s) {
							t.Errorf("answer lacks %q:\n%s", s, mainOf(body))
						}
					}
				})
			}
		}
		if p, err := a.Feedback.Track(ctx, code); err != nil || p.Status != feedback.Received || p.HandlerID != commune.ID || p.Rating != 0 {
			t.Errorf("after the refusals the item is %+v (%v), want received by the commune and unrated", p, err)
		}
		if n := countRows(t, d, "feedback_items"); n != 1 {
			t.Errorf("%d items stored, want only the one sent by the test", n)
		}
	})
}
