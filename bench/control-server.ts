// The control of bench/health-under-burst.ts: a bare node:http process that answers a health
// probe and serves the same precompressed script as the server, with no framework, database or
// hashing. Probed beside the server under the same burst, it shows what the machine alone does
// to a process's latency, so a reader can tell the server's share from the machine's.
//
//   node bench/control-server.ts <port> <file>   (serves /live and /static)

import fs from 'node:fs';
import http from 'node:http';

const [port, file] = process.argv.slice(2);
const body = fs.readFileSync(file);
http
  .createServer((request, response) => {
    if (request.url === '/live') response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else response.writeHead(200, { 'content-type': 'text/javascript', 'content-encoding': 'br' }).end(body);
  })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
