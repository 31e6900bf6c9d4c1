import type { V1Container, V1Pod, V1Service } from '@kubernetes/client-node';
import yaml from 'yaml';
import { memoizeByString } from '../memoizeByString';

/** A container image split into hub (registry/path), image name, tag and digest. */
export interface ImageRef {
  /** Everything before the last `/`, e.g. `docker.io/istio`; undefined for `proxyv2:1.22`. */
  hub?: string;
  /** The last path segment, e.g. `proxyv2`. */
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * Parses `<hub>/<name>:<tag>[@digest]`. A registry port (`localhost:5000/istio/pilot`)
 * is not mistaken for a tag because only a `:` after the last `/` starts the tag.
 */
export const parseImage: (image: string) => ImageRef = memoizeByString(image =>
  Object.freeze(splitImage(image)),
);

function splitImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const hub = slash >= 0 ? rest.slice(0, slash) : undefined;
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  return {
    ...(hub ? { hub } : {}),
    name,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** `1.28.1-distroless` → `1.28.1`. */
export function versionOfTag(tag: string | undefined): string | undefined {
  const match = /^v?(\d+\.\d+(?:\.\d+)?)/.exec(tag ?? '');
  return match?.[1];
}

/** Gateway pods run Envoy as their main container (gateway injection or a plain proxy). */
export function isGatewayPod(pod: V1Pod): boolean {
  const template = pod.metadata?.annotations?.['inject.istio.io/templates'];
  const proxy = pod.spec?.containers?.find(c => c.name === 'istio-proxy');
  return (
    template === 'gateway' ||
    /gateway/.test(pod.metadata?.labels?.istio ?? '') ||
    proxy?.args?.[1] === 'router'
  );
}

/** The pod's istio-proxy container: a regular container or (native sidecar, Istio ≥ 1.27) an init container. */
export function istioProxyOf(
  pod: V1Pod,
): { container: V1Container; native: boolean } | undefined {
  const native = pod.spec?.initContainers?.find(
    c => c.name === 'istio-proxy' && c.restartPolicy === 'Always',
  );
  if (native) return { container: native, native: true };
  const regular = pod.spec?.containers?.find(c => c.name === 'istio-proxy');
  return regular ? { container: regular, native: false } : undefined;
}

/** Parses YAML defensively (single document, no aliases); undefined when unusable. */
export function parseYamlSafely(
  text: string | undefined,
): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value = yaml.parse(text, { maxAliasCount: 0 });
    return value && typeof value === 'object'
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return undefined;
  }
}

/**
 * Finds the Service a host names (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`)
 * and whether a port exists. Short names resolve in `defaultNamespace`.
 */
export function resolveServiceHost(
  host: string,
  port: number | undefined,
  services: V1Service[] | undefined,
  defaultNamespace: string,
): {
  service?: { namespace: string; name: string };
  exists: 'yes' | 'no-service' | 'no-port' | 'external' | 'unknown';
} {
  const parts = host.split('.');
  let name: string;
  let namespace: string;
  if (parts.length === 1) {
    [name, namespace] = [parts[0], defaultNamespace];
  } else if (parts.length === 2 || (parts.length >= 3 && parts[2] === 'svc')) {
    [name, namespace] = [parts[0], parts[1]];
    if (parts.length > 3 && parts.slice(3).join('.') !== 'cluster.local')
      return { exists: 'external' };
  } else {
    return { exists: 'external' };
  }
  const service = { namespace, name };
  if (!services) return { service, exists: 'unknown' };
  const found = services.find(
    s => s.metadata?.name === name && s.metadata?.namespace === namespace,
  );
  if (!found) return { service, exists: 'no-service' };
  if (
    port !== undefined &&
    !(found.spec?.ports ?? []).some(p => p.port === port)
  )
    return { service, exists: 'no-port' };
  return { service, exists: 'yes' };
}

/** `host:port` → parts; undefined when not of that form. */
export function splitHostPort(
  address: string | undefined,
): { host: string; port: number } | undefined {
  const match = /^([^:/\s]+):(\d{1,5})$/.exec(address ?? '');
  return match ? { host: match[1], port: Number(match[2]) } : undefined;
}
