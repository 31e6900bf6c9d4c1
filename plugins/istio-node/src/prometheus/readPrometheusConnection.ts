import { parseHttpUrl } from '../lib/httpUrl';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { Config } from '@backstage/config';
import type { PrometheusConnection } from './types';

const PEM_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Whether a text is a PEM bundle of at least one certificate Node can parse. */
function isPemBundle(text: string): boolean {
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) return false;
  try {
    certificates.forEach(pem => new X509Certificate(pem));
    return true;
  } catch {
    return false;
  }
}

/** `url`: an absolute http(s) URL without credentials, trailing slashes removed. */
function readUrl(config: Config, path: string): string {
  const value = config.getString('url');
  const invalid = (problem: string) =>
    // Never the value itself: a URL may carry a token.
    new Error(`Invalid URL in config at '${path}.url': ${problem}`);
  const parsed = parseHttpUrl(value);
  if ('problem' in parsed) throw invalid(parsed.problem);
  const { username, password } = new URL(parsed.url);
  if (username || password)
    throw invalid(`put credentials in ${path}.basicAuth, not in the URL`);
  return parsed.url;
}

function readBasicAuth(
  config: Config,
  path: string,
): PrometheusConnection['basicAuth'] {
  const block = config.getOptionalConfig('basicAuth');
  if (!block) return undefined;
  const username = block.getString('username');
  const password = block.getString('password');
  if (username.includes(':'))
    throw new Error(
      `Invalid config at '${path}.basicAuth.username': a basic auth user name cannot contain ':'`,
    );
  return { username, password };
}

/** `headers`: names and string values; the credentials have keys of their own. */
function readHeaders(
  config: Config,
  path: string,
): Record<string, string> | undefined {
  const block = config.getOptionalConfig('headers');
  if (!block) return undefined;
  const headers: Record<string, string> = {};
  for (const name of block.keys()) {
    const at = `${path}.headers.${name}`;
    if (name.toLowerCase() === 'authorization')
      throw new Error(
        `Invalid config at '${at}': set the credentials with ${path}.bearerToken or ${path}.basicAuth instead of an Authorization header`,
      );
    const value = block.getString(name);
    try {
      http.validateHeaderName(name);
    } catch {
      throw new Error(`Invalid config at '${at}': not a valid header name`);
    }
    try {
      http.validateHeaderValue(name, value);
    } catch {
      // Never the value: a header may carry a tenant key or a token.
      throw new Error(
        `Invalid config at '${at}': the value has characters a header cannot carry`,
      );
    }
    headers[name] = value;
  }
  return headers;
}

/**
 * `caData`: PEM, or base64-encoded PEM as the Kubernetes plugin's `caData` is written;
 * answered as PEM.
 */
function readCaData(config: Config, path: string): string | undefined {
  const value = config.getOptionalString('caData');
  if (value === undefined) return undefined;
  const pem = value.includes('-----BEGIN')
    ? value
    : Buffer.from(value, 'base64').toString('utf8');
  if (!isPemBundle(pem))
    throw new Error(
      `Invalid config at '${path}.caData': not a PEM certificate bundle (nor base64 of one)`,
    );
  return pem;
}

/** `caData` and `caFile`: PEM certificate bundles (the file must exist). */
function readCas(
  config: Config,
  path: string,
): Pick<PrometheusConnection, 'caData' | 'caFile'> {
  const caData = readCaData(config, path);
  const caFile = config.getOptionalString('caFile');
  if (caFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(caFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const problem =
        code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
      throw new Error(
        `Invalid config at '${path}.caFile': the file ${caFile} ${problem}`,
      );
    }
    if (!isPemBundle(text))
      throw new Error(
        `Invalid config at '${path}.caFile': ${caFile} is not a PEM certificate bundle`,
      );
  }
  return {
    ...(caData !== undefined ? { caData } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
  };
}

/**
 * Reads how the backend reaches a cluster's Prometheus from a config block such as
 * `istio.clusters[0].prometheus`: `url` (required; an absolute http or https URL, a
 * path prefix kept, trailing slashes removed), `bearerToken` or `basicAuth`
 * (`username`, `password`; not both), `headers` (no `Authorization`: the credentials
 * have their own keys), `caData` (PEM, or base64 of it) or `caFile` (PEM) and `skipTLSVerify`.
 *
 * Fails fast with the full config path of the offending key; no message ever carries
 * a secret value.
 *
 * @param config - The `prometheus` block, or undefined when there is none.
 * @param path - Its config path, for error messages (`istio.clusters[0].prometheus`).
 * @returns The connection, or undefined when there is no block.
 * @public
 */
export function readPrometheusConnection(
  config: Config | undefined,
  path: string,
): PrometheusConnection | undefined {
  if (!config) return undefined;
  const url = readUrl(config, path);
  const bearerToken = config.getOptionalString('bearerToken');
  const basicAuth = readBasicAuth(config, path);
  if (bearerToken !== undefined && basicAuth)
    throw new Error(
      `Invalid config at '${path}': set either bearerToken or basicAuth, not both`,
    );
  const headers = readHeaders(config, path);
  const skipTLSVerify = config.getOptionalBoolean('skipTLSVerify');
  return {
    url,
    ...(bearerToken !== undefined ? { bearerToken } : {}),
    ...(basicAuth ? { basicAuth } : {}),
    ...(headers ? { headers } : {}),
    ...readCas(config, path),
    ...(skipTLSVerify !== undefined ? { skipTLSVerify } : {}),
  };
}
