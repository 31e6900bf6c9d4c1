import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** A serving certificate for the loopback API server, and the CA clients must trust. */
export interface ServingCertificate {
  certPem: string;
  keyPem: string;
  /** The certificate itself: it is self-signed, so it is also the CA (PEM). */
  caPem: string;
}

/**
 * Creates a fresh self-signed certificate for 127.0.0.1 and localhost, so the simulator
 * serves HTTPS like a real API server and clients keep TLS verification on (kubectl
 * does not send bearer tokens over plain HTTP).
 */
export async function createServingCertificate(): Promise<ServingCertificate> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(
      webcrypto.getRandomValues(new Uint8Array(8)),
    ).toString('hex'),
    name: 'CN=demo-cluster.istio-backstage.local',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 30 * 86400_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
  const certPem = cert.toString('pem');
  return { certPem, keyPem, caPem: certPem };
}
