/**
 * Settings shared by the destinations that speak HTTPS to a server the admin names: an extra CA
 * certificate to trust (TLS-inspecting proxies, a private PKI), given as PEM text or as a PEM file,
 * and form input where a blank optional field means "not set".
 */
import fs from 'node:fs';
import { FerryError } from '../../errors';

const PEM = '-----BEGIN CERTIFICATE-----';

/** Forms send optional fields left blank as '' or null: they mean "not set". */
export function withoutBlanks(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}

export function isPem(text: string): boolean {
  return text.includes(PEM);
}

/** The CA certificates to trust: the PEM text, then the file's; a file that can't be read or holds no certificate is a config error naming it. */
export function trustedCa(destination: string, pem: string | undefined, file: string | undefined): string | undefined {
  if (!file) return pem;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new FerryError('config', `${destination} destination settings: caCertificateFile ${file} cannot be read (${(err as Error).message})`);
  }
  if (!isPem(text)) throw new FerryError('config', `${destination} destination settings: caCertificateFile ${file} holds no PEM certificate`);
  return pem ? `${pem}\n${text}` : text;
}
