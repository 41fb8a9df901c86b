import { matchAll, type Detector } from '../types.js';

// Capitalised words in any Latin script ("Königs", "Élysées"); `\b` is ASCII-only, so edges are lookarounds.
const W = String.raw`\p{Lu}[\p{Ll}ß'’-]+\.?`;
const END = String.raw`(?![\p{L}\d])`;
const SUFFIX =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Alley|Crescent|Close|Gardens|Row|Mews|Hill|Walk|Grove';
// "221B Baker Street", "1600 Pennsylvania Ave NW, Apt 4, Washington, DC 20500", "10 Downing Street, London SW1A 2AA"
const US_UK = new RegExp(
  String.raw`(?<![\p{L}\d])\d{1,6}[A-Za-z]?\s+(?:${W}\s+|[NSEW]\.?\s+|\d{1,3}(?:st|nd|rd|th)\s+){1,4}(?:${SUFFIX})${END}(?:(?<=(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl))\.(?=[ ,]))?` +
    String.raw`(?:\s+(?:NW|NE|SW|SE|N|S|E|W)${END})?` +
    String.raw`(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\.?\s*[\w-]+)?` +
    String.raw`(?:,\s*${W}(?:\s+${W})?(?:,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?|\s+[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2})?)?`,
  'gu',
);
// Romance and Slavic forms: the street word first, the number after or before it.
// "Rua Augusta, 123", "Calle de Alcalá 45", "Via Roma 10", "ul. Marszałkowska 10", "12 Rue de Rivoli", "8, rue de la Paix"
// Either case for the street word ("12, rue de la Paix"), never the `i` flag: names must stay capitalised.
const STREET_WORD = `(?:${'Rua Avenida Av. Calle Carrer Via Viale Piazza Corso Rue Travessa Praça Plaza Paseo Avenue Boulevard Bd Quai Place Impasse Allée Chemin Cours Ul. Ulica Strada'
  .split(' ')
  .map((w) => `[${w[0]}${w[0]!.toLowerCase()}]${w.slice(1).replace('.', '\\.')}`)
  .join('|')})`;
const PARTICLE = String.raw`(?:de|del|della|di|da|do|dos|das|du|des|la|le|las|los|d'|l')`;
const STREET_NAME = String.raw`(?:${PARTICLE}\s*)*${W}(?:\s+(?:${PARTICLE}\s*)*${W}){0,3}`;
const ROMANCE_AFTER = new RegExp(String.raw`(?<![\p{L}\d])${STREET_WORD}\s+${STREET_NAME},?\s*(?:n[º°o]\.?\s*)?\d{1,5}[A-Za-z]?${END}(?:,\s*\d{4,5}(?:-\d{3})?\s+${W}(?:\s+${W})?)?`, 'gu');
const ROMANCE_BEFORE = new RegExp(String.raw`(?<![\p{L}\d])\d{1,4}(?:\s?(?:bis|ter))?,?\s+${STREET_WORD}\s+${STREET_NAME}(?:,\s*\d{5}\s+${W}(?:\s+${W})?)?`, 'gu');
// Germanic and Nordic compounds: "Königstraße 12", "Keizersgracht 123", "Kungsgatan 5, 111 43 Stockholm"
const COMPOUND = new RegExp(
  String.raw`(?<![\p{L}\d])\p{Lu}\p{Ll}*(?:-\p{L}+)*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|gracht|straat|laan|plein|kade|vej|gade|gatan|vägen|veien|gata|utca)\s+\d{1,4}[a-z]?${END}` +
    String.raw`(?:,\s*(?:D-)?\d{3,5}(?:\s\d{2})?\s+${W}(?:\s+${W})?)?`,
  'gu',
);
const PO_BOX = /\bP\.?\s?O\.?\s+Box\s+\d{1,8}\b/gi;

/**
 * Street addresses: number + capitalised street name + a street suffix (US/UK), Romance and Slavic
 * forms with the number on either side, Germanic and Nordic compounds, PO boxes. Names may hold
 * any Latin letters (Presidio's LOCATION covers these through its NER model).
 */
export const streetAddressDetector: Detector = {
  type: 'street_address',
  // Every form holds a digit and a space (a log timestamp or an id holds none).
  needs: { digits: 1, whitespace: true },
  find: (t) => [
    ...matchAll(US_UK, t, 'street_address'),
    ...matchAll(ROMANCE_AFTER, t, 'street_address'),
    ...matchAll(ROMANCE_BEFORE, t, 'street_address'),
    ...matchAll(COMPOUND, t, 'street_address'),
    ...matchAll(PO_BOX, t, 'street_address'),
  ],
};
