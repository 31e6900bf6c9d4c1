import { DNS1123_LABEL_FRAGMENT } from '@istio-backstage/plugin-istio-common';

// Strict patterns for every string the install-config renderer writes into YAML. They
// are anchored and allow no whitespace, quotes, colons outside host:port, `#`, `{`, `[`
// or newlines, so a value can never start a new key, comment or document — on top of
// the yaml library quoting whatever it writes.

/** A TCP port 1–65535, as a pattern fragment (so JSON-schema validation checks the range too). */
const PORT =
  '([1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])';

/** A DNS name or an IPv4 address, as a pattern fragment. */
const HOST = `(${DNS1123_LABEL_FRAGMENT}(\\.${DNS1123_LABEL_FRAGMENT})*|(\\d{1,3}\\.){3}\\d{1,3})`;

/** `host:port` where host is a DNS name or an IPv4 address. */
export const HOST_PORT = new RegExp(`^(?=.{1,253}:)${HOST}:${PORT}$`);

/**
 * Image registry and repository prefix (`docker.io/istio`, `gcr.io/istio-release`,
 * `registry.example.com:5000/mirror/istio`): a registry host with optional port, then
 * lowercase path components as the OCI distribution spec allows.
 */
export const IMAGE_HUB = new RegExp(
  `^(?=.{1,255}$)${DNS1123_LABEL_FRAGMENT}(\\.${DNS1123_LABEL_FRAGMENT})*(:${PORT})?(\\/[a-z0-9]+([._-][a-z0-9]+)*)*$`,
);

/** Istio 1.x image tag: `1.24.2`, optionally with a suffix such as `1.24.2-distroless`. */
export const ISTIO_TAG =
  /^1\.\d{1,3}\.\d{1,3}(-[0-9A-Za-z][0-9A-Za-z.-]{0,62})?$/;

/** Kubernetes version as `kubectl version` prints it (`v1.33.2`, `1.31`, `v1.32.3-gke.1200`). */
export const KUBERNETES_VERSION =
  /^v?\d{1,3}\.\d{1,3}(\.\d{1,3})?([-+][0-9A-Za-z][0-9A-Za-z.-]{0,62})?$/;

/**
 * An http(s) URL to an in-cluster or external service: DNS name or IPv4 host, optional
 * port, optional path of unreserved characters. No query, fragment or credentials.
 */
export const SERVICE_URL = new RegExp(
  `^https?:\\/\\/${HOST}(:${PORT})?(\\/[A-Za-z0-9._~-]+)*\\/?$`,
);

/** Splits a validated `host:port`. */
export function splitHostPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return {
    host: address.slice(0, index),
    port: Number(address.slice(index + 1)),
  };
}
