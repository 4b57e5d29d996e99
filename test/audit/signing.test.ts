import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BasisError } from '../../src/errors/base.js';
import { verifyRun } from '../../src/events/audit.js';
import { canonicalJson } from '../../src/events/integrity.js';
import { AUDIT_KEY_VARIABLE, loadAuditKey, publicKeyFingerprint, signSummary } from '../../src/events/signing.js';
import { SHARED_DATA, SHORT_RUN, basis, codesIn, freshRun, readSummary, tmpDir, writeSummary, type Json } from './helpers.js';

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject; pubFile: string; pemPrivate: string; derPrivate: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pubFile = path.join(tmpDir('key'), 'audit.pub');
  writeFileSync(pubFile, publicKey.export({ format: 'pem', type: 'spki' }));
  return {
    privateKey,
    publicKey,
    pubFile,
    pemPrivate: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    derPrivate: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

const saved = process.env[AUDIT_KEY_VARIABLE];
afterEach(() => {
  if (saved === undefined) delete process.env[AUDIT_KEY_VARIABLE];
  else process.env[AUDIT_KEY_VARIABLE] = saved;
});

describe('a run signed with BASIS_AUDIT_KEY', () => {
  it.each([
    ['a PKCS#8 PEM', (k: ReturnType<typeof keyPair>) => k.pemPrivate],
    ['a PEM on one line with \\n escapes', (k: ReturnType<typeof keyPair>) => k.pemPrivate.trim().replace(/\n/g, '\\n')],
    ['the base64 of the PKCS#8 DER', (k: ReturnType<typeof keyPair>) => k.derPrivate],
  ])('signs summary.json when the key is %s, and verifies with --public-key', async (_what, form) => {
    const k = keyPair();
    process.env[AUDIT_KEY_VARIABLE] = form(k);
    const out = path.join(tmpDir('signed'), 'run');
    const run = await basis('backtest', '--mode', SHORT_RUN.mode, '--start', SHORT_RUN.start, '--end', SHORT_RUN.end, '--data-dir', SHARED_DATA, '--no-progress', '--out', out);
    expect(run.stderr).toBe('');
    expect(run.exit).toBe(0);
    const summary = readSummary(out);
    const sig = summary['signature'] as Json;
    expect(sig['algorithm']).toBe('ed25519');
    expect(sig['publicKeyFingerprint']).toBe(publicKeyFingerprint(k.publicKey));
    expect(Buffer.from(sig['value'] as string, 'base64')).toHaveLength(64);

    const ok = await basis('audit', 'verify', out, '--public-key', k.pubFile);
    expect(ok.stderr).toBe('');
    expect(ok.exit).toBe(0);
    expect(ok.stdout).toMatch(/signature verified/);
    // Without a key the signature cannot be checked, and the output says so.
    expect((await basis('audit', 'verify', out)).stdout).toMatch(/signed, signature not checked \(no --public-key\)/);
  });

  it('signs the canonical JSON of every field but the signature (key order and whitespace do not matter)', async () => {
    const k = keyPair();
    const dir = await freshRun({ auditKey: k.privateKey });
    const s = readSummary(dir);
    const reordered = Object.fromEntries(Object.entries(s).reverse());
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(reordered));
    expect((await verifyRun(dir, { publicKey: k.publicKey })).signature).toBe('verified');
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});

describe('a signature that does not check out is EVT-007', () => {
  const cases: Array<[string, (dir: string, k: ReturnType<typeof keyPair>) => void, RegExp]> = [
    [
      'a field no other check reads (the timing) edited',
      (dir) => {
        const s = readSummary(dir);
        writeSummary(dir, { ...s, timing: { ...(s['timing'] as Json), runMs: 1 } });
      },
      /summary.json was edited after it was signed/,
    ],
    [
      'the rebalance count edited',
      (dir) => {
        const s = readSummary(dir);
        writeSummary(dir, { ...s, rebalances: (s['rebalances'] as number) + 1 });
      },
      /summary.json was edited after it was signed/,
    ],
    [
      'the signature removed',
      (dir) => {
        const s = readSummary(dir);
        delete s['signature'];
        writeSummary(dir, s);
      },
      /not signed but a public key was given/,
    ],
    [
      'a flipped signature byte',
      (dir) => {
        const s = readSummary(dir);
        const sig = s['signature'] as Json;
        const bytes = Buffer.from(sig['value'] as string, 'base64');
        bytes[10] = bytes[10]! ^ 1;
        writeSummary(dir, { ...s, signature: { ...sig, value: bytes.toString('base64') } });
      },
      /does not match the summary/,
    ],
    [
      'a summary re-signed with another key',
      (dir) => {
        const other = keyPair();
        const s = readSummary(dir);
        delete s['signature'];
        const edited = { ...s, apy: 0.5 };
        writeSummary(dir, { ...edited, signature: signFor(edited, other.privateKey) });
      },
      /not by the given public key/,
    ],
  ];
  it.each(cases)('%s', async (_what, tamper, text) => {
    const k = keyPair();
    const dir = await freshRun({ auditKey: k.privateKey });
    tamper(dir, k);
    const r = await basis('audit', 'verify', dir, '--public-key', k.pubFile);
    expect(r.exit).not.toBe(0);
    expect(r.stderr).toMatch(/^error EVT-007: audit failed/);
    expect(codesIn(r.stderr)[0]).toBe('EVT-007');
    expect(r.stderr).toMatch(text);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  it('an unsigned run with --public-key is EVT-007', async () => {
    const k = keyPair();
    const dir = await freshRun();
    const r = await basis('audit', 'verify', dir, '--public-key', k.pubFile);
    expect(r.stderr).toMatch(/^error EVT-007: /);
    expect(r.stderr).toContain(`EVT-007 ${path.join(dir, 'summary.json')} at signature`);
  });
});

/** A forger with their own key signs exactly as a run does. */
function signFor(summary: Json, key: KeyObject): Json {
  return { ...signSummary(summary, key) };
}

describe('a bad key is EVT-008 and never printed', () => {
  it('a BASIS_AUDIT_KEY that is not an Ed25519 private key fails the run before anything is written', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const bad of ['not a key', rsa, keyPair().publicKey.export({ format: 'pem', type: 'spki' }).toString()]) {
      process.env[AUDIT_KEY_VARIABLE] = bad;
      const out = path.join(tmpDir('badkey'), 'run');
      const r = await basis('backtest', '--mode', SHORT_RUN.mode, '--start', SHORT_RUN.start, '--end', SHORT_RUN.end, '--data-dir', SHARED_DATA, '--no-progress', '--out', out);
      expect(r.exit).not.toBe(0);
      expect(r.stderr).toMatch(/error EVT-008: \$BASIS_AUDIT_KEY is not an Ed25519 private key/);
      expect(r.stderr).not.toContain(bad.split('\n')[1] ?? bad);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a --public-key file that is missing or not an Ed25519 public key', async () => {
    const dir = await freshRun();
    const root = tmpDir('pub');
    const notKey = path.join(root, 'x.pub');
    writeFileSync(notKey, 'hello\n');
    const priv = path.join(root, 'priv.pem');
    writeFileSync(priv, keyPair().pemPrivate);
    for (const f of [path.join(root, 'missing.pub'), notKey, priv]) {
      const r = await basis('audit', 'verify', dir, '--public-key', f);
      expect(r.exit).not.toBe(0);
      expect(r.stderr).toMatch(/^error EVT-008: /);
      expect(r.stderr).toContain(f);
      expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
    }
  });
});

describe('loadAuditKey', () => {
  it('reads the environment, then deploy/.env, then deploy/.env.<env>, a later source winning', () => {
    const [a, b, c] = [keyPair(), keyPair(), keyPair()];
    const deployDir = path.join(tmpDir('deploy'), 'deploy');
    mkdirSync(deployDir);
    const fp = (key: KeyObject | undefined): string | undefined => (key ? publicKeyFingerprint(key) : undefined);
    expect(loadAuditKey({ deployDir, env: 'dev', environ: {} })).toBeUndefined();
    expect(fp(loadAuditKey({ deployDir, env: 'dev', environ: { [AUDIT_KEY_VARIABLE]: a.derPrivate } }))).toBe(fp(a.publicKey));
    writeFileSync(path.join(deployDir, '.env'), `${AUDIT_KEY_VARIABLE}="${b.pemPrivate}"\n`);
    expect(fp(loadAuditKey({ deployDir, env: 'dev', environ: { [AUDIT_KEY_VARIABLE]: a.derPrivate } }))).toBe(fp(b.publicKey));
    writeFileSync(path.join(deployDir, '.env.staging'), `${AUDIT_KEY_VARIABLE}=${c.derPrivate}\n`);
    expect(fp(loadAuditKey({ deployDir, env: 'dev', environ: {} }))).toBe(fp(b.publicKey));
    expect(fp(loadAuditKey({ deployDir, env: 'staging', environ: {} }))).toBe(fp(c.publicKey));
    writeFileSync(path.join(deployDir, '.env.staging'), `${AUDIT_KEY_VARIABLE}=oops\n`);
    let err: unknown;
    try {
      loadAuditKey({ deployDir, env: 'staging', environ: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BasisError);
    expect((err as BasisError).code).toBe('EVT-008');
    expect((err as BasisError).message).toContain(path.join(deployDir, '.env.staging'));
    expect((err as BasisError).message).not.toContain('oops');
  });
});
