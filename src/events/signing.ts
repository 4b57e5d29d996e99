import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { BasisError } from '../errors/base.js';
import { canonicalJson, type SummarySignature } from './integrity.js';

/** The variable holding the Ed25519 private key that signs summary.json. */
export const AUDIT_KEY_VARIABLE = 'BASIS_AUDIT_KEY';

/**
 * The audit signing key, or undefined when none is configured. Looked up like the config's secrets: the process
 * environment, then `deploy/.env`, then `deploy/.env.<env>`, a later source winning (the dotenv files are parsed,
 * never injected into process.env). The value is a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, with real newlines
 * or `\n` escapes, as one-line env files need) or the base64 of the PKCS#8 DER. Anything else, or a key that is
 * not Ed25519, is EVT-008; the key itself never appears in the error.
 */
export function loadAuditKey(opts: { deployDir: string; env?: string; environ?: NodeJS.ProcessEnv }): KeyObject | undefined {
  const environ = opts.environ ?? process.env;
  let value: string | undefined;
  let source = `$${AUDIT_KEY_VARIABLE}`;
  if (environ[AUDIT_KEY_VARIABLE] !== undefined && environ[AUDIT_KEY_VARIABLE] !== '') value = environ[AUDIT_KEY_VARIABLE];
  for (const name of ['.env', ...(opts.env !== undefined ? [`.env.${opts.env}`] : [])]) {
    const file = path.join(opts.deployDir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw keyError(file, `cannot read ${file}: ${(err as Error).message}`);
    }
    const v = dotenv.parse(text)[AUDIT_KEY_VARIABLE];
    if (v !== undefined && v !== '') {
      value = v;
      source = `${AUDIT_KEY_VARIABLE} in ${file}`;
    }
  }
  if (value === undefined) return undefined;
  const key = parseKey(value, 'private');
  if (key === undefined) throw keyError(source, `${source} is not an Ed25519 private key`, 'a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or the base64 of its DER');
  return key;
}

/** A public key file for `audit verify --public-key`: SPKI PEM or the base64 of its DER; EVT-008 otherwise. */
export function readPublicKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw keyError(file, `cannot read the public key ${file}: ${(err as Error).message}`);
  }
  const key = parseKey(text, 'public');
  if (key === undefined) throw keyError(file, `${file} is not an Ed25519 public key`, 'an SPKI PEM (-----BEGIN PUBLIC KEY-----) or the base64 of its DER');
  return key;
}

function parseKey(raw: string, kind: 'private' | 'public'): KeyObject | undefined {
  const text = raw.trim().replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    // A private key PEM would yield its public half; refusing it keeps private keys out of verify's arguments.
    if (text.startsWith('-----BEGIN')) {
      if (!text.startsWith(kind === 'private' ? '-----BEGIN PRIVATE KEY-----' : '-----BEGIN PUBLIC KEY-----')) return undefined;
      key = kind === 'private' ? createPrivateKey({ key: text, format: 'pem' }) : createPublicKey({ key: text, format: 'pem' });
    } else {
      if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) return undefined;
      const der = Buffer.from(text, 'base64');
      key = kind === 'private' ? createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) : createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  } catch {
    return undefined;
  }
  return key.asymmetricKeyType === 'ed25519' ? key : undefined;
}

function keyError(where: string, message: string, expected?: string): BasisError {
  return new BasisError('EVT-008', message, { problems: [{ code: 'EVT-008', file: where, message, ...(expected !== undefined ? { expected } : {}) }] });
}

export function publicKeyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return `sha256:${createHash('sha256').update(pub.export({ format: 'der', type: 'spki' })).digest('hex')}`;
}

/** The summary as signed: canonical JSON of every field but `signature`. */
function signedBytes(summary: Readonly<Record<string, unknown>>): Buffer {
  const rest = Object.fromEntries(Object.entries(summary).filter(([k]) => k !== 'signature'));
  return Buffer.from(canonicalJson(rest), 'utf8');
}

export function signSummary(summary: Readonly<Record<string, unknown>>, key: KeyObject): SummarySignature {
  return { algorithm: 'ed25519', publicKeyFingerprint: publicKeyFingerprint(key), value: sign(null, signedBytes(summary), key).toString('base64') };
}

/** Why a signature does not check out, or undefined when it does. */
export function checkSummarySignature(summary: Readonly<Record<string, unknown>>, signature: SummarySignature, key: KeyObject): string | undefined {
  const fingerprint = publicKeyFingerprint(key);
  if (signature.publicKeyFingerprint !== fingerprint) return `signed by key ${signature.publicKeyFingerprint}, not by the given public key ${fingerprint}`;
  const bytes = Buffer.from(signature.value, 'base64');
  if (bytes.length !== 64 || !verify(null, signedBytes(summary), key, bytes)) return 'the signature does not match the summary: summary.json was edited after it was signed';
  return undefined;
}
