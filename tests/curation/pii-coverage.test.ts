import { describe, expect, it } from '@jest/globals';
import { accountIdDetector } from '../../activities/curation/pii/detectors/account-id.js';
import { bankAccountDetector } from '../../activities/curation/pii/detectors/bank-account.js';
import { base58CheckValid, bech32Valid, cryptoWalletDetector } from '../../activities/curation/pii/detectors/crypto-wallet.js';
import { dateOfBirthDetector } from '../../activities/curation/pii/detectors/date-of-birth.js';
import { driversLicenseDetector } from '../../activities/curation/pii/detectors/drivers-license.js';
import { itinDetector } from '../../activities/curation/pii/detectors/itin.js';
import { passportDetector } from '../../activities/curation/pii/detectors/passport.js';
import { personDetector } from '../../activities/curation/pii/detectors/person.js';
import { phoneDetector } from '../../activities/curation/pii/detectors/phone.js';
import { streetAddressDetector } from '../../activities/curation/pii/detectors/street-address.js';
import { workplaceDetector } from '../../activities/curation/pii/detectors/workplace.js';
import { piiOptionsSchema } from '../../activities/curation/pii/options.js';
import { createScanner } from '../../activities/curation/pii/scan.js';
import { PII_TYPES, type Detector } from '../../activities/curation/pii/types.js';

// Issue 19 defect 7: seed 004's checklist (workplaces, user ids) and Presidio's types that were missing.
const values = (d: Detector, text: string) => d.find(text).map((f) => text.slice(f.start, f.end));
const scanner = createScanner(piiOptionsSchema.parse({}));
const all = new Set(PII_TYPES);
const scan = (text: string) => scanner.scan(text, all).map((f) => [f.type, text.slice(f.start, f.end)]);

describe('identity documents and numbers after their cue', () => {
  it('passport, driver licence, bank account and user ids', () => {
    expect(values(passportDetector, 'Passport number 912803456; passport: C03005988; my passport XS5093325 expired.')).toEqual(['912803456', 'C03005988', 'XS5093325']);
    expect(values(driversLicenseDetector, "His driver's license D123-4567-8901, DL# S5301234, driving licence MORGA657054SM9IJ.")).toEqual(['D123-4567-8901', 'S5301234', 'MORGA657054SM9IJ']);
    expect(values(bankAccountDetector, 'Joint bank account 12345678901, routing number 021000021, sort code 12-34-56.')).toEqual(['12345678901', '021000021', '12-34-56']);
    expect(values(accountIdDetector, 'My user ID is u48213, customer # ACC-0091823, username @sunny_day, Member #CUST230440.')).toEqual(['u48213', 'ACC-0091823', '@sunny_day', 'CUST230440']);
    // Without the cue the same shapes are order numbers and versions; ids in code are not values.
    expect(values(passportDetector, 'Order 912803456 shipped; the pass 123456789 ran.')).toEqual([]);
    expect(values(accountIdDetector, 'const userId = req.params.id; user_id = row["account"]; def get_user(user_id): pass')).toEqual([]);
    expect(values(bankAccountDetector, 'The account was closed in 2019 after 3 years.')).toEqual([]);
  });

  it('ITIN by the IRS group ranges, bare only after its cue; SSNs stay SSNs', () => {
    expect(values(itinDetector, 'ITIN 912-70-1234, 950 88 4321, and ITIN 912941234.')).toEqual(['912-70-1234', '950 88 4321', '912941234']);
    // Group 93 and 40 are not issued; a bare 9-digit run needs the cue.
    expect(values(itinDetector, 'Not 912-93-1234, 912-40-1234, or order 912701234.')).toEqual([]);
    expect(scan('SSN 123-45-6789 and ITIN 912-70-1234.')).toEqual([['ssn', '123-45-6789'], ['itin', '912-70-1234']]);
  });

  it('dates of birth after a birth cue; other dates stay', () => {
    expect(values(dateOfBirthDetector, 'I was born on November 25, 1999. DOB: 03/14/1987. Date of birth 1990-02-01; geboren am 12.05.1984.')).toEqual([
      'November 25, 1999', '03/14/1987', '1990-02-01', '12.05.1984',
    ]);
    expect(values(dateOfBirthDetector, '2024-01-15 10:30:45 INFO started; released on March 3, 2024; due 12/25/2024.')).toEqual([]);
  });
});

describe('wallets, workplaces, phones and addresses', () => {
  it('crypto wallets by checksum', () => {
    const text = 'BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa, 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy, bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, ETH 0x52908400098527886E0F7030069857D2E4169EE7.';
    expect(values(cryptoWalletDetector, text)).toEqual([
      '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', '0x52908400098527886E0F7030069857D2E4169EE7',
    ]);
    // One changed character breaks Base58Check and bech32; a bare 40-hex commit id is no wallet.
    expect(base58CheckValid('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb')).toBe(false);
    expect(bech32Valid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr')).toBe(false);
    expect(values(cryptoWalletDetector, 'commit 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b, 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb')).toEqual([]);
  });

  it('workplace names after a work cue or with a company suffix (seed 004: "Specific workplace names generalized")', () => {
    expect(values(workplaceDetector, 'I work at Acme Robotics and my boss at Mercy General Hospital is mean; she joined Stripe. Contoso Ltd pays late.')).toEqual([
      'Acme Robotics', 'Mercy General Hospital', 'Stripe', 'Contoso Ltd',
    ]);
    expect(values(workplaceDetector, 'I work at home at night; we joined the team.')).toEqual([]);
  });

  it('phones as people write them, unassigned area codes included; dates, IPs and versions are no phones', () => {
    const d = phoneDetector('US');
    expect(values(d, 'Call 632.502.1968 or (874) 336-8489, or 874 336 8489; Paris +33 1 42 68 49 25.')).toEqual(
      expect.arrayContaining(['632.502.1968', '(874) 336-8489', '874 336 8489']),
    );
    expect(scan('Paris +33 1 42 68 49 25.')).toEqual([['phone', '+33 1 42 68 49 25']]);
    expect(scan('2024-01-15 10:30:45 INFO from 203.61.164.73, build 10.0.19045, v1.2.3.4')).toEqual([['ipv4', '203.61.164.73']]);
  });

  it('addresses in non-US formats, non-ASCII street names included', () => {
    const text = 'Königstraße 12, 70173 Stuttgart; 12 Rue de Rivoli; 8, rue de la Paix; Calle de Alcalá 45; Via Roma 10; Keizersgracht 123; Kungsgatan 5; ul. Marszałkowska 10; Rua das Flores, 27; 10 Downing Street, London';
    expect(values(streetAddressDetector, text).sort()).toEqual(
      [
        'Königstraße 12, 70173 Stuttgart', '12 Rue de Rivoli', '8, rue de la Paix', 'Calle de Alcalá 45', 'Via Roma 10', 'Keizersgracht 123', 'Kungsgatan 5',
        'ul. Marszałkowska 10', 'Rua das Flores, 27', '10 Downing Street, London',
      ].sort(),
    );
    expect(values(streetAddressDetector, 'Sent via email 10 times; step 3 place the widget; chapter 12 Drive Safely.')).toEqual([]);
  });

  it('people named by relationship prose, dictionary or not', () => {
    expect(values(personDetector(), 'My husband Bartholomew works late. Oluwaseun and I argued. I told Siobhan.')).toEqual(['Bartholomew', 'Oluwaseun', 'Siobhan']);
  });
});

describe('decoys and Cypher', () => {
  it('leaves code, Cypher, failing order numbers, versions and log dates intact, and scans the prose after a Cypher statement', () => {
    const decoys = [
      'const userId = req.params.id;', 'for (let i = 0; i < 305; i++) total += prices[i];', "MATCH (u:User {user_id: 'u48213'})-[:WORKS_AT]->(c:Company {name: 'Acme Robotics'}) RETURN u.name",
      'Order #4111111111111112', 'version 10.0.19045', 'Python 3.11.7', '2024-05-17 13:56:55 INFO worker started', '[2025-11-06T04:10:00Z] GET /api/v1/items 200',
    ];
    for (const d of decoys) expect([d, scan(d)]).toEqual([d, []]);
    // Before this fix the guard ran to the end of the line and hid the SSN.
    expect(scan("MATCH (p:Person {name: 'Ana'}) RETURN p. He asked for my SSN 679-60-0050.")).toEqual([['ssn', '679-60-0050']]);
  });
});
