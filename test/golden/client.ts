/**
 * A minimal Kubernetes API client for the golden harness: reads a kubeconfig (token or client
 * certificate, CA or insecure-skip-tls-verify), sends JSON requests over one keep-alive agent and
 * returns the status, the parsed body and the `Warning` headers. Only what the harness needs.
 */
import { readFileSync } from 'fs';
import * as http from 'http';
import * as https from 'https';
import { parse as parseYaml } from 'yaml';

/** One API response. */
export interface ApiResponse {
  readonly status: number;
  readonly body: any;
  /** The texts of the `Warning` headers (RFC 7234 warn-text, unquoted). */
  readonly warnings: string[];
}

/** A connection to one API server. */
export interface ApiClient {
  readonly server: string;
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  close(): void;
}

function fileOrData(data: string | undefined, file: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(file);
  return undefined;
}

/** Builds a client from the kubeconfig at `path` (its current context). */
export function clientFromKubeconfig(path: string, concurrency: number): ApiClient {
  const config = parseYaml(readFileSync(path, 'utf8'));
  const contextName = config['current-context'];
  const context = (config.contexts ?? []).find((c: any) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig ${path}: current-context ${JSON.stringify(contextName)} not found; set current-context`);
  const cluster = (config.clusters ?? []).find((c: any) => c.name === context.cluster)?.cluster;
  const user = (config.users ?? []).find((u: any) => u.name === context.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`kubeconfig ${path}: cluster ${JSON.stringify(context.cluster)} has no server`);
  const url = new URL(cluster.server);
  const agentOptions: https.AgentOptions = {
    keepAlive: true,
    maxSockets: concurrency,
    ca: fileOrData(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: fileOrData(user['client-certificate-data'], user['client-certificate']),
    key: fileOrData(user['client-key-data'], user['client-key']),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
  };
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const token: string | undefined = user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined);
  const base = cluster.server.replace(/\/$/, '');
  return {
    server: base,
    async request(method, reqPath, body, contentType = 'application/json') {
      // A keep-alive socket the server closed between requests fails with ECONNRESET or
      // "socket hang up"; the request never reached the handler, so it is sent again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await send(method, reqPath, body, contentType);
        } catch (err) {
          if (attempt >= 3) throw new Error(`${method} ${reqPath}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
    close() {
      agent.destroy();
    },
  };

  function send(method: string, reqPath: string, body: unknown, contentType: string): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload !== undefined) headers['Content-Type'] = contentType;
    if (token) headers.Authorization = `Bearer ${token}`;
    const lib: typeof https | typeof http = secure ? https : http;
    return new Promise<ApiResponse>((resolve, reject) => {
      const req = lib.request(`${base}${reqPath}`, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // A non-JSON body (e.g. a proxy error page) stays text.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings: parseWarnings(res.headers.warning) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}

/** `299 - "text"` headers → `text` (quotes and backslash escapes removed). */
export function parseWarnings(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  const out: string[] = [];
  for (const value of values) {
    const re = /\d{3} \S+ "((?:[^"\\]|\\.)*)"/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(value)) !== null) out.push(m[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}
