import { describe, expect, it } from '@jest/globals';
import { creditCardDetector } from '../../activities/curation/pii/detectors/credit-card.js';
import { emailDetector } from '../../activities/curation/pii/detectors/email.js';
import { ibanDetector, ibanMod97Valid } from '../../activities/curation/pii/detectors/iban.js';
import { ipv4Detector, ipv6Detector } from '../../activities/curation/pii/detectors/ip.js';
import { luhnValid } from '../../activities/curation/pii/detectors/luhn.js';
import { macDetector } from '../../activities/curation/pii/detectors/mac.js';
import { personDetector } from '../../activities/curation/pii/detectors/person.js';
import { phoneDetector } from '../../activities/curation/pii/detectors/phone.js';
import { secretsDetector, shannonEntropy } from '../../activities/curation/pii/detectors/secrets.js';
import { ssnDetector } from '../../activities/curation/pii/detectors/ssn.js';
import { streetAddressDetector } from '../../activities/curation/pii/detectors/street-address.js';
import { piiOptionsSchema } from '../../activities/curation/pii/options.js';
import { createScanner } from '../../activities/curation/pii/scan.js';
import { PII_TYPES, type Detector } from '../../activities/curation/pii/types.js';
import { rng } from '../support/rng.js';

const values = (d: Detector, text: string) => d.find(text).map((f) => text.slice(f.start, f.end));

describe('Luhn and mod-97 properties', () => {
  it('a Luhn check digit makes any digit string valid, and changing any single digit breaks it', () => {
    const r = rng(7);
    for (let t = 0; t < 300; t++) {
      const body = Array.from({ length: 12 + Math.floor(r() * 7) }, () => Math.floor(r() * 10)).join('');
      const check = [...'0123456789'].find((c) => luhnValid(body + c))!;
      expect(check).toBeDefined();
      const full = body + check;
      expect(luhnValid(full)).toBe(true);
      const i = Math.floor(r() * full.length);
      const changed = full.slice(0, i) + String((Number(full[i]) + 1 + Math.floor(r() * 9)) % 10) + full.slice(i + 1);
      expect(luhnValid(changed)).toBe(false);
    }
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
  });

  it('mod-97 accepts computed IBAN check digits and rejects any single-character change or transposition', () => {
    const r = rng(11);
    const toNum = (s: string) => [...s].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
    const mod97 = (digits: string) => [...digits].reduce((m, d) => (m * 10 + Number(d)) % 97, 0);
    for (let t = 0; t < 300; t++) {
      const bban = Array.from({ length: 18 }, () => Math.floor(r() * 10)).join('');
      const check = String(98 - mod97(toNum(bban + 'DE00'))).padStart(2, '0');
      const iban = `DE${check}${bban}`;
      expect(ibanMod97Valid(iban)).toBe(true);
      const i = 4 + Math.floor(r() * 18);
      const changed = iban.slice(0, i) + String((Number(iban[i]) + 1 + Math.floor(r() * 9)) % 10) + iban.slice(i + 1);
      expect(ibanMod97Valid(changed)).toBe(false);
      if (iban[i] !== iban[i + 1] && i + 1 < iban.length) {
        const swapped = iban.slice(0, i) + iban[i + 1] + iban[i] + iban.slice(i + 2);
        expect(ibanMod97Valid(swapped)).toBe(false);
      }
    }
  });
});

describe('detectors: true positives and decoys', () => {
  it('email', () => {
    expect(values(emailDetector, 'Write to ana.silva+tag@mail.example.co.uk, or bob_o@x.io.')).toEqual(['ana.silva+tag@mail.example.co.uk', 'bob_o@x.io']);
    expect(values(emailDetector, 'Use @mentions, a@b (no tld), user@localhost and the `a @ b` pattern.')).toEqual([]);
  });

  it('phone numbers in international and national formats', () => {
    const d = phoneDetector('US');
    expect(values(d, 'Call +1 (415) 555-2671, +44 20 7946 0958 or +55 11 98765-4321; office 415.555.2671.')).toEqual([
      '+1 (415) 555-2671', '+44 20 7946 0958', '+55 11 98765-4321', '415.555.2671',
    ]);
    expect(values(phoneDetector('DE'), 'Ruf an: 030 901820')).toEqual(['030 901820']);
    const decoys = 'On 2024-01-15 at 10:30:45, order 4155552671 cost $1,299.99 (15%), ISBN 978-3-16-148410-0, v1.2.3, 12/25/2024.';
    expect(values(d, decoys)).toEqual([]);
  });

  it('credit cards with Luhn and issuer prefixes', () => {
    expect(values(creditCardDetector, 'Visa 4111 1111 1111 1111, MC 5500-0000-0000-0004, Amex 378282246310005.')).toEqual([
      '4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005',
    ]);
    // Order numbers that fail Luhn, ISBN-13s, repeated digits, long ids and prices survive.
    expect(values(creditCardDetector, 'Order 4111111111111112; ISBN 9780306406157; 0000000000000000; id 12345678901234567890123; $4111.11')).toEqual([]);
  });

  it('IBAN with mod-97 and country lengths', () => {
    expect(values(ibanDetector, 'Pay DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432 today.')).toEqual(['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432']);
    expect(values(ibanDetector, 'Not DE89 3704 0044 0532 0130 01, nor GB82WEST1234569876543 (short), nor TLP:AMBER.')).toEqual([]);
  });

  it('US SSN', () => {
    expect(values(ssnDetector, 'SSN 123-45-6789 and 078 05 1120.')).toEqual(['123-45-6789', '078 05 1120']);
    expect(values(ssnDetector, 'Not 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567, 123-45-0000, 2024-01-15, 123456789 or 123-45-67890.')).toEqual([]);
  });

  it('IPv4 and IPv6', () => {
    expect(values(ipv4Detector, 'Hosts 192.168.1.20 and 8.8.8.8.')).toEqual(['192.168.1.20', '8.8.8.8']);
    expect(values(ipv4Detector, 'Version 1.2.3.4, v10.0.0.1, 999.1.1.1, 1.2.3 and 3.14.')).toEqual([]);
    expect(values(ipv6Detector, 'Addr 2001:db8::8a2e:370:7334, fe80::1%eth0 and ::ffff:192.0.2.1 ok')).toEqual(['2001:db8::8a2e:370:7334', 'fe80::1%eth0', '::ffff:192.0.2.1']);
    expect(values(ipv6Detector, 'At 10:30:45, ratio 3:2, mac 00:1A:2B:3C:4D:5E, C++::std, TLP:AMBER.')).toEqual([]);
  });

  it('MAC addresses', () => {
    expect(values(macDetector, 'NIC 00:1A:2B:3C:4D:5E, 00-1a-2b-3c-4d-5e and 001a.2b3c.4d5e.')).toEqual(['00:1A:2B:3C:4D:5E', '00-1a-2b-3c-4d-5e', '001a.2b3c.4d5e']);
    expect(values(macDetector, 'Time 10:30:45:12, mixed 00:1A-2B:3C:4D:5E, 2001:db8::1.')).toEqual([]);
  });

  it('street addresses', () => {
    expect(values(streetAddressDetector, 'Meet at 1600 Pennsylvania Ave NW, Washington, DC 20500 or 221B Baker Street.')).toEqual([
      '1600 Pennsylvania Ave NW, Washington, DC 20500', '221B Baker Street',
    ]);
    expect(values(streetAddressDetector, 'Send to P.O. Box 1234; or Rua Augusta, 123; or Hauptstraße 12.')).toEqual(['Rua Augusta, 123', 'Hauptstraße 12', 'P.O. Box 1234']);
    expect(values(streetAddressDetector, 'We shipped 3 Boxes on 2024-01-15; chapter 12 Drive Safely was long; 15% off.')).toEqual([]);
  });

  it('person names by dictionary, cue and surname; ordinary words survive', () => {
    const d = personDetector();
    expect(values(d, 'My partner Sarah Johnson met John at the cafe. Dr. Okafor joined.')).toEqual(['Sarah Johnson', 'John', 'Dr. Okafor'.slice(4)]);
    expect(values(d, 'In May we will grace the event with hope; Mark the date. TLP:AMBER stays.')).toEqual([]);
    expect(values(d, 'My wife May said hi.')).toEqual(['May']);
    expect(values(personDetector(['Thiago']), 'Thiago laughed.')).toEqual(['Thiago']);
  });

  it('secrets: vendor key formats, private keys, URL credentials and high-entropy tokens', () => {
    const d = secretsDetector({ highEntropy: true, minEntropy: 4.5 });
    const text = [
      'anthropic sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd',
      'openai sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'aws AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'gh ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'db postgres://admin:hunter2@db.internal:5432/app',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      'token Zx8Qp2Lm9Rt4Vw7Yb3Nc6Hd1Kf5Jg0Se',
    ].join('\n');
    const found = d.find(text).map((f) => f.subtype);
    expect(found).toEqual(
      expect.arrayContaining(['anthropic_key', 'openai_key', 'aws_access_key', 'aws_secret_key', 'github_token', 'url_credentials', 'private_key', 'high_entropy']),
    );
    const decoys = 'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, commit 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b, https://example.com/path, sk-short, the_quick_brown_fox_jumps_over_the_lazy_dog_again';
    expect(d.find(decoys)).toEqual([]);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
});

describe('scanner: overlaps, allow-lists and Cypher', () => {
  const options = piiOptionsSchema.parse({ allow: ['help@forgeline.dev'], allowPatterns: ['10\\.0\\.0\\.\\d+'] });
  const scanner = createScanner(options);
  const all = new Set(PII_TYPES);

  it('resolves overlaps by type priority and honours allow-lists', () => {
    const text = 'Mail help@forgeline.dev or ana@example.org; host 10.0.0.7 and 172.16.0.9; url https://bob:pw123@git.example.com/x';
    const found = scanner.scan(text, all).map((f) => [f.type, text.slice(f.start, f.end)]);
    expect(found).toEqual([
      ['email', 'ana@example.org'],
      ['ipv4', '172.16.0.9'],
      ['secret', 'https://bob:pw123@git.example.com'],
    ]);
  });

  it('leaves Cypher statements to the strong detectors only', () => {
    const text = "MATCH (p:Person {name: 'Sarah Johnson', phone: '415-555-2671'}) WHERE p.email = 'sj@example.com' RETURN p";
    expect(scanner.scan(text, all).map((f) => f.type)).toEqual(['email']);
  });
});
