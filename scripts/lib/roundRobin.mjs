// A minimal round-robin load balancer for the benchmarks: listens on 127.0.0.1 (free
// port) and forwards each request to the next of its upstream backends in turn, over
// keep-alive connections, as a load balancer in front of several replicas would. No
// dependencies; forwards only to the loopback upstreams it was given.
import http from 'node:http';

/**
 * Starts the balancer. Requests are passed on unchanged (method, path, headers, body);
 * an upstream that fails answers 502.
 *
 * @param {string[]} upstreams base URLs, e.g. `['http://127.0.0.1:7007', ...]`
 * @returns {Promise<{
 *   url: string,
 *   forwarded: () => number[],
 *   close: () => Promise<void>,
 * }>} `forwarded()` counts the requests sent to each upstream, in order.
 */
export async function startRoundRobin(upstreams) {
  const targets = upstreams.map(base => {
    const url = new URL(base);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      throw new Error(`round-robin upstreams must be loopback: ${base}`);
    }
    return {
      hostname: url.hostname,
      port: Number(url.port),
      agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
      count: 0,
    };
  });
  let next = 0;
  const server = http.createServer((req, res) => {
    const target = targets[next];
    next = (next + 1) % targets.length;
    target.count++;
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        agent: target.agent,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', error => {
      if (res.headersSent) {
        res.destroy(error);
      } else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`upstream ${target.hostname}:${target.port}: ${error.message}`);
      }
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    forwarded: () => targets.map(t => t.count),
    close: async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
      for (const t of targets) t.agent.destroy();
    },
  };
}
