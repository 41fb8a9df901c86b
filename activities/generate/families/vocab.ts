import type { Rng } from '../rng.js';

/** Small vocabularies for the deterministic generators. */
export const FIRST_NAMES = ['Ana', 'Bob', 'Chen', 'Dara', 'Elif', 'Femi', 'Gus', 'Hana', 'Ivan', 'Jaya', 'Kofi', 'Lena', 'Mateo', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Vera', 'Wei', 'Yara', 'Zoe'];
export const CITIES: Array<[string, string, number, number]> = [
  ['Lisbon', 'Portugal', 38.72, -9.14], ['Nairobi', 'Kenya', -1.29, 36.82], ['Osaka', 'Japan', 34.69, 135.5], ['Lima', 'Peru', -12.05, -77.04],
  ['Oslo', 'Norway', 59.91, 10.75], ['Austin', 'USA', 30.27, -97.74], ['Pune', 'India', 18.52, 73.86], ['Krakow', 'Poland', 50.06, 19.94],
  ['Accra', 'Ghana', 5.6, -0.19], ['Porto Alegre', 'Brazil', -30.03, -51.23], ['Hanoi', 'Vietnam', 21.03, 105.85], ['Tallinn', 'Estonia', 59.44, 24.75],
];
export const INTERESTS = ['Neo4j', 'JSON', 'hiking', 'chess', 'jazz', 'Rust', 'gardening', 'photography', 'cycling', 'baking', 'astronomy', 'TypeScript'];
export const PRODUCTS: Array<[string, string]> = [
  ['Laptop Dell XPS 13', 'electronics'], ['Trail running shoes', 'sports'], ['Espresso grinder', 'kitchen'], ['Noise-cancelling headphones', 'electronics'],
  ['Cast iron skillet', 'kitchen'], ['Yoga mat', 'sports'], ['Mechanical keyboard', 'electronics'], ['Desk lamp', 'home'], ['Wool blanket', 'home'],
];
export const CURRENCIES = ['USD', 'EUR', 'BRL', 'JPY', 'GBP', 'INR'];
export const EVENT_TYPES = ['login_failed', 'disk_full', 'deploy_finished', 'payment_declined', 'cert_expiring', 'backup_completed'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
export const LOG_MESSAGES = ['connection pool exhausted', 'user session refreshed', 'retrying upstream request', 'cache warmed', 'schema migration applied', 'rate limit reached'];
export const WORDS = ['alpha', 'bravo', 'cedar', 'delta', 'ember', 'fjord', 'gamma', 'harbor', 'indigo', 'juniper', 'kelvin', 'lumen', 'maple', 'nova', 'onyx', 'pixel'];

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

export function numberWords(n: number): string {
  if (n < 20) return NUMBER_WORDS[n]!;
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 === 0 ? t : `${t}-${NUMBER_WORDS[n % 10]!}`;
}

export function isoDate(rng: Rng): string {
  const d = new Date(Date.UTC(2020 + rng.int(0, 5), rng.int(0, 11), rng.int(1, 28), rng.int(0, 23), rng.int(0, 59), rng.int(0, 59)));
  return d.toISOString().replace('.000', '');
}

/** A small random JSON object (nested, with arrays) for repair, transform and style tasks. */
export function randomObject(rng: Rng, depth = 0): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const keys = rng.sample(WORDS, rng.int(2, 4));
  for (const k of keys) {
    const kind = depth >= 2 ? rng.int(0, 3) : rng.int(0, 5);
    if (kind === 0) obj[k] = rng.int(0, 999);
    else if (kind === 1) obj[k] = rng.pick([...FIRST_NAMES, ...INTERESTS]);
    else if (kind === 2) obj[k] = rng.chance(0.5);
    else if (kind === 3) obj[k] = Math.round(rng.next() * 10000) / 100;
    else if (kind === 4) obj[k] = rng.sample(INTERESTS, rng.int(0, 3));
    else obj[k] = randomObject(rng, depth + 1);
  }
  return obj;
}
