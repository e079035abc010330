// A GeoReport v2 client written from the spec (open311.github.io, GeoReport_v2/index.md), with nothing of danchu's:
// Node's own fetch, FormData, zlib and node:test, no npm package. It finds the endpoint by discovery, reads the
// services and a definition, sends a request with a photo as a multipart body, reads it back by ID and by token,
// lists with comma filters, and checks the 90-day limit, the error format and the CORS preflight.
//
// Run by e2e/open311_test.go against a real danchu server:
//   OPEN311_BASE=http://127.0.0.1:PORT OPEN311_KEY=… OPEN311_JURISDICTION=19885 node --test spec.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';

const base = process.env.OPEN311_BASE;
const key = process.env.OPEN311_KEY;
const jurisdiction = process.env.OPEN311_JURISDICTION;
if (!base || !key || !jurisdiction) {
  throw new Error('set OPEN311_BASE, OPEN311_KEY and OPEN311_JURISDICTION');
}

// --- a small real PNG, made here (PNG spec: signature, IHDR, IDAT, IEND, each chunk with its CRC-32) ---
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1); // filter byte 0, then the pixels
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = x * 6;
      rows[row + 2 + x * 3] = y * 6;
      rows[row + 3 + x * 3] = 90;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// --- the spec's shapes ---
function assertErrors(body, status) {
  assert.ok(Array.isArray(body) && body.length >= 1, 'errors are a list: ' + JSON.stringify(body));
  for (const e of body) {
    assert.equal(e.code, status);
    assert.equal(typeof e.description, 'string');
    assert.ok(e.description.length > 0);
  }
}
function assertRequest(r) {
  for (const f of ['service_request_id', 'status', 'service_code', 'requested_datetime']) {
    assert.ok(f in r, 'a request has ' + f + ': ' + JSON.stringify(r));
  }
  assert.match(r.status, /^(open|closed)$/);
  assert.ok(!Number.isNaN(Date.parse(r.requested_datetime)), 'requested_datetime is a date-time');
}
async function getJSON(url, want = 200) {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  assert.equal(res.status, want, url);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  return res.json();
}
const days = (n) => n * 24 * 3600 * 1000;

// State passed from one step to the next (node:test runs a file's tests in order).
let endpoint; let services; let service; let kind; let created;

test('discovery names a GeoReport v2 endpoint speaking JSON and XML', async () => {
  const d = await getJSON(base + '/open311/v2/discovery.json');
  assert.ok(d.changeset && Array.isArray(d.endpoints));
  const e = d.endpoints.find((x) => /GeoReport_v2/.test(x.specification));
  assert.ok(e, 'a GeoReport v2 endpoint: ' + JSON.stringify(d.endpoints));
  assert.ok(e.formats.includes('application/json') && e.formats.includes('text/xml'));
  endpoint = e.url.replace(/\/$/, '');
});

test('services: a list of service types, in JSON and XML', async () => {
  services = await getJSON(`${endpoint}/services.json?jurisdiction_id=${jurisdiction}`);
  assert.ok(services.length >= 2);
  for (const s of services) {
    assert.equal(typeof s.service_code, 'string');
    assert.equal(typeof s.service_name, 'string');
    assert.match(s.type, /^(realtime|batch|blackbox)$/);
    assert.equal(typeof s.metadata, 'boolean');
  }
  const res = await fetch(`${endpoint}/services.xml?jurisdiction_id=${jurisdiction}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/xml/);
  const xml = await res.text();
  assert.match(xml, /^<\?xml[^>]*\?>\s*<services>\s*<service>/);
  assert.equal((xml.match(/<service>/g) || []).length, services.length);
  service = services.find((s) => s.metadata) || services[0];
});

test('service definition: the attributes of a service, in JSON and XML', async () => {
  const def = await getJSON(`${endpoint}/services/${service.service_code}.json?jurisdiction_id=${jurisdiction}`);
  assert.equal(def.service_code, service.service_code);
  assert.ok(Array.isArray(def.attributes));
  for (const a of def.attributes) {
    assert.equal(typeof a.code, 'string');
    assert.match(a.datatype, /^(string|number|datetime|text|singlevaluelist|multivaluelist)$/);
    assert.equal(typeof a.required, 'boolean');
    if (a.datatype.endsWith('valuelist')) {
      assert.ok(a.values.length > 0 && a.values.every((v) => v.key && v.name));
    }
  }
  kind = def.attributes.find((a) => a.datatype === 'singlevaluelist');
  const xml = await (await fetch(`${endpoint}/services/${service.service_code}.xml?jurisdiction_id=${jurisdiction}`)).text();
  assert.match(xml, /<service_definition>\s*<service_code>[^<]+<\/service_code>\s*<attributes>/);
  assert.equal((xml.match(/<attribute>/g) || []).length, def.attributes.length);
  if (kind) assert.match(xml, new RegExp(`<value><key>${kind.values[0].key}</key><name>`));
});

test('POST requests.json: a multipart body with a photo (media) and attribute[code]', async () => {
  const form = new FormData();
  form.set('api_key', key);
  form.set('jurisdiction_id', jurisdiction);
  form.set('service_code', service.service_code);
  form.set('lat', '16.4637');
  form.set('long', '107.5909');
  form.set('address_string', 'Cạnh cầu thôn Đông Phước');
  form.set('email', 'nguoidan@example.vn');
  form.set('description', 'Cống thoát nước bị tắc (gửi từ máy khách viết theo đặc tả)');
  if (kind) form.set(`attribute[${kind.code}]`, kind.values[0].key);
  form.set('media', new Blob([png(32, 24)], { type: 'image/png' }), 'cong.png');
  const res = await fetch(`${endpoint}/requests.json`, { method: 'POST', body: form });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.ok(Array.isArray(body) && body.length === 1);
  assert.ok(body[0].service_request_id || body[0].token, 'an ID or a token');
  created = body[0];
});

test('POST again with the same Idempotency-Key (the answer was lost): the first answer, not a second request', async () => {
  const form = () => {
    const f = new URLSearchParams();
    f.set('api_key', key);
    f.set('jurisdiction_id', jurisdiction);
    f.set('service_code', service.service_code);
    f.set('address_string', 'Cạnh cầu thôn Đông Phước');
    f.set('description', 'Đèn đường hỏng (gửi lại với Idempotency-Key)');
    return f;
  };
  const key1 = `e2e-${Date.now()}`;
  const send = (f) => fetch(`${endpoint}/requests.json`, { method: 'POST', body: f, headers: { 'Idempotency-Key': key1 } });
  const first = await send(form());
  const firstBody = await first.json();
  assert.equal(first.status, 200, JSON.stringify(firstBody));
  const again = await send(form());
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), firstBody);
  const other = form();
  other.set('description', 'Nội dung khác dưới cùng khóa');
  const refused = await send(other);
  assert.equal(refused.status, 409);
  const err = await refused.json();
  assert.ok(Array.isArray(err) && err[0].code === 409 && err[0].description, JSON.stringify(err));
});

test('GET requests/{id}: the request, without what the sender typed', async () => {
  const list = await getJSON(`${endpoint}/requests/${created.service_request_id}.json?jurisdiction_id=${jurisdiction}`);
  assert.equal(list.length, 1);
  assertRequest(list[0]);
  assert.equal(list[0].service_request_id, created.service_request_id);
  assert.equal(list[0].service_code, service.service_code);
  assert.equal(list[0].status, 'open');
  const text = JSON.stringify(list[0]);
  for (const typed of ['Cống thoát nước', 'nguoidan@example.vn', 'Cạnh cầu', '16.4637']) {
    assert.ok(!text.includes(typed), 'the public answer shows ' + typed);
  }
});

test('GET tokens/{token}: the request ID', async () => {
  const token = created.token || created.service_request_id;
  const list = await getJSON(`${endpoint}/tokens/${token}.json?jurisdiction_id=${jurisdiction}`);
  assert.equal(list.length, 1);
  assert.equal(list[0].service_request_id, created.service_request_id);
});

test('GET requests with comma lists: status=open,closed and service_code=a,b', async () => {
  const other = services.find((s) => s.service_code !== service.service_code).service_code;
  const q = (params) => `${endpoint}/requests.json?jurisdiction_id=${jurisdiction}&${params}`;
  const ids = (list) => list.map((r) => r.service_request_id);
  const both = await getJSON(q(`status=open,closed&service_code=${service.service_code},${other}`));
  both.forEach(assertRequest);
  assert.ok(ids(both).includes(created.service_request_id));
  assert.ok(both.every((r) => [service.service_code, other].includes(r.service_code)));
  assert.ok(!ids(await getJSON(q('status=closed'))).includes(created.service_request_id));
  assert.ok(!ids(await getJSON(q(`service_code=${other}`))).includes(created.service_request_id));
  const byId = await getJSON(`${endpoint}/requests.json?service_request_id=${created.service_request_id},PA-0000-0000`);
  assert.deepEqual(ids(byId), [created.service_request_id]);
});

test('start_date..end_date over 90 days: the spec\'s error, in JSON and XML', async () => {
  const end = new Date();
  const start = new Date(end.getTime() - days(100));
  const q = `jurisdiction_id=${jurisdiction}&start_date=${start.toISOString()}&end_date=${end.toISOString()}`;
  assertErrors(await getJSON(`${endpoint}/requests.json?${q}`, 400), 400);
  const res = await fetch(`${endpoint}/requests.xml?${q}`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /<errors>\s*<error>\s*<code>400<\/code>\s*<description>[^<]+<\/description>\s*<\/error>\s*<\/errors>/);
  const within = await getJSON(`${endpoint}/requests.json?jurisdiction_id=${jurisdiction}&start_date=${new Date(end.getTime() - days(89)).toISOString()}&end_date=${end.toISOString()}`);
  assert.ok(within.map((r) => r.service_request_id).includes(created.service_request_id));
});

test('a wrong key and an unknown status: the spec\'s errors', async () => {
  const form = new URLSearchParams({ api_key: 'not-a-key', jurisdiction_id: jurisdiction, service_code: service.service_code,
    description: 'x', address_string: 'y' });
  const res = await fetch(`${endpoint}/requests.json`, { method: 'POST', body: form });
  assert.equal(res.status, 403);
  assertErrors(await res.json(), 403);
  assertErrors(await getJSON(`${endpoint}/requests.json?jurisdiction_id=${jurisdiction}&status=open,pending`, 400), 400);
});

test('OPTIONS preflight on every path: 204 and what a page on another site may send', async () => {
  const token = created.token || created.service_request_id;
  for (const p of ['discovery.json', 'services.json', `services/${service.service_code}.xml`, 'requests.json', 'requests.xml',
    `requests/${created.service_request_id}.json`, `tokens/${token}.json`]) {
    const res = await fetch(`${endpoint}/${p}`, { method: 'OPTIONS', headers: {
      Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    assert.equal(res.status, 204, p);
    assert.equal(res.headers.get('access-control-allow-origin'), '*', p);
    assert.match(res.headers.get('access-control-allow-methods'), /POST/, p);
    assert.match(res.headers.get('access-control-allow-headers'), /content-type/i, p);
    assert.match(res.headers.get('access-control-allow-headers'), /idempotency-key/i, p);
    assert.equal(res.headers.get('access-control-allow-credentials'), null, p);
  }
});
