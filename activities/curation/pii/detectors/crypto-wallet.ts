import { createHash } from 'node:crypto';
import { matchAll, type Detector } from '../types.js';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const LEGACY = /(?<![A-Za-z0-9])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])/g;
const BECH32 = /(?<![A-Za-z0-9])(?:bc1|tb1)[02-9ac-hj-np-z]{8,87}(?![A-Za-z0-9])/gi;
const ETHEREUM = /(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])/g;

/** Base58Check (Bitcoin P2PKH / P2SH): 25 bytes whose last four are the double SHA-256 of the first 21. */
export function base58CheckValid(s: string): boolean {
  let n = 0n;
  for (const c of s) {
    const i = BASE58.indexOf(c);
    if (i < 0) return false;
    n = n * 58n + BigInt(i);
  }
  const hex = n.toString(16).padStart(50, '0');
  if (hex.length !== 50) return false;
  const bytes = Buffer.from(hex, 'hex');
  const sum = createHash('sha256').update(createHash('sha256').update(bytes.subarray(0, 21)).digest()).digest();
  return sum.subarray(0, 4).equals(bytes.subarray(21));
}

/** BIP-173 / BIP-350 checksum (bech32 for segwit v0, bech32m for v1+). */
export function bech32Valid(addr: string): boolean {
  const s = addr.toLowerCase();
  const sep = s.lastIndexOf('1');
  const hrp = s.slice(0, sep);
  const data = [...s.slice(sep + 1)].map((c) => 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'.indexOf(c));
  if (data.some((d) => d < 0) || data.length < 7) return false;
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31), ...data]) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= G[i]!;
  }
  return chk === 1 || chk === 0x2bc830a3;
}

/**
 * Cryptocurrency wallet addresses: Bitcoin legacy (Base58Check) and segwit (bech32/bech32m), both
 * checksum-verified as Presidio's CryptoRecognizer does, and Ethereum's 0x + 40 hex digits (no
 * checksum is mandatory there; 40 hex digits without 0x, a commit id, is left alone).
 */
export const cryptoWalletDetector: Detector = {
  type: 'crypto_wallet',
  // A legacy address is a run of 26 or more letters and digits, an Ethereum one of 42.
  needs: [{ alnumRun: 26 }, { cues: ['bc1', 'tb1'] }],
  quick: (t) => /[13][1-9A-HJ-NP-Za-km-z]{25}|bc1|tb1|0x[0-9a-fA-F]{40}/i.test(t),
  find: (t) => [
    ...matchAll(LEGACY, t, 'crypto_wallet', (m) => (base58CheckValid(m[0]) ? 'bitcoin' : false)),
    ...matchAll(BECH32, t, 'crypto_wallet', (m) => (bech32Valid(m[0]) ? 'bitcoin' : false)),
    ...matchAll(ETHEREUM, t, 'crypto_wallet', () => 'ethereum'),
  ],
};
