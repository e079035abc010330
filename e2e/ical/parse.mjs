// Reads an iCalendar from a URL with ical.js (Mozilla's parser, independent of
// danchu) and prints what it understood as JSON, for e2e/calendar_test.go to
// compare with the database. Any parse error exits non-zero.
import ICAL from "ical.js";

const url = process.argv[2];
const res = await fetch(url);
if (!res.ok) {
  console.error(`GET ${url}: ${res.status}`);
  process.exit(1);
}
const text = await res.text();
const cal = new ICAL.Component(ICAL.parse(text));
if (cal.name !== "vcalendar") {
  console.error(`not a VCALENDAR: ${cal.name}`);
  process.exit(1);
}
const time = (t) => (t ? (t.isDate ? t.toString() : t.toJSDate().toISOString()) : null);
const events = cal.getAllSubcomponents("vevent").map((c) => {
  const e = new ICAL.Event(c);
  return {
    uid: e.uid,
    summary: e.summary,
    description: e.description,
    location: e.location,
    url: c.getFirstPropertyValue("url"),
    allDay: e.startDate.isDate,
    start: time(e.startDate),
    end: time(e.endDate),
    status: c.getFirstPropertyValue("status"),
    transp: c.getFirstPropertyValue("transp"),
    sequence: e.sequence,
    dtstamp: time(c.getFirstPropertyValue("dtstamp")),
    lastModified: time(c.getFirstPropertyValue("last-modified")),
    categories: c.getAllProperties("categories").flatMap((p) => p.getValues()),
  };
});
const refresh = cal.getFirstPropertyValue("refresh-interval");
console.log(JSON.stringify({
  contentType: res.headers.get("content-type"),
  name: cal.getFirstPropertyValue("name"),
  calname: cal.getFirstPropertyValue("x-wr-calname"),
  version: cal.getFirstPropertyValue("version"),
  refreshSeconds: refresh ? refresh.toSeconds() : null,
  events,
}));
