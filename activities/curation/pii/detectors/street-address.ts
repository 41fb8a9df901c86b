import { matchAll, type Detector } from '../types.js';

const SUFFIX =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Alley|Crescent|Close|Gardens';
// "221B Baker Street", "1600 Pennsylvania Ave NW, Apt 4, Washington, DC 20500"
const US_UK = new RegExp(
  `\\b\\d{1,6}[A-Za-z]?\\s+(?:[A-Z][a-z]+\\.?\\s+|[NSEW]\\.?\\s+|\\d{1,3}(?:st|nd|rd|th)\\s+){1,4}(?:${SUFFIX})\\b(?:(?<=\\b(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl))\\.(?=[ ,]))?` +
    `(?:\\s+(?:NW|NE|SW|SE|N|S|E|W)\\b)?` +
    `(?:,?\\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\\.?\\s*[\\w-]+)?` +
    `(?:,\\s*[A-Z][a-z]+(?:\\s+[A-Z][a-z]+)?(?:,?\\s+[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?)?)?`,
  'g',
);
// "Rua Augusta, 123", "Calle Mayor 5", "Hauptstraße 12"
const CONTINENTAL = /\b(?:Rua|Avenida|Av\.|Calle|Via|Rue|Travessa|Praça|Plaza)\s+(?:[A-ZÀ-Ý][\wÀ-ÿ'.-]*\s*){1,4},?\s*\d{1,5}[A-Za-z]?\b|\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?\b/g;
const PO_BOX = /\bP\.?\s?O\.?\s+Box\s+\d{1,8}\b/gi;

/** Street addresses: number + capitalised street name + a street suffix (US/UK), common continental forms, PO boxes. */
export const streetAddressDetector: Detector = {
  type: 'street_address',
  quick: (t) => /\d/.test(t),
  find: (t) => [...matchAll(US_UK, t, 'street_address'), ...matchAll(CONTINENTAL, t, 'street_address'), ...matchAll(PO_BOX, t, 'street_address')],
};
