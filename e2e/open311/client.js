// Drives the npm "open311" client library against a GeoReport v2 server and
// prints what it got as one JSON object. Usage: node client.js BASE KEY JURISDICTION
'use strict';
const Open311 = require('open311');
const [base, key, jurisdiction] = process.argv.slice(2);

const client = new Open311({ endpoint: base + '/open311/v2/', jurisdiction: jurisdiction, apiKey: key, format: 'json',
  discovery: base + '/open311/v2/discovery.json' });
const wrong = new Open311({ endpoint: base + '/open311/v2/', jurisdiction: jurisdiction, apiKey: 'dc311_wrong', format: 'json' });

function call(fn, ...args) {
  return new Promise((resolve) => fn(...args, (err, data) => resolve({ err: err || null, data: data })));
}

(async () => {
  const out = {};
  out.discovery = await call(client.serviceDiscovery.bind(client), {});
  out.services = await call(client.serviceList.bind(client));
  out.definition = await call(client.serviceDefinition.bind(client), 'moi-truong');
  out.created = await call(client.submitRequest.bind(client), {
    service_code: 'moi-truong', lat: 16.4637, long: 107.5909, address_string: 'Cạnh cầu thôn Đông Phước',
    email: 'nguoidan@example.vn', description: 'Rác thải đổ trộm cạnh cầu (gửi qua thư viện Open311)' });
  const id = out.created.data && out.created.data[0] && out.created.data[0].service_request_id;
  out.token = await call(client.token.bind(client), id);
  out.one = await call(client.serviceRequests.bind(client), id, {});
  out.open = await call(client.serviceRequests.bind(client), { status: 'open' });
  out.refused = await call(wrong.submitRequest.bind(wrong), { service_code: 'moi-truong', description: 'x', address_string: 'y' });
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
