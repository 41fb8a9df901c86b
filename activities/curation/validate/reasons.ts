/** Stable reason codes of the validate stage (docs/stages/validate.md). */
export const VALIDATE_REASONS = [
  'blank_line',
  'too_large',
  'invalid_utf8',
  'truncated_json',
  'malformed_json',
  'not_an_object',
  'unknown_format',
  'missing_field',
  'wrong_type',
  'empty_field',
  'invalid_value',
] as const;
export type ValidateReason = (typeof VALIDATE_REASONS)[number];
